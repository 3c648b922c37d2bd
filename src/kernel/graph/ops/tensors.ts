/**
 * Tensors the model reader computes or draws rather than learns: constant (reader-computed data,
 * no gradient), randn (per-run noise), bernoulli_mask (channel dropout, stochastic depth), plus
 * exp and pad, which the readers meet around them (a VAE's std = exp(½·logvar), Swin's F.pad).
 */
import { numel, OpError, registerOp, strides, type Buf } from '../op';
import type { Dtype, Shape } from '../types';
import { broadcastIndex, broadcastShapes, positiveInt } from './util';

function checkShape(shape: Shape, what: string): Shape {
  if (!Array.isArray(shape) || shape.length === 0) throw new OpError(`${what} needs a shape`);
  shape.forEach((d, i) => positiveInt(d, `${what} dimension ${i}`));
  return shape;
}

registerOp('constant', {
  arity: 0,
  outputShape(op) {
    checkShape(op.shape, 'constant');
    if (op.data.length !== numel(op.shape))
      throw new OpError(`constant has ${op.data.length} values for ${numel(op.shape)} entries`);
    if (op.data.some((v) => typeof v !== 'number'))
      throw new OpError('constant data must be numbers');
    return op.shape;
  },
  forward({ op, output }) {
    output.data.set(op.data);
  },
  backward() {
    // A constant has nothing upstream and nothing to learn.
  },
});

registerOp('randn', {
  arity: 0,
  outputShape: (op) => checkShape(op.shape, 'randn'),
  forward({ output, rng }) {
    rng.fillNormal(output.data, 0, 1);
  },
  backward() {
    // Noise: torch.randn_like gives a tensor that does not require grad.
  },
});

function factorArray(n: number, dtype: Dtype): Buf {
  return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
}

/** The mask (one factor per mask entry) and the map from output entries to mask entries. */
interface MaskSaved {
  readonly mask: Buf;
  readonly index: Int32Array;
}

registerOp('bernoulli_mask', {
  arity: 1,
  outputShape(op, [x]) {
    if (!(typeof op.keep === 'number' && op.keep >= 0 && op.keep <= 1))
      throw new OpError(`keep probability must be in [0, 1], got ${String(op.keep)}`);
    if (!Number.isFinite(op.scale)) throw new OpError('mask scale must be finite');
    const out = broadcastShapes([x!, op.maskShape]);
    if (out.length !== x!.length || out.some((d, i) => d !== x![i]))
      throw new OpError(
        `mask (${op.maskShape.join(', ')}) does not fit the input (${x!.join(', ')})`,
      );
    return x!;
  },
  workspaceBytes: (op, [x], _o, bpe) => numel(op.maskShape) * bpe + numel(x!) * 4,
  forward({ op, inputs, output, rng, dtype }) {
    const mask = factorArray(numel(op.maskShape), dtype);
    for (let i = 0; i < mask.length; i++) mask[i] = rng.uniform() < op.keep ? op.scale : 0;
    const index = broadcastIndex(op.maskShape, output.shape);
    const x = inputs[0]!.data;
    const y = output.data;
    for (let i = 0; i < y.length; i++) y[i] = x[i]! * mask[index[i]!]!;
    return { mask, index } satisfies MaskSaved;
  },
  backward({ saved, gradOutput, gradInputs }) {
    const gx = gradInputs[0];
    if (!gx) return;
    const { mask, index } = saved;
    const g = gradOutput.data;
    const d = gx.data;
    for (let i = 0; i < d.length; i++) d[i] = d[i]! + g[i]! * mask[index[i]!]!;
  },
});

registerOp('exp', {
  arity: 1,
  outputShape: (_op, [x]) => x!,
  forward({ inputs, output }) {
    const x = inputs[0]!.data;
    const y = output.data;
    for (let i = 0; i < y.length; i++) y[i] = Math.exp(x[i]!);
  },
  backward({ output, gradOutput, gradInputs }) {
    const gx = gradInputs[0];
    if (!gx) return;
    const y = output.data;
    const g = gradOutput.data;
    const d = gx.data;
    for (let i = 0; i < d.length; i++) d[i] = d[i]! + g[i]! * y[i]!;
  },
});

