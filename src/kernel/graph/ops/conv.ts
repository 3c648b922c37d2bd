/**
 * conv (1d/2d: stride, padding numbers or 'same'/'valid', zeros/reflect/replicate/circular padding,
 * dilation, groups) and conv_transpose (1d/2d: stride, padding, output padding, dilation, groups),
 * with PyTorch semantics, as im2col + gemm (col2im for the input gradient).
 *
 * A 1d op is the 2d op with height 1. The unfolded matrix has one row per (channel, kh, kw) and
 * one column per output position of a whole chunk of samples, so the products are as wide as the
 * batch allows (ResNet's 4×4 maps give n = 16 per sample but 128 for a batch of 8); chunks keep
 * the unfolded buffer under COL_BUDGET_BYTES and each chunk's work short enough to poll
 * cancellation. Padding modes other than zeros map an out-of-range index to its reflected,
 * clamped or wrapped source (torch pads with F.pad first; same values, and col2im sends each
 * gradient back to that source). Backward unfolds again rather than keeping the matrix.
 */
import { gemm, type Buf } from '../gemm';
import { OpError, registerOp, shapeStr, type ParamDecl } from '../op';
import type { OpOf } from '../op';
import type { PaddingMode, Shape } from '../types';
import { positiveInt } from './util';

/** Largest unfolded chunk: bounded, and small enough that gemm's linear memory stays modest. */
export const COL_BUDGET_BYTES = 16 * 2 ** 20;
/** Multiply-adds per chunk between cancellation checks (10–30 ms at WASM speed; cancellation must act within 100 ms). */
const CHUNK_MACS = 5e8;

/** One spatial axis of an unfolding: output position o and tap k read source index map[o·K + k]. */
interface Axis {
  readonly size: number;
  readonly out: number;
  readonly k: number;
  readonly map: Int32Array;
  /** Zero padding: tap t reads stride·o + off[t] for o ∈ [lo[t], hi[t]) and zero elsewhere, so
   * the inner loops run without the map and without a branch per element. */
  readonly direct: boolean;
  readonly stride: number;
  readonly off: Int32Array;
  readonly lo: Int32Array;
  readonly hi: Int32Array;
}

/** The tensor being unfolded (N, C, H, W) and the positions (OH, OW) it is unfolded at. */
interface Geo {
  readonly N: number;
  readonly C: number;
  readonly h: Axis;
  readonly w: Axis;
}

function sourceIndex(i: number, n: number, mode: PaddingMode): number {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case 'zeros':
      return -1;
    case 'reflect':
      return i < 0 ? -i : 2 * (n - 1) - i;
    case 'replicate':
      return i < 0 ? 0 : n - 1;
    case 'circular':
      return ((i % n) + n) % n;
  }
}

function axis(
  size: number,
  out: number,
  k: number,
  stride: number,
  before: number,
  dil: number,
  mode: PaddingMode,
): Axis {
  const map = new Int32Array(out * k);
  for (let o = 0; o < out; o++)
    for (let t = 0; t < k; t++)
      map[o * k + t] = sourceIndex(o * stride - before + t * dil, size, mode);
  const off = new Int32Array(k);
  const lo = new Int32Array(k);
  const hi = new Int32Array(k);
  for (let t = 0; t < k; t++) {
    off[t] = t * dil - before;
    // o·stride + off ∈ [0, size)
    lo[t] = Math.min(out, Math.max(0, Math.ceil(-off[t]! / stride)));
    hi[t] = Math.max(lo[t]!, Math.min(out, Math.floor((size - 1 - off[t]!) / stride) + 1));
  }
  return { size, out, k, map, direct: mode === 'zeros', stride, off, lo, hi };
}

/**
 * Scratch buffers reused across calls (one run's convolutions need the same few sizes; fresh
 * 16 MiB arrays per call kept the garbage collector at 10% of a ResNet run). Slot per role, per
 * dtype; ops run one at a time, so a slot is never in use twice.
 */
