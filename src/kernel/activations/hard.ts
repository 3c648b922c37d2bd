/** Piecewise-linear "hard" functions and shrinkers: hardsigmoid, hardswish, hard_sigmoid_linear, softshrink, hardshrink. */
import type { ActivationNumerics } from '../types';
import { finiteNonZero, outFor, param, props, spec, step01, zeroOrNaN } from './util';

// (x + 3)/6 rather than x/6 + ½: near x = −3 the latter cancels and keeps x/6's rounding error.
// Away from the kinks (and ±∞, NaN) the pieces are selected by exact 0/1 weights, without branches.
function hardsigmoidF(x: number): number {
  const d1 = x + 3;
  const d2 = 3 - x;
  if (finiteNonZero(d1) && finiteNonZero(d2)) {
    const w2 = step01(d2);
    return step01(d1) * w2 * (d1 / 6) + (1 - w2);
  }
  return x <= -3 ? 0 : x >= 3 ? 1 : (x + 3) / 6;
}
function hardsigmoidDF(x: number): number {
  const d1 = x + 3;
  const d2 = 3 - x;
  if (finiteNonZero(d1) && finiteNonZero(d2)) return (step01(d1) * step01(d2)) / 6;
  return x > -3 && x < 3 ? 1 / 6 : zeroOrNaN(x);
}

// Branch before multiplying: x(x+3)/6 would overflow for huge x and give NaN at ±∞.
function hardswishF(x: number): number {
  const d1 = x + 3;
  const d2 = 3 - x;
  // |x| < 1e150 so that x(x + 3) stays finite even where its weight is 0
  if (finiteNonZero(d1) && finiteNonZero(d2) && finiteNonZero(x) && Math.abs(x) < 1e150) {
    const w2 = step01(d2);
    return step01(d1) * w2 * ((x * d1) / 6) + (1 - w2) * x;
  }
  return x <= -3 ? 0 : x >= 3 ? x : (x * (x + 3)) / 6;
}
// PyTorch: 0 below −3, x/3 + ½ on [−3, 3] (both ends included), 1 above; (2x + 3)/6 is the same
// line without cancellation at its zero x = −1.5.
function hardswishDF(x: number): number {
  const d1 = x + 3;
  const d2 = 3 - x;
  if (finiteNonZero(d1) && finiteNonZero(d2)) {
    const w2 = step01(d2);
    return step01(d1) * w2 * ((2 * x + 3) / 6) + (1 - w2);
  }
  if (x !== x) return NaN;
  return x < -3 ? 0 : x <= 3 ? (2 * x + 3) / 6 : 1;
}
function hardswishD2F(x: number): number {
  return x >= -3 && x <= 3 ? 1 / 3 : zeroOrNaN(x);
}

function hslF(x: number): number {
  const d1 = x + 2.5;
  const d2 = 2.5 - x;
  if (finiteNonZero(d1) && finiteNonZero(d2)) {
    const w2 = step01(d2);
    return step01(d1) * w2 * (d1 / 5) + (1 - w2);
  }
  return x <= -2.5 ? 0 : x >= 2.5 ? 1 : (x + 2.5) / 5;
}
function hslDF(x: number): number {
  const d1 = x + 2.5;
  const d2 = 2.5 - x;
  if (finiteNonZero(d1) && finiteNonZero(d2)) return step01(d1) * step01(d2) * 0.2;
  return x > -2.5 && x < 2.5 ? 0.2 : zeroOrNaN(x);
}

