/**
 * The plain check's configuration: defaults, limits, and the one validator every entry uses (the
 * command's zod schema refines with it, the CLI parses text and hands over, the worker and
 * runCheck call it). Every size is checked here, before anything is allocated.
 */
import { checkParams } from '../params';
import { isValidSeed, MAX_SEED } from '../random';
import { getActivation } from '../registry';
import type { Params } from '../types';
import { BIAS_INITS, INITS, type BiasInit, type InitName } from './init';
import { GradientFlowInputError, MAX_DEPTH, NORMS, type Dtype, type NormKind } from './simulate';
import { resolveThresholds, suggestedInit } from './verdict';

export const ARCHS = Object.freeze(['mlp', 'rnn', 'lstm', 'gru'] as const);
export type Arch = (typeof ARCHS)[number];
export const DTYPES = Object.freeze(['float64', 'float32'] as const);

/** Largest width, batch and step count accepted (the memory guard bounds their products). */
export const MAX_WIDTH = 1_000_000;
export const MAX_BATCH = 1_000_000;
export const MAX_STEPS = 10_000;
/** Recurrent stacks are deep in time already; more layers than this are not a lecture case. */
export const MAX_RECURRENT_DEPTH = 64;

/** The plain check's options; everything but `activation` has a default (DEFAULT_CHECK). */
export interface CheckConfig {
  readonly activation: string;
  readonly params?: Partial<Params>;
  /** Default: suggestedInit(activation) — he_normal for the ReLU family, lecun_normal for SELU, else xavier_normal. */
  readonly init?: InitName;
  readonly gain?: number;
  readonly bias?: BiasInit;
  /** Layers; for recurrent archs the number of stacked recurrent layers (default 1). */
  readonly depth?: number;
  readonly width?: number;
  readonly batch?: number;
  readonly seed?: number;
  readonly dropout?: number;
  readonly alphaDropout?: number;
  readonly clipNorm?: number;
  readonly dtype?: Dtype;
  /** Normalisation after each linear map (mlp only): none, batch (BatchNorm1d), layer (LayerNorm). */
  readonly norm?: NormKind;
  /** h_l = act(…) + h_{l−1} (mlp only). */
  readonly residual?: boolean;
  /** mlp (the stack), or a recurrent net (nn.RNN with tanh|relu, nn.LSTM, nn.GRU) over `steps`. */
  readonly arch?: Arch;
  /** Time steps of a recurrent run (default 32). */
  readonly steps?: number;
  /** Orders of magnitude of first-to-last gradient ratio beyond which the verdict flags (default 3). */
  readonly ratioLimit?: number;
  /** Fraction of dead units at which a layer is warned about (default 0.05). */
  readonly deadWarning?: number;
}

export const DEFAULT_CHECK = Object.freeze({
  depth: 32,
  recurrentDepth: 1,
  width: 256,
  batch: 256,
  seed: 0,
  gain: 1,
  bias: 'none' as BiasInit,
  dropout: 0,
  alphaDropout: 0,
  dtype: 'float64' as Dtype,
  norm: 'none' as NormKind,
  residual: false,
  arch: 'mlp' as Arch,
  steps: 32,
});