const scratchCache: Buf[] = [];
function scratch(like: Buf, n: number, slot: number): Buf {
  const key = slot * 2 + (like instanceof Float32Array ? 0 : 1);
  const have = scratchCache[key];
  if (have && have.length >= n) return have;
  const fresh = like instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
  scratchCache[key] = fresh;
  return fresh;
}

/** Per output row t ∈ [t0, t1) of the chunk: the sample's offset in the tensor and the row oh. */
function chunkRowsOf(g: Geo, t0: number, t1: number): { base: Int32Array; oh: Int32Array } {
  const base = new Int32Array(t1 - t0);
  const oh = new Int32Array(t1 - t0);
  const plane = g.C * g.h.size * g.w.size;
  for (let t = t0; t < t1; t++) {
    const n = Math.floor(t / g.h.out);
    base[t - t0] = n * plane;
    oh[t - t0] = t - n * g.h.out;
  }
  return { base, oh };
}

/** col[(c·KH + kh)·KW + kw][q] for the output rows t ∈ [t0, t1) (t = n·OH + oh), q = (t − t0)·OW + ow. */
function im2col(x: Buf, g: Geo, t0: number, t1: number, col: Buf): void {
  const { C, h, w } = g;
  const T = t1 - t0;
  const L = T * w.out;
  const HW = h.size * w.size;
  const OW = w.out;
  const rows = chunkRowsOf(g, t0, t1);
  let r = 0;
  for (let c = 0; c < C; c++)
    for (let kh = 0; kh < h.k; kh++)
      for (let kw = 0; kw < w.k; kw++, r++) {
        const lo = w.lo[kw]!;
        const hi = w.hi[kw]!;
        const s = w.stride;
        const off = w.off[kw]!;
        for (let i = 0, q = r * L; i < T; i++, q += OW) {
          const ih = h.map[rows.oh[i]! * h.k + kh]!;
          if (ih < 0) {
            col.fill(0, q, q + OW);
            continue;
          }
          const src = rows.base[i]! + c * HW + ih * w.size;
          if (w.direct) {
            // Zero padding: zeros, a strided run of the input row, zeros.
            let o = q;
            for (const e = q + lo; o < e; o++) col[o] = 0;
            for (let j = src + off + lo * s, e = q + hi; o < e; o++, j += s) col[o] = x[j]!;
            for (const e = q + OW; o < e; o++) col[o] = 0;
            continue;
          }
          for (let ow = 0; ow < OW; ow++) {
            const iw = w.map[ow * w.k + kw]!;
            col[q + ow] = iw < 0 ? 0 : x[src + iw]!;
          }
        }
      }
}

/** The adjoint of im2col: gx[…] += col[…] at every position im2col read. */
function col2im(col: Buf, g: Geo, t0: number, t1: number, gx: Buf): void {
  const { C, h, w } = g;
  const T = t1 - t0;
  const L = T * w.out;
  const HW = h.size * w.size;
  const OW = w.out;
  const rows = chunkRowsOf(g, t0, t1);
  let r = 0;
  for (let c = 0; c < C; c++)
    for (let kh = 0; kh < h.k; kh++)
      for (let kw = 0; kw < w.k; kw++, r++) {
        const lo = w.lo[kw]!;
        const hi = w.hi[kw]!;
        const s = w.stride;
        const off = w.off[kw]!;
        for (let i = 0, q = r * L; i < T; i++, q += OW) {
          const ih = h.map[rows.oh[i]! * h.k + kh]!;
          if (ih < 0) continue;
          const dst = rows.base[i]! + c * HW + ih * w.size;
          if (w.direct) {
            for (let o = q + lo, j = dst + off + lo * s, e = q + hi; o < e; o++, j += s)
              gx[j] = gx[j]! + col[o]!;
            continue;
          }
          for (let ow = 0; ow < OW; ow++) {
            const iw = w.map[ow * w.k + kw]!;
            if (iw >= 0) gx[dst + iw] = gx[dst + iw]! + col[q + ow]!;
          }
        }
      }
}

