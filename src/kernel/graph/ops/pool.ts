/**
 * pool (max/avg 1d/2d: padding, ceil_mode, count_include_pad), adaptive_pool (max/avg) and
 * nearest upsampling by integer factors, with PyTorch's CPU semantics: output sizes from
 * pooling_output_shape, average divisors as avg_pool2d counts them, and max windows that keep the
 * first maximum in row-major order (a NaN wins). Each max op keeps its argmax for backward.
 * A 1d op runs as the 2d op with height 1.
 */
import type { Buf } from '../gemm';
import { numel, OpError, registerOp, shapeStr, type OpImpl, type OpOf } from '../op';
import type { Shape } from '../types';
import { positiveInt } from './util';

/** One pooled axis: output o covers source [start[o], end[o]); `div` is avg's window extent. */
interface Windows {
  readonly size: number;
  readonly out: number;
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** avg_pool's extent along this axis for count_include_pad (padding counted, clipped to H + pad). */
  readonly padded: Int32Array;
}

interface Plan {
  readonly N: number;
  readonly C: number;
  readonly h: Windows;
  readonly w: Windows;
}

function spatialOf(x: Shape, dims: 1 | 2, name: string): [number, number] {
  if (dims !== 1 && dims !== 2) throw new OpError(`dims must be 1 or 2, got ${String(dims)}`);
  if (x.length !== dims + 2)
    throw new OpError(
      `${name} expects (N, C, ${dims === 2 ? 'H, W' : 'L'}) input, got ${shapeStr(x)}`,
    );
  return dims === 2 ? [x[2]!, x[3]!] : [1, x[2]!];
}

function list(v: unknown, dims: 1 | 2, what: string, min: number): [number, number] | null {
  if (Array.isArray(v) && v.length === 0) return null;
  if (!Array.isArray(v) || v.length !== dims || !v.every((d) => Number.isInteger(d) && d >= min))
    throw new OpError(
      `${what} must list ${dims} integer${dims === 1 ? '' : 's'} ≥ ${min}, got ${JSON.stringify(v)}`,
    );
  return dims === 2 ? [v[0], v[1]] : [min === 0 ? 0 : 1, v[0]];
}

