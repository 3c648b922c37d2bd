/** The exponential-linear family: elu, selu, celu, and Keras's plain exponential. */
import { SELU_SCALE, SELU_SCALE_ALPHA } from './constants';
import type { ActivationNumerics } from '../types';
import { outFor, param, props, spec } from './util';

// eˣ − 1 through expm1: computed as exp(x) − 1 it has 8e−8 relative error at x = −1e−10.
function eluF(x: number, a: number): number {
  return x > 0 ? x : a * Math.expm1(x);
}
function eluDF(x: number, a: number): number {
  return x > 0 ? 1 : a * Math.exp(x);
}
function eluD2F(x: number, a: number): number {
  return x > 0 ? 0 : a * Math.exp(x);
}

function seluF(x: number): number {
  return x > 0 ? SELU_SCALE * x : SELU_SCALE_ALPHA * Math.expm1(x);
}
function seluDF(x: number): number {
  return x > 0 ? SELU_SCALE : SELU_SCALE_ALPHA * Math.exp(x);
}
function seluD2F(x: number): number {
  return x > 0 ? 0 : SELU_SCALE_ALPHA * Math.exp(x);
}

function celuF(x: number, a: number): number {
  return x > 0 ? x : a * Math.expm1(x / a);
}
function celuDF(x: number, a: number): number {
  return x > 0 ? 1 : Math.exp(x / a);
}
function celuD2F(x: number, a: number): number {
  return x > 0 ? 0 : Math.exp(x / a) / a;
}

export const elu: ActivationNumerics = {
  id: 'elu',
  name: 'ELU',
  summary: 'Exponential linear unit: x for x > 0, α(eˣ − 1) otherwise.',
  description:
    'The exponential linear unit (Clevert et al. 2016): x for x > 0 and α(eˣ − 1) for x ≤ 0, saturating ' +
    'at −α. Its negative outputs push mean activations towards zero. f′ is continuous only for α = 1; ' +
    'PyTorch takes the left branch at 0 (elu′(0) = α).',
  paramSpecs: [spec('alpha', '\\alpha', 1, 0.01, 5, 0.01, 'Saturation value −α for x → −∞.')],
  f: (x, p) => eluF(x, param(p, 'alpha', 1)),
  df: (x, p) => eluDF(x, param(p, 'alpha', 1)),
  d2f: (x, p) => eluD2F(x, param(p, 'alpha', 1)),
  fBatch: (xs, p, out) => {
    const o = outFor(xs, out);
    const a = param(p, 'alpha', 1);
    for (let i = 0; i < xs.length; i++) o[i] = eluF(xs[i] as number, a);
    return o;
  },
  dfBatch: (xs, p, out) => {
    const o = outFor(xs, out);
    const a = param(p, 'alpha', 1);
    for (let i = 0; i < xs.length; i++) o[i] = eluDF(xs[i] as number, a);
    return o;
  },
  d2fBatch: (xs, p, out) => {
    const o = outFor(xs, out);
    const a = param(p, 'alpha', 1);
    for (let i = 0; i < xs.length; i++) o[i] = eluD2F(xs[i] as number, a);
    return o;
  },
  kinks: (p) => (param(p, 'alpha', 1) === 1 ? [] : [0]),
  properties: props([-1, Infinity], true, true, true),
  lesson:
    'Negative saturation at −α pulls the mean activation towards zero, which speeds up learning.',
};

export const selu: ActivationNumerics = {
  id: 'selu',
  name: 'SELU',
  summary: 'Scaled ELU with fixed λ ≈ 1.0507, α ≈ 1.6733: self-normalising.',
  description:
    'The scaled exponential linear unit (Klambauer et al. 2017): λx for x > 0, λα(eˣ − 1) otherwise, ' +
    'with λ = 1.0507009873554804934 and α = 1.6732632423543772848 chosen so that activations converge ' +
    'to zero mean and unit variance through a deep stack. f′ jumps at 0 (λ vs λα); PyTorch takes λα.',
  paramSpecs: [],
  f: (x) => seluF(x),
  df: (x) => seluDF(x),
  d2f: (x) => seluD2F(x),
  fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = seluF(xs[i] as number);
    return o;
  },
  dfBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = seluDF(xs[i] as number);
    return o;
  },
  d2fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = seluD2F(xs[i] as number);
    return o;
  },
  kinks: () => [0],
  properties: props([-SELU_SCALE_ALPHA, Infinity], true, false, true, true),
  lesson:
    'Self-normalisation only holds with LeCun-normal initialisation and Alpha Dropout (not ordinary dropout) in a plain feed-forward stack.',
};

export const celu: ActivationNumerics = {
  id: 'celu',
  name: 'CELU',
  summary: 'Continuously differentiable ELU: x for x > 0, α(e^{x/α} − 1) otherwise.',
  description:
    'The continuously differentiable ELU (Barron 2017): x for x > 0 and α(e^{x/α} − 1) otherwise. ' +
    'Unlike ELU its derivative is continuous at 0 for every α (it equals 1 on both sides).',
  paramSpecs: [
    spec(
      'alpha',
      '\\alpha',
      1,
      0.01,
      5,
      0.01,
      'Saturation value −α and the scale of the negative branch.',
    ),
  ],
  f: (x, p) => celuF(x, param(p, 'alpha', 1)),
  df: (x, p) => celuDF(x, param(p, 'alpha', 1)),
  d2f: (x, p) => celuD2F(x, param(p, 'alpha', 1)),
  fBatch: (xs, p, out) => {
    const o = outFor(xs, out);
    const a = param(p, 'alpha', 1);
    for (let i = 0; i < xs.length; i++) o[i] = celuF(xs[i] as number, a);
    return o;
  },
  dfBatch: (xs, p, out) => {
    const o = outFor(xs, out);
    const a = param(p, 'alpha', 1);
    for (let i = 0; i < xs.length; i++) o[i] = celuDF(xs[i] as number, a);
    return o;
  },
  d2fBatch: (xs, p, out) => {
    const o = outFor(xs, out);
    const a = param(p, 'alpha', 1);
    for (let i = 0; i < xs.length; i++) o[i] = celuD2F(xs[i] as number, a);
    return o;
  },
  kinks: () => [],
  properties: props([-1, Infinity], true, true, true),
  lesson: 'Scaling the exponent by 1/α keeps f′ continuous at 0 for any α, unlike ELU.',
};

export const exponential: ActivationNumerics = {
  id: 'exponential',
  name: 'Exponential',
  summary: 'eˣ (Keras "exponential").',
  description:
    'The exponential eˣ, available as keras.activations.exponential. It overflows to ∞ above x ≈ 709.78 ' +
    'in float64 (x ≈ 88.72 in float32).',
  paramSpecs: [],
  f: (x) => Math.exp(x),
  df: (x) => Math.exp(x),
  d2f: (x) => Math.exp(x),
  fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = Math.exp(xs[i] as number);
    return o;
  },
  dfBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = Math.exp(xs[i] as number);
    return o;
  },
  d2fBatch: (xs, _p, out) => {
    const o = outFor(xs, out);
    for (let i = 0; i < xs.length; i++) o[i] = Math.exp(xs[i] as number);
    return o;
  },
  kinks: () => [],
  properties: props([0, Infinity], true, true, false),
  lesson:
    'Activations and gradients grow exponentially with depth: it overflows quickly without normalisation.',
};
