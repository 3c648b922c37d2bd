/**
 * Independent definitions of the helper functions the formulas call (σ, Φ, φ, softplus, sech),
 * for evaluating the formula expressions with mathjs. Deliberately NOT the kernel's: comparing the
 * kernel with itself would prove nothing. Each is the textbook definition, written so it does not
 * lose accuracy in [−30, 30] (erfc from @stdlib for the Gaussian tail, branch on sign for σ).
 */
import erfc from '@stdlib/math-base-special-erfc';
import { all, create, type EvalFunction } from 'mathjs';

/**
 * mathjs compares with a tolerance by default (relTol 1e-12, absTol 1e-15), so `x > 0` is false at
 * x = 1e-300. The formulas' conditions mean exact comparisons: a relative tolerance below half an
 * ulp makes them exact. (mathjs refuses relTol = 0.)
 */
if (!all) throw new Error('mathjs: the `all` factory map is missing');
const math = create(all, { relTol: Number.EPSILON / 4, absTol: 0 });

const SQRT2 = Math.SQRT2;
const SQRT_2PI = Math.sqrt(2 * Math.PI);

export const referenceHelpers: Readonly<Record<string, (x: number) => number>> = {
  sigma: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  Phi: (x) => erfc(-x / SQRT2) / 2,
  phi: (x) => Math.exp((-x * x) / 2) / SQRT_2PI,
  softplus: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
  sech: (x) => 1 / Math.cosh(x),
};

const cache = new Map<string, EvalFunction>();

/** Evaluates a formula expression with mathjs at x, given parameters and named constants. */
export function evaluateExpr(
  expr: string,
  x: number,
  vars: Readonly<Record<string, number>>,
): number {
  let compiled = cache.get(expr);
  if (!compiled) {
    compiled = math.compile(expr);
    cache.set(expr, compiled);
  }
  const value: unknown = compiled.evaluate({ ...referenceHelpers, ...vars, x });
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'number') throw new Error(`'${expr}' at x=${x} gave ${String(value)}`);
  return value;
}

/** Deterministic uniform numbers in [0, 1) (mulberry32): the same points on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
