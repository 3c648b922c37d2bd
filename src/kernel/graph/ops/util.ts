/** Small helpers shared by the ops (shapes, broadcasting, cancellable blocking). */
import { gemm, type GemmArgs } from '../gemm';
import { OpError, numel, shapeStr } from '../op';
import type { Shape } from '../types';

/** Work per block between cancellation checks: ~3·10⁷ multiply-adds is a few tens of ms. */
export const BLOCK_FLOPS = 3e7;

/** Calls fn over [r0, r1) blocks of `rows`, checking for cancellation between blocks. */
export function blocks(
  rows: number,
  flopsPerRow: number,
  checkCancel: () => void,
  fn: (r0: number, r1: number) => void,
): void {
  const step = Math.max(1, Math.floor(BLOCK_FLOPS / Math.max(1, flopsPerRow)));
  for (let r0 = 0; r0 < rows; r0 += step) {
    checkCancel();
    fn(r0, Math.min(rows, r0 + step));
  }
}

/**
 * Elements of elementwise work between cancellation checks in ops that are one pass over a tensor
 * (norms, activations, dropout): 2²⁰ is around a millisecond, so a tensor of any size still
 * cancels well within 100 ms.
 */
export const CANCEL_ELEMENTS = 1 << 20;

/** A cancellation check paced by work done: pace(n) after n elements checks once per
 * CANCEL_ELEMENTS. Pieces longer than that must be cut (see `pieces`). */
export function pacer(checkCancel: () => void): (n: number) => void {
  let done = 0;
  return (n) => {
    done += n;
    if (done >= CANCEL_ELEMENTS) {
      done = 0;
      checkCancel();
    }
  };
}

/** fn over [from, to) in pieces of at most CANCEL_ELEMENTS, pacing after each. */
export function pieces(
  from: number,
  to: number,
  pace: (n: number) => void,
  fn: (i0: number, i1: number) => void,
): void {
  for (let i0 = from; i0 < to; i0 += CANCEL_ELEMENTS) {
    const i1 = Math.min(to, i0 + CANCEL_ELEMENTS);
    fn(i0, i1);
    pace(i1 - i0);
  }
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** torch broadcasting of several shapes; throws OpError when they do not broadcast. */
export function broadcastShapes(shapes: readonly Shape[]): Shape {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = s[i]!;
      if (d === out[o] || d === 1) continue;
      if (out[o] === 1) out[o] = d;
      else throw new OpError(`shapes ${shapes.map(shapeStr).join(', ')} do not broadcast`);
    }
  }
  return out;
}

/**
 * For each output index of `out`, the index into a tensor of shape `s` broadcast to it.
 * Returned as an Int32Array (memory = output size; fine for the shapes broadcasting meets).
 */
export function broadcastIndex(s: Shape, out: Shape): Int32Array {
  const rank = out.length;
  const off = rank - s.length;
  const st = new Array<number>(rank).fill(0);
  let acc = 1;
  for (let i = s.length - 1; i >= 0; i--) {
    st[i + off] = s[i] === 1 ? 0 : acc;
    acc *= s[i]!;
  }
  return stridedMap(out, st, 0);
}

/** src[i] for an output of `out` whose dim k steps the input by st[k], starting at `offset`. */
export function stridedMap(out: Shape, st: readonly number[], offset: number): Int32Array {
  const n = numel(out);
  const src = new Int32Array(n);
  const rank = out.length;
  const cnt = new Array<number>(rank).fill(0);
  let cur = offset;
  for (let i = 0; i < n; i++) {
    src[i] = cur;
    for (let d = rank - 1; d >= 0; d--) {
      cnt[d] = cnt[d]! + 1;
      cur += st[d]!;
      if (cnt[d]! < out[d]!) break;
      cur -= st[d]! * out[d]!;
      cnt[d] = 0;
    }
  }
  return src;
}

export function positiveInt(v: unknown, what: string): number {
  if (!(typeof v === 'number' && Number.isInteger(v) && v > 0))
    throw new OpError(`${what} must be a positive integer, got ${String(v)}`);
  return v;
}

export function rate(p: unknown, what: string): number {
  if (!(typeof p === 'number' && p >= 0 && p < 1))
    throw new OpError(`${what} must be in [0, 1), got ${String(p)}`);
  return p;
}

/** (outer, size, inner) around axis `dim` of `shape`. */
export function around(shape: Shape, dim: number): [number, number, number] {
  let outer = 1;
  for (let i = 0; i < dim; i++) outer *= shape[i]!;
  let inner = 1;
  for (let i = dim + 1; i < shape.length; i++) inner *= shape[i]!;
  return [outer, shape[dim]!, inner];
}

export { normDim as normDimOp } from '../op';

/**
 * gemm in blocks of about BLOCK_FLOPS with a cancellation check between them: along the rows of
 * C when A is not transposed, else along the shared dimension k (later blocks accumulate, β = 1).
 */
export function gemmBlocked(g: GemmArgs, checkCancel: () => void): void {
  const per = g.transA ? g.m * g.n : g.n * g.k;
  const total = g.transA ? g.k : g.m;
  const step = Math.max(1, Math.floor(BLOCK_FLOPS / Math.max(1, per)));
  if (step >= total) {
    checkCancel();
    gemm(g);
    return;
  }
  const ao = g.aOffset ?? 0;
  const bo = g.bOffset ?? 0;
  const co = g.cOffset ?? 0;
  for (let r0 = 0; r0 < total; r0 += step) {
    checkCancel();
    const len = Math.min(step, total - r0);
    if (!g.transA) gemm({ ...g, m: len, aOffset: ao + r0 * g.lda, cOffset: co + r0 * g.ldc });
    else
      gemm({
        ...g,
        k: len,
        aOffset: ao + r0 * g.lda,
        bOffset: g.transB ? bo + r0 : bo + r0 * g.ldb,
        beta: r0 === 0 ? g.beta : 1,
      });
  }
}