/**
 * Between (N, C, rows·cols) tensor layout and a (C, L) matrix of the rows t ∈ [t0, t1) of all
 * samples (t = n·rows + r). `toMatrix` copies tensor → matrix; otherwise matrix → tensor, adding
 * when `add`.
 */
function gather(
  x: Buf,
  C: number,
  rows: number,
  cols: number,
  t0: number,
  t1: number,
  m: Buf,
  toMatrix: boolean,
  add = false,
): void {
  const L = (t1 - t0) * cols;
  const P = rows * cols;
  for (let c = 0; c < C; c++)
    for (let t = t0; t < t1; t++) {
      const n = Math.floor(t / rows);
      const xo = (n * C + c) * P + (t - n * rows) * cols;
      const mo = c * L + (t - t0) * cols;
      if (toMatrix) m.set(x.subarray(xo, xo + cols), mo);
      else if (!add) x.set(m.subarray(mo, mo + cols), xo);
      else for (let j = 0; j < cols; j++) x[xo + j] = x[xo + j]! + m[mo + j]!;
    }
}

/** Rows per chunk so the unfolded buffer and each chunk's products stay within their budgets. */
function chunkRows(colRows: number, outCols: number, macsPerCol: number, es: number): number {
  const byBytes = Math.floor(COL_BUDGET_BYTES / (colRows * outCols * es));
  const byMacs = Math.floor(CHUNK_MACS / Math.max(1, macsPerCol * outCols));
  return Math.max(1, Math.min(byBytes, byMacs));
}

// ---------------------------------------------------------------------------------------------
// Shapes and checks shared by conv and conv_transpose.

interface Spatial {
  /** Input sizes (H, W), 1d as (1, L). */
  readonly size: [number, number];
  readonly kernel: [number, number];
  readonly stride: [number, number];
  readonly dilation: [number, number];
}

function perDim(v: unknown, dims: 1 | 2, what: string, min: number): number[] {
  if (!Array.isArray(v) || v.length !== dims)
    throw new OpError(
      `${what} must list ${dims} number${dims === 1 ? '' : 's'}, got ${JSON.stringify(v)}`,
    );
  for (const d of v)
    if (!(typeof d === 'number' && Number.isInteger(d) && d >= min))
      throw new OpError(`${what} must be integers ≥ ${min}, got ${JSON.stringify(v)}`);
  return v as number[];
}

/** 1d values become (1, v) so every op runs as 2d. */
function as2(v: readonly number[], dims: 1 | 2, one: number): [number, number] {
  return dims === 2 ? [v[0]!, v[1]!] : [one, v[0]!];
}

type ConvLike = OpOf<'conv'> | OpOf<'conv_transpose'>;

function checkCommon(op: ConvLike, x: Shape, name: string): Spatial {
  if (op.dims !== 1 && op.dims !== 2)
    throw new OpError(`dims must be 1 or 2, got ${String(op.dims)}`);
  positiveInt(op.inChannels, 'in_channels');
  positiveInt(op.outChannels, 'out_channels');
  positiveInt(op.groups, 'groups');
  if (op.inChannels % op.groups !== 0) throw new OpError(`in_channels must be divisible by groups`);
  if (op.outChannels % op.groups !== 0)
    throw new OpError(`out_channels must be divisible by groups`);
  const rank = op.dims + 2;
  if (x.length !== rank || x[1] !== op.inChannels)
    throw new OpError(
      `${name} expects (N, ${op.inChannels}, ${op.dims === 2 ? 'H, W' : 'L'}) input, got ${shapeStr(x)}`,
    );
  return {
    size: as2(x.slice(2), op.dims, 1),
    kernel: as2(perDim(op.kernel, op.dims, 'kernel_size', 1), op.dims, 1),
    stride: as2(perDim(op.stride, op.dims, 'stride', 1), op.dims, 1),
    dilation: as2(perDim(op.dilation, op.dims, 'dilation', 1), op.dims, 1),
  };
}

