import stdlibErfc from '@stdlib/math-base-special-erfc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  erfc,
  mulExpTail,
  normalCdf,
  normalPdf,
  twoProductError,
} from '../../../src/kernel/special';

describe('special functions', () => {
  it('erfc is the @stdlib fdlibm port, bit for bit', () => {
    const check = (x: number) => Object.is(erfc(x), stdlibErfc(x));
    fc.assert(fc.property(fc.double(), check), { numRuns: 5000 });
    fc.assert(fc.property(fc.double({ min: -7, max: 30, noNaN: true }), check), { numRuns: 20000 });
    for (const x of [0, -0, 0.84375, 1.25, 2.857142857142857, 28, -6, 1e-17, Infinity, -Infinity]) {
      expect(erfc(x), String(x)).toBe(stdlibErfc(x));
    }
  });
  it('twoProductError recovers the exact rounding error of a product', () => {
    // (1 + 2^-30)² = 1 + 2^-29 + 2^-60: the double product drops 2^-60
    const a = 1 + 2 ** -30;
    expect(twoProductError(a, a, a * a)).toBe(2 ** -60);
  });
  it('normalCdf and normalPdf have their known values and limits', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(NaN)).toBeNaN();
    // Φ(−10) = 7.619853024160525e−24 (mpmath, rounded once)
    expect(normalCdf(-10)).toBeCloseTo(7.619853024160525e-24, 38);
    expect(normalPdf(0)).toBe(0.3989422804014327);
    expect(normalPdf(50)).toBe(0);
    expect(normalPdf(NaN)).toBeNaN();
  });
  it('mulExpTail forms m·e^v without rounding e^v into the subnormals first', () => {
    // 745·e^{−745}: e^{−745} alone rounds to the smallest subnormal, 4.9e−324 (a 100 % error)
    const naive = 745 * Math.exp(-745);
    const tail = mulExpTail(745, -745, 0);
    expect(tail).toBe(2.105e-321); // mpmath: 745·e^{−745} rounded to the nearest double
    expect(naive).not.toBe(tail);
  });
});
