/**
 * Graph emission for the channels-last frameworks (Keras, Flax): their tensors stay in their own
 * layout (N, H, W, C) / (N, L, C) in the graph, so the file's own shape arithmetic (`x.shape[-1]`,
 * `reshape((x.shape[0], -1))`, `jnp.mean(x, axis=(1, 2))`) reads as written, and the ops that are
 * NCHW in the graph (conv, pooling, batch norm) are wrapped in a permute on each side. Parameters
 * get explicit distributions computed with the framework's own fans (a depthwise kernel's fans
 * differ between Keras and torch), so no init depends on how the engine computes fans.
 */
import type { InitSpec, Op } from '../../kernel/graph/types';
import type { GraphBuilder } from './graph';
import { numeric } from './interp';
import { Decline, isSeq, show, type ParamObj, type TensorVal, type Value } from './values';

/** Where emitted nodes belong: their row key, display kind and source line. */
export interface At {
  /** Undefined for functional ops outside a layer (rows are per layer, as PyTorch's are per module). */
  readonly row: string | undefined;
  readonly kind: string;
  readonly line: number;
}

/** The std of N(0, 1) truncated to ±2 (Keras and Flax divide by it in variance_scaling). */
const TRUNC_STD = 0.87962566103423978;

export type VsMode = 'fan_in' | 'fan_out' | 'fan_avg';
export type VsDistribution = 'truncated_normal' | 'untruncated_normal' | 'normal' | 'uniform';

/** keras.initializers.VarianceScaling / jax.nn.initializers.variance_scaling as a distribution. */
export function varianceScaling(
  scale: number,
  mode: VsMode,
  distribution: VsDistribution,
  fanIn: number,
  fanOut: number,
): InitSpec {
  const n = mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
  const variance = scale / Math.max(1, n);
  if (distribution === 'uniform') {
    const limit = Math.sqrt(3 * variance);
    return { kind: 'uniform', low: -limit, high: limit };
  }
  if (distribution === 'truncated_normal') {
    const std = Math.sqrt(variance) / TRUNC_STD;
    return { kind: 'trunc_normal', std, a: -2 * std, b: 2 * std };
  }
  return { kind: 'normal', std: Math.sqrt(variance) };
}

/** Keras' and Flax's fans of a kernel given as (receptive field, inputs, outputs). */
export interface KernelFans {
  readonly fanIn: number;
  readonly fanOut: number;
}

/** A named initializer of either framework, for a kernel with the given fans. */
export function namedInit(name: string, fans: KernelFans, line: number): InitSpec {
  const { fanIn, fanOut } = fans;
  switch (name) {
    case 'glorot_uniform':
    case 'xavier_uniform':
      return varianceScaling(1, 'fan_avg', 'uniform', fanIn, fanOut);
    case 'glorot_normal':
    case 'xavier_normal':
      return varianceScaling(1, 'fan_avg', 'truncated_normal', fanIn, fanOut);
    case 'lecun_normal':
      return varianceScaling(1, 'fan_in', 'truncated_normal', fanIn, fanOut);
    case 'lecun_uniform':
      return varianceScaling(1, 'fan_in', 'uniform', fanIn, fanOut);
    case 'he_normal':
    case 'kaiming_normal':
      return varianceScaling(2, 'fan_in', 'truncated_normal', fanIn, fanOut);
    case 'he_uniform':
    case 'kaiming_uniform':
      return varianceScaling(2, 'fan_in', 'uniform', fanIn, fanOut);
    case 'zeros':
      return { kind: 'zeros' };
    case 'ones':
      return { kind: 'ones' };
    case 'orthogonal':
      return { kind: 'orthogonal' };
    case 'random_normal':
      // keras.initializers.RandomNormal(): mean 0, stddev 0.05.
      return { kind: 'normal', std: 0.05 };
    case 'random_uniform':
    case 'uniform':
      // keras.initializers.RandomUniform(): ±0.05 (Keras 3 Embedding's default).
      return { kind: 'uniform', low: -0.05, high: 0.05 };
    case 'truncated_normal':
      return { kind: 'trunc_normal', std: 0.05, a: -0.1, b: 0.1 };
    default:
      throw new Decline(line, `initializer '${name}' is not known`);
  }
}

