/**
 * The dense products the graph engine is built on (linear, conv via im2col, attention, recurrent
 * gates). BLAS sgemm/dgemm semantics on row-major arrays:
 *   C(m×n) = alpha · op(A)(m×k) · op(B)(k×n) + beta · C
 * where op(X) is X or Xᵀ. `lda`, `ldb`, `ldc` are row strides; offsets let callers address
 * sub-matrices (one sample of a batch, one group of a grouped convolution) without copying.
 * As in BLAS, beta = 0 means C is not read (NaN in C does not propagate).
 *
 * `gemm` runs WebAssembly SIMD kernels (scripts/gemm-wat.mjs, GotoBLAS-style packing, 4×8 f32 /
 * 4×4 f64 register tiles) on products big enough to pay for copying into linear memory, and
 * `gemmReference` below the threshold. Measured on the 2-core EPYC, Node 20, 256³ kernel only:
 * 53 GFLOP/s float32, 27 float64; the project's JS 4×4 tile (gradientFlow/matmul.ts) gives ~6
 * float64; TensorFlow.js's WASM backend (XNNPACK) 33–39 float32 with copies and no float64.
 * Products accumulate in the run's dtype as PyTorch's BLAS does (float32 sums in float32).
 */
import { GEMM_WASM, GEMM_WASM_SHARED, TILES } from './gemmWasm.generated';
import { deepFreeze } from '../freeze';

deepFreeze(TILES); // generated as a plain literal

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

type Kind = 'f32' | 'f64';

/** gemm_<t>(pa, pb, pc, mPad, nPad, k, j0, j1, accC): columns [j0, j1) of a packed product;
 * accC = 1 adds it to the C already in linear memory. */
type PackedGemm = (
  pa: number,
  pb: number,
  pc: number,
  mPad: number,
  nPad: number,
  k: number,
  j0: number,
  j1: number,
  accC: number,
) => void;
type Pack = (
  src: number,
  rs: number,
  cs: number,
  rows: number,
  k: number,
  r: number,
  dst: number,
) => void;

export interface GemmExports {
  pack_f32: Pack;
  pack_f64: Pack;
  gemm_f32: PackedGemm;
  gemm_f64: PackedGemm;
}

/** Runs columns [j0, j1) of a packed product on this thread. */
export function runColumns(ex: GemmExports, p: PackedProduct, j0: number, j1: number): void {
  (p.kind === 'f32' ? ex.gemm_f32 : ex.gemm_f64)(
    p.pa,
    p.pb,
    p.pc,
    p.mPad,
    p.nPad,
    p.k,
    j0,
    j1,
    p.accC ? 1 : 0,
  );
}

/** One packed product, as laid out in linear memory (byte addresses), for a driver to run. */
export interface PackedProduct {
  readonly kind: Kind;
  readonly pa: number;
  readonly pb: number;
  readonly pc: number;
  readonly mPad: number;
  readonly nPad: number;
  readonly k: number;
  /** Add to the C already in memory (gemm's beta = 1, alpha = 1: gradient accumulation). */
  readonly accC: boolean;
}

/**
 * Where the packed products run. The default runs them on this thread; the worker pool
 * (src/gemmPool.ts, Node only) installs one over a shared memory that splits C's columns between
 * threads and returns when all are done, so `gemm` stays synchronous either way.
 */
export interface GemmDriver {
  readonly memory: WebAssembly.Memory;
  readonly exports: GemmExports;
  run(p: PackedProduct): void;
}

/** Below this many multiply-adds the copies into linear memory cost more than they save. */
const WASM_MIN_MACS = 4096;
/** Linear memory one product may use; larger products are split (and a 32-bit heap stays safe). */
let maxProductBytes = 512 * 1024 * 1024;
const PAGE = 65536;

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Instantiates the gemm module over `memory` (shared: the module importing a shared memory). */
export function instantiateGemm(memory: WebAssembly.Memory, shared: boolean): GemmExports {
  const module = new WebAssembly.Module(decodeBase64(shared ? GEMM_WASM_SHARED : GEMM_WASM));
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as GemmExports;
}

