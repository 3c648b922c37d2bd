/**
 * Broadcasting arithmetic (add, mul) and the ops that only move elements: reshape, flatten,
 * permute, slice, select, split, concat, reduce. Moves are index maps (output element i reads
 * input element src[i]), so forward is a gather and backward the matching scatter-add.
 */
import { numel, OpError, registerOp, shapeStr, strides, type Tensor } from '../op';
import type { Shape } from '../types';
import {
  around,
  broadcastIndex,
  broadcastShapes,
  normDimOp,
  positiveInt,
  sameShape,
  stridedMap,
} from './util';

function broadcastForward(inputs: readonly Tensor[], output: Tensor, mul: boolean): void {
  const y = output.data;
  y.fill(mul ? 1 : 0);
  for (const t of inputs) {
    const x = t.data;
    if (sameShape(t.shape, output.shape)) {
      if (mul) for (let i = 0; i < y.length; i++) y[i] = y[i]! * x[i]!;
      else for (let i = 0; i < y.length; i++) y[i] = y[i]! + x[i]!;
    } else {
      const idx = broadcastIndex(t.shape, output.shape);
      if (mul) for (let i = 0; i < y.length; i++) y[i] = y[i]! * x[idx[i]!]!;
      else for (let i = 0; i < y.length; i++) y[i] = y[i]! + x[idx[i]!]!;
    }
  }
}

/** gx += reduce-to-shape(g · factor), factor per output element (null: 1). */
function scatterBroadcast(
  gx: Tensor,
  g: ArrayLike<number>,
  factor: Float64Array | null,
  out: Shape,
): void {
  const d = gx.data;
  if (sameShape(gx.shape, out)) {
    for (let i = 0; i < d.length; i++) d[i] = d[i]! + (factor ? g[i]! * factor[i]! : g[i]!);
    return;
  }
  const idx = broadcastIndex(gx.shape, out);
  for (let i = 0; i < g.length; i++) {
    const j = idx[i]!;
    d[j] = d[j]! + (factor ? g[i]! * factor[i]! : g[i]!);
  }
}

registerOp('add', {
  arity: [1, Infinity],
  outputShape: (_op, shapes) => broadcastShapes(shapes),
  forward: ({ inputs, output }) => broadcastForward(inputs, output, false),
  backward({ gradOutput, gradInputs }) {
    for (const gx of gradInputs)
      if (gx) scatterBroadcast(gx, gradOutput.data, null, gradOutput.shape);
  },
});

registerOp('mul', {
  arity: [1, Infinity],
  outputShape: (_op, shapes) => broadcastShapes(shapes),
  forward: ({ inputs, output }) => broadcastForward(inputs, output, true),
  backward({ inputs, gradOutput, gradInputs }) {
    const out = gradOutput.shape;
    const n = numel(out);
    gradInputs.forEach((gx, j) => {
      if (!gx) return;
      // ∂(Π x_k)/∂x_j = Π_{k≠j} x_k, each broadcast to the output.
      const f = new Float64Array(n).fill(1);
      inputs.forEach((t, k) => {
        if (k === j) return;
        const idx = sameShape(t.shape, out) ? null : broadcastIndex(t.shape, out);
        for (let i = 0; i < n; i++) f[i] = f[i]! * t.data[idx ? idx[i]! : i]!;
      });
      scatterBroadcast(gx, gradOutput.data, f, out);
    });
  },
});

function copyForward({ inputs, output }: { inputs: readonly Tensor[]; output: Tensor }): void {
  output.data.set(inputs[0]!.data);
}
function copyBackward({
  gradOutput,
  gradInputs,
}: {
  gradOutput: Tensor;
  gradInputs: readonly (Tensor | null)[];
}): void {
  const gx = gradInputs[0]?.data;
  if (!gx) return;
  const g = gradOutput.data;
  for (let i = 0; i < gx.length; i++) gx[i] = gx[i]! + g[i]!;
}

registerOp('reshape', {
  arity: 1,
  outputShape(op, [x]) {
    const n = numel(x!);
    const free = op.shape.filter((d) => d === -1).length;
    if (free > 1) throw new OpError('only one dimension may be −1');
    const known = op.shape.reduce((p, d) => (d === -1 ? p : p * d), 1);
    op.shape.forEach((d) => {
      if (d !== -1) positiveInt(d, 'reshape dimension');
    });
    const out = op.shape.map((d) => (d === -1 ? n / known : d));
    if (numel(out) !== n || !out.every((d) => Number.isInteger(d)))
      throw new OpError(`cannot view ${shapeStr(x!)} as ${shapeStr(op.shape)}`);
    return out;
  },
  forward: copyForward,
  backward: copyBackward,
});

registerOp('flatten', {
  arity: 1,
  outputShape(op, [x]) {
    const s = normDimOp(op.startDim, x!.length, 'start_dim');
    const e = normDimOp(op.endDim, x!.length, 'end_dim');
    if (s > e) throw new OpError(`start_dim ${op.startDim} comes after end_dim ${op.endDim}`);
    return [...x!.slice(0, s), numel(x!.slice(s, e + 1)), ...x!.slice(e + 1)];
  },
  forward: copyForward,
  backward: copyBackward,
});

