/** Piecewise-linear rectifiers and their relatives: relu, leaky_relu, prelu, rrelu, threshold, relu6, relu2, identity, step. */
import type { ActivationNumerics } from '../types';
import { finiteNonZero, outFor, param, props, spec, step01, zeroOrNaN } from './util';

// Cores: plain functions of x and resolved parameters, shared by the scalar and batch forms so the
// two agree bit for bit. NaN falls through every comparison, so each core routes it explicitly.

// ½(x + |x|) is exactly max(x, 0) for |x| < 1e300 and has no branch.
function reluF(x: number): number {
  return Math.abs(x) < 1e300 ? 0.5 * (x + Math.abs(x)) : x > 0 ? x : zeroOrNaN(x);
}
function reluDF(x: number): number {
  return finiteNonZero(x) ? step01(x) : x > 0 ? 1 : zeroOrNaN(x);
}
function constD2F(x: number): number {
  return zeroOrNaN(x);
}

// ½(x + |x|) and ½(x − |x|) are exactly x or 0: one of the two terms vanishes.
function leakyF(x: number, s: number): number {
  if (finiteNonZero(x)) {
    const a = Math.abs(x);
    return 0.5 * (x + a) + s * (0.5 * (x - a));
  }
  return x > 0 ? x : s * x; // also keeps leaky_relu(−0) = −0
}
function leakyDF(x: number, s: number): number {
  if (finiteNonZero(x)) {
    const w = step01(x);
    return w + s * (1 - w);
  }
  return x > 0 ? 1 : x !== x ? NaN : s;
}

function thresholdF(x: number, th: number, v: number): number {
  const d = x - th; // its sign is exact
  if (finiteNonZero(d) && finiteNonZero(x) && Math.abs(v) < 1e300) {
    const w = step01(d);
    return w * x + (1 - w) * v;
  }
  return x > th ? x : x !== x ? NaN : v;
}
function thresholdDF(x: number, th: number): number {
  const d = x - th;
  return finiteNonZero(d) ? step01(d) : x > th ? 1 : zeroOrNaN(x);
}

// lo < x < hi selects one of x, lo, hi by exact 0/1 weights; corners, ±∞, NaN, ±0 (whose sign
// must survive) and huge x take the branching path.
function clampF(x: number, lo: number, hi: number): number {
  const d1 = x - lo;
  const d2 = hi - x;
  if (finiteNonZero(d1) && finiteNonZero(d2) && finiteNonZero(x)) {
    const w1 = step01(d1);
    const w2 = step01(d2);
    return w1 * w2 * x + (1 - w1) * lo + (1 - w2) * hi;
  }
  return x < lo ? lo : x > hi ? hi : x;
}
function clampDF(x: number, lo: number, hi: number): number {
  const d1 = x - lo;
  const d2 = hi - x;
  if (finiteNonZero(d1) && finiteNonZero(d2)) return step01(d1) * step01(d2);
  return x > lo && x < hi ? 1 : zeroOrNaN(x);
}

function relu2F(x: number): number {
  const r = reluF(x);
  return r * r;
}
function relu2DF(x: number): number {
  return 2 * reluF(x);
}
function relu2D2F(x: number): number {
  return x > 0 ? 2 : zeroOrNaN(x);
}

function identityDF(x: number): number {
  return x !== x ? NaN : 1;
}
function stepF(x: number): number {
  return finiteNonZero(x) ? step01(x) : x > 0 ? 1 : zeroOrNaN(x);
}

const LEAKY_LESSON =
  'A small negative slope keeps a gradient flowing for negative inputs, so units cannot die as ReLU units can.';

