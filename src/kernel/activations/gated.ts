/**
 * Self-gated smooth functions x·g(x): gelu, gelu_tanh, silu, mish, quick_gelu, and squareplus.
 * Their f′ has an interior zero where the closed form cancels, so near it f′ comes from a Taylor
 * series about the zero (constants.ts); deep in the negative tail, where g(x) is subnormal, the
 * product x·g(x) is formed before rounding into the subnormal range (mulExpTail).
 */
import * as C from './constants';
import {
  mulExpTail,
  normalCdf,
  normalPdf,
  rootSeries,
  sigmoid as sig,
  sigmoidDD,
  sigmoidPrime,
  taylorAt,
  twoProductError,
} from '../special';
import type { ActivationNumerics } from '../types';
import { outFor, param, props, spec } from './util';

// ---------------------------------------------------------------- GELU (exact, erf form)

/** Asymptotic series of |x|·Mills ratio: 1 − 1/x² + 3/x⁴ − …, to 1e−19 for x ≤ −37. */
function geluTailS(x: number): number {
  const z = 1 / (x * x);
  return (
    1 +
    z *
      (-1 +
        z * (3 + z * (-15 + z * (105 + z * (-945 + z * (10395 + z * (-135135 + z * 2027025)))))))
  );
}
/** m·e^{−x²/2} with x² split exactly, for x ≤ −37 (e^{−x²/2} near or below the subnormals). */
function gaussTail(m: number, x: number): number {
  const hi = x * x;
  return mulExpTail(m, -0.5 * hi, -0.5 * twoProductError(x, x, hi));
}

function geluF(x: number): number {
  if (x > -37) return x === Infinity ? x : x * normalCdf(x);
  if (x > -40) return gaussTail(-C.INV_SQRT_2PI * geluTailS(x), x); // x·Φ(x) = −φ(x)·S
  return x !== x ? NaN : -0; // from below, −∞ included: the limit is −0
}
function geluDF(x: number): number {
  if (x !== x) return NaN;
  if (x > 40) return 1;
  if (x > -2.25 && x < -0.15) {
    // Φ + xφ cancels on this whole band: series about the zero of f′, or about nearby centres
    if (Math.abs(x - C.GELU_ROOT_HI) <= C.GELU_WINDOW) {
      return rootSeries(x, C.GELU_ROOT_HI, C.GELU_ROOT_LO, C.GELU_SERIES);
    }
    for (const s of C.GELU_SEGMENTS) if (x >= s.lo && x <= s.hi) return taylorAt(x, s.c, s.coeffs);
  }
  if (x > -37) return normalCdf(x) + x * normalPdf(x);
  if (x > -40) return gaussTail(C.INV_SQRT_2PI * (x - geluTailS(x) / x), x); // φ(x)(x + Φ/φ)
  return -0;
}
function geluD2F(x: number): number {
  if (!(Math.abs(x) < 40)) return x !== x ? NaN : 0;
  return normalPdf(x) * (2 - x * x);
}

// ---------------------------------------------------------------- GELU, tanh approximation
// f = ½x(1 + tanh u) = x·σ(v), v = 2u = C1·x + C3·x³. For x ≪ 0, σ(v) ≈ e^{v} with |v| up to 745,
// so v's rounding would cost |v| ulp: v is carried as a double-double (gtHi + gtLo).
let gtHi = 0;
let gtLo = 0;
let gtMHi = 0; // C3·x²
let gtMLo = 0;
let gtAHi = 0; // C1 + C3·x²
let gtALo = 0;
function gtArg(x: number): void {
  const sHi = x * x;
  const sLo = twoProductError(x, x, sHi);
  const mHi = C.GT_C3_HI * sHi;
  const mLo = twoProductError(C.GT_C3_HI, sHi, mHi) + C.GT_C3_HI * sLo + C.GT_C3_LO * sHi;
  const aHi = C.GT_C1_HI + mHi;
  const bb = aHi - C.GT_C1_HI;
  const aErr = C.GT_C1_HI - (aHi - bb) + (mHi - bb);
  const aLo = aErr + C.GT_C1_LO + mLo;
  gtMHi = mHi;
  gtMLo = mLo;
  gtAHi = aHi;
  gtALo = aLo;
  gtHi = x * aHi;
  gtLo = twoProductError(x, aHi, gtHi) + x * aLo;
}
/** 1 + x·v′(x) = 1 + C1·x + 3·C3·x³ with one final rounding (after gtArg(x) left mHi/mLo, aHi/aLo). */
function gtOnePlusXVPrime(x: number): number {
  // b = C1 + 3·C3·x² = a + 2m
  const bHi = gtAHi + 2 * gtMHi;
  const bb = bHi - gtAHi;
  const bLo = gtAHi - (bHi - bb) + (2 * gtMHi - bb) + gtALo + 2 * gtMLo;
  const pHi = x * bHi;
  const pLo = twoProductError(x, bHi, pHi) + x * bLo;
  const sHi = 1 + pHi;
  const sb = sHi - 1;
  return sHi + (1 - (sHi - sb) + (pHi - sb) + pLo);
}
function gtVPrime(x: number): number {
  return C.GT_C1_HI + 3 * C.GT_C3_HI * x * x;
}