/**
 * An initializer argument of either framework for a kernel with `fans`: a name (`'he_normal'`),
 * an initializer object the reader made (`keras.initializers.VarianceScaling(…)`,
 * `nn.initializers.normal(0.02)`, carried as `init:kind:a:b:c`), or the default when absent.
 */
export function initArg(
  v: Value | undefined,
  dflt: string,
  fans: KernelFans,
  line: number,
): InitSpec {
  if (v === undefined || v.t === 'none') return namedInit(dflt, fans, line);
  if (v.t === 'str') return namedInit(v.v.toLowerCase(), fans, line);
  if (v.t === 'opaque' && v.what.startsWith('init:')) {
    const [, kind, a, b, c] = v.what.split(':');
    switch (kind) {
      case 'variance_scaling':
        return varianceScaling(
          Number(a),
          b as VsMode,
          c as VsDistribution,
          fans.fanIn,
          fans.fanOut,
        );
      case 'normal':
        return { kind: 'normal', std: Number(a || 0.01) };
      case 'random_normal':
        return { kind: 'normal', mean: Number(a || 0), std: Number(b || 0.05) };
      case 'truncated_normal': {
        const m = Number(a || 0);
        const sd = Number(b || 0.05);
        return { kind: 'trunc_normal', mean: m, std: sd, a: m - 2 * sd, b: m + 2 * sd };
      }
      case 'random_uniform':
        return { kind: 'uniform', low: Number(a || -0.05), high: Number(b || 0.05) };
      case 'constant':
        return { kind: 'constant', value: Number(a || 0) };
      default:
        return namedInit(kind ?? '', fans, line);
    }
  }
  throw new Decline(line, `the initializer ${show(v)} is not read`);
}

/** A layer's numeric argument `name` of class `cls`: `dflt` when absent, a decline when not a number. */
export function numArg(
  v: Value | undefined,
  dflt: number | undefined,
  line: number,
  cls: string,
  name: string,
): number {
  if (v === undefined || v.t === 'none') {
    if (dflt === undefined) throw new Decline(line, `${cls}: \`${name}\` is missing`);
    return dflt;
  }
  const n = numeric(v);
  if (n === undefined) throw new Decline(line, `${cls}: ${name}=${show(v)} is not a number`);
  return n;
}

/** An int or a tuple (`kernel_size=3`, `strides=(2, 2)`) as `dims` numbers; `dflt` when absent. */
export function intsArg(
  v: Value | undefined,
  dims: number,
  dflt: number | undefined,
  line: number,
  what: string,
): number[] {
  if (v === undefined || v.t === 'none') {
    if (dflt === undefined) throw new Decline(line, `\`${what}\` is missing`);
    return Array.from({ length: dims }, () => dflt);
  }
  const items = isSeq(v) ? v.items : Array.from({ length: dims }, () => v);
  const ns = items.map((x) => numeric(x));
  if (ns.length !== dims || ns.some((n) => n === undefined)) {
    throw new Decline(line, `${what}=${show(v)} is not ${dims} numbers`);
  }
  return ns as number[];
}

/** Parameters of one layer, made on its first call and shared by later calls (Keras reuse). */
export class LayerParams {
  private readonly made = new Map<string, ParamObj>();
  get(name: string, shape: readonly number[], init: InitSpec, line: number): ParamObj {
    const old = this.made.get(name);
    if (old) {
      if (old.shape.join() !== shape.join()) {
        throw new Decline(
          line,
          `a layer built for (${old.shape.join(', ')}) is called on a different shape`,
          true,
        );
      }
      return old;
    }
    const p: ParamObj = { shape: [...shape], init, line };
    this.made.set(name, p);
    return p;
  }
}

function emit(
  g: GraphBuilder,
  at: At,
  op: Op,
  inputs: readonly TensorVal[],
  shape: readonly number[],
): TensorVal {
  return g.add(op, inputs, shape, at.line, at.kind, at.row);
}