function leakyLike(
  id: string,
  name: string,
  pname: string,
  symbol: string,
  dflt: number,
  summary: string,
  description: string,
): ActivationNumerics {
  return {
    id,
    name,
    summary,
    description,
    paramSpecs: [spec(pname, symbol, dflt, 0, 1, 0.01, 'Slope for x < 0.')],
    f: (x, p) => leakyF(x, param(p, pname, dflt)),
    df: (x, p) => leakyDF(x, param(p, pname, dflt)),
    d2f: (x) => constD2F(x),
    fBatch: (xs, p, out) => {
      const o = outFor(xs, out);
      const s = param(p, pname, dflt);
      for (let i = 0; i < xs.length; i++) o[i] = leakyF(xs[i] as number, s);
      return o;
    },
    dfBatch: (xs, p, out) => {
      const o = outFor(xs, out);
      const s = param(p, pname, dflt);
      for (let i = 0; i < xs.length; i++) o[i] = leakyDF(xs[i] as number, s);
      return o;
    },
    d2fBatch: (xs, _p, out) => {
      const o = outFor(xs, out);
      for (let i = 0; i < xs.length; i++) o[i] = constD2F(xs[i] as number);
      return o;
    },
    kinks: (p) => (param(p, pname, dflt) === 1 ? [] : [0]),
    properties: props([-Infinity, Infinity], true, false, true),
    lesson: LEAKY_LESSON,
  };
}

export const relu: ActivationNumerics = {
  id: 'relu',
  name: 'ReLU',
  summary: 'Rectified linear unit: max(0, x).',
  description:
    'The rectified linear unit max(0, x) (Nair & Hinton 2010), the default hidden activation of deep nets. ' +
    'Its derivative is 1 for x > 0 and 0 for x ≤ 0 (PyTorch takes relu′(0) = 0).',
  paramSpecs: [],
  f: (x) => reluF(x),
  df: (x) => reluDF(x),
  d2f: (x) => constD2F(x),
  fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = reluF(xs[i] as number);
    return o;
  },
  dfBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = reluDF(xs[i] as number);
    return o;
  },
  d2fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = constD2F(xs[i] as number);
    return o;
  },
  kinks: () => [0],
  properties: props([0, Infinity], true, false, false),
  lesson:
    'A unit whose input stays negative gets zero gradient and never recovers ("dying ReLU"); use He initialisation.',
};

export const leakyRelu = leakyLike(
  'leaky_relu',
  'Leaky ReLU',
  'negative_slope',
  '\\alpha',
  0.01,
  'ReLU with a small slope for x < 0: max(0, x) + negative_slope·min(0, x).',
  'Leaky ReLU (Maas et al. 2013): x for x > 0, negative_slope·x otherwise. Defaults differ between ' +
    'frameworks: PyTorch and jax.nn use 0.01, keras.layers.LeakyReLU 0.3, tf.nn.leaky_relu and ' +
    'keras.activations.leaky_relu 0.2.',
);

export const prelu = leakyLike(
  'prelu',
  'PReLU',
  'weight',
  'a',
  0.25,
  'Parametric ReLU: leaky ReLU whose negative slope is learned (initial 0.25).',
  'Parametric ReLU (He et al. 2015): x for x > 0, a·x otherwise, where a is a learned parameter ' +
    '(nn.PReLU initialises it to 0.25, one per channel or shared). Shown here with a fixed a.',
);

const RRELU_LOWER = 1 / 8;
const RRELU_UPPER = 1 / 3;

function rreluSlope(p: Parameters<ActivationNumerics['f']>[1]): number {
  return (param(p, 'lower', RRELU_LOWER) + param(p, 'upper', RRELU_UPPER)) / 2;
}

export const rrelu: ActivationNumerics = {
  id: 'rrelu',
  name: 'RReLU',
  summary: 'Randomised leaky ReLU; in evaluation mode the slope is (lower + upper)/2.',
  description:
    'Randomised leaky ReLU (Xu et al. 2015): during training the negative slope is drawn uniformly from ' +
    '[lower, upper] per element; in evaluation mode it is fixed at (lower + upper)/2, which is what is ' +
    'computed here (≈ 0.2292 at the defaults 1/8 and 1/3).',
  paramSpecs: [
    spec('lower', 'l', RRELU_LOWER, 0, 1, 0.01, 'Lower bound of the random negative slope.'),
    spec('upper', 'u', RRELU_UPPER, 0, 1, 0.01, 'Upper bound of the random negative slope.'),
  ],
  f: (x, p) => leakyF(x, rreluSlope(p)),
  df: (x, p) => leakyDF(x, rreluSlope(p)),
  d2f: (x) => constD2F(x),
  fBatch: (xs, p, out) => {
    const o = outFor(xs, out);
    const s = rreluSlope(p);
    for (let i = 0; i < xs.length; i++) o[i] = leakyF(xs[i] as number, s);
    return o;
  },
  dfBatch: (xs, p, out) => {
    const o = outFor(xs, out);
    const s = rreluSlope(p);
    for (let i = 0; i < xs.length; i++) o[i] = leakyDF(xs[i] as number, s);
    return o;
  },
  d2fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = constD2F(xs[i] as number);
    return o;
  },
  kinks: (p) => (rreluSlope(p) === 1 ? [] : [0]),
  properties: props([-Infinity, Infinity], true, false, true),
  lesson:
    'The random slope is a regulariser during training only; at inference RReLU is a fixed leaky ReLU.',
};

