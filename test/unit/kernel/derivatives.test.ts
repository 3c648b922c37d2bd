// f′ and f″ of every activation against numeric derivatives of f and f′ (Richardson-extrapolated
// central differences), at the default parameters and at other ones, away from kinks.
import { describe, expect, it } from 'vitest';
import { NUMERICS } from '../../../src/kernel/activations';
import type { Params, Scalar } from '../../../src/kernel/types';

/** Richardson extrapolation of central differences: error O(h⁴). */
function numericDerivative(
  g: Scalar,
  x: number,
  p: Partial<Params> | undefined,
  h: number,
): number {
  const d = (s: number) => (g(x + s, p) - g(x - s, p)) / (2 * s);
  return (4 * d(h / 2) - d(h)) / 3;
}

const GRID = Array.from({ length: 321 }, (_, i) => -8 + i * 0.05 + 0.0123);

/** Other parameters to try, per id (the defaults are always tried). */
const OTHER_PARAMS: Record<string, Partial<Params>[]> = {
  leaky_relu: [{ negative_slope: 0.2 }],
  elu: [{ alpha: 0.5 }, { alpha: 2 }],
  celu: [{ alpha: 0.5 }, { alpha: 2 }],
  softplus: [{ beta: 2 }, { beta: 0.5 }],
  hardtanh: [{ min_val: -2, max_val: 3 }],
  softshrink: [{ lambd: 1 }],
  hardshrink: [{ lambd: 1 }],
  prelu: [{ weight: 0.1 }],
  rrelu: [{ lower: 0.1, upper: 0.3 }],
  threshold: [{ threshold: 1, value: -2 }],
  squareplus: [{ b: 1 }, { b: 0.25 }],
};

// f″ jumps at 0 for these though f′ is continuous (so 0 is not listed among the kinks)
const D2_JUMPS_AT_ZERO = new Set(['softsign', 'relu2', 'elu', 'celu', 'selu']);

function near(x: number, pts: readonly number[], h: number): boolean {
  return pts.some((k) => Math.abs(x - k) < 4 * h);
}

describe('derivatives agree with numeric differentiation', () => {
  for (const a of NUMERICS) {
    for (const p of [undefined, ...(OTHER_PARAMS[a.id] ?? [])]) {
      const tag = `${a.id}${p ? ' ' + JSON.stringify(p) : ''}`;
      const h = 1e-3;
      const kinks = a.kinks(p);
      const d2Skip = D2_JUMPS_AT_ZERO.has(a.id) ? [...kinks, 0] : kinks;

      it(`${tag}: f′ ≈ d/dx f`, () => {
        let worst = 0;
        for (const x of GRID) {
          if (near(x, kinks, h)) continue;
          const want = numericDerivative(a.f, x, p, h);
          const err = Math.abs(a.df(x, p) - want) / Math.max(1, Math.abs(want));
          worst = Math.max(worst, err);
        }
        expect(worst).toBeLessThan(1e-8);
      });

      it(`${tag}: f″ ≈ d/dx f′`, () => {
        let worst = 0;
        for (const x of GRID) {
          if (near(x, d2Skip, h)) continue;
          const want = numericDerivative(a.df, x, p, h);
          const err = Math.abs(a.d2f(x, p) - want) / Math.max(1, Math.abs(want));
          worst = Math.max(worst, err);
        }
        expect(worst).toBeLessThan(1e-8);
      });
    }
  }

  it('a wrong derivative would be caught (the check can fail)', () => {
    const sig = NUMERICS.find((a) => a.id === 'sigmoid');
    if (!sig) throw new Error('no sigmoid');
    // σ(1 − σ) written as σ(1 + σ): the numeric check must disagree
    const wrong = (x: number) => sig.f(x) * (1 + sig.f(x));
    expect(Math.abs(wrong(0.3) - numericDerivative(sig.f, 0.3, undefined, 1e-3))).toBeGreaterThan(
      1e-3,
    );
  });
});