function geluTanhF(x: number): number {
  if (x >= 0) return x * sig(x * (C.GT_C1_HI + C.GT_C3_HI * x * x));
  if (!(x > -30)) return x !== x ? NaN : -0; // the limit at −∞ is approached from below
  gtArg(x);
  return gtHi < -700 ? mulExpTail(x, gtHi, gtLo) : x * sigmoidDD(gtHi, gtLo);
}
function geluTanhDF(x: number): number {
  if (x !== x) return NaN;
  if (Math.abs(x - C.GELU_TANH_ROOT_HI) <= C.GELU_TANH_WINDOW) {
    return rootSeries(x, C.GELU_TANH_ROOT_HI, C.GELU_TANH_ROOT_LO, C.GELU_TANH_SERIES);
  }
  if (x >= 0) {
    if (x > 30) return 1;
    return gatedHeadDF(Math.exp(-x * (C.GT_C1_HI + C.GT_C3_HI * x * x)), x * gtVPrime(x));
  }
  if (!(x > -30)) return -0;
  gtArg(x);
  if (gtHi < -700) return mulExpTail(1 + x * gtVPrime(x), gtHi, gtLo);
  return gatedTailDF(Math.exp(gtHi) * (1 + gtLo), gtOnePlusXVPrime(x));
}
function geluTanhD2F(x: number): number {
  if (!(Math.abs(x) < 30)) return x !== x ? NaN : 0;
  const v = x * (C.GT_C1_HI + C.GT_C3_HI * x * x);
  const vp = gtVPrime(x);
  // f″ = σ′(v)·(2v′ + x(v″ − tanh(v/2)·v′²)), v″ = 6·C3·x
  return sigmoidPrime(v) * (2 * vp + x * (6 * C.GT_C3_HI * x - Math.tanh(0.5 * v) * vp * vp));
}

// ---------------------------------------------------------------- SiLU / swish

/**
 * f′ = σ(y)(1 + y·σ(−y)) for y < 0 away from the zero of f′, as e(1 + y + e)/(1 + e)² with e = e^y:
 * 1 + y (onePlusY, exact or nearly) and e add without cancelling there, and (1 + e)² = 1 + e(2 + e)
 * is rounded about once, so f′ costs ≈ 2 ulp instead of the ≈ 5 of the product form.
 */
function gatedTailDF(e: number, onePlusY: number): number {
  return (e * (onePlusY + e)) / (1 + e * (2 + e));
}
/** The same f′ for y ≥ 0 from one exp, e = e^{−y}: (1 + e + y′e)/(1 + e)², all terms positive. */
function gatedHeadDF(e: number, yPrime: number): number {
  return (1 + e + yPrime * e) / (1 + e * (2 + e));
}
function siluF(x: number): number {
  if (x >= 0) return x * sig(x);
  if (x < -700) return x === -Infinity ? -0 : mulExpTail(x, x, 0);
  const e = Math.exp(x);
  return (x * e) / (1 + e);
}
function siluDF(x: number): number {
  if (x !== x) return NaN;
  if (Math.abs(x - C.SILU_ROOT_HI) <= C.SILU_WINDOW)
    return rootSeries(x, C.SILU_ROOT_HI, C.SILU_ROOT_LO, C.SILU_SERIES);
  if (x > 50) return 1;
  if (x < -700) return x === -Infinity ? -0 : mulExpTail(1 + x, x, 0); // σ(x)(1 + xσ(−x)) → eˣ(1 + x)
  if (x > 0) return gatedHeadDF(Math.exp(-x), x);
  return gatedTailDF(Math.exp(x), 1 + x);
}
function siluD2F(x: number): number {
  if (!(Math.abs(x) < 750)) return x !== x ? NaN : 0;
  return sigmoidPrime(x) * (2 - x * Math.tanh(0.5 * x));
}

