/**
 * Initialisation as PyTorch does it: the defaults of each layer type, and the torch.nn.init
 * functions (and the tensor methods `normal_`, `uniform_`, `zero_`, `fill_`) a file applies after
 * construction, as InitSpec on the parameter objects they change.
 */
import { calculateGain as kernelGain } from '../../kernel/graph/init';
import type { InitSpec } from '../../kernel/graph/types';
import { Decline, show, type ParamObj, type Value } from './values';

/** nn.Linear / nn.Conv*d weight: kaiming_uniform_(a=√5) in reset_parameters. */
export const TORCH_WEIGHT: InitSpec = { kind: 'kaiming_uniform', a: Math.sqrt(5) };
/** nn.Linear / nn.Conv*d bias: U(±1/√fan_in) of the weight. */
export const TORCH_BIAS: InitSpec = { kind: 'torch_bias' };
export const ONES: InitSpec = { kind: 'ones' };
export const ZEROS: InitSpec = { kind: 'zeros' };
export const NORMAL1: InitSpec = { kind: 'normal', std: 1 };

export function param(shape: readonly number[], init: InitSpec, line: number): ParamObj {
  return { shape: [...shape], init, line };
}

/** torch.nn.init.calculate_gain, from the kernel's table; an unknown name declines at its line. */
export function calculateGain(nonlinearity: string, a: number | undefined, line: number): number {
  try {
    return kernelGain(nonlinearity, a);
  } catch {
    throw new Decline(line, `calculate_gain('${nonlinearity}') is not known`);
  }
}

type Arg = (index: number, name: string) => Value | undefined;

const numArg = (
  a: Arg,
  i: number,
  name: string,
  dflt: number,
  line: number,
  fn: string,
): number => {
  const v = a(i, name);
  if (v === undefined || v.t === 'none') return dflt;
  if (v.t === 'num') return v.v;
  if (v.t === 'bool') return v.v ? 1 : 0;
  throw new Decline(line, `${fn}: ${name}=${show(v)} is not a number`);
};

const strArg = (
  a: Arg,
  i: number,
  name: string,
  dflt: string,
  line: number,
  fn: string,
): string => {
  const v = a(i, name);
  if (v === undefined) return dflt;
  if (v.t === 'str') return v.v;
  throw new Decline(line, `${fn}: ${name}=${show(v)} is not a string`);
};

/**
 * The InitSpec an init function gives. `fn` without the trailing underscore: `normal`, `xavier_uniform`;
 * `a(i, name)` reads the arguments after the tensor (index 0 is the first one after it). For the
 * tensor methods (`w.data.normal_(0, 0.02)`) the same positions hold.
 */
export function initSpec(fn: string, a: Arg, line: number): InitSpec {
  const n = (i: number, name: string, d: number) => numArg(a, i, name, d, line, fn);
  switch (fn) {
    case 'normal':
      return { kind: 'normal', mean: n(0, 'mean', 0), std: n(1, 'std', 1) };
    case 'uniform':
      return { kind: 'uniform', low: n(0, 'a', 0), high: n(1, 'b', 1) };
    case 'zeros':
    case 'zero':
      return ZEROS;
    case 'ones':
      return ONES;
    case 'constant':
    case 'fill': {
      const v = n(0, fn === 'fill' ? 'value' : 'val', NaN);
      if (Number.isNaN(v)) throw new Decline(line, `${fn}_ needs a value`);
      return v === 0 ? ZEROS : v === 1 ? ONES : { kind: 'constant', value: v };
    }
    case 'trunc_normal': {
      const mean = n(0, 'mean', 0);
      const std = n(1, 'std', 1);
      return { kind: 'trunc_normal', mean, std, a: n(2, 'a', -2), b: n(3, 'b', 2) };
    }
    case 'xavier_uniform':
    case 'xavier_normal':
      return { kind: fn, gain: n(0, 'gain', 1) };
    case 'orthogonal':
      return { kind: 'orthogonal', gain: n(0, 'gain', 1) };
    case 'kaiming_uniform':
    case 'kaiming_normal': {
      const mode = strArg(a, 1, 'mode', 'fan_in', line, fn);
      if (mode !== 'fan_in' && mode !== 'fan_out')
        throw new Decline(line, `${fn}: mode='${mode}' is not known`);
      const nonlinearity = strArg(a, 2, 'nonlinearity', 'leaky_relu', line, fn);
      const slope = n(0, 'a', 0);
      calculateGain(nonlinearity, slope, line);
      return { kind: fn, a: slope, mode, nonlinearity };
    }
    default:
      throw new Decline(line, `torch.nn.init.${fn}_ is not read`);
  }
}

/** Names of the torch.nn.init functions (without `_`) this reader applies. */
export const INIT_FUNCTIONS = new Set([
  'normal',
  'uniform',
  'zeros',
  'ones',
  'constant',
  'trunc_normal',
  'xavier_uniform',
  'xavier_normal',
  'orthogonal',
  'kaiming_uniform',
  'kaiming_normal',
]);

/** In-place tensor methods that re-initialise (`w.data.normal_(0, 0.02)`, `b.data.zero_()`). */
export const INIT_METHODS: Readonly<Record<string, string>> = {
  normal_: 'normal',
  uniform_: 'uniform',
  zero_: 'zero',
  fill_: 'fill',
};