function gatherForward(src: Int32Array, x: Tensor, y: Tensor): void {
  const xd = x.data;
  const yd = y.data;
  for (let i = 0; i < src.length; i++) yd[i] = xd[src[i]!]!;
}
function gatherBackward(src: Int32Array, g: Tensor, gx: Tensor | null | undefined): void {
  if (!gx) return;
  const gd = g.data;
  const d = gx.data;
  for (let i = 0; i < src.length; i++) d[src[i]!] = d[src[i]!]! + gd[i]!;
}

function permutePlan(dims: readonly number[], x: Shape): { out: Shape; src: () => Int32Array } {
  if (dims.length !== x.length)
    throw new OpError(`permute of ${dims.length} dims on a tensor of rank ${x.length}`);
  const nd = dims.map((d) => normDimOp(d, x.length));
  if (new Set(nd).size !== nd.length)
    throw new OpError(`permute dims ${shapeStr(dims)} repeat a dim`);
  const st = strides(x);
  const out = nd.map((d) => x[d]!);
  return {
    out,
    src: () =>
      stridedMap(
        out,
        nd.map((d) => st[d]!),
        0,
      ),
  };
}

registerOp('permute', {
  arity: 1,
  outputShape: (op, [x]) => permutePlan(op.dims, x!).out,
  forward({ op, inputs, output }) {
    const src = permutePlan(op.dims, inputs[0]!.shape).src();
    gatherForward(src, inputs[0]!, output);
    return src;
  },
  workspaceBytes: (_op, _i, out) => numel(out) * 4,
  backward: ({ saved, gradOutput, gradInputs }) => gatherBackward(saved, gradOutput, gradInputs[0]),
});

/** Python slice bounds on a dim of size n (torch accepts only positive steps). */
function sliceRange(start: number, end: number | null, step: number, n: number): [number, number] {
  if (!(Number.isInteger(step) && step > 0))
    throw new OpError(`slice step must be a positive integer, got ${step}`);
  if (!Number.isInteger(start) || (end !== null && !Number.isInteger(end)))
    throw new OpError('slice bounds must be integers');
  const clamp = (v: number): number => Math.min(n, Math.max(0, v < 0 ? v + n : v));
  const s = clamp(start);
  const e = end === null ? n : clamp(end);
  const len = Math.max(0, Math.ceil((e - s) / step));
  if (len === 0)
    throw new OpError(`slice ${start}:${end ?? ''}:${step} of a dim of size ${n} is empty`);
  return [s, len];
}

function slicePlan(
  x: Shape,
  dim: number,
  start: number,
  len: number,
  step: number,
): { out: Shape; src: () => Int32Array } {
  const st = strides(x);
  const out = x.map((d, i) => (i === dim ? len : d));
  return {
    out,
    src: () =>
      stridedMap(
        out,
        st.map((s, i) => (i === dim ? s * step : s)),
        start * st[dim]!,
      ),
  };
}

function sliceOf(op: { dim: number; start: number; end: number | null; step: number }, x: Shape) {
  const d = normDimOp(op.dim, x.length);
  const [s, len] = sliceRange(op.start, op.end, op.step, x[d]!);
  return slicePlan(x, d, s, len, op.step);
}

registerOp('slice', {
  arity: 1,
  outputShape: (op, [x]) => sliceOf(op, x!).out,
  forward({ op, inputs, output }) {
    const src = sliceOf(op, inputs[0]!.shape).src();
    gatherForward(src, inputs[0]!, output);
    return src;
  },
  workspaceBytes: (_op, _i, out) => numel(out) * 4,
  backward: ({ saved, gradOutput, gradInputs }) => gatherBackward(saved, gradOutput, gradInputs[0]),
});

function selectOf(op: { dim: number; index: number }, x: Shape) {
  const d = normDimOp(op.dim, x.length);
  const n = x[d]!;
  const i = op.index < 0 ? op.index + n : op.index;
  if (!Number.isInteger(i) || i < 0 || i >= n)
    throw new OpError(`index ${op.index} is out of range for a dim of size ${n}`);
  const st = strides(x);
  const out = x.filter((_, k) => k !== d);
  return {
    out,
    src: () =>
      stridedMap(
        out,
        st.filter((_, k) => k !== d),
        i * st[d]!,
      ),
  };
}

registerOp('select', {
  arity: 1,
  outputShape(op, [x]) {
    if (x!.length < 2)
      throw new OpError('select needs a tensor of rank ≥ 2 (the result keeps the batch)');
    return selectOf(op, x!).out;
  },
  forward({ op, inputs, output }) {
    const src = selectOf(op, inputs[0]!.shape).src();
    gatherForward(src, inputs[0]!, output);
    return src;
  },
  workspaceBytes: (_op, _i, out) => numel(out) * 4,
  backward: ({ saved, gradOutput, gradInputs }) => gatherBackward(saved, gradOutput, gradInputs[0]),
});