// ---------------------------------------------------------------- quick GELU x·σ(1.702x)
// y = 1.702·x as a double-double (qgHi + qgLo): same reason as gelu_tanh's v.
let qgHi = 0;
let qgLo = 0;
function qgArg(x: number): void {
  qgHi = C.QG_A_HI * x;
  qgLo = twoProductError(C.QG_A_HI, x, qgHi) + C.QG_A_LO * x;
}
function quickGeluF(x: number): number {
  if (x >= 0) return x * sig(C.QG_A_HI * x);
  if (!(x > -450)) return x === -Infinity ? -0 : x !== x ? NaN : -0;
  qgArg(x);
  return qgHi < -700 ? mulExpTail(x, qgHi, qgLo) : x * sigmoidDD(qgHi, qgLo);
}
function quickGeluDF(x: number): number {
  if (x !== x) return NaN;
  if (Math.abs(x - C.QUICK_GELU_ROOT_HI) <= C.QUICK_GELU_WINDOW) {
    return rootSeries(x, C.QUICK_GELU_ROOT_HI, C.QUICK_GELU_ROOT_LO, C.QUICK_GELU_SERIES);
  }
  if (x >= 0) {
    if (x > 30) return 1;
    return gatedHeadDF(Math.exp(-C.QG_A_HI * x), C.QG_A_HI * x);
  }
  if (!(x > -450)) return -0;
  qgArg(x);
  if (qgHi < -700) return mulExpTail(1 + qgHi, qgHi, qgLo);
  return gatedTailDF(Math.exp(qgHi) * (1 + qgLo), 1 + qgHi + qgLo);
}
function quickGeluD2F(x: number): number {
  if (!(Math.abs(x) < 450)) return x !== x ? NaN : 0;
  const y = C.QG_A_HI * x;
  return C.QG_A_HI * sigmoidPrime(y) * (2 - y * Math.tanh(0.5 * y));
}

// ---------------------------------------------------------------- Mish x·tanh(softplus x)
// With u = eˣ and n = u(u + 2): tanh(softplus x) = n/(n + 2) = 1 − 2/(n + 2), 1 − tanh² = 4(n + 1)/(n + 2)².
function mishF(x: number): number {
  if (x < -700) return x === -Infinity ? -0 : mulExpTail(x, x, 0);
  if (x > 20) return x * (1 - 2 / (Math.exp(2 * x) + 2)); // x·1 at ∞
  const u = Math.exp(x);
  const n = u * (u + 2);
  return (x * n) / (n + 2);
}
function mishDF(x: number): number {
  if (x !== x) return NaN;
  if (Math.abs(x - C.MISH_ROOT_HI) <= C.MISH_WINDOW)
    return rootSeries(x, C.MISH_ROOT_HI, C.MISH_ROOT_LO, C.MISH_SERIES);
  if (x > 40) return 1;
  if (x < -700) return x === -Infinity ? -0 : mulExpTail(1 + x, x, 0); // ≈ eˣ(1 + x)
  const u = Math.exp(x);
  const q = 2 + u * (u + 2);
  if (x < -0.4) {
    // f′ = u·B/q² with B = 4(1 + x) + u(6 + 4x + u(4 + u)): both parts of B are negative out here
    const b = 4 * (1 + x) + u * (6 + 4 * x + u * (4 + u));
    return ((u / q) * b) / q;
  }
  const n = q - 2;
  const t = x > 20 ? 1 - 2 / q : n / q;
  return t + ((x * u) / (1 + u)) * ((4 * (n + 1)) / q / q);
}
function mishD2F(x: number): number {
  if (!(x > -745 && x < 40)) return x !== x ? NaN : 0;
  const u = Math.exp(x);
  const n = u * (u + 2);
  const q = n + 2;
  const t = n / q;
  const w = (4 * (n + 1)) / q / q; // 1 − t²
  const s = u / (1 + u);
  // f″ = (1 − t²)·(2σ + x(σ′ − 2tσ²))
  return w * (2 * s + x * (sigmoidPrime(x) - 2 * t * s * s));
}