function weightParams(shape: Shape, op: ConvLike): Record<string, ParamDecl> {
  const weight = { shape, spec: op.weight };
  return op.bias
    ? { weight, bias: { shape: [op.outChannels], spec: op.bias, fanFrom: 'weight' } }
    : { weight };
}

function outShape(x: Shape, channels: number, dims: 1 | 2, out: [number, number]): Shape {
  return dims === 2 ? [x[0]!, channels, out[0], out[1]] : [x[0]!, channels, out[1]];
}

// ---------------------------------------------------------------------------------------------
// conv

interface ConvPlan {
  readonly N: number;
  readonly geo: Geo;
  readonly out: [number, number];
}

/** Padding before and after per 2d axis: 'same' puts the odd element after, as torch does. */
function convPadding(op: OpOf<'conv'>, s: Spatial): [[number, number], [number, number]] {
  if (op.padding === 'valid')
    return [
      [0, 0],
      [0, 0],
    ];
  if (op.padding === 'same') {
    if (s.stride[0] !== 1 || s.stride[1] !== 1)
      throw new OpError(`padding='same' is not supported for strided convolutions`);
    const p = (d: 0 | 1): [number, number] => {
      const total = s.dilation[d] * (s.kernel[d] - 1);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    };
    return [p(0), p(1)];
  }
  const p = as2(perDim(op.padding, op.dims, 'padding', 0), op.dims, 0);
  return [
    [p[0], p[0]],
    [p[1], p[1]],
  ];
}

function convPlan(op: OpOf<'conv'>, x: Shape): ConvPlan {
  const s = checkCommon(op, x, 'conv');
  const mode = op.paddingMode;
  if (!['zeros', 'reflect', 'replicate', 'circular'].includes(mode))
    throw new OpError(
      `padding_mode must be zeros, reflect, replicate or circular, got ${String(mode)}`,
    );
  const pad = convPadding(op, s);
  const axes = ([0, 1] as const).map((d) => {
    const [before, after] = pad[d];
    const size = s.size[d];
    if (mode === 'reflect' && (before >= size || after >= size))
      throw new OpError(
        `reflect padding ${Math.max(before, after)} must be smaller than the input size ${size}`,
      );
    if (mode === 'circular' && (before > size || after > size))
      throw new OpError(
        `circular padding ${Math.max(before, after)} must not exceed the input size ${size}`,
      );
    const span = s.dilation[d] * (s.kernel[d] - 1) + 1;
    const padded = size + before + after;
    if (padded < span)
      throw new OpError(
        `the padded input (${padded}) is smaller than the dilated kernel (${span}) along ${op.dims === 1 ? 'L' : d === 0 ? 'H' : 'W'}`,
      );
    const out = Math.floor((padded - span) / s.stride[d]) + 1;
    return axis(size, out, s.kernel[d], s.stride[d], before, s.dilation[d], mode);
  });
  const [h, w] = axes as [Axis, Axis];
  return { N: x[0]!, geo: { N: x[0]!, C: op.inChannels, h, w }, out: [h.out, w.out] };
}

function kernelShape(op: ConvLike, rows: number, cols: number): Shape {
  return [rows, cols, ...op.kernel];
}