/** A parameter spec for a node about to be added (ties on a parameter's second use). */
function spec(g: GraphBuilder, p: ParamObj, name: string, line: number) {
  return g.param(p, g.nextId(), name, line);
}

// ---- layout --------------------------------------------------------------------------------

/** Moves the last axis to position 1: (N, …, C) → (N, C, …). */
/**
 * The channels-first tensor a channels-last one was made from (`toChannelsLast`), so that a conv
 * after a conv or a batch norm reads it directly: the permute back is then used by nothing and
 * dropped with the graph's unused nodes, which halves what Keras and Flax graphs hold.
 */
const channelsFirstOf = new WeakMap<TensorVal, TensorVal>();

export function toChannelsFirst(g: GraphBuilder, at: At, x: TensorVal): TensorVal {
  const r = x.shape.length;
  if (r <= 2) return x;
  const twin = channelsFirstOf.get(x);
  if (twin) return twin;
  const dims = [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)];
  return emit(
    g,
    at,
    { op: 'permute', dims },
    [x],
    dims.map((d) => x.shape[d]!),
  );
}

/** Moves axis 1 to the end: (N, C, …) → (N, …, C). */
export function toChannelsLast(g: GraphBuilder, at: At, x: TensorVal): TensorVal {
  const r = x.shape.length;
  if (r <= 2) return x;
  const dims = [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1];
  const y = emit(
    g,
    at,
    { op: 'permute', dims },
    [x],
    dims.map((d) => x.shape[d]!),
  );
  channelsFirstOf.set(y, x);
  return y;
}

// ---- padding -------------------------------------------------------------------------------

/**
 * TensorFlow's 'SAME' padding (Keras and Flax): out = ⌈in/stride⌉, the total padding split with
 * the odd pixel after. Torch pads symmetrically, so an odd total with stride ≥ 2 is read as
 * ⌈total/2⌉ on both sides (same output size, one more pixel of padding before): `shifted` tells.
 */
export function samePadding(
  size: number,
  kernel: number,
  stride: number,
  dilation: number,
  line: number,
): { pad: number; shifted: boolean } {
  const out = Math.ceil(size / stride);
  const eff = (kernel - 1) * dilation + 1;
  const total = Math.max((out - 1) * stride + eff - size, 0);
  if (total % 2 === 0) return { pad: total / 2, shifted: false };
  if (stride === 1) {
    throw new Decline(line, `'same' padding with the even kernel ${kernel} pads one side only`);
  }
  return { pad: (total + 1) / 2, shifted: true };
}

export type Padding = 'same' | 'valid' | readonly (readonly [number, number])[];

function resolvePadding(
  padding: Padding,
  spatial: readonly number[],
  kernel: readonly number[],
  stride: readonly number[],
  dilation: readonly number[],
  line: number,
  notes: string[],
): number[] {
  if (padding === 'valid') return spatial.map(() => 0);
  if (padding === 'same') {
    return spatial.map((s, i) => {
      const r = samePadding(s, kernel[i]!, stride[i]!, dilation[i]!, line);
      if (r.shifted) {
        notes.push(
          `'same' padding with stride ${stride[i]} pads ${r.pad * 2 - 1} pixel(s) unevenly; read as ${r.pad} on each side (same output size)`,
        );
      }
      return r.pad;
    });
  }
  return padding.map(([a, b]) => {
    if (a !== b) throw new Decline(line, `asymmetric padding (${a}, ${b}) is not simulated`);
    return a;
  });
}

const convOut = (size: number, k: number, s: number, p: number, d: number): number =>
  Math.floor((size + 2 * p - d * (k - 1) - 1) / s) + 1;

// ---- layers --------------------------------------------------------------------------------