function splitOf(op: { dim: number; sizes: readonly number[]; index: number }, x: Shape) {
  const d = normDimOp(op.dim, x.length);
  op.sizes.forEach((s) => positiveInt(s, 'split size'));
  const total = op.sizes.reduce((a, b) => a + b, 0);
  if (total !== x[d])
    throw new OpError(
      `split sizes ${shapeStr(op.sizes)} do not add up to dim ${op.dim} of ${shapeStr(x)}`,
    );
  if (!Number.isInteger(op.index) || op.index < 0 || op.index >= op.sizes.length)
    throw new OpError(`split piece ${op.index} of ${op.sizes.length}`);
  const start = op.sizes.slice(0, op.index).reduce((a, b) => a + b, 0);
  return slicePlan(x, d, start, op.sizes[op.index]!, 1);
}

registerOp('split', {
  arity: 1,
  outputShape: (op, [x]) => splitOf(op, x!).out,
  forward({ op, inputs, output }) {
    const src = splitOf(op, inputs[0]!.shape).src();
    gatherForward(src, inputs[0]!, output);
    return src;
  },
  workspaceBytes: (_op, _i, out) => numel(out) * 4,
  backward: ({ saved, gradOutput, gradInputs }) => gatherBackward(saved, gradOutput, gradInputs[0]),
});

registerOp('concat', {
  arity: [1, Infinity],
  outputShape(op, shapes) {
    const first = shapes[0]!;
    const d = normDimOp(op.dim, first.length);
    let total = 0;
    for (const s of shapes) {
      if (s.length !== first.length || s.some((v, i) => i !== d && v !== first[i]))
        throw new OpError(
          `cannot concatenate ${shapes.map(shapeStr).join(', ')} along dim ${op.dim}`,
        );
      total += s[d]!;
    }
    return first.map((v, i) => (i === d ? total : v));
  },
  forward({ op, inputs, output }) {
    const d = normDimOp(op.dim, output.shape.length);
    const [outer, size, inner] = around(output.shape, d);
    let at = 0;
    for (const t of inputs) {
      const k = t.shape[d]! * inner;
      for (let o = 0; o < outer; o++)
        output.data.set(t.data.subarray(o * k, o * k + k), o * size * inner + at);
      at += k;
    }
  },
  backward({ op, inputs, gradOutput, gradInputs }) {
    const d = normDimOp(op.dim, gradOutput.shape.length);
    const [outer, size, inner] = around(gradOutput.shape, d);
    const g = gradOutput.data;
    let at = 0;
    inputs.forEach((t, j) => {
      const k = t.shape[d]! * inner;
      const gx = gradInputs[j]?.data;
      if (gx)
        for (let o = 0; o < outer; o++)
          for (let i = 0; i < k; i++)
            gx[o * k + i] = gx[o * k + i]! + g[o * size * inner + at + i]!;
      at += k;
    });
  },
});

function reducePlan(op: { dims: readonly number[]; keepdim: boolean }, x: Shape) {
  const dims = new Set(op.dims.map((d) => normDimOp(d, x.length)));
  if (dims.size !== op.dims.length) throw new OpError('reduce dims repeat a dim');
  const out = op.keepdim
    ? x.map((v, i) => (dims.has(i) ? 1 : v))
    : x.filter((_, i) => !dims.has(i));
  const count = [...dims].reduce((p, d) => p * x[d]!, 1);
  return {
    out,
    count,
    // For each input element, its output element: the output's strides with 0 on reduced dims.
    map: () => {
      const kept = x.map((v, i) => (dims.has(i) ? 1 : v));
      const ks = strides(kept);
      return stridedMap(
        x,
        ks.map((s, i) => (dims.has(i) ? 0 : s)),
        0,
      );
    },
  };
}

registerOp('reduce', {
  arity: 1,
  outputShape(op, [x]) {
    if (op.kind !== 'mean' && op.kind !== 'sum')
      throw new OpError(`unknown reduction '${String(op.kind)}'`);
    // Every dim without keepdim is torch's 0-d result (x.sum(), x.mean()): one number, and a
    // loss out·G with G a single N(0, 1) draw.
    return reducePlan(op, x!).out;
  },
  forward({ op, inputs, output }) {
    const p = reducePlan(op, inputs[0]!.shape);
    const map = p.map();
    const x = inputs[0]!.data;
    const y = output.data;
    const acc = new Float64Array(y.length);
    for (let i = 0; i < x.length; i++) acc[map[i]!] = acc[map[i]!]! + x[i]!;
    const f = op.kind === 'mean' ? 1 / p.count : 1;
    for (let i = 0; i < y.length; i++) y[i] = acc[i]! * f;
    return map;
  },
  workspaceBytes: (_op, [x]) => numel(x!) * 4,
  backward({ op, inputs, saved, gradOutput, gradInputs }) {
    const gx = gradInputs[0]?.data;
    if (!gx) return;
    const f = op.kind === 'mean' ? 1 / reducePlan(op, inputs[0]!.shape).count : 1;
    const g = gradOutput.data;
    for (let i = 0; i < gx.length; i++) gx[i] = gx[i]! + g[saved[i]!]! * f;
  },
});