registerOp('conv', {
  arity: 1,
  outputShape(op, [x]) {
    const p = convPlan(op, x!);
    return outShape(x!, op.outChannels, op.dims, p.out);
  },
  params: (op) => weightParams(kernelShape(op, op.outChannels, op.inChannels / op.groups), op),
  scratchBytes(op, [x], _out, es) {
    const { geo } = convPlan(op, x!);
    const KK = geo.h.k * geo.w.k;
    const rows = chunkRows(
      op.inChannels * KK,
      geo.w.out,
      op.outChannels * (op.inChannels / op.groups) * KK,
      es,
    );
    const L = Math.min(rows, geo.N * geo.h.out) * geo.w.out;
    return convScratch(
      op.inChannels * KK,
      op.outChannels,
      L,
      op.outChannels * (op.inChannels / op.groups) * KK,
      es,
    );
  },
  forward({ op, inputs, params, output, checkCancel }) {
    const x = inputs[0]!.data;
    const { geo } = convPlan(op, inputs[0]!.shape);
    const { G, Og, CgKK, CKK } = convDims(op, geo);
    const w = params.weight!.data;
    const bias = params.bias?.data;
    const es = x.BYTES_PER_ELEMENT;
    const OH = geo.h.out;
    const OW = geo.w.out;
    const T = geo.N * OH;
    const step = chunkRows(CKK, OW, Og * G * CgKK, es);
    const col = scratch(x, CKK * Math.min(step, T) * OW, 0);
    const tmp = scratch(x, op.outChannels * Math.min(step, T) * OW, 1);
    const y = output.data;
    for (let t0 = 0; t0 < T; t0 += step) {
      checkCancel();
      const t1 = Math.min(T, t0 + step);
      const L = (t1 - t0) * OW;
      im2col(x, geo, t0, t1, col);
      grouped(G, false, false, Og, L, CgKK, w, col, 0, tmp);
      if (bias) addBias(tmp, bias, L);
      gather(y, op.outChannels, OH, OW, t0, t1, tmp, false);
    }
  },
  backward({ op, inputs, params, gradOutput, gradInputs, gradParams, checkCancel }) {
    const x = inputs[0]!.data;
    const { geo } = convPlan(op, inputs[0]!.shape);
    const { G, Og, CgKK, CKK } = convDims(op, geo);
    const w = params.weight!.data;
    const gw = gradParams.weight!.data;
    const gb = gradParams.bias?.data;
    const gx = gradInputs[0]?.data;
    const gy = gradOutput.data;
    const es = x.BYTES_PER_ELEMENT;
    const OH = geo.h.out;
    const OW = geo.w.out;
    const T = geo.N * OH;
    const step = chunkRows(CKK, OW, 2 * Og * G * CgKK, es);
    const col = scratch(x, CKK * Math.min(step, T) * OW, 0);
    const gyc = scratch(x, op.outChannels * Math.min(step, T) * OW, 1);
    for (let t0 = 0; t0 < T; t0 += step) {
      checkCancel();
      const t1 = Math.min(T, t0 + step);
      const L = (t1 - t0) * OW;
      gather(gy, op.outChannels, OH, OW, t0, t1, gyc, true);
      if (gb) sumRows(gyc, op.outChannels, L, gb);
      im2col(x, geo, t0, t1, col);
      // ∂L/∂W_g += GY_g · col_gᵀ, then ∂L/∂col_g = W_gᵀ · GY_g into col (no longer needed).
      grouped(G, false, true, Og, CgKK, L, gyc, col, 1, gw);
      if (gx) grouped(G, true, false, CgKK, L, Og, w, gyc, 0, col);
      if (gx) col2im(col, geo, t0, t1, gx);
    }
  },
});

/**
 * For each group g: C_g (m×n) = op(A_g)·op(B_g) (+ C_g when beta = 1), where each operand is
 * stored group after group, row-major with its natural stride (A_g is m×k, or k×m when
 * transposed; B_g is k×n, or n×k). Every product of both ops has this form.
 */
function grouped(
  G: number,
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: Buf,
  b: Buf,
  beta: 0 | 1,
  c: Buf,
): void {
  for (let g = 0; g < G; g++)
    gemm({
      transA,
      transB,
      m,
      n,
      k,
      alpha: 1,
      a,
      aOffset: g * m * k,
      lda: transA ? m : k,
      b,
      bOffset: g * k * n,
      ldb: transB ? k : n,
      beta,
      c,
      cOffset: g * m * n,
      ldc: n,
    });
}

