/**
 * Two small, real activations for the plot's pure modules, independent of the kernel's catalogue
 * (which the kernel's own tests cover): a leaky ReLU with one parameter and a kink, and a
 * parameter-free function that overflows to non-finite values at the ends (to exercise gaps).
 */
import type {
  ActivationNumerics,
  Batch,
  ParamSpec,
  Params,
  Scalar,
} from '../../../src/kernel/types';

function batch(f: Scalar): Batch {
  return (xs, params, out) => {
    const o = out ?? new Float64Array(xs.length);
    for (let i = 0; i < xs.length; i++) o[i] = f(xs[i] as number, params);
    return o;
  };
}

const slope: ParamSpec = {
  name: 'negative_slope',
  symbol: '\\alpha',
  default: 0.01,
  min: 0,
  max: 1,
  step: 0.01,
  description: 'slope for x < 0',
};

const s = (p?: Partial<Params>): number => p?.negative_slope ?? 0.01;
const lf: Scalar = (x, p) => (x >= 0 ? x : s(p) * x);
const ldf: Scalar = (x, p) => (x >= 0 ? 1 : s(p));

export const leaky: ActivationNumerics = {
  id: 'test_leaky',
  name: 'Test Leaky',
  summary: 'x for x ≥ 0, αx below',
  description: '',
  paramSpecs: [slope],
  f: lf,
  df: ldf,
  d2f: () => 0,
  fBatch: batch(lf),
  dfBatch: batch(ldf),
  d2fBatch: batch(() => 0),
  kinks: () => [0],
  properties: {
    range: [-Infinity, Infinity],
    boundedAbove: false,
    boundedBelow: false,
    monotonic: true,
    smooth: false,
    zeroCentred: false,
    selfNormalising: false,
  },
  lesson: '',
};

// e^{x²}: overflows to Infinity for |x| > ~26.6, so samples there must become gaps.
const ef: Scalar = (x) => Math.exp(x * x);
const edf: Scalar = (x) => 2 * x * Math.exp(x * x);
const ed2f: Scalar = (x) => (2 + 4 * x * x) * Math.exp(x * x);
export const blowup: ActivationNumerics = {
  id: 'test_blowup',
  name: 'Test Blow-up',
  summary: 'exp(x²)',
  description: '',
  paramSpecs: [],
  f: ef,
  df: edf,
  d2f: ed2f,
  fBatch: batch(ef),
  dfBatch: batch(edf),
  d2fBatch: batch(ed2f),
  kinks: () => [],
  properties: {
    ...leaky.properties,
    range: [1, Infinity],
    boundedBelow: true,
    monotonic: false,
    smooth: true,
  },
  lesson: '',
};

export const FIXTURES = [leaky, blowup];
export const lookup = (id: string): ActivationNumerics | undefined =>
  FIXTURES.find((a) => a.id === id);