// Outside the dead zone exactly one of the weights w1 (x > λ), w2 (x < −λ) is 1.
function softshrinkF(x: number, l: number): number {
  const d1 = x - l;
  const d2 = -l - x;
  if (finiteNonZero(d1) && finiteNonZero(d2)) {
    // x − λ, or −(−λ − x) = x + λ (rounding is symmetric), or (−0) − (−0) = +0 in the dead zone
    return step01(d1) * d1 - step01(d2) * d2;
  }
  return x > l ? x - l : x < -l ? x + l : zeroOrNaN(x);
}
function hardshrinkF(x: number, l: number): number {
  const d1 = x - l;
  const d2 = -l - x;
  // + 0 turns the dead zone's −0 (0·x for x < 0) into PyTorch's +0
  if (finiteNonZero(d1) && finiteNonZero(d2) && finiteNonZero(x))
    return (step01(d1) + step01(d2)) * x + 0;
  return x > l || x < -l ? x : zeroOrNaN(x);
}
// both shrinkers: PyTorch's backward is 0 on the closed interval [−λ, λ]
function shrinkDF(x: number, l: number): number {
  const d1 = x - l;
  const d2 = -l - x;
  if (finiteNonZero(d1) && finiteNonZero(d2)) return step01(d1) + step01(d2);
  return x > l || x < -l ? 1 : zeroOrNaN(x);
}

export const hardsigmoid: ActivationNumerics = {
  id: 'hardsigmoid',
  name: 'Hardsigmoid',
  summary: 'Piecewise-linear sigmoid: clip(x/6 + ½, 0, 1).',
  description:
    "PyTorch's hard sigmoid (MobileNetV3): 0 for x ≤ −3, 1 for x ≥ 3, x/6 + ½ between. Keras 3 and " +
    'jax.nn.hard_sigmoid use the same x/6 form; Keras 2 and TF.js use clip(0.2x + 0.5, 0, 1) ' +
    '(hard_sigmoid_linear here).',
  paramSpecs: [],
  f: (x) => hardsigmoidF(x),
  df: (x) => hardsigmoidDF(x),
  d2f: (x) => zeroOrNaN(x),
  fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = hardsigmoidF(xs[i] as number);
    return o;
  },
  dfBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = hardsigmoidDF(xs[i] as number);
    return o;
  },
  d2fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = zeroOrNaN(xs[i] as number);
    return o;
  },
  kinks: () => [-3, 3],
  properties: props([0, 1], true, false, false),
  lesson:
    'Its slope is only 1/6 and exactly 0 beyond ±3: cheap, but gradients vanish outside a narrow band.',
};

export const hardswish: ActivationNumerics = {
  id: 'hardswish',
  name: 'Hardswish',
  summary: 'x·hardsigmoid(x): a piecewise-polynomial SiLU.',
  description:
    'Hard swish (Howard et al. 2019, MobileNetV3): 0 for x ≤ −3, x for x ≥ 3, x(x + 3)/6 between, a ' +
    "cheap approximation of SiLU. Its minimum is −0.375 at x = −1.5. PyTorch's backward uses x/3 + ½ on " +
    'the closed interval [−3, 3], so f′(−3) = −½ and f′(3) = 1.5 although f′ jumps there.',
  paramSpecs: [],
  f: (x) => hardswishF(x),
  df: (x) => hardswishDF(x),
  d2f: (x) => hardswishD2F(x),
  fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = hardswishF(xs[i] as number);
    return o;
  },
  dfBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = hardswishDF(xs[i] as number);
    return o;
  },
  d2fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = hardswishD2F(xs[i] as number);
    return o;
  },
  kinks: () => [-3, 3],
  properties: props([-0.375, Infinity], false, false, true),
  lesson:
    'Built for mobile inference: no exp, but f′ jumps at ±3 (from 0 to −½ and from 1.5 to 1).',
};

export const hardSigmoidLinear: ActivationNumerics = {
  id: 'hard_sigmoid_linear',
  name: 'Hard sigmoid (0.2x + 0.5)',
  summary: 'clip(0.2x + 0.5, 0, 1): the hard sigmoid of Keras 2 and TF.js.',
  description:
    'The older hard sigmoid clip(0.2x + 0.5, 0, 1), saturating at ±2.5: keras.activations.hard_sigmoid ' +
    "in Keras 2 / tf.keras, and TF.js's hardSigmoid. Keras 3 switched to PyTorch's x/6 + ½ form " +
    '(hardsigmoid), so the same name means different functions across versions.',
  paramSpecs: [],
  f: (x) => hslF(x),
  df: (x) => hslDF(x),
  d2f: (x) => zeroOrNaN(x),
  fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = hslF(xs[i] as number);
    return o;
  },
  dfBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = hslDF(xs[i] as number);
    return o;
  },
  d2fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = zeroOrNaN(xs[i] as number);
    return o;
  },
  kinks: () => [-2.5, 2.5],
  properties: props([0, 1], true, false, false),
  lesson:
    '"hard_sigmoid" is slope 0.2 in Keras 2/TF.js but 1/6 in Keras 3/PyTorch: check which one a model was trained with.',
};