function convDims(op: ConvLike, geo: Geo): { G: number; Og: number; CgKK: number; CKK: number } {
  const KK = geo.h.k * geo.w.k;
  const G = op.groups;
  return { G, Og: op.outChannels / G, CgKK: (op.inChannels / G) * KK, CKK: op.inChannels * KK };
}

/**
 * Scratch bytes of one chunk: the unfolded buffer and the (channels × L) matrix in the op, plus
 * what gemm copies into its linear memory for the largest product (operands, packed copies, C).
 */
function convScratch(
  colRows: number,
  channels: number,
  L: number,
  weightElems: number,
  es: number,
): number {
  const op = colRows * L + channels * L;
  const gemmCopies = 2 * (weightElems + colRows * L + channels * L);
  return (op + gemmCopies) * es;
}

function addBias(m: Buf, bias: Buf, L: number): void {
  for (let c = 0; c < bias.length; c++) {
    const b = bias[c]!;
    for (let q = c * L, e = q + L; q < e; q++) m[q] = m[q]! + b;
  }
}

/** out[c] += Σ_q m[c·L + q] (bias gradients). */
function sumRows(m: Buf, rows: number, L: number, out: Buf): void {
  for (let c = 0; c < rows; c++) {
    let s = 0;
    for (let q = c * L, e = q + L; q < e; q++) s += m[q]!;
    out[c] = out[c]! + s;
  }
}

// ---------------------------------------------------------------------------------------------
// conv_transpose: the adjoint of a conv whose input has the transposed conv's output shape.

interface TransposePlan {
  readonly N: number;
  /** Unfolding of the output y (N, outChannels, OH, OW) at the input's (H, W) positions. */
  readonly geo: Geo;
  readonly inH: number;
  readonly inW: number;
  readonly out: [number, number];
}

function transposePlan(op: OpOf<'conv_transpose'>, x: Shape): TransposePlan {
  const s = checkCommon(op, x, 'conv_transpose');
  const pad = as2(perDim(op.padding, op.dims, 'padding', 0), op.dims, 0);
  const outPad = as2(perDim(op.outputPadding, op.dims, 'output_padding', 0), op.dims, 0);
  const out = ([0, 1] as const).map((d) => {
    if (outPad[d] >= s.stride[d] && outPad[d] >= s.dilation[d])
      throw new OpError(`output padding must be smaller than either stride or dilation`);
    const o =
      (s.size[d] - 1) * s.stride[d] -
      2 * pad[d] +
      s.dilation[d] * (s.kernel[d] - 1) +
      outPad[d] +
      1;
    if (o < 1)
      throw new OpError(
        `the output size would be ${o}: padding too large for the input ${shapeStr(x)}`,
      );
    return o;
  }) as [number, number];
  const h = axis(out[0], s.size[0], s.kernel[0], s.stride[0], pad[0], s.dilation[0], 'zeros');
  const w = axis(out[1], s.size[1], s.kernel[1], s.stride[1], pad[1], s.dilation[1], 'zeros');
  return {
    N: x[0]!,
    geo: { N: x[0]!, C: op.outChannels, h, w },
    inH: s.size[0],
    inW: s.size[1],
    out,
  };
}