/** Dense / nn.Dense / nnx.Linear on the last axis: kernel (in, out) stored as torch's (out, in). */
export function dense(
  g: GraphBuilder,
  at: At,
  x: TensorVal,
  units: number,
  w: ParamObj,
  b: ParamObj | null,
): TensorVal {
  const inF = x.shape[x.shape.length - 1];
  if (inF === undefined) throw new Decline(at.line, 'a dense layer on a scalar');
  const op: Op = {
    op: 'linear',
    inFeatures: inF,
    outFeatures: units,
    weight: spec(g, w, 'weight', at.line),
    bias: b ? spec(g, b, 'bias', at.line) : null,
  };
  return emit(g, at, op, [x], [...x.shape.slice(0, -1), units]);
}

export interface ConvSpec {
  readonly filters: number;
  readonly kernel: readonly number[];
  readonly stride: readonly number[];
  readonly dilation: readonly number[];
  readonly padding: Padding;
  readonly groups: number;
}

/**
 * Channels-last convolution (1-D or 2-D) through the graph's NCHW conv. Returns the conv's
 * channels-first output: the caller applies a fused activation there (so dead units are counted
 * per channel) and then moves the channels back with {@link toChannelsLast}.
 */
export function convLast(
  g: GraphBuilder,
  at: At,
  x: TensorVal,
  c: ConvSpec,
  w: ParamObj,
  b: ParamObj | null,
  notes: string[],
): TensorVal {
  const dims = c.kernel.length;
  if (dims !== 1 && dims !== 2)
    throw new Decline(at.line, `${dims}-D convolution is not simulated`);
  if (x.shape.length !== dims + 2) {
    throw new Decline(at.line, `a ${dims}-D convolution on a rank-${x.shape.length} input`, true);
  }
  const inC = x.shape[x.shape.length - 1]!;
  if (inC % c.groups !== 0 || c.filters % c.groups !== 0) {
    throw new Decline(at.line, `${inC} channels do not split into ${c.groups} groups`, true);
  }
  const spatial = x.shape.slice(1, -1);
  const pad = resolvePadding(c.padding, spatial, c.kernel, c.stride, c.dilation, at.line, notes);
  const out = spatial.map((s, i) =>
    convOut(s, c.kernel[i]!, c.stride[i]!, pad[i]!, c.dilation[i]!),
  );
  if (out.some((o) => o < 1)) {
    throw new Decline(at.line, `the input (${spatial.join('×')}) is smaller than the kernel`, true);
  }
  const xc = toChannelsFirst(g, at, x);
  const op: Op = {
    op: 'conv',
    dims: dims as 1 | 2,
    inChannels: inC,
    outChannels: c.filters,
    kernel: c.kernel,
    stride: c.stride,
    padding: pad,
    paddingMode: 'zeros',
    dilation: c.dilation,
    groups: c.groups,
    weight: spec(g, w, 'weight', at.line),
    bias: b ? spec(g, b, 'bias', at.line) : null,
  };
  return emit(g, at, op, [xc], [x.shape[0]!, c.filters, ...out]);
}

/** Max or average pooling, channels-last, with TF 'same'/'valid' padding. */
export function poolLast(
  g: GraphBuilder,
  at: At,
  x: TensorVal,
  kind: 'max' | 'avg',
  window: readonly number[],
  stride: readonly number[],
  padding: Padding,
  countIncludePad: boolean,
  notes: string[],
): TensorVal {
  const dims = window.length;
  if (dims !== 1 && dims !== 2) throw new Decline(at.line, `${dims}-D pooling is not simulated`);
  if (x.shape.length !== dims + 2) {
    throw new Decline(at.line, `${dims}-D pooling on a rank-${x.shape.length} input`, true);
  }
  const spatial = x.shape.slice(1, -1);
  const ones = window.map(() => 1);
  const pad = resolvePadding(padding, spatial, window, stride, ones, at.line, notes);
  pad.forEach((p, i) => {
    if (p > window[i]! / 2)
      throw new Decline(at.line, `pooling padding ${p} exceeds half the window`);
  });
  const out = spatial.map((s, i) => convOut(s, window[i]!, stride[i]!, pad[i]!, 1));
  if (out.some((o) => o < 1)) {
    throw new Decline(
      at.line,
      `the input (${spatial.join('×')}) is smaller than the pool window`,
      true,
    );
  }
  const xc = toChannelsFirst(g, at, x);
  const op: Op = {
    op: 'pool',
    kind,
    dims: dims as 1 | 2,
    kernel: window,
    stride,
    padding: pad,
    ...(kind === 'avg' ? { countIncludePad } : {}),
  };
  const y = emit(g, at, op, [xc], [x.shape[0]!, x.shape[x.shape.length - 1]!, ...out]);
  return toChannelsLast(g, at, y);
}

