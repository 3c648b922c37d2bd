/**
 * Both cores for the engine's products (Node only: worker_threads). The gemm module is
 * instantiated over one shared WebAssembly memory in this thread and in each helper worker; a
 * packed product's C columns are split into equal NR-aligned ranges, the helpers are woken through
 * Atomics on a shared control block, this thread computes its own range and then waits for theirs.
 * `gemm` therefore stays synchronous (Atomics.wait is allowed in Node's main thread and in
 * workers; the webview never installs this and keeps the single-thread driver).
 *
 * Small products run on this thread alone: waking a worker costs tens of microseconds.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  runColumns,
  setGemmDriver,
  sharedGemmModuleBytes,
  type GemmDriver,
  type GemmExports,
  type PackedProduct,
} from './kernel/graph/gemm';
import { TILES } from './kernel/graph/gemmWasm.generated';

/** Multiply-adds below which one thread is faster than waking the others. */
const PARALLEL_MIN_MACS = 1 << 21;
/** 1 GiB: gemm splits any product needing more than 512 MiB. */
const MAX_PAGES = 16384;

// Control block, one Int32 lane each; per worker w, a block of FIELDS lanes at w·FIELDS.
const SEQ = 0;
const DONE = 1;
const KIND = 2;
const ARGS = 3; // pa, pb, pc, mPad, nPad, k, j0, j1, accC
const FIELDS = 16;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { memory, module, ctrl, base } = workerData;
const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
const c = new Int32Array(ctrl);
let seen = 0;
for (;;) {
  Atomics.wait(c, base + ${SEQ}, seen);
  seen = Atomics.load(c, base + ${SEQ});
  if (seen < 0) break;
  const a = base + ${ARGS};
  (c[base + ${KIND}] === 0 ? ex.gemm_f32 : ex.gemm_f64)(c[a], c[a + 1], c[a + 2], c[a + 3], c[a + 4], c[a + 5], c[a + 6], c[a + 7], c[a + 8]);
  Atomics.store(c, base + ${DONE}, seen);
  Atomics.notify(c, base + ${DONE});
}
`;

interface Pool {
  readonly workers: Worker[];
  readonly ctrl: Int32Array;
}

let pool: Pool | null = null;

/**
 * Installs the pooled driver with `threads` threads in all (this one included); 1, or no shared
 * memory, leaves the single-thread driver. Returns the number of threads it will use.
 */
export function enableGemmThreads(threads = availableParallelism()): number {
  disableGemmThreads();
  const helpers = Math.max(0, Math.floor(threads) - 1);
  if (helpers === 0) return 1;
  let memory: WebAssembly.Memory;
  let exports: GemmExports;
  let module: WebAssembly.Module;
  try {
    memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
    module = new WebAssembly.Module(sharedGemmModuleBytes());
    exports = new WebAssembly.Instance(module, { env: { memory } })
      .exports as unknown as GemmExports;
  } catch {
    return 1; // no shared memory here: stay single-threaded
  }
  const ctrl = new Int32Array(new SharedArrayBuffer(4 * FIELDS * helpers));
  const workers: Worker[] = [];
  pool = { workers, ctrl };
  // Helpers start with the first product worth splitting: `list` or the self-check spawn none.
  const start = (): void => {
    for (let w = 0; w < helpers; w++) {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { memory, module, ctrl: ctrl.buffer, base: w * FIELDS },
      });
      worker.unref(); // an idle pool must not keep the process alive
      workers.push(worker);
    }
  };
  const local = (p: PackedProduct, j0: number, j1: number): void => runColumns(exports, p, j0, j1);
  let seq = 0;
  const driver: GemmDriver = {
    memory,
    exports,
    run(p) {
      const NR = TILES[p.kind].NR;
      const panels = p.nPad / NR;
      const parts = Math.min(helpers + 1, panels);
      if (parts < 2 || p.mPad * p.nPad * p.k < PARALLEL_MIN_MACS) {
        local(p, 0, p.nPad);
        return;
      }
      if (workers.length === 0) start();
      seq++;
      const bound = (i: number): number => Math.round((panels * i) / parts) * NR;
      for (let w = 1; w < parts; w++) {
        const b = (w - 1) * FIELDS;
        ctrl[b + KIND] = p.kind === 'f32' ? 0 : 1;
        ctrl.set(
          [p.pa, p.pb, p.pc, p.mPad, p.nPad, p.k, bound(w), bound(w + 1), p.accC ? 1 : 0],
          b + ARGS,
        );
        Atomics.store(ctrl, b + SEQ, seq);
        Atomics.notify(ctrl, b + SEQ);
      }
      local(p, 0, bound(1));
      for (let w = 1; w < parts; w++) {
        const b = (w - 1) * FIELDS;
        for (let d = Atomics.load(ctrl, b + DONE); d !== seq; d = Atomics.load(ctrl, b + DONE))
          Atomics.wait(ctrl, b + DONE, d);
      }
    },
  };
  setGemmDriver(driver);
  return helpers + 1;
}

/** Stops the helpers and restores the single-thread driver. */
export function disableGemmThreads(): void {
  if (!pool) return;
  for (let w = 0; w < pool.workers.length; w++) {
    Atomics.store(pool.ctrl, w * FIELDS + SEQ, -1);
    Atomics.notify(pool.ctrl, w * FIELDS + SEQ);
    void pool.workers[w]!.terminate();
  }
  pool = null;
  setGemmDriver(null);
}