// ---------------------------------------------------------------- Squareplus (x + √(x² + b))/2
// For x < 0 the sum cancels: (x + s)(s − x) = b gives b/(2(s − x)). s is |x| once x² ≫ b.
function sqpS(x: number, b: number): number {
  const a = Math.abs(x);
  return a > 1e150 ? a : Math.sqrt(x * x + b);
}
function squareplusF(x: number, b: number): number {
  if (x !== x) return NaN;
  const s = sqpS(x, b);
  return x >= 0 ? 0.5 * x + 0.5 * s : b / (2 * (s - x));
}
function squareplusDF(x: number, b: number): number {
  if (x !== x) return NaN;
  if (x === Infinity) return 1;
  const s = sqpS(x, b);
  if (s === 0) return 0; // b = 0 and x = 0: ReLU's convention
  return x >= 0 ? 0.5 + (0.5 * x) / s : b / (2 * s) / (s - x);
}
function squareplusD2F(x: number, b: number): number {
  if (x !== x) return NaN;
  const s = sqpS(x, b);
  if (s === 0 || s === Infinity) return 0;
  return b / (2 * s) / (s * s);
}

// ---------------------------------------------------------------- descriptors

export const gelu: ActivationNumerics = {
  id: 'gelu',
  name: 'GELU',
  summary: 'Gaussian error linear unit x·Φ(x) (exact, erf form).',
  description:
    'The Gaussian error linear unit (Hendrycks & Gimpel 2016), x·Φ(x) with Φ the standard normal CDF: ' +
    "BERT's and GPT's activation. This is the exact erf form (PyTorch's default approximate=\"none\"; " +
    'jax.nn.gelu defaults to the tanh approximation instead). Computed as ½x·erfc(−x/√2) with the ' +
    'rounding of x/√2 corrected, since ½x(1 + erf(x/√2)) loses everything for x < −5.',
  paramSpecs: [],
  f: (x) => geluF(x),
  df: (x) => geluDF(x),
  d2f: (x) => geluD2F(x),
  fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = geluF(xs[i] as number);
    return o;
  },
  dfBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = geluDF(xs[i] as number);
    return o;
  },
  d2fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = geluD2F(xs[i] as number);
    return o;
  },
  kinks: () => [],
  properties: props([C.GELU_MIN, Infinity], false, true, true),
  lesson:
    'Not monotonic: slightly negative inputs give negative outputs (minimum ≈ −0.17 at x ≈ −0.75), and small negative gradients flow.',
};

export const geluTanh: ActivationNumerics = {
  id: 'gelu_tanh',
  name: 'GELU (tanh approximation)',
  summary: '½x(1 + tanh(√(2/π)(x + 0.044715x³))).',
  description:
    'The tanh approximation of GELU from the original paper and GPT-2: PyTorch approximate="tanh", ' +
    'jax.nn.gelu\'s default, Hugging Face "gelu_new" / "gelu_pytorch_tanh". It differs from the exact ' +
    'GELU by up to about 4.7e−4 (near x ≈ ±2); a model trained with one and run with the other shifts slightly.',
  paramSpecs: [],
  f: (x) => geluTanhF(x),
  df: (x) => geluTanhDF(x),
  d2f: (x) => geluTanhD2F(x),
  fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = geluTanhF(xs[i] as number);
    return o;
  },
  dfBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = geluTanhDF(xs[i] as number);
    return o;
  },
  d2fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = geluTanhD2F(xs[i] as number);
    return o;
  },
  kinks: () => [],
  properties: props([C.GELU_TANH_MIN, Infinity], false, true, true),
  lesson:
    'Exact and tanh GELU are different functions: check which one a checkpoint was trained with (jax.nn.gelu defaults to tanh).',
};

export const silu: ActivationNumerics = {
  id: 'silu',
  name: 'SiLU (swish)',
  summary: 'Sigmoid-weighted linear unit x·σ(x), a.k.a. swish.',
  description:
    'The sigmoid linear unit x·σ(x) (Elfwing et al. 2017; "swish" with β = 1 in Ramachandran et al. ' +
    '2017), used in EfficientNet and LLaMA-style SwiGLU blocks. f′ = σ(x)(1 + x·σ(−x)).',
  paramSpecs: [],
  f: (x) => siluF(x),
  df: (x) => siluDF(x),
  d2f: (x) => siluD2F(x),
  fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = siluF(xs[i] as number);
    return o;
  },
  dfBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = siluDF(xs[i] as number);
    return o;
  },
  d2fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = siluD2F(xs[i] as number);
    return o;
  },
  kinks: () => [],
  properties: props([C.SILU_MIN, Infinity], false, true, true),
  lesson:
    'Smooth and non-monotonic (minimum ≈ −0.278 at x ≈ −1.278); f′ exceeds 1 (up to ≈ 1.1) for x ≈ 2.4.',
};

