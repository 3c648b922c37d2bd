/**
 * The dense products the graph engine is built on (linear, conv via im2col, attention, recurrent
 * gates). BLAS sgemm/dgemm semantics on row-major arrays:
 *   C(m×n) = alpha · op(A)(m×k) · op(B)(k×n) + beta · C
 * where op(X) is X or Xᵀ. `lda`, `ldb`, `ldc` are row strides; offsets let callers address
 * sub-matrices (one sample of a batch, one group of a grouped convolution) without copying.
 *
 * This file is the simple, correct version; the fast path (blocked tiles, WASM SIMD, both cores)
 * must keep this signature and be tested against it.
 */
export type Buf = Float32Array | Float64Array;

export interface GemmArgs {
  readonly transA: boolean;
  readonly transB: boolean;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly alpha: number;
  readonly a: Buf;
  readonly aOffset?: number;
  readonly lda: number;
  readonly b: Buf;
  readonly bOffset?: number;
  readonly ldb: number;
  readonly beta: number;
  readonly c: Buf;
  readonly cOffset?: number;
  readonly ldc: number;
}

export function gemmReference(g: GemmArgs): void {
  const { transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc } = g;
  const ao = g.aOffset ?? 0;
  const bo = g.bOffset ?? 0;
  const co = g.cOffset ?? 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const x = transA ? a[ao + p * lda + i]! : a[ao + i * lda + p]!;
        const y = transB ? b[bo + j * ldb + p]! : b[bo + p * ldb + j]!;
        s += x * y;
      }
      const ci = co + i * ldc + j;
      c[ci] = alpha * s + (beta === 0 ? 0 : beta * c[ci]!);
    }
  }
}

/** The engine calls this; the fast implementation replaces the body, not the signature. */
export function gemm(g: GemmArgs): void {
  gemmReference(g);
}
