import { describe, expect, it } from 'vitest';
import { ulpDistance } from '../../../src/kernel/ulp';

describe('ulpDistance', () => {
  it('counts representable doubles between two values', () => {
    expect(ulpDistance(1, 1)).toBe(0);
    expect(ulpDistance(1, 1 + Number.EPSILON)).toBe(1);
    expect(ulpDistance(1 + Number.EPSILON, 1)).toBe(1);
    expect(ulpDistance(1, 1 - Number.EPSILON / 2)).toBe(1);
    expect(ulpDistance(2, 1)).toBe(2 ** 52);
    expect(ulpDistance(Number.MAX_VALUE, Infinity)).toBe(1);
  });
  it('works across zero and the subnormals, treating ±0 as one point', () => {
    expect(ulpDistance(0, -0)).toBe(0);
    expect(ulpDistance(0, 5e-324)).toBe(1);
    expect(ulpDistance(-5e-324, 5e-324)).toBe(2);
    expect(ulpDistance(-0, 1e-323)).toBe(2);
    expect(ulpDistance(2.2250738585072014e-308, 2.225073858507201e-308)).toBe(1);
  });
  it('makes NaN equal only to NaN', () => {
    expect(ulpDistance(NaN, NaN)).toBe(0);
    expect(ulpDistance(NaN, 1)).toBe(Infinity);
    expect(ulpDistance(0, NaN)).toBe(Infinity);
  });
});
