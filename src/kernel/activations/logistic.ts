/** The sigmoid family: sigmoid, tanh, softplus, logsigmoid, softsign, tanhshrink. */
import { SOFTPLUS_TORCH_GAP, TANHSHRINK_POLY, TANHSHRINK_S0, TANHSHRINK_X } from './constants';
import { sigmoid as sig, sigmoidPrime, softplus as sp, tanhPrime } from '../special';
import type { ActivationNumerics } from '../types';
import { outFor, param, props, spec } from './util';

// σ″ = σ′(1 − 2σ) = −σ′·tanh(x/2): 1 − 2σ cancels near 0, tanh does not.
function sigmoidD2F(x: number): number {
  return -sigmoidPrime(x) * Math.tanh(0.5 * x);
}

function tanhD2F(x: number): number {
  return -2 * Math.tanh(x) * tanhPrime(x);
}

function softplusF(x: number, b: number): number {
  return sp(b * x) / b;
}
function softplusDF(x: number, b: number): number {
  return sig(b * x);
}
function softplusD2F(x: number, b: number): number {
  return b * sigmoidPrime(b * x);
}

// log σ(x) = min(x, 0) − log1p(e^{−|x|}); at +∞ this is −0, the sign the limit approaches from.
function logsigmoidF(x: number): number {
  return x < 0 ? x - Math.log1p(Math.exp(x)) : -Math.log1p(Math.exp(-x));
}
function logsigmoidDF(x: number): number {
  return sig(-x);
}
function logsigmoidD2F(x: number): number {
  return -sigmoidPrime(x);
}

function softsignF(x: number): number {
  const a = Math.abs(x);
  return a === Infinity ? (x > 0 ? 1 : -1) : x / (1 + a);
}
// (1/(1+|x|))², not 1/(1+|x|)²: the square overflows past |x| ≈ 1e154.
function softsignDF(x: number): number {
  const r = 1 / (1 + Math.abs(x));
  return r * r;
}
function softsignD2F(x: number): number {
  const r = 1 / (1 + Math.abs(x));
  const c = -2 * r * r * r;
  return x > 0 ? c : x < 0 ? -c : x !== x ? NaN : 0;
}

// x − tanh x cancels for |x| ≲ 1.5 (true value ≈ x³/3): there x³·P(x² − s0), a Chebyshev fit.
function tanhshrinkF(x: number): number {
  const a = Math.abs(x);
  if (a <= TANHSHRINK_X) {
    const s = x * x;
    const v = s - TANHSHRINK_S0;
    let p = 0;
    for (let k = 0; k < TANHSHRINK_POLY.length; k++) p = p * v + (TANHSHRINK_POLY[k] as number);
    return x * (s * p);
  }
  return x - Math.tanh(x);
}
function tanhshrinkDF(x: number): number {
  const t = Math.tanh(x);
  return t * t;
}
function tanhshrinkD2F(x: number): number {
  return 2 * Math.tanh(x) * tanhPrime(x);
}

export const sigmoid: ActivationNumerics = {
  id: 'sigmoid',
  name: 'Sigmoid',
  summary: 'Logistic sigmoid σ(x) = 1/(1 + e^{−x}).',
  description:
    "The logistic function, squashing ℝ into (0, 1): the classic neuron and today's gate and " +
    'binary-output activation. Computed branch-wise so neither e^{−x} overflows nor 1 − σ cancels; ' +
    'σ′ = σ(x)σ(−x) keeps full accuracy in the tails (σ′(40) ≈ 4.25e−18, where σ(1−σ) gives 0).',
  paramSpecs: [],
  f: (x) => sig(x),
  df: (x) => sigmoidPrime(x),
  d2f: (x) => sigmoidD2F(x),
  fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = sig(xs[i] as number);
    return o;
  },
  dfBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = sigmoidPrime(xs[i] as number);
    return o;
  },
  d2fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = sigmoidD2F(xs[i] as number);
    return o;
  },
  kinks: () => [],
  properties: props([0, 1], true, true, false),
  lesson:
    'σ′ ≤ 0.25, so gradients shrink at least 4× per layer: deep sigmoid stacks vanish. Not zero-centred either.',
};

export const tanh: ActivationNumerics = {
  id: 'tanh',
  name: 'Tanh',
  summary: 'Hyperbolic tangent, squashing ℝ into (−1, 1).',
  description:
    'The hyperbolic tangent, a zero-centred sigmoid (tanh x = 2σ(2x) − 1). Its derivative is computed ' +
    'as 4e^{−2|x|}/(1 + e^{−2|x|})², since 1 − tanh²x cancels once |x| > 1.',
  paramSpecs: [],
  f: (x) => Math.tanh(x),
  df: (x) => tanhPrime(x),
  d2f: (x) => tanhD2F(x),
  fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = Math.tanh(xs[i] as number);
    return o;
  },
  dfBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = tanhPrime(xs[i] as number);
    return o;
  },
  d2fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = tanhD2F(xs[i] as number);
    return o;
  },
  kinks: () => [],
  properties: props([-1, 1], true, true, true),
  lesson:
    'Zero-centred, unlike sigmoid, but it still saturates: |x| > 3 gives f′ < 0.01. Use Xavier initialisation.',
};

const TORCH_GAP_TEXT = SOFTPLUS_TORCH_GAP.toPrecision(2).replace('e-', 'e−');