export const threshold: ActivationNumerics = {
  id: 'threshold',
  name: 'Threshold',
  summary: 'x where x > threshold, else a constant value.',
  description:
    'Thresholds its input: x where x > threshold, value otherwise. PyTorch requires both arguments ' +
    '(nn.Threshold(threshold, value) has no defaults); 0 and 0 here, which is ReLU. f jumps at the ' +
    'threshold unless value = threshold.',
  paramSpecs: [
    spec('threshold', '\\theta', 0, -10, 10, 0.1, 'Inputs at or below this are replaced.'),
    spec('value', 'v', 0, -10, 10, 0.1, 'The replacement value.'),
  ],
  f: (x, p) => thresholdF(x, param(p, 'threshold', 0), param(p, 'value', 0)),
  df: (x, p) => thresholdDF(x, param(p, 'threshold', 0)),
  d2f: (x) => constD2F(x),
  fBatch: (xs, p, out) => {
    const o = outFor(xs, out);
    const th = param(p, 'threshold', 0);
    const v = param(p, 'value', 0);
    for (let i = 0; i < xs.length; i++) o[i] = thresholdF(xs[i] as number, th, v);
    return o;
  },
  dfBatch: (xs, p, out) => {
    const o = outFor(xs, out);
    const th = param(p, 'threshold', 0);
    for (let i = 0; i < xs.length; i++) o[i] = thresholdDF(xs[i] as number, th);
    return o;
  },
  d2fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = constD2F(xs[i] as number);
    return o;
  },
  kinks: (p) => [param(p, 'threshold', 0)],
  properties: props([0, Infinity], true, false, false),
  lesson:
    'Everything at or below the threshold gets zero gradient: a value ≠ threshold also makes f jump.',
};

export const relu6: ActivationNumerics = {
  id: 'relu6',
  name: 'ReLU6',
  summary: 'ReLU capped at 6: min(max(0, x), 6).',
  description:
    'ReLU clipped at 6 (Krizhevsky 2010; MobileNet), which keeps activations in a range that survives ' +
    'low-precision arithmetic. PyTorch computes it as hardtanh(x, 0, 6), so relu6′ = 0 at both 0 and 6.',
  paramSpecs: [],
  f: (x) => clampF(x, 0, 6),
  df: (x) => clampDF(x, 0, 6),
  d2f: (x) => constD2F(x),
  fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = clampF(xs[i] as number, 0, 6);
    return o;
  },
  dfBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = clampDF(xs[i] as number, 0, 6);
    return o;
  },
  d2fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = constD2F(xs[i] as number);
    return o;
  },
  kinks: () => [0, 6],
  properties: props([0, 6], true, false, false),
  lesson: 'Saturates at 6: inputs above it get zero gradient, like inputs below 0.',
};