/** Batch normalisation over the last axis in training mode (batch statistics). */
export function batchNormLast(
  g: GraphBuilder,
  at: At,
  x: TensorVal,
  eps: number,
  gamma: ParamObj | null,
  beta: ParamObj | null,
): TensorVal {
  const c = x.shape[x.shape.length - 1]!;
  const xc = toChannelsFirst(g, at, x);
  const op: Op = {
    op: 'batch_norm',
    numFeatures: c,
    eps,
    weight: gamma ? spec(g, gamma, 'weight', at.line) : null,
    bias: beta ? spec(g, beta, 'bias', at.line) : null,
  };
  return toChannelsLast(g, at, emit(g, at, op, [xc], xc.shape));
}

/** Layer normalisation over the last axis. */
export function layerNormLast(
  g: GraphBuilder,
  at: At,
  x: TensorVal,
  eps: number,
  gamma: ParamObj | null,
  beta: ParamObj | null,
): TensorVal {
  const c = x.shape[x.shape.length - 1]!;
  const op: Op = {
    op: 'layer_norm',
    normalizedShape: [c],
    eps,
    weight: gamma ? spec(g, gamma, 'weight', at.line) : null,
    bias: beta ? spec(g, beta, 'bias', at.line) : null,
  };
  return emit(g, at, op, [x], x.shape);
}

/** An activation by kernel id; softmax over the last axis; `linear` is no node. */
export function activationNode(
  g: GraphBuilder,
  at: At,
  x: TensorVal,
  id: string,
  params?: Readonly<Record<string, number>>,
): TensorVal {
  if (id === 'identity' || id === 'linear') return x;
  if (id === 'softmax' || id === 'log_softmax') {
    return emit(
      g,
      at,
      { op: 'softmax', dim: -1, ...(id === 'log_softmax' ? { log: true } : {}) },
      [x],
      x.shape,
    );
  }
  const op: Op =
    params && Object.keys(params).length > 0
      ? { op: 'activation', id, params }
      : { op: 'activation', id };
  return emit(g, at, op, [x], x.shape);
}

export function dropoutNode(g: GraphBuilder, at: At, x: TensorVal, p: number): TensorVal {
  if (p <= 0) return emit(g, at, { op: 'identity' }, [x], x.shape);
  if (p >= 1) throw new Decline(at.line, `dropout rate ${p} drops everything`);
  return emit(g, at, { op: 'dropout', p }, [x], x.shape);
}

/** Token ids (N, L) → (N, L, dim). */
export function embedding(
  g: GraphBuilder,
  at: At,
  x: TensorVal,
  vocab: number,
  dim: number,
  w: ParamObj,
): TensorVal {
  const op: Op = {
    op: 'embedding',
    numEmbeddings: vocab,
    embeddingDim: dim,
    weight: spec(g, w, 'weight', at.line),
  };
  return emit(g, at, op, [x], [...x.shape, dim]);
}

/** Elementwise sum or product of same-shaped (or broadcastable) tensors. */
export function merge(
  g: GraphBuilder,
  at: At,
  xs: readonly TensorVal[],
  kind: 'add' | 'mul',
): TensorVal {
  if (xs.length === 0) throw new Decline(at.line, `${kind} of no tensors`);
  const shape = broadcast(
    xs.map((x) => x.shape),
    at.line,
  );
  return emit(g, at, { op: kind }, xs, shape);
}