export const softplus: ActivationNumerics = {
  id: 'softplus',
  name: 'Softplus',
  summary: 'Smooth ReLU: log(1 + e^{βx})/β.',
  description:
    'Softplus log(1 + e^{βx})/β, a smooth approximation of ReLU whose derivative is σ(βx). We compute ' +
    'the exact function everywhere (as max(βx, 0) + log1p(e^{−|βx|}), which neither overflows nor ' +
    'cancels). PyTorch instead returns x once β·x > threshold, which differs from the exact value by ' +
    `log1p(e^{−threshold})/β ≈ ${TORCH_GAP_TEXT} at the defaults (β = 1, threshold = 20); the threshold ` +
    'parameter only matters for matching PyTorch, not here.',
  paramSpecs: [
    spec('beta', '\\beta', 1, 0.1, 10, 0.1, 'Sharpness: larger β is closer to ReLU.'),
    spec(
      'threshold',
      't',
      20,
      1,
      50,
      1,
      'PyTorch reverts to x above β·x > threshold (not applied here: we compute the exact function).',
    ),
  ],
  f: (x, p) => softplusF(x, param(p, 'beta', 1)),
  df: (x, p) => softplusDF(x, param(p, 'beta', 1)),
  d2f: (x, p) => softplusD2F(x, param(p, 'beta', 1)),
  fBatch: (xs, p, out) => {
    const o = outFor(xs, out);
    const b = param(p, 'beta', 1);
    for (let i = 0; i < xs.length; i++) o[i] = softplusF(xs[i] as number, b);
    return o;
  },
  dfBatch: (xs, p, out) => {
    const o = outFor(xs, out);
    const b = param(p, 'beta', 1);
    for (let i = 0; i < xs.length; i++) o[i] = softplusDF(xs[i] as number, b);
    return o;
  },
  d2fBatch: (xs, p, out) => {
    const o = outFor(xs, out);
    const b = param(p, 'beta', 1);
    for (let i = 0; i < xs.length; i++) o[i] = softplusD2F(xs[i] as number, b);
    return o;
  },
  kinks: () => [],
  properties: props([0, Infinity], true, true, false),
  lesson:
    'A ReLU without the kink: never exactly zero gradient, but outputs are always positive (not zero-centred).',
};

export const logsigmoid: ActivationNumerics = {
  id: 'logsigmoid',
  name: 'LogSigmoid',
  summary: 'log σ(x) = −softplus(−x).',
  description:
    'The logarithm of the sigmoid, log σ(x) = −log(1 + e^{−x}), as used in log-likelihood losses. ' +
    'Computed as min(x, 0) − log1p(e^{−|x|}) so it neither overflows nor loses the tail.',
  paramSpecs: [],
  f: (x) => logsigmoidF(x),
  df: (x) => logsigmoidDF(x),
  d2f: (x) => logsigmoidD2F(x),
  fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = logsigmoidF(xs[i] as number);
    return o;
  },
  dfBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = logsigmoidDF(xs[i] as number);
    return o;
  },
  d2fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = logsigmoidD2F(xs[i] as number);
    return o;
  },
  kinks: () => [],
  properties: props([-Infinity, 0], true, true, false),
  lesson:
    'Use it (not log(sigmoid(x))) inside losses: the naive form returns −∞ for x below about −745.',
};

export const softsign: ActivationNumerics = {
  id: 'softsign',
  name: 'Softsign',
  summary: 'x/(1 + |x|): a sigmoid with polynomial tails.',
  description:
    'Softsign x/(1 + |x|) (Bergstra et al. 2009; Turian et al.), a zero-centred squashing function ' +
    'like tanh but approaching ±1 polynomially, so it saturates more gently. f′ = 1/(1 + |x|)², ' +
    'computed as (1/(1 + |x|))² so it does not overflow.',
  paramSpecs: [],
  f: (x) => softsignF(x),
  df: (x) => softsignDF(x),
  d2f: (x) => softsignD2F(x),
  fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = softsignF(xs[i] as number);
    return o;
  },
  dfBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = softsignDF(xs[i] as number);
    return o;
  },
  d2fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = softsignD2F(xs[i] as number);
    return o;
  },
  kinks: () => [],
  properties: props([-1, 1], true, true, true),
  lesson:
    'Saturates polynomially (f′ ~ 1/x²), not exponentially like tanh: gradients fade more slowly.',
};

export const tanhshrink: ActivationNumerics = {
  id: 'tanhshrink',
  name: 'Tanhshrink',
  summary: 'x − tanh x.',
  description:
    'x − tanh x: nearly flat (≈ x³/3) around 0 and ≈ x ∓ 1 for large |x|. The difference cancels ' +
    'catastrophically for small |x|, so below |x| = 1.6 it is computed from a polynomial fit ' +
    'of (x − tanh x)/x³.',
  paramSpecs: [],
  f: (x) => tanhshrinkF(x),
  df: (x) => tanhshrinkDF(x),
  d2f: (x) => tanhshrinkD2F(x),
  fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = tanhshrinkF(xs[i] as number);
    return o;
  },
  dfBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = tanhshrinkDF(xs[i] as number);
    return o;
  },
  d2fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = tanhshrinkD2F(xs[i] as number);
    return o;
  },
  kinks: () => [],
  properties: props([-Infinity, Infinity], true, true, true),
  lesson: 'f′ = tanh²x is ≈ x² near 0: small inputs get almost no gradient.',
};
