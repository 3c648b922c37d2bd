/**
 * Parameter initialisation from an InitSpec, with torch.nn.init's definitions and fans (and
 * Keras/Flax variance_scaling). Draws go through the run's seeded stream in Float64 and are then
 * stored in the run's dtype, so a float32 and a float64 run of one seed start from the same values
 * up to rounding.
 */
import { initWeight } from '../gradientFlow/init';
import type { Rng } from '../random';
import type { Buf } from './gemm';
import type { InitSpec, Shape } from './types';

export interface Fans {
  readonly fanIn: number;
  readonly fanOut: number;
}

/** torch.nn.init._calculate_fan_in_and_fan_out; 1-D tensors use their length for both. */
export function torchFans(shape: Shape): Fans {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0]!, fanOut: shape[0]! };
  let receptive = 1;
  for (let i = 2; i < shape.length; i++) receptive *= shape[i]!;
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

/** torch.nn.init.calculate_gain. */
export function calculateGain(nonlinearity: string, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'identity':
    case 'sigmoid':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'conv_transpose1d':
    case 'conv_transpose2d':
    case 'conv_transpose3d':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new Error(`unknown nonlinearity '${nonlinearity}' for an init gain`);
  }
}

const fin = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const opt = (v: unknown): boolean => v === undefined || fin(v);

/** Why an InitSpec cannot be drawn (one phrase), or null when it can; checked before allocating. */
export function initProblem(spec: InitSpec | undefined): string | null {
  if (!spec || typeof spec !== 'object') return 'no init';
  const bad = (what: string): string => `${spec.kind} init with ${what}`;
  switch (spec.kind) {
    case 'zeros':
    case 'ones':
      return null;
    case 'constant':
      return fin(spec.value) ? null : bad('a non-finite value');
    case 'uniform':
      return fin(spec.low) && fin(spec.high) && spec.low <= spec.high
        ? null
        : bad('bounds that are not low ≤ high');
    case 'normal':
    case 'trunc_normal':
      if (!(fin(spec.std) && spec.std >= 0 && opt(spec.mean))) return bad('a bad mean or std');
      if (
        spec.kind === 'trunc_normal' &&
        !(opt(spec.a) && opt(spec.b) && (spec.a ?? -2) < (spec.b ?? 2))
      )
        return bad('bounds that are not a < b');
      return null;
    case 'xavier_uniform':
    case 'xavier_normal':
    case 'orthogonal':
      return opt(spec.gain) ? null : bad('a non-finite gain');
    case 'kaiming_uniform':
    case 'kaiming_normal':
      if (!opt(spec.a)) return bad('a non-finite a');
      try {
        calculateGain(spec.nonlinearity ?? 'leaky_relu', spec.a ?? 0);
      } catch (e) {
        return (e as Error).message;
      }
      return null;
    case 'variance_scaling':
      return fin(spec.scale) &&
        spec.scale >= 0 &&
        ['fan_in', 'fan_out', 'fan_avg'].includes(spec.mode) &&
        ['truncated_normal', 'untruncated_normal', 'uniform'].includes(spec.distribution)
        ? null
        : bad('a bad scale, mode or distribution');
    case 'torch_bias':
      return opt(spec.bound) ? null : bad('a non-finite bound');
    default:
      return `unknown init '${String((spec as { kind?: unknown }).kind)}'`;
  }
}

/** Keras' truncated_normal correction: the std of N(0,1) truncated to ±2. */
const TRUNC_STD = 0.87962566103423978;

function truncNormal(out: Buf, mean: number, std: number, a: number, b: number, rng: Rng): void {
  for (let i = 0; i < out.length; i++) {
    let v = mean + std * rng.normal();
    // Rejection keeps the exact truncated distribution; a hopeless window (mass < 1e-3) clamps.
    for (let tries = 0; (v < a || v > b) && tries < 1000; tries++) v = mean + std * rng.normal();
    out[i] = Math.min(b, Math.max(a, v));
  }
}

/**
 * Fills `out` (torch layout `shape`). `biasFanIn` is the owning weight's fan_in for torch_bias.
 * Returns `out`.
 */
export function initTensor(
  out: Buf,
  shape: Shape,
  spec: InitSpec,
  rng: Rng,
  fans: Fans = torchFans(shape),
): Buf {
  // Draws go straight into the storage; only the two that post-process (truncation by
  // rejection, orthogonalisation) work on a Float64 copy.
  const direct =
    out instanceof Float64Array ||
    (spec.kind !== 'trunc_normal' &&
      spec.kind !== 'orthogonal' &&
      !(spec.kind === 'variance_scaling' && spec.distribution === 'truncated_normal'));
  const tmp: Buf = direct ? out : new Float64Array(out.length);
  const { fanIn, fanOut } = fans;
  switch (spec.kind) {
    case 'zeros':
      tmp.fill(0);
      break;
    case 'ones':
      tmp.fill(1);
      break;
    case 'constant':
      tmp.fill(spec.value);
      break;
    case 'uniform':
      rng.fillUniform(tmp, spec.low, spec.high);
      break;
    case 'normal':
      rng.fillNormal(tmp, spec.mean ?? 0, spec.std);
      break;
    case 'trunc_normal':
      truncNormal(tmp, spec.mean ?? 0, spec.std, spec.a ?? -2, spec.b ?? 2, rng);
      break;
    case 'xavier_uniform': {
      const a = (spec.gain ?? 1) * Math.sqrt(6 / (fanIn + fanOut));
      rng.fillUniform(tmp, -a, a);
      break;
    }
    case 'xavier_normal':
      rng.fillNormal(tmp, 0, (spec.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut)));
      break;
    case 'kaiming_uniform':
    case 'kaiming_normal': {
      const fan = spec.mode === 'fan_out' ? fanOut : fanIn;
      const std = calculateGain(spec.nonlinearity ?? 'leaky_relu', spec.a ?? 0) / Math.sqrt(fan);
      if (spec.kind === 'kaiming_normal') rng.fillNormal(tmp, 0, std);
      else rng.fillUniform(tmp, -Math.sqrt(3) * std, Math.sqrt(3) * std);
      break;
    }
    case 'orthogonal': {
      const rows = shape[0] ?? 1;
      const cols = tmp.length / rows;
      initWeight(tmp as Float64Array, 'orthogonal', cols, rows, spec.gain ?? 1, rng);
      break;
    }
    case 'variance_scaling': {
      const n =
        spec.mode === 'fan_in' ? fanIn : spec.mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
      const base = Math.sqrt(spec.scale / Math.max(1, n));
      if (spec.distribution === 'uniform')
        rng.fillUniform(tmp, -Math.sqrt(3) * base, Math.sqrt(3) * base);
      else if (spec.distribution === 'untruncated_normal') rng.fillNormal(tmp, 0, base);
      else {
        const std = base / TRUNC_STD;
        truncNormal(tmp, 0, std, -2 * std, 2 * std, rng);
      }
      break;
    }
    case 'torch_bias': {
      const bound = spec.bound ?? (fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0);
      rng.fillUniform(tmp, -bound, bound);
      break;
    }
  }
  if (tmp !== out) out.set(tmp);
  return out;
}
