/**
 * Special functions and float64 error-free tricks the activations are built on. Every function here
 * is accurate to a few ulp over all finite inputs and returns the limit at ±∞ and NaN for NaN; see
 * /work/shared/docs/numerics.md for why each one is written the way it is.
 */
import stdlibErf from '@stdlib/math-base-special-erf';
import stdlibErfc from '@stdlib/math-base-special-erfc';
import {
  INV_SQRT2_HI,
  INV_SQRT2_LO,
  INV_SQRT_2PI,
  TWO_OVER_SQRT_PI,
} from './activations/constants';

/** fdlibm's erf (via @stdlib), below 1 ulp. */
export const erf: (x: number) => number = stdlibErf;
/** fdlibm's erfc (via @stdlib), below 1 ulp; no cancellation for large positive x. */
export const erfc: (x: number) => number = stdlibErfc;
/** V8's expm1 / log1p are fdlibm ports (< 1 ulp). */
export const expm1 = Math.expm1;
export const log1p = Math.log1p;

// Veltkamp's splitter: a = hi + lo with 26-bit halves, so hi·hi etc. are exact.
const SPLITTER = 134217729; // 2^27 + 1

/**
 * The rounding error of a·b (a·b = fl(a·b) + twoProductError(a, b, fl(a·b)) exactly), Dekker's
 * algorithm. Valid while |a|, |b| < 2^995 and the product does not underflow.
 */
export function twoProductError(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/** Logistic σ(x) = 1/(1+e^{−x}), branching on the sign so nothing overflows or cancels. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * σ′(x) = σ(x)σ(−x) = e^{−|x|}/(1+e^{−|x|})². σ(1−σ) would cancel for x > 0 (0 at x = 40).
 */
export function sigmoidPrime(x: number): number {
  const a = Math.abs(x);
  const e = Math.exp(-a);
  const s = 1 / (1 + e);
  return e * s * s;
}

/** tanh′(x) = 1 − tanh²x without cancellation: 4e^{−2|x|}/(1+e^{−2|x|})². */
export function tanhPrime(x: number): number {
  const a = Math.abs(x);
  if (a > 350) {
    // 4e^{−2a} is subnormal (or 0): square the normal e^{−a} once instead of rounding e^{−2a} twice
    const h = 2 * Math.exp(-a);
    return h * h;
  }
  const e = Math.exp(-2 * a);
  const s = 1 / (1 + e);
  return 4 * e * s * s;
}

/** log(1+eˣ) for all x: max(x,0) + log1p(e^{−|x|}). */
export function softplus(x: number): number {
  if (x > 0) return x + Math.log1p(Math.exp(-x));
  return Math.log1p(Math.exp(x));
}

/**
 * σ(hi + lo) where the argument is a double-double (|lo| ≤ ulp(hi)): σ(hi)·(1 + lo·σ(−hi)).
 * Needed where σ ≈ e^{hi} is sensitive to the rounding of its argument (|hi| up to 745).
 */
export function sigmoidDD(hi: number, lo: number): number {
  if (hi >= 0) {
    const e = Math.exp(-hi);
    const s = 1 / (1 + e);
    return s + s * (lo * e * s);
  }
  const e = Math.exp(hi);
  const s = 1 / (1 + e);
  return e * s + e * s * (lo * s);
}

/**
 * Standard normal density φ(x) = e^{−x²/2}/√(2π). x² = hi + lo exactly, and e^{−lo/2} ≈ 1 − lo/2,
 * so the rounding of x² (amplified by x²/2 inside exp) is not lost.
 */
export function normalPdf(x: number): number {
  const a = Math.abs(x);
  if (!(a < 40)) return a !== a ? NaN : 0; // e^{−800} is 0
  const hi = a * a;
  const lo = twoProductError(a, a, hi);
  return Math.exp(-0.5 * hi) * (1 - 0.5 * lo) * INV_SQRT_2PI;
}

/**
 * Standard normal CDF Φ(x) = ½ erfc(−x/√2). The argument t = −x/√2 is carried as a double-double
 * (t + tLo); erfc's relative sensitivity is ≈ 2t², so for x ≪ 0 we correct with erfc′(t)·tLo.
 */
export function normalCdf(x: number): number {
  if (x >= -1) return 0.5 * erfc(-x * INV_SQRT2_HI);
  if (!(x > -40)) return x !== x ? NaN : 0; // Φ(−40) ≈ 3.7e−350 < smallest subnormal
  const p = x * INV_SQRT2_HI;
  const tLo = -(twoProductError(x, INV_SQRT2_HI, p) + x * INV_SQRT2_LO);
  const t = -p;
  const c = erfc(t);
  return 0.5 * (c - tLo * TWO_OVER_SQRT_PI * Math.exp(-t * t));
}

/**
 * Σ_{k≥1} c_k d^k by Horner, d = x − r with r a double-double root: x − rHi is exact near the root
 * (Sterbenz), so the series keeps full relative accuracy where the closed form cancels.
 */
export function rootSeries(x: number, rHi: number, rLo: number, c: readonly number[]): number {
  const d = x - rHi - rLo;
  let acc = 0;
  for (let k = c.length - 1; k >= 0; k--) acc = acc * d + (c[k] as number);
  return acc * d;
}

// 128·ln 2 as a double-double.
const L128_HI = 88.722839111673;
const L128_LO = 2.9683799217232634e-15;
const TWO_M128 = 2 ** -128;

/**
 * m·e^{vHi+vLo} for vHi < −700, where e^{v} is subnormal: multiplying a subnormal by |m| ≫ 1 would
 * magnify its absolute rounding error by |m|. Scale by 2^128 first so only the final product is
 * rounded into the subnormal range.
 */
export function mulExpTail(m: number, vHi: number, vLo: number): number {
  const w = vHi + L128_HI;
  const err = L128_HI - (w - vHi); // Fast2Sum: |vHi| ≥ |L128_HI|
  const lo = err + L128_LO + vLo;
  return m * Math.exp(w) * (1 + lo) * TWO_M128;
}

/** Σ_{k≥0} c_k (x − centre)^k by Horner; x − centre is exact within a factor 2 of the centre. */
export function taylorAt(x: number, centre: number, c: readonly number[]): number {
  const d = x - centre;
  let acc = 0;
  for (let k = c.length - 1; k >= 0; k--) acc = acc * d + (c[k] as number);
  return acc;
}