/** The resolved configuration, echoed in the report. */
export interface ResolvedCheckConfig {
  readonly activation: string;
  readonly params: Params;
  readonly init: InitName;
  readonly gain: number;
  readonly bias: BiasInit;
  readonly depth: number;
  readonly width: number;
  readonly batch: number;
  readonly seed: number;
  readonly dropout: number;
  readonly alphaDropout: number;
  readonly clipNorm: number | null;
  readonly dtype: Dtype;
  readonly norm: NormKind;
  readonly residual: boolean;
  readonly arch: Arch;
  /** Recurrent archs only (null for mlp). */
  readonly steps: number | null;
  readonly ratioLimit: number;
  readonly deadWarning: number;
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

function size(v: unknown, what: string, max: number): number {
  if (!isPositiveInt(v))
    throw new GradientFlowInputError(`${what} must be a positive integer, got ${String(v)}`);
  if (v > max) throw new GradientFlowInputError(`${what} must be at most ${max}, got ${v}`);
  return v;
}

function rate(v: unknown, what: string): number {
  if (!(typeof v === 'number' && v >= 0 && v < 1))
    throw new GradientFlowInputError(`${what} must be in [0, 1), got ${String(v)}`);
  return v;
}

function oneOf<T extends string>(v: unknown, what: string, all: readonly T[]): T {
  if (!(all as readonly unknown[]).includes(v))
    throw new GradientFlowInputError(`unknown ${what} '${String(v)}' (one of ${all.join(', ')})`);
  return v as T;
}

/** Fills defaults and validates; throws GradientFlowInputError with a user-facing message. */
export function resolveCheckConfig(c: CheckConfig): ResolvedCheckConfig {
  if (typeof c !== 'object' || c === null)
    throw new GradientFlowInputError('the check needs an options object');
  const a = typeof c.activation === 'string' ? getActivation(c.activation) : undefined;
  if (!a) throw new GradientFlowInputError(`unknown activation '${String(c.activation)}'`);
  const params: Record<string, number> = { ...a.params };
  const given: Record<string, number> = {};
  for (const [k, v] of Object.entries(c.params ?? {})) if (v !== undefined) given[k] = v;
  // The one parameter check: names, finiteness and the function's domain (celu α = 0 gave NaN).
  const checked = checkParams(a, given);
  if (!checked.ok) throw new GradientFlowInputError(checked.message);
  Object.assign(params, given);
  const arch = oneOf(c.arch ?? DEFAULT_CHECK.arch, 'arch', ARCHS);
  const recurrent = arch !== 'mlp';
  const init = oneOf(c.init ?? suggestedInit(a.id), 'init', INITS);
  const gain = c.gain ?? DEFAULT_CHECK.gain;
  if (!(typeof gain === 'number' && gain > 0 && Number.isFinite(gain)))
    throw new GradientFlowInputError(`gain must be a positive finite number, got ${String(gain)}`);
  const bias = oneOf(c.bias ?? DEFAULT_CHECK.bias, 'bias init', BIAS_INITS);
  const depth = size(
    c.depth ?? (recurrent ? DEFAULT_CHECK.recurrentDepth : DEFAULT_CHECK.depth),
    'depth',
    recurrent ? MAX_RECURRENT_DEPTH : MAX_DEPTH,
  );
  const width = size(c.width ?? DEFAULT_CHECK.width, 'width', MAX_WIDTH);
  const batch = size(c.batch ?? DEFAULT_CHECK.batch, 'batch', MAX_BATCH);
  const seed = c.seed ?? DEFAULT_CHECK.seed;
  if (!isValidSeed(seed))
    throw new GradientFlowInputError(
      `seed must be an integer in [0, ${MAX_SEED}], got ${String(seed)}`,
    );
  const dropout = rate(c.dropout ?? 0, 'dropout');
  const alphaDropout = rate(c.alphaDropout ?? 0, 'alpha dropout');
  if (dropout > 0 && alphaDropout > 0)
    throw new GradientFlowInputError('use either dropout or alpha dropout, not both');
  if (
    c.clipNorm !== undefined &&
    !(typeof c.clipNorm === 'number' && c.clipNorm > 0 && Number.isFinite(c.clipNorm))
  )
    throw new GradientFlowInputError(
      `clip norm must be a positive finite number, got ${String(c.clipNorm)}`,
    );
  const dtype = oneOf(c.dtype ?? DEFAULT_CHECK.dtype, 'dtype', DTYPES);
  const norm = oneOf(c.norm ?? DEFAULT_CHECK.norm, 'norm', NORMS);
  if (c.residual !== undefined && typeof c.residual !== 'boolean')
    throw new GradientFlowInputError(`residual must be true or false, got ${String(c.residual)}`);
  const residual = c.residual ?? DEFAULT_CHECK.residual;
  if (!recurrent && c.steps !== undefined)
    throw new GradientFlowInputError('steps applies to recurrent archs (rnn, lstm, gru), not mlp');
  const steps = recurrent ? size(c.steps ?? DEFAULT_CHECK.steps, 'steps', MAX_STEPS) : null;
  const limits = resolveThresholds(c);
  if (!limits.ok) throw new GradientFlowInputError(limits.message);
  if (recurrent) {
    // The protocol's recurrent nets are PyTorch's modules as they are: no norm, residual or dropout.
    const extra = [
      norm !== 'none' && 'norm',
      residual && 'residual',
      dropout > 0 && 'dropout',
      alphaDropout > 0 && 'alpha dropout',
      c.init !== undefined && 'init',
      c.gain !== undefined && 'gain',
      c.bias !== undefined && 'bias',
    ].filter(Boolean);
    if (extra.length > 0)
      throw new GradientFlowInputError(
        `${extra.join(', ')} ${extra.length === 1 ? 'does' : 'do'} not apply to --arch ${arch} (PyTorch's ${arch.toUpperCase()} with its default U(±1/√hidden) init and biases)`,
      );
    if (arch === 'rnn' && a.id !== 'tanh' && a.id !== 'relu')
      throw new GradientFlowInputError(`nn.RNN takes tanh or relu, got '${a.id}'`);
  }
  return {
    activation: a.id,
    params,
    init,
    gain,
    bias,
    depth,
    width,
    batch,
    seed,
    dropout,
    alphaDropout,
    clipNorm: c.clipNorm ?? null,
    dtype,
    norm,
    residual,
    arch,
    steps,
    ratioLimit: limits.thresholds.ratioLimitLog10,
    deadWarning: limits.thresholds.deadWarningFraction,
  };
}
