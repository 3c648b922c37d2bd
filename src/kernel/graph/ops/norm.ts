/**
 * Normalisation layers with PyTorch's training-mode semantics: batch_norm (per channel over the
 * batch and spatial dims, biased variance), layer_norm and rms_norm (over the trailing
 * normalizedShape), group_norm and instance_norm (per sample and group / channel).
 *
 * All five are one computation over contiguous blocks of S elements: (n, c) blocks of an
 * (N, C, S…) input for the channel norms, rows of the trailing normalizedShape for layer/rms norm.
 * Each block belongs to a statistics group g and either to one affine slot (its channel) or, for
 * the trailing norms, has one slot per position. x̂ = (x − μ_g)·rstd_g (rms_norm: no μ),
 * y = x̂·γ + β. Backward: ĝ = gy·γ, ∂x = rstd·(ĝ − mean_g ĝ − x̂·mean_g(ĝ·x̂)) (rms_norm without
 * the mean_g ĝ term).
 */
import { numel, OpError, registerOp, shapeStr, type OpImpl, type OpOf, type Tensor } from '../op';
import type { Dtype, Op, ParamSpecG, Shape } from '../types';
import { CANCEL_ELEMENTS as CH, pacer, positiveInt, sameShape } from './util';

interface Layout {
  /** Blocks of S contiguous elements, in storage order. */
  readonly blocks: number;
  readonly S: number;
  readonly groups: number;
  /** Statistics group of block k. */
  readonly group: (k: number) => number;
  /** Affine slot of block k (its channel), or null: one slot per position within the block. */
  readonly channel: ((k: number) => number) | null;
}