export const hardtanh: ActivationNumerics = {
  id: 'hardtanh',
  name: 'Hardtanh',
  summary: 'Clamp to [min_val, max_val]: a piecewise-linear tanh.',
  description:
    'Clamps x to [min_val, max_val] (default [−1, 1]), a cheap piecewise-linear stand-in for tanh. ' +
    'The derivative is 1 strictly inside and 0 outside; PyTorch takes 0 at the two corners.',
  paramSpecs: [
    spec('min_val', 'a', -1, -10, 0, 0.1, 'Lower clamp.'),
    spec('max_val', 'b', 1, 0, 10, 0.1, 'Upper clamp.'),
  ],
  f: (x, p) => clampF(x, param(p, 'min_val', -1), param(p, 'max_val', 1)),
  df: (x, p) => clampDF(x, param(p, 'min_val', -1), param(p, 'max_val', 1)),
  d2f: (x) => constD2F(x),
  fBatch: (xs, p, out) => {
    const o = outFor(xs, out);
    const lo = param(p, 'min_val', -1);
    const hi = param(p, 'max_val', 1);
    for (let i = 0; i < xs.length; i++) o[i] = clampF(xs[i] as number, lo, hi);
    return o;
  },
  dfBatch: (xs, p, out) => {
    const o = outFor(xs, out);
    const lo = param(p, 'min_val', -1);
    const hi = param(p, 'max_val', 1);
    for (let i = 0; i < xs.length; i++) o[i] = clampDF(xs[i] as number, lo, hi);
    return o;
  },
  d2fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = constD2F(xs[i] as number);
    return o;
  },
  kinks: (p) => [param(p, 'min_val', -1), param(p, 'max_val', 1)],
  properties: props([-1, 1], true, false, true),
  lesson: 'Outside [min_val, max_val] the gradient is exactly zero: saturated units stop learning.',
};

export const identity: ActivationNumerics = {
  id: 'identity',
  name: 'Identity',
  summary: 'No activation: f(x) = x.',
  description:
    'The identity (nn.Identity, Keras "linear"). A stack of linear layers with no nonlinearity between ' +
    'them collapses into a single linear map.',
  paramSpecs: [],
  f: (x) => x,
  df: (x) => identityDF(x),
  d2f: (x) => constD2F(x),
  fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = xs[i] as number;
    return o;
  },
  dfBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = identityDF(xs[i] as number);
    return o;
  },
  d2fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = constD2F(xs[i] as number);
    return o;
  },
  kinks: () => [],
  properties: props([-Infinity, Infinity], true, true, true),
  lesson: 'Without a nonlinearity, depth adds nothing: the network stays a linear map.',
};

export const step: ActivationNumerics = {
  id: 'step',
  name: 'Heaviside step',
  summary: 'Heaviside step: 1 for x > 0, 0 otherwise.',
  description:
    'The Heaviside step of the perceptron (1 for x > 0, 0 otherwise; torch.heaviside with value 0 at 0). ' +
    'Its derivative is 0 wherever it exists, so it blocks gradients: a network of steps cannot be ' +
    'trained by backpropagation.',
  paramSpecs: [],
  f: (x) => stepF(x),
  df: (x) => constD2F(x),
  d2f: (x) => constD2F(x),
  fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = stepF(xs[i] as number);
    return o;
  },
  dfBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = constD2F(xs[i] as number);
    return o;
  },
  d2fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = constD2F(xs[i] as number);
    return o;
  },
  kinks: () => [0],
  properties: props([0, 1], true, false, false),
  lesson:
    'f′ = 0 everywhere it exists: the step blocks gradients, which is why smooth sigmoids replaced it.',
};

export const relu2: ActivationNumerics = {
  id: 'relu2',
  name: 'Squared ReLU',
  summary: 'Squared ReLU: max(0, x)².',
  description:
    'The square of ReLU, found by architecture search for the Primer transformer (So et al. 2021); ' +
    'Hugging Face ACT2FN key "relu2". f is C¹ (f′ = 2x for x > 0), f″ jumps at 0.',
  paramSpecs: [],
  f: (x) => relu2F(x),
  df: (x) => relu2DF(x),
  d2f: (x) => relu2D2F(x),
  fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = relu2F(xs[i] as number);
    return o;
  },
  dfBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = relu2DF(xs[i] as number);
    return o;
  },
  d2fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = relu2D2F(xs[i] as number);
    return o;
  },
  kinks: () => [],
  properties: props([0, Infinity], true, true, false),
  lesson:
    'Its gradient grows with x, so large activations grow quadratically: it needs normalisation around it.',
};