function padShape(pads: readonly number[], x: Shape): number[] {
  if (pads.length % 2 !== 0 || pads.length / 2 > x.length)
    throw new OpError(`pad needs pairs for at most ${x.length} dims, got ${pads.length} values`);
  if (pads.some((p) => !Number.isInteger(p))) throw new OpError('pads must be integers');
  const out = [...x];
  for (let k = 0; k < pads.length / 2; k++) {
    const d = x.length - 1 - k;
    out[d] = x[d]! + pads[2 * k]! + pads[2 * k + 1]!;
    if (out[d]! <= 0) throw new OpError(`padding leaves dim ${d} empty`);
  }
  return out;
}

/** For each output entry, the input entry it copies, or −1 for the constant fill. */
function padIndex(
  pads: readonly number[],
  mode: 'constant' | 'reflect' | 'replicate',
  x: Shape,
  out: Shape,
): Int32Array {
  const rank = x.length;
  const before = new Array<number>(rank).fill(0);
  for (let k = 0; k < pads.length / 2; k++) before[rank - 1 - k] = pads[2 * k]!;
  // Per dim: output coordinate → input coordinate (−1: fill).
  const maps = x.map((n, d) => {
    const m = new Int32Array(out[d]!);
    for (let o = 0; o < out[d]!; o++) {
      let i = o - before[d]!;
      if (i < 0 || i >= n) {
        if (mode === 'constant') i = -1;
        else if (mode === 'replicate') i = Math.min(n - 1, Math.max(0, i));
        else {
          if (before[d]! >= n || out[d]! - n - before[d]! >= n)
            throw new OpError(`reflect padding must be smaller than the dim (${n})`);
          i = i < 0 ? -i : 2 * (n - 1) - i;
        }
      }
      m[o] = i;
    }
    return m;
  });
  const xs = strides(x);
  const total = numel(out);
  const index = new Int32Array(total);
  const coord = new Array<number>(rank).fill(0);
  for (let k = 0; k < total; k++) {
    let src = 0;
    for (let d = 0; d < rank; d++) {
      const i = maps[d]![coord[d]!]!;
      if (i < 0) {
        src = -1;
        break;
      }
      src += i * xs[d]!;
    }
    index[k] = src;
    for (let d = rank - 1; d >= 0; d--) {
      coord[d]! += 1;
      if (coord[d]! < out[d]!) break;
      coord[d] = 0;
    }
  }
  return index;
}

registerOp('pad', {
  arity: 1,
  outputShape(op, [x]) {
    if (!['constant', 'reflect', 'replicate'].includes(op.mode))
      throw new OpError(`pad mode '${String(op.mode)}' is not one of constant, reflect, replicate`);
    if (!Number.isFinite(op.value)) throw new OpError('pad value must be finite');
    const out = padShape(op.pads, x!);
    // Shape errors of reflect padding show here, before anything runs.
    if (op.mode === 'reflect') padIndex(op.pads, op.mode, x!, out);
    return out;
  },
  workspaceBytes: (_op, _x, out) => numel(out) * 4,
  forward({ op, inputs, output }) {
    const index = padIndex(op.pads, op.mode, inputs[0]!.shape, output.shape);
    const x = inputs[0]!.data;
    const y = output.data;
    for (let k = 0; k < y.length; k++) y[k] = index[k]! < 0 ? op.value : x[index[k]!]!;
    return index;
  },
  backward({ saved, gradOutput, gradInputs }) {
    const gx = gradInputs[0];
    if (!gx) return;
    const g = gradOutput.data;
    const d = gx.data;
    for (let k = 0; k < g.length; k++) if (saved[k]! >= 0) d[saved[k]!] = d[saved[k]!]! + g[k]!;
  },
});