function channelLayout(
  x: Shape,
  C: number,
  group: (n: number, c: number) => number,
  groups: number,
): Layout {
  const N = x[0]!;
  return {
    blocks: N * C,
    S: numel(x) / (N * C),
    groups,
    group: (k) => group(Math.floor(k / C), k % C),
    channel: (k) => k % C,
  };
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
  affineShape(op, x);
  switch (op.op) {
    case 'batch_norm':
      return channelLayout(x, op.numFeatures, (_n, c) => c, op.numFeatures);
    case 'instance_norm':
      return channelLayout(
        x,
        op.numFeatures,
        (n, c) => n * op.numFeatures + c,
        x[0]! * op.numFeatures,
      );
    case 'group_norm': {
      const per = op.numChannels / op.numGroups;
      return channelLayout(
        x,
        op.numChannels,
        (n, c) => n * op.numGroups + Math.floor(c / per),
        x[0]! * op.numGroups,
      );
    }
    case 'layer_norm':
    case 'rms_norm': {
      const S = numel(op.normalizedShape);
      const R = numel(x) / S;
      return { blocks: R, S, groups: R, group: (k) => k, channel: null };
    }
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
    workspaceBytes: (_op, [x], _out, b) => numel(x!) * b,
    forward({ op, inputs, params, output, dtype, checkCancel }) {
      // Every pass below is cut into pieces of ≤ CH elements so that one huge block still cancels.
      const pace = pacer(checkCancel);
      const x = inputs[0]!.data;
      const lay = layout(op, inputs[0]!.shape);
      const { blocks, S, groups } = lay;
      const centred = op.op !== 'rms_norm';
      const count = new Float64Array(groups);
      const mean = new Float64Array(groups);
      for (let k = 0; k < blocks; k++) {
        const g = lay.group(k);
        count[g] = count[g]! + S;
        if (!centred) continue;
        let s = 0;
        for (let i0 = k * S, e = i0 + S; i0 < e; i0 += CH) {
          const e1 = Math.min(e, i0 + CH);
          for (let i = i0; i < e1; i++) s += x[i]!;
          pace(e1 - i0);
        }
        mean[g] = mean[g]! + s;
      }
      for (let g = 0; g < groups; g++) mean[g] = mean[g]! / count[g]!;
      const v = new Float64Array(groups);
      for (let k = 0; k < blocks; k++) {
        const g = lay.group(k);
        const m = mean[g]!;
        let s = 0;
        for (let i0 = k * S, e = i0 + S; i0 < e; i0 += CH) {
          const e1 = Math.min(e, i0 + CH);
          for (let i = i0; i < e1; i++) s += (x[i]! - m) * (x[i]! - m);
          pace(e1 - i0);
        }
        v[g] = v[g]! + s;
      }
      const eps = epsOf(op, dtype);
      const rstd = new Float64Array(groups);
      for (let g = 0; g < groups; g++) rstd[g] = 1 / Math.sqrt(v[g]! / count[g]! + eps);
      const xhat = dtype === 'float32' ? new Float32Array(x.length) : new Float64Array(x.length);
      const w = params.weight?.data;
      const b = params.bias?.data;
      const y = output.data;
      for (let k = 0; k < blocks; k++) {
        const g = lay.group(k);
        const m = mean[g]!;
        const r = rstd[g]!;
        const c = lay.channel?.(k);
        const wc = w && c !== undefined ? w[c]! : 1;
        const bc = b && c !== undefined ? b[c]! : 0;
        for (let s0 = 0; s0 < S; s0 += CH) {
          const s1 = Math.min(S, s0 + CH);
          for (let s = s0, i = k * S + s0; s < s1; s++, i++) {
            const h = (x[i]! - m) * r;
            xhat[i] = h;
            y[i] = c !== undefined ? h * wc + bc : (w ? h * w[s]! : h) + (b ? b[s]! : 0);
          }
          pace(s1 - s0);
        }
      }
      return { xhat, rstd, lay };
    },
    backward({ op, saved, params, gradOutput, gradInputs, gradParams, checkCancel }) {
      const pace = pacer(checkCancel);
      const { xhat, rstd, lay } = saved;
      const { blocks, S, groups } = lay;
      const gy = gradOutput.data;
      const w = params.weight?.data;
      const gw = gradParams.weight?.data;
      const gb = gradParams.bias?.data;
      const gx = gradInputs[0]?.data;
      const centred = op.op !== 'rms_norm';
      const count = new Float64Array(groups);
      const sg = new Float64Array(groups);
      const sgx = new Float64Array(groups);
      // ĝ = gy·γ, summed per group (and γ, β gradients) in one pass over the blocks.
      for (let k = 0; k < blocks; k++) {
        const g = lay.group(k);
        const c = lay.channel?.(k);
        const wc = w && c !== undefined ? w[c]! : 1;
        let a = 0;
        let ax = 0;
        let pw = 0;
        let pb = 0;
        for (let s0 = 0; s0 < S; s0 += CH) {
          const s1 = Math.min(S, s0 + CH);
          for (let s = s0, i = k * S + s0; s < s1; s++, i++) {
            const gi = gy[i]!;
            const h = xhat[i]!;
            if (c === undefined) {
              if (gw) gw[s] = gw[s]! + gi * h;
              if (gb) gb[s] = gb[s]! + gi;
            } else {
              pw += gi * h;
              pb += gi;
            }
            const gh = c !== undefined ? gi * wc : w ? gi * w[s]! : gi;
            a += gh;
            ax += gh * h;
          }
          pace(s1 - s0);
        }
        if (c !== undefined) {
          if (gw) gw[c] = gw[c]! + pw;
          if (gb) gb[c] = gb[c]! + pb;
        }
        count[g] = count[g]! + S;
        sg[g] = sg[g]! + a;
        sgx[g] = sgx[g]! + ax;
      }
      if (!gx) return;
      for (let k = 0; k < blocks; k++) {
        const g = lay.group(k);
        const c = lay.channel?.(k);
        const wc = w && c !== undefined ? w[c]! : 1;
        const n = count[g]!;
        const r = rstd[g]!;
        const mg = centred ? sg[g]! / n : 0;
        const mgx = sgx[g]! / n;
        for (let s0 = 0; s0 < S; s0 += CH) {
          const s1 = Math.min(S, s0 + CH);
          for (let s = s0, i = k * S + s0; s < s1; s++, i++) {
            const gi = gy[i]!;
            const gh = c !== undefined ? gi * wc : w ? gi * w[s]! : gi;
            gx[i] = gx[i]! + r * (gh - mg - xhat[i]! * mgx);
          }
          pace(s1 - s0);
        }
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
