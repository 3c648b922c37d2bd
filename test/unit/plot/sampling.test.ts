import { getActivation } from '../../../src/kernel/registry';
import { describe, expect, it } from 'vitest';
import {
  intervalsWhere,
  readout,
  sampleCurve,
  sampleXs,
  shadeIntervals,
  toPoints,
} from '../../../src/plot/sampling';
import { blowup, leaky } from './fixtures';

describe('plot sampling', () => {
  it('samples n evenly spaced points with exact ends', () => {
    const xs = sampleXs(-5, 5, 11);
    expect(Array.from(xs)).toEqual([-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5]);
    expect(sampleXs(0.1, 0.7, 7)[6]).toBe(0.7);
  });

  it('inserts each kink inside the range with close neighbours, sorted; ignores kinks outside', () => {
    const xs = sampleXs(-1, 1, 4, [0.1, 5, NaN]);
    expect(xs).toHaveLength(7);
    expect(sampleXs(-1, 1, 3, [0])).toHaveLength(5);
    expect(Array.from(xs)).toContain(0.1);
    for (let i = 1; i < xs.length; i++) expect(xs[i]! >= xs[i - 1]!).toBe(true);
    const i = xs.indexOf(0.1);
    expect(0.1 - xs[i - 1]!).toBeLessThan(1e-6);
  });

  it('evaluates f, f′, f″ at the given params and draws the ReLU corner at 0', () => {
    const s = sampleCurve(leaky, { negative_slope: 0.5 }, -2, 2, 2000);
    expect(s.f[0]).toBe(-1);
    expect(s.df[0]).toBe(0.5);
    expect(s.xs).toContain(0);
    expect(s.xs.length).toBe(2003);
  });

  it('turns non-finite values into gaps (null), never NaN', () => {
    const s = sampleCurve(blowup, {}, -40, 40, 81);
    const pts = toPoints(s.xs, s.f);
    expect(pts[0]?.y).toBeNull();
    expect(pts[40]?.y).toBe(1);
    expect(pts.every((p) => p.y === null || Number.isFinite(p.y))).toBe(true);
  });

  it('toPoints reuses the array and objects it is given when the length matches', () => {
    const xs = Float64Array.from([0, 1]);
    const a = toPoints(xs, Float64Array.from([1, 2]));
    const first = a[0];
    const b = toPoints(xs, Float64Array.from([3, NaN]), a);
    expect(b).toBe(a);
    expect(b[0]).toBe(first);
    expect(b).toEqual([
      { x: 0, y: 3 },
      { x: 1, y: null },
    ]);
  });

  it('finds maximal intervals where a predicate holds, including runs at the ends', () => {
    const xs = Float64Array.from([0, 1, 2, 3, 4, 5]);
    const ys = Float64Array.from([1, 1, 0, 1, 0, 0]);
    expect(intervalsWhere(xs, ys, (y) => y > 0.5)).toEqual([
      [0, 1],
      [3, 3],
    ]);
    expect(intervalsWhere(xs, ys, (y) => y < 0.5)).toEqual([
      [2, 2],
      [4, 5],
    ]);
  });

  it('shades |f′| < 0.01 (vanishing) and |f′| > 1 (growing) from the samples', () => {
    const small = shadeIntervals(sampleCurve(leaky, { negative_slope: 0.001 }, -2, 2, 401));
    expect(small.vanish).toHaveLength(1);
    expect(small.vanish[0]?.[0]).toBe(-2);
    expect(small.vanish[0]?.[1]).toBeLessThan(0);
    expect(small.explode).toEqual([]);
    const steep = shadeIntervals(sampleCurve(blowup, {}, -2, 2, 401));
    expect(steep.explode).toHaveLength(2);
  });

  it('reads exact values at the pointer (not interpolated)', () => {
    expect(readout(leaky, { negative_slope: 0.2 }, -0.3)).toEqual({
      f: -0.2 * 0.3,
      df: 0.2,
      d2f: 0,
    });
    expect(readout(blowup, {}, 100)).toEqual({ f: null, df: null, d2f: null });
  });

  it("shades |f′| > 1 only past a tolerance: GELU's far tail (1 + 1e-7) is not painted", () => {
    const gelu = getActivation('gelu')!;
    const { explode } = shadeIntervals(sampleCurve(gelu, {}, -10, 10, 2001));
    expect(explode).toHaveLength(1);
    const [lo, hi] = explode[0]!;
    expect(lo).toBeGreaterThan(0.7);
    expect(hi).toBeLessThan(3.5); // f′(3.1) ≈ 1.01; without the tolerance the shading ran to x = 10
  });
});