/** torch's pooling_output_shape (dilation 1). */
function poolWindows(size: number, k: number, s: number, pad: number, ceil: boolean): Windows {
  if (pad > k / 2) throw new OpError(`padding ${pad} must be at most half of the kernel size ${k}`);
  let out = Math.floor((size + 2 * pad - k + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= size + pad) out--;
  if (out < 1)
    throw new OpError(`the output would be empty: input ${size}, kernel ${k}, padding ${pad}`);
  const start = new Int32Array(out);
  const end = new Int32Array(out);
  const padded = new Int32Array(out);
  for (let o = 0; o < out; o++) {
    const a = o * s - pad;
    const b = Math.min(a + k, size + pad);
    padded[o] = b - a;
    start[o] = Math.max(a, 0);
    end[o] = Math.min(b, size);
  }
  return { size, out, start, end, padded };
}

function poolPlan(op: OpOf<'pool'>, x: Shape): Plan {
  if (op.kind !== 'max' && op.kind !== 'avg')
    throw new OpError(`kind must be max or avg, got ${String(op.kind)}`);
  const [H, W] = spatialOf(x, op.dims, `${op.kind}_pool`);
  const k = list(op.kernel, op.dims, 'kernel_size', 1);
  if (!k) throw new OpError('kernel_size must be given');
  const s = list(op.stride, op.dims, 'stride', 1) ?? k;
  const p = list(op.padding, op.dims, 'padding', 0) ?? [0, 0];
  const ceil = op.ceilMode ?? false;
  return {
    N: x[0]!,
    C: x[1]!,
    h: poolWindows(H, k[0], s[0], p[0], ceil),
    w: poolWindows(W, k[1], s[1], p[1], ceil),
  };
}

/** adaptive windows: [⌊o·H/O⌋, ⌈(o+1)·H/O⌉). */
function adaptiveWindows(size: number, out: number): Windows {
  const start = new Int32Array(out);
  const end = new Int32Array(out);
  for (let o = 0; o < out; o++) {
    start[o] = Math.floor((o * size) / out);
    end[o] = Math.ceil(((o + 1) * size) / out);
  }
  const padded = end.map((e, o) => e - start[o]!);
  return { size, out, start, end, padded };
}

function adaptivePlan(op: OpOf<'adaptive_pool'>, x: Shape): Plan {
  if (op.kind !== 'max' && op.kind !== 'avg')
    throw new OpError(`kind must be max or avg, got ${String(op.kind)}`);
  const [H, W] = spatialOf(x, op.dims, `adaptive_${op.kind}_pool`);
  const o = list(op.outputSize, op.dims, 'output_size', 1);
  if (!o) throw new OpError('output_size must be given');
  return { N: x[0]!, C: x[1]!, h: adaptiveWindows(H, o[0]), w: adaptiveWindows(W, o[1]) };
}

function outShape(x: Shape, p: Plan, dims: 1 | 2): Shape {
  return dims === 2 ? [x[0]!, x[1]!, p.h.out, p.w.out] : [x[0]!, x[1]!, p.w.out];
}

/** Max over each window; argmax (absolute index into x) kept for backward. */
function maxForward(x: Buf, p: Plan, y: Buf, arg: Int32Array, checkCancel: () => void): void {
  const { h, w } = p;
  const HW = h.size * w.size;
  const OHW = h.out * w.out;
  for (let plane = 0; plane < p.N * p.C; plane++) {
    if ((plane & 63) === 0) checkCancel();
    const base = plane * HW;
    let o = plane * OHW;
    for (let oh = 0; oh < h.out; oh++)
      for (let ow = 0; ow < w.out; ow++, o++) {
        const h0 = h.start[oh]!;
        const w0 = w.start[ow]!;
        let best = -Infinity;
        let at = base + h0 * w.size + w0;
        for (let ih = h0; ih < h.end[oh]!; ih++)
          for (let iw = w0, i = base + ih * w.size + w0; iw < w.end[ow]!; iw++, i++) {
            const v = x[i]!;
            // As torch's CPU kernel: the first maximum wins, and so does every NaN (the last one).
            if (v > best || Number.isNaN(v)) {
              best = v;
              at = i;
            }
          }
        y[o] = best;
        arg[o] = at;
      }
  }
}

function maxBackward(gy: Buf, arg: Int32Array, gx: Buf): void {
  for (let o = 0; o < gy.length; o++) gx[arg[o]!] = gx[arg[o]!]! + gy[o]!;
}

/** Average over each window; divisor(oh, ow) as the op counts it. */
function avgForward(
  x: Buf,
  p: Plan,
  y: Buf,
  div: (oh: number, ow: number) => number,
  checkCancel: () => void,
): void {
  const { h, w } = p;
  const HW = h.size * w.size;
  const OHW = h.out * w.out;
  for (let plane = 0; plane < p.N * p.C; plane++) {
    if ((plane & 63) === 0) checkCancel();
    const base = plane * HW;
    let o = plane * OHW;
    for (let oh = 0; oh < h.out; oh++)
      for (let ow = 0; ow < w.out; ow++, o++) {
        let s = 0;
        for (let ih = h.start[oh]!; ih < h.end[oh]!; ih++)
          for (let iw = w.start[ow]!, i = base + ih * w.size + iw; iw < w.end[ow]!; iw++, i++)
            s += x[i]!;
        y[o] = s / div(oh, ow);
      }
  }
}

function avgBackward(gy: Buf, p: Plan, gx: Buf, div: (oh: number, ow: number) => number): void {
  const { h, w } = p;
  const HW = h.size * w.size;
  const OHW = h.out * w.out;
  for (let plane = 0; plane < p.N * p.C; plane++) {
    const base = plane * HW;
    let o = plane * OHW;
    for (let oh = 0; oh < h.out; oh++)
      for (let ow = 0; ow < w.out; ow++, o++) {
        const g = gy[o]! / div(oh, ow);
        for (let ih = h.start[oh]!; ih < h.end[oh]!; ih++)
          for (let iw = w.start[ow]!, i = base + ih * w.size + iw; iw < w.end[ow]!; iw++, i++)
            gx[i] = gx[i]! + g;
      }
  }
}

/** Window extent actually inside the input. */
function inside(p: Plan): (oh: number, ow: number) => number {
  return (oh, ow) => (p.h.end[oh]! - p.h.start[oh]!) * (p.w.end[ow]! - p.w.start[ow]!);
}

function poolDivisor(op: OpOf<'pool'>, p: Plan): (oh: number, ow: number) => number {
  return (op.countIncludePad ?? true) ? (oh, ow) => p.h.padded[oh]! * p.w.padded[ow]! : inside(p);
}

/**
 * The OpImpl of a pooling op from its windows (`plan`) and avg's divisor: max keeps its argmax
 * for backward, avg recomputes the windows.
 */
function pooling<O extends OpOf<'pool'> | OpOf<'adaptive_pool'>>(
  plan: (op: O, x: Shape) => Plan,
  divisor: (op: O, p: Plan) => (oh: number, ow: number) => number,
): OpImpl<O, Int32Array | null> {
  return {
    arity: 1,
    outputShape: (op, [x]) => outShape(x!, plan(op, x!), op.dims),
    workspaceBytes: (op, _in, out) => (op.kind === 'max' ? 4 * numel(out) : 0),
    forward({ op, inputs, output, checkCancel }) {
      const p = plan(op, inputs[0]!.shape);
      if (op.kind === 'avg') {
        avgForward(inputs[0]!.data, p, output.data, divisor(op, p), checkCancel);
        return null;
      }
      const arg = new Int32Array(output.data.length);
      maxForward(inputs[0]!.data, p, output.data, arg, checkCancel);
      return arg;
    },
    backward({ op, inputs, saved, gradOutput, gradInputs }) {
      const gx = gradInputs[0]?.data;
      if (!gx) return;
      if (saved) maxBackward(gradOutput.data, saved, gx);
      else {
        const p = plan(op, inputs[0]!.shape);
        avgBackward(gradOutput.data, p, gx, divisor(op, p));
      }
    },
  };
}

registerOp('pool', pooling(poolPlan, poolDivisor));
registerOp(
  'adaptive_pool',
  pooling(adaptivePlan, (_op, p) => inside(p)),
);

/** Nearest upsampling: output index o reads ⌊o / scale⌋ (torch's nearest with an integer factor). */
function upsampleDims(
  op: OpOf<'upsample'>,
  x: Shape,
): { H: number; W: number; sh: number; sw: number } {
  const [H, W] = spatialOf(x, op.dims, 'upsample');
  const s = list(op.scale, op.dims, 'scale_factor', 1);
  if (!s) throw new OpError('scale_factor must be given');
  positiveInt(s[0], 'scale_factor');
  return { H, W, sh: s[0], sw: s[1] };
}

registerOp('upsample', {
  arity: 1,
  outputShape(op, [x]) {
    const { H, W, sh, sw } = upsampleDims(op, x!);
    return op.dims === 2 ? [x![0]!, x![1]!, H * sh, W * sw] : [x![0]!, x![1]!, W * sw];
  },
  forward({ op, inputs, output }) {
    const { H, W, sh, sw } = upsampleDims(op, inputs[0]!.shape);
    const x = inputs[0]!.data;
    const y = output.data;
    const OW = W * sw;
    const planes = x.length / (H * W);
    let o = 0;
    for (let plane = 0; plane < planes; plane++)
      for (let oh = 0; oh < H * sh; oh++) {
        const row = plane * H * W + Math.floor(oh / sh) * W;
        for (let ow = 0; ow < OW; ow++) y[o++] = x[row + Math.floor(ow / sw)]!;
      }
  },
  backward({ op, inputs, gradOutput, gradInputs }) {
    const gx = gradInputs[0]?.data;
    if (!gx) return;
    const { H, W, sh, sw } = upsampleDims(op, inputs[0]!.shape);
    const gy = gradOutput.data;
    const OW = W * sw;
    const planes = gx.length / (H * W);
    let o = 0;
    for (let plane = 0; plane < planes; plane++)
      for (let oh = 0; oh < H * sh; oh++) {
        const row = plane * H * W + Math.floor(oh / sh) * W;
        for (let ow = 0; ow < OW; ow++) {
          const i = row + Math.floor(ow / sw);
          gx[i] = gx[i]! + gy[o++]!;
        }
      }
  },
});