export const mish: ActivationNumerics = {
  id: 'mish',
  name: 'Mish',
  summary: 'x·tanh(softplus(x)).',
  description:
    'Mish (Misra 2019), x·tanh(log(1 + eˣ)), a smooth non-monotonic activation used in YOLOv4. ' +
    'Computed with u = eˣ as x·u(u + 2)/(u(u + 2) + 2), which does not cancel for x < 0.',
  paramSpecs: [],
  f: (x) => mishF(x),
  df: (x) => mishDF(x),
  d2f: (x) => mishD2F(x),
  fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = mishF(xs[i] as number);
    return o;
  },
  dfBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = mishDF(xs[i] as number);
    return o;
  },
  d2fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = mishD2F(xs[i] as number);
    return o;
  },
  kinks: () => [],
  properties: props([C.MISH_MIN, Infinity], false, true, true),
  lesson:
    'Like SiLU but with a slightly deeper negative dip (≈ −0.309): costs three transcendental calls per element.',
};

export const quickGelu: ActivationNumerics = {
  id: 'quick_gelu',
  name: 'Quick GELU',
  summary: 'x·σ(1.702x), the sigmoid approximation of GELU.',
  description:
    "The sigmoid approximation of GELU, x·σ(1.702x), from the GELU paper; used by OpenAI's CLIP " +
    '(Hugging Face "quick_gelu"). Cheaper than erf or tanh, but further from exact GELU (up to ≈ 0.02).',
  paramSpecs: [],
  f: (x) => quickGeluF(x),
  df: (x) => quickGeluDF(x),
  d2f: (x) => quickGeluD2F(x),
  fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = quickGeluF(xs[i] as number);
    return o;
  },
  dfBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = quickGeluDF(xs[i] as number);
    return o;
  },
  d2fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = quickGeluD2F(xs[i] as number);
    return o;
  },
  kinks: () => [],
  properties: props([C.QUICK_GELU_MIN, Infinity], false, true, true),
  lesson:
    'Swapping it for exact GELU in a pretrained CLIP changes outputs: it is a different function, not a faster GELU.',
};

export const squareplus: ActivationNumerics = {
  id: 'squareplus',
  name: 'Squareplus',
  summary: '(x + √(x² + b))/2: a softplus made of a square root.',
  description:
    'Squareplus (Barron 2021), (x + √(x² + b))/2: a smooth ReLU like softplus but using only a square ' +
    'root (b = 4 makes it closest to softplus near 0; b = 0 gives ReLU). For x < 0 it is computed as ' +
    'b/(2(√(x² + b) − x)), which does not cancel.',
  paramSpecs: [spec('b', 'b', 4, 0, 20, 0.1, 'Curvature near 0: b = 0 gives ReLU.')],
  f: (x, p) => squareplusF(x, param(p, 'b', 4)),
  df: (x, p) => squareplusDF(x, param(p, 'b', 4)),
  d2f: (x, p) => squareplusD2F(x, param(p, 'b', 4)),
  fBatch: (xs, p, out) => {
    const o = outFor(xs, out);
    const b = param(p, 'b', 4);
    for (let i = 0; i < xs.length; i++) o[i] = squareplusF(xs[i] as number, b);
    return o;
  },
  dfBatch: (xs, p, out) => {
    const o = outFor(xs, out);
    const b = param(p, 'b', 4);
    for (let i = 0; i < xs.length; i++) o[i] = squareplusDF(xs[i] as number, b);
    return o;
  },
  d2fBatch: (xs, p, out) => {
    const o = outFor(xs, out);
    const b = param(p, 'b', 4);
    for (let i = 0; i < xs.length; i++) o[i] = squareplusD2F(xs[i] as number, b);
    return o;
  },
  kinks: (p) => (param(p, 'b', 4) === 0 ? [0] : []),
  properties: props([0, Infinity], true, true, false),
  lesson:
    'Softplus-like without exp or log: cheaper on hardware with a fast square root, gradient never exactly zero.',
};
