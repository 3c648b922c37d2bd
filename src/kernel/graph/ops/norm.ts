/**
 * Normalisation layers with PyTorch's training-mode semantics: batch_norm (per channel over the
 * batch and spatial dims, biased variance), layer_norm and rms_norm (over the trailing
 * normalizedShape), group_norm and instance_norm (per sample and group / channel).
 *
 * All five are one computation: every element belongs to a statistics group (`gid`) and to an
 * affine slot (`aid`); x̂ = (x − μ_g)·rstd_g (rms_norm: no μ), y = x̂·γ_a + β_a. Backward:
 * ĝ = gy·γ, ∂x = rstd·(ĝ − mean_g ĝ − x̂·mean_g(ĝ·x̂)) (rms_norm without the mean_g ĝ term).
 */
import { numel, OpError, registerOp, shapeStr, type OpImpl, type OpOf, type Tensor } from '../op';
import type { Dtype, Op, ParamSpecG, Shape } from '../types';
import { positiveInt, sameShape } from './util';

interface Layout {
  readonly groups: number;
  readonly gid: Int32Array;
  readonly aid: Int32Array;
  readonly affineShape: Shape;
}

function channelLayout(
  x: Shape,
  channels: number,
  what: string,
  group: (n: number, c: number) => number,
  groups: number,
): Layout {
  if (x.length < 2 || x[1] !== channels)
    throw new OpError(`${what} expects (N, ${channels}, …) input, got ${shapeStr(x)}`);
  const N = x[0]!;
  const S = numel(x) / (N * channels);
  const gid = new Int32Array(numel(x));
  const aid = new Int32Array(numel(x));
  let k = 0;
  for (let n = 0; n < N; n++)
    for (let c = 0; c < channels; c++) {
      const g = group(n, c);
      for (let s = 0; s < S; s++, k++) {
        gid[k] = g;
        aid[k] = c;
      }
    }
  return { groups, gid, aid, affineShape: [channels] };
}

function trailingLayout(x: Shape, norm: Shape): Layout {
  if (
    !Array.isArray(norm) ||
    norm.length === 0 ||
    norm.length > x.length ||
    !sameShape(x.slice(x.length - norm.length), norm)
  )
    throw new OpError(`normalized_shape ${shapeStr(norm)} does not end input ${shapeStr(x)}`);
  const S = numel(norm);
  const R = numel(x) / S;
  const gid = new Int32Array(numel(x));
  const aid = new Int32Array(numel(x));
  for (let r = 0, k = 0; r < R; r++)
    for (let s = 0; s < S; s++, k++) {
      gid[k] = r;
      aid[k] = s;
    }
  return { groups: R, gid, aid, affineShape: norm };
}

type NormOp = Extract<
  Op,
  { op: 'batch_norm' | 'layer_norm' | 'group_norm' | 'instance_norm' | 'rms_norm' }
>;

/** Checks the op against its input without allocating; returns the affine parameters' shape. */
function affineShape(op: NormOp, x: Shape): Shape {
  switch (op.op) {
    case 'batch_norm':
    case 'instance_norm': {
      const C = positiveInt(op.numFeatures, 'num_features');
      if (x.length < 2 || x[1] !== C)
        throw new OpError(`${op.op} expects (N, ${C}, …) input, got ${shapeStr(x)}`);
      return [C];
    }
    case 'group_norm': {
      const G = positiveInt(op.numGroups, 'num_groups');
      const C = positiveInt(op.numChannels, 'num_channels');
      if (C % G !== 0) throw new OpError(`num_channels ${C} is not divisible by num_groups ${G}`);
      if (x.length < 2 || x[1] !== C)
        throw new OpError(`group_norm expects (N, ${C}, …) input, got ${shapeStr(x)}`);
      return [C];
    }
    case 'layer_norm':
    case 'rms_norm': {
      const norm = op.normalizedShape;
      if (
        !Array.isArray(norm) ||
        norm.length === 0 ||
        norm.length > x.length ||
        !sameShape(x.slice(x.length - norm.length), norm)
      )
        throw new OpError(`normalized_shape ${shapeStr(norm)} does not end input ${shapeStr(x)}`);
      return norm;
    }
  }
}

function layout(op: NormOp, x: Shape): Layout {
  switch (op.op) {
    case 'batch_norm': {
      const C = positiveInt(op.numFeatures, 'num_features');
      return channelLayout(x, C, 'batch_norm', (_n, c) => c, C);
    }
    case 'instance_norm': {
      const C = positiveInt(op.numFeatures, 'num_features');
      return channelLayout(x, C, 'instance_norm', (n, c) => n * C + c, x[0]! * C);
    }
    case 'group_norm': {
      const G = positiveInt(op.numGroups, 'num_groups');
      const C = positiveInt(op.numChannels, 'num_channels');
      if (C % G !== 0) throw new OpError(`num_channels ${C} is not divisible by num_groups ${G}`);
      return channelLayout(
        x,
        C,
        'group_norm',
        (n, c) => n * G + Math.floor(c / (C / G)),
        x[0]! * G,
      );
    }
    case 'layer_norm':
    case 'rms_norm':
      return trailingLayout(x, op.normalizedShape);
  }
}