registerOp('conv_transpose', {
  arity: 1,
  outputShape(op, [x]) {
    return outShape(x!, op.outChannels, op.dims, transposePlan(op, x!).out);
  },
  params: (op) => weightParams(kernelShape(op, op.inChannels, op.outChannels / op.groups), op),
  scratchBytes(op, [x], _out, es) {
    const p = transposePlan(op, x!);
    const KK = p.geo.h.k * p.geo.w.k;
    const rows = chunkRows(
      op.outChannels * KK,
      p.inW,
      op.outChannels * (op.inChannels / op.groups) * KK,
      es,
    );
    const L = Math.min(rows, p.N * p.inH) * p.inW;
    return convScratch(
      op.outChannels * KK,
      op.inChannels,
      L,
      op.inChannels * (op.outChannels / op.groups) * KK,
      es,
    );
  },
  forward({ op, inputs, params, output, checkCancel }) {
    const x = inputs[0]!.data;
    const p = transposePlan(op, inputs[0]!.shape);
    const { G, CinG, CoutGKK, CoutKK } = transposeDims(op, p);
    const w = params.weight!.data;
    const es = x.BYTES_PER_ELEMENT;
    const T = p.N * p.inH;
    const step = chunkRows(CoutKK, p.inW, G * CinG * CoutGKK, es);
    const rows = Math.min(step, T) * p.inW;
    const col = scratch(x, CoutKK * rows, 0);
    const xc = scratch(x, op.inChannels * rows, 1);
    const y = output.data;
    for (let t0 = 0; t0 < T; t0 += step) {
      checkCancel();
      const t1 = Math.min(T, t0 + step);
      const L = (t1 - t0) * p.inW;
      gather(x, op.inChannels, p.inH, p.inW, t0, t1, xc, true);
      grouped(G, true, false, CoutGKK, L, CinG, w, xc, 0, col);
      col2im(col, p.geo, t0, t1, y);
    }
    const bias = params.bias?.data;
    if (bias) {
      const P = p.out[0] * p.out[1];
      for (let n = 0; n < p.N; n++)
        for (let c = 0; c < op.outChannels; c++) {
          const b = bias[c]!;
          for (let i = (n * op.outChannels + c) * P, e = i + P; i < e; i++) y[i] = y[i]! + b;
        }
    }
  },
  backward({ op, inputs, params, gradOutput, gradInputs, gradParams, checkCancel }) {
    const x = inputs[0]!.data;
    const p = transposePlan(op, inputs[0]!.shape);
    const { G, CinG, CoutGKK, CoutKK } = transposeDims(op, p);
    const w = params.weight!.data;
    const gw = gradParams.weight!.data;
    const gx = gradInputs[0]?.data;
    const gy = gradOutput.data;
    const gb = gradParams.bias?.data;
    if (gb) {
      const P = p.out[0] * p.out[1];
      for (let c = 0; c < op.outChannels; c++) {
        let s = 0;
        for (let n = 0; n < p.N; n++)
          for (let i = (n * op.outChannels + c) * P, e = i + P; i < e; i++) s += gy[i]!;
        gb[c] = gb[c]! + s;
      }
    }
    const es = x.BYTES_PER_ELEMENT;
    const T = p.N * p.inH;
    const step = chunkRows(CoutKK, p.inW, 2 * G * CinG * CoutGKK, es);
    const rows = Math.min(step, T) * p.inW;
    const dcol = scratch(x, CoutKK * rows, 0);
    const xc = scratch(x, op.inChannels * rows, 1);
    for (let t0 = 0; t0 < T; t0 += step) {
      checkCancel();
      const t1 = Math.min(T, t0 + step);
      const L = (t1 - t0) * p.inW;
      im2col(gy, p.geo, t0, t1, dcol);
      gather(x, op.inChannels, p.inH, p.inW, t0, t1, xc, true);
      // ∂L/∂W_g += X_g · dcol_gᵀ, then ∂L/∂X_g = W_g · dcol_g into xc (read, no longer needed).
      grouped(G, false, true, CinG, CoutGKK, L, xc, dcol, 1, gw);
      if (gx) grouped(G, false, false, CinG, L, CoutGKK, w, dcol, 0, xc);
      if (gx) gather(gx, op.inChannels, p.inH, p.inW, t0, t1, xc, false, true);
    }
  },
});

function transposeDims(
  op: OpOf<'conv_transpose'>,
  p: TransposePlan,
): { G: number; CinG: number; CoutGKK: number; CoutKK: number } {
  const KK = p.geo.h.k * p.geo.w.k;
  const G = op.groups;
  return {
    G,
    CinG: op.inChannels / G,
    CoutGKK: (op.outChannels / G) * KK,
    CoutKK: op.outChannels * KK,
  };
}