/** The bytes of the shared-memory module, for workers that instantiate it themselves. */
export function sharedGemmModuleBytes(): Uint8Array<ArrayBuffer> {
  return decodeBase64(GEMM_WASM_SHARED);
}

let driver: GemmDriver | null | undefined;

function localDriver(): GemmDriver | null {
  try {
    const memory = new WebAssembly.Memory({ initial: 16 });
    const exports = instantiateGemm(memory, false);
    return {
      memory,
      exports,
      run: (p) => runColumns(exports, p, 0, p.nPad),
    };
  } catch {
    // No WebAssembly SIMD (very old engines): the reference loops still give the right answer.
    return null;
  }
}

/** Replaces where packed products run (the worker pool); null restores the single thread. */
export function setGemmDriver(d: GemmDriver | null): void {
  driver = d ?? localDriver();
}

function currentDriver(): GemmDriver | null {
  if (driver === undefined) driver = localDriver();
  return driver;
}

export function gemm(g: GemmArgs): void {
  const { m, n, k } = g;
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    scaleC(g);
    return;
  }
  const kind = kindOf(g);
  const d = kind && m * n * k >= WASM_MIN_MACS ? currentDriver() : null;
  if (!kind || !d) {
    gemmReference(g);
    return;
  }
  split(g, kind, d);
}

function kindOf(g: GemmArgs): Kind | null {
  if (g.a instanceof Float32Array && g.b instanceof Float32Array && g.c instanceof Float32Array)
    return 'f32';
  if (g.a instanceof Float64Array && g.b instanceof Float64Array && g.c instanceof Float64Array)
    return 'f64';
  return null;
}

/** C = beta·C (k = 0: the product is empty). */
function scaleC(g: GemmArgs): void {
  const co = g.cOffset ?? 0;
  for (let i = 0; i < g.m; i++)
    for (let j = 0; j < g.n; j++) {
      const ci = co + i * g.ldc + j;
      g.c[ci] = g.beta === 0 ? 0 : g.beta * g.c[ci]!;
    }
}

function roundUp(x: number, r: number): number {
  return Math.ceil(x / r) * r;
}

function productBytes(kind: Kind, m: number, n: number, k: number): number {
  const { MR, NR } = TILES[kind];
  const es = kind === 'f32' ? 4 : 8;
  const mPad = roundUp(m, MR);
  const nPad = roundUp(n, NR);
  return es * (m * k + k * n + mPad * k + nPad * k + mPad * nPad) + 64;
}

/** For tests of the splitting: the linear memory one product may use. Returns the previous. */
export function setGemmProductLimit(bytes: number): number {
  const prev = maxProductBytes;
  maxProductBytes = bytes;
  return prev;
}

/** Halves the largest dimension until one product fits maxProductBytes of linear memory. */
function split(g: GemmArgs, kind: Kind, d: GemmDriver): void {
  const { m, n, k } = g;
  if (productBytes(kind, m, n, k) <= maxProductBytes || (m <= 8 && n <= 8 && k <= 8)) {
    runWasm(g, kind, d);
    return;
  }
  const ao = g.aOffset ?? 0;
  const bo = g.bOffset ?? 0;
  const co = g.cOffset ?? 0;
  if (n >= m && n >= k) {
    const h = n >> 1;
    split({ ...g, n: h }, kind, d);
    split({ ...g, n: n - h, bOffset: bo + (g.transB ? h * g.ldb : h), cOffset: co + h }, kind, d);
  } else if (m >= k) {
    const h = m >> 1;
    split({ ...g, m: h }, kind, d);
    split(
      { ...g, m: m - h, aOffset: ao + (g.transA ? h : h * g.lda), cOffset: co + h * g.ldc },
      kind,
      d,
    );
  } else {
    const h = k >> 1;
    split({ ...g, k: h }, kind, d);
    split(
      {
        ...g,
        k: k - h,
        aOffset: ao + (g.transA ? h * g.lda : h),
        bOffset: bo + (g.transB ? h : h * g.ldb),
        beta: 1,
      },
      kind,
      d,
    );
  }
}