function epsOf(op: NormOp, dtype: Dtype): number {
  if (op.op === 'rms_norm' && op.eps === null)
    return dtype === 'float32' ? 1.1920928955078125e-7 : 2.220446049250313e-16;
  return op.eps as number;
}

interface Saved {
  readonly xhat: Tensor['data'];
  readonly rstd: Float64Array;
  readonly lay: Layout;
}

function normParams(op: NormOp, affine: Shape): Record<string, { shape: Shape; spec: ParamSpecG }> {
  const r: Record<string, { shape: Shape; spec: ParamSpecG }> = {};
  if (op.weight) r.weight = { shape: affine, spec: op.weight };
  if (op.op !== 'rms_norm' && op.bias) r.bias = { shape: affine, spec: op.bias };
  return r;
}

function register<K extends NormOp['op']>(name: K): void {
  const impl: OpImpl<NormOp, Saved> = {
    arity: 1,
    outputShape(op, [x]) {
      const eps = op.eps;
      if (
        !(eps === null && op.op === 'rms_norm') &&
        !(typeof eps === 'number' && eps >= 0 && Number.isFinite(eps))
      )
        throw new OpError(`eps must be a non-negative number, got ${String(eps)}`);
      affineShape(op, x!);
      return x!;
    },
    params: (op, [x]) => normParams(op, affineShape(op, x!)),
    workspaceBytes: (_op, [x], _out, b) => numel(x!) * (b + 8),
    forward({ op, inputs, params, output, dtype }) {
      const x = inputs[0]!.data;
      const lay = layout(op, inputs[0]!.shape);
      const { gid, aid, groups } = lay;
      const centred = op.op !== 'rms_norm';
      const count = new Float64Array(groups);
      const mean = new Float64Array(groups);
      for (let i = 0; i < x.length; i++) {
        count[gid[i]!] = count[gid[i]!]! + 1;
        if (centred) mean[gid[i]!] = mean[gid[i]!]! + x[i]!;
      }
      for (let g = 0; g < groups; g++) mean[g] = mean[g]! / count[g]!;
      const v = new Float64Array(groups);
      for (let i = 0; i < x.length; i++) {
        const d = x[i]! - mean[gid[i]!]!;
        v[gid[i]!] = v[gid[i]!]! + d * d;
      }
      const eps = epsOf(op, dtype);
      const rstd = new Float64Array(groups);
      for (let g = 0; g < groups; g++) rstd[g] = 1 / Math.sqrt(v[g]! / count[g]! + eps);
      const xhat = dtype === 'float32' ? new Float32Array(x.length) : new Float64Array(x.length);
      const w = params.weight?.data;
      const b = params.bias?.data;
      const y = output.data;
      for (let i = 0; i < x.length; i++) {
        const g = gid[i]!;
        const h = (x[i]! - mean[g]!) * rstd[g]!;
        xhat[i] = h;
        const a = aid[i]!;
        y[i] = (w ? h * w[a]! : h) + (b ? b[a]! : 0);
      }
      return { xhat, rstd, lay };
    },
    backward({ op, saved, params, gradOutput, gradInputs, gradParams }) {
      const { xhat, rstd, lay } = saved;
      const { gid, aid, groups } = lay;
      const gy = gradOutput.data;
      const w = params.weight?.data;
      const gw = gradParams.weight?.data;
      const gb = gradParams.bias?.data;
      const n = gy.length;
      if (gw) for (let i = 0; i < n; i++) gw[aid[i]!] = gw[aid[i]!]! + gy[i]! * xhat[i]!;
      if (gb) for (let i = 0; i < n; i++) gb[aid[i]!] = gb[aid[i]!]! + gy[i]!;
      const gx = gradInputs[0]?.data;
      if (!gx) return;
      const centred = op.op !== 'rms_norm';
      const count = new Float64Array(groups);
      const sg = new Float64Array(groups);
      const sgx = new Float64Array(groups);
      for (let i = 0; i < n; i++) {
        const g = gid[i]!;
        const gh = w ? gy[i]! * w[aid[i]!]! : gy[i]!;
        count[g] = count[g]! + 1;
        sg[g] = sg[g]! + gh;
        sgx[g] = sgx[g]! + gh * xhat[i]!;
      }
      for (let i = 0; i < n; i++) {
        const g = gid[i]!;
        const gh = w ? gy[i]! * w[aid[i]!]! : gy[i]!;
        const c = count[g]!;
        gx[i] = gx[i]! + rstd[g]! * (gh - (centred ? sg[g]! / c : 0) - (xhat[i]! * sgx[g]!) / c);
      }
    },
  };
  // One implementation serves the five variants; each registers under its own name.
  registerOp(name, impl as unknown as OpImpl<OpOf<K>, Saved>);
}

register('batch_norm');
register('layer_norm');
register('group_norm');
register('instance_norm');
register('rms_norm');