export function broadcast(shapes: readonly (readonly number[])[], line: number): number[] {
  const r = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    let d = 1;
    for (const s of shapes) {
      const v = s[s.length - r + i] ?? 1;
      if (v !== 1 && d !== 1 && v !== d) {
        throw new Decline(
          line,
          `shapes (${shapes.map((x) => x.join(', ')).join(') and (')}) do not broadcast`,
          true,
        );
      }
      if (v !== 1) d = v;
    }
    out.push(d);
  }
  return out;
}

export function concat(g: GraphBuilder, at: At, xs: readonly TensorVal[], axis: number): TensorVal {
  const first = xs[0];
  if (!first) throw new Decline(at.line, 'concatenate of no tensors');
  const r = first.shape.length;
  const dim = axis < 0 ? r + axis : axis;
  if (dim < 0 || dim >= r) throw new Decline(at.line, `axis ${axis} of a rank-${r} tensor`);
  const shape = [...first.shape];
  shape[dim] = 0;
  for (const x of xs) {
    if (x.shape.length !== r || x.shape.some((d, i) => i !== dim && d !== first.shape[i])) {
      throw new Decline(
        at.line,
        `concatenate of (${first.shape.join(', ')}) and (${x.shape.join(', ')})`,
        true,
      );
    }
    shape[dim]! += x.shape[dim]!;
  }
  return emit(g, at, { op: 'concat', dim }, xs, shape);
}

/** Mean (or max) over the spatial axes of a channels-last tensor: global pooling. */
export function globalPoolLast(
  g: GraphBuilder,
  at: At,
  x: TensorVal,
  kind: 'max' | 'avg',
  keepdims: boolean,
): TensorVal {
  const r = x.shape.length;
  if (r < 3) throw new Decline(at.line, `global pooling of a rank-${r} tensor`, true);
  const spatial = Array.from({ length: r - 2 }, (_, i) => i + 1);
  if (kind === 'avg') {
    const shape = keepdims
      ? x.shape.map((d, i) => (spatial.includes(i) ? 1 : d))
      : [x.shape[0]!, x.shape[r - 1]!];
    return emit(
      g,
      at,
      { op: 'reduce', kind: 'mean', dims: spatial, keepdim: keepdims },
      [x],
      shape,
    );
  }
  const xc = toChannelsFirst(g, at, x);
  const dims = (r - 2) as 1 | 2;
  if (dims !== 1 && dims !== 2) throw new Decline(at.line, `global pooling of a rank-${r} tensor`);
  const pooled = emit(
    g,
    at,
    { op: 'adaptive_pool', kind: 'max', dims, outputSize: spatial.map(() => 1) },
    [xc],
    [x.shape[0]!, x.shape[r - 1]!, ...spatial.map(() => 1)],
  );
  if (keepdims) return toChannelsLast(g, at, pooled);
  return emit(
    g,
    at,
    { op: 'flatten', startDim: 1, endDim: -1 },
    [pooled],
    [x.shape[0]!, x.shape[r - 1]!],
  );
}

export function flatten(g: GraphBuilder, at: At, x: TensorVal): TensorVal {
  const rest = x.shape.slice(1).reduce((a, b) => a * b, 1);
  return emit(g, at, { op: 'flatten', startDim: 1, endDim: -1 }, [x], [x.shape[0]!, rest]);
}

/** reshape to `target` (the batch axis kept; one −1 allowed in `target`). */
export function reshape(
  g: GraphBuilder,
  at: At,
  x: TensorVal,
  target: readonly number[],
): TensorVal {
  const total = x.shape.reduce((a, b) => a * b, 1);
  const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const holes = target.filter((d) => d === -1).length;
  if (holes > 1 || (holes === 1 && total % known !== 0) || (holes === 0 && known !== total)) {
    throw new Decline(
      at.line,
      `cannot reshape (${x.shape.join(', ')}) to (${target.join(', ')})`,
      true,
    );
  }
  const shape = target.map((d) => (d === -1 ? total / known : d));
  return emit(g, at, { op: 'reshape', shape: target }, [x], shape);
}