/**
 * Copies a rows×cols block with row stride `ld` from `src` into `heap` at element `at`, compact
 * (row stride cols) unless the gaps are small enough that one contiguous copy is cheaper.
 * Returns the row stride used in the heap.
 */
function copyIn(
  src: Buf,
  off: number,
  rows: number,
  cols: number,
  ld: number,
  heap: Buf,
  at: number,
): number {
  const span = (rows - 1) * ld + cols;
  if (ld === cols || span <= 2 * rows * cols) {
    heap.set(src.subarray(off, off + span), at);
    return ld;
  }
  for (let r = 0; r < rows; r++)
    heap.set(src.subarray(off + r * ld, off + r * ld + cols), at + r * cols);
  return cols;
}

function runWasm(g: GemmArgs, kind: Kind, d: GemmDriver): void {
  const { m, n, k, transA, transB } = g;
  const { MR, NR } = TILES[kind];
  const es = kind === 'f32' ? 4 : 8;
  const mPad = roundUp(m, MR);
  const nPad = roundUp(n, NR);
  // Raw copies first (spans may include row gaps), then packed A, packed B, C.
  const aRows = transA ? k : m;
  const aCols = transA ? m : k;
  const bRows = transB ? n : k;
  const bCols = transB ? k : n;
  const aSpan = (aRows - 1) * g.lda + aCols;
  const bSpan = (bRows - 1) * g.ldb + bCols;
  const ra = 0;
  const rb = ra + aSpan;
  const pa = rb + bSpan;
  const pb = pa + mPad * k;
  const pc = pb + nPad * k;
  const total = (pc + mPad * nPad) * es;
  const mem = d.memory;
  if (mem.buffer.byteLength < total) mem.grow(Math.ceil((total - mem.buffer.byteLength) / PAGE));
  const heap: Buf = kind === 'f32' ? new Float32Array(mem.buffer) : new Float64Array(mem.buffer);
  const lda = copyIn(g.a, g.aOffset ?? 0, aRows, aCols, g.lda, heap, ra);
  const ldb = copyIn(g.b, g.bOffset ?? 0, bRows, bCols, g.ldb, heap, rb);
  const ex = d.exports;
  const pack = kind === 'f32' ? ex.pack_f32 : ex.pack_f64;
  // Element (i, p) of op(A) and (p, j) of op(B), as row/column strides of the packed sources.
  pack(ra * es, transA ? 1 : lda, transA ? lda : 1, m, k, MR, pa * es);
  pack(rb * es, transB ? ldb : 1, transB ? 1 : ldb, n, k, NR, pb * es);
  const { alpha, beta, c, ldc } = g;
  const co = g.cOffset ?? 0;
  // Accumulating (alpha = beta = 1, every gradient of a weight): C goes in, the kernel adds to it
  // and C comes out as row copies, with no arithmetic left for JS.
  const accC = alpha === 1 && beta === 1;
  if (accC)
    for (let i = 0; i < m; i++) heap.set(c.subarray(co + i * ldc, co + i * ldc + n), pc + i * nPad);
  d.run({ kind, pa: pa * es, pb: pb * es, pc: pc * es, mPad, nPad, k, accC });
  const h = kind === 'f32' ? new Float32Array(mem.buffer) : new Float64Array(mem.buffer);
  for (let i = 0; i < m; i++) {
    const src = pc + i * nPad;
    const dst = co + i * ldc;
    if (accC || (alpha === 1 && beta === 0)) c.set(h.subarray(src, src + n), dst);
    else if (beta === 0) for (let j = 0; j < n; j++) c[dst + j] = alpha * h[src + j]!;
    else for (let j = 0; j < n; j++) c[dst + j] = alpha * h[src + j]! + beta * c[dst + j]!;
  }
}