export const softshrink: ActivationNumerics = {
  id: 'softshrink',
  name: 'Softshrink',
  summary: 'Soft thresholding: x − λ above λ, x + λ below −λ, 0 between.',
  description:
    'The soft-thresholding (shrinkage) operator of sparse coding and the lasso: sign(x)·max(|x| − λ, 0). ' +
    "PyTorch's derivative is 0 on the closed interval [−λ, λ].",
  paramSpecs: [spec('lambd', '\\lambda', 0.5, 0, 5, 0.05, 'Half-width of the dead zone around 0.')],
  f: (x, p) => softshrinkF(x, param(p, 'lambd', 0.5)),
  df: (x, p) => shrinkDF(x, param(p, 'lambd', 0.5)),
  d2f: (x) => zeroOrNaN(x),
  fBatch: (xs, p, out) => {
    const o = outFor(xs, out);
    const l = param(p, 'lambd', 0.5);
    for (let i = 0; i < xs.length; i++) o[i] = softshrinkF(xs[i] as number, l);
    return o;
  },
  dfBatch: (xs, p, out) => {
    const o = outFor(xs, out);
    const l = param(p, 'lambd', 0.5);
    for (let i = 0; i < xs.length; i++) o[i] = shrinkDF(xs[i] as number, l);
    return o;
  },
  d2fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = zeroOrNaN(xs[i] as number);
    return o;
  },
  kinks: (p) => {
    const l = param(p, 'lambd', 0.5);
    return l === 0 ? [] : [-l, l];
  },
  properties: props([-Infinity, Infinity], true, false, true),
  lesson: 'Inputs within ±λ get exactly zero output and zero gradient: it enforces sparsity.',
};

export const hardshrink: ActivationNumerics = {
  id: 'hardshrink',
  name: 'Hardshrink',
  summary: 'Hard thresholding: x where |x| > λ, 0 otherwise.',
  description:
    'The hard-thresholding operator: keeps x where |x| > λ and zeroes it otherwise. f jumps by λ at ±λ; ' +
    "PyTorch's derivative is 0 on the closed interval [−λ, λ].",
  paramSpecs: [spec('lambd', '\\lambda', 0.5, 0, 5, 0.05, 'Half-width of the dead zone around 0.')],
  f: (x, p) => hardshrinkF(x, param(p, 'lambd', 0.5)),
  df: (x, p) => shrinkDF(x, param(p, 'lambd', 0.5)),
  d2f: (x) => zeroOrNaN(x),
  fBatch: (xs, p, out) => {
    const o = outFor(xs, out);
    const l = param(p, 'lambd', 0.5);
    for (let i = 0; i < xs.length; i++) o[i] = hardshrinkF(xs[i] as number, l);
    return o;
  },
  dfBatch: (xs, p, out) => {
    const o = outFor(xs, out);
    const l = param(p, 'lambd', 0.5);
    for (let i = 0; i < xs.length; i++) o[i] = shrinkDF(xs[i] as number, l);
    return o;
  },
  d2fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = zeroOrNaN(xs[i] as number);
    return o;
  },
  kinks: (p) => {
    const l = param(p, 'lambd', 0.5);
    return l === 0 ? [] : [-l, l];
  },
  properties: props([-Infinity, Infinity], true, false, true),
  lesson: 'f jumps at ±λ: small inputs are dropped entirely, large ones pass unchanged.',
};
