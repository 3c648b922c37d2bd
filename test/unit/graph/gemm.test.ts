import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filled } from './gemmData';
import {
  gemm,
  gemmReference,
  instantiateGemm,
  setGemmDriver,
  setGemmProductLimit,
  type Buf,
  type GemmArgs,
} from '../../../src/kernel/graph/gemm';

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

interface Case {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
  pad: number;
  off: number;
}

/**
 * Runs gemm and gemmReference on the same operands with row gaps (`pad`) and offsets; returns the
 * worst difference over (|α| + |β|)·√(k + 1): a blocked sum differs from the sequential one by a
 * few ulps of that size, a wrong index by O(1).
 */
function compare(ctor: Ctor, c: Case): number {
  const { transA, transB, m, n, k, alpha, beta, pad, off } = c;
  const lda = (transA ? m : k) + pad;
  const ldb = (transB ? k : n) + pad;
  const ldc = n + pad;
  const a = filled(ctor, off + (transA ? k : m) * lda, 1);
  const b = filled(ctor, off + (transB ? n : k) * ldb, 2);
  const c0 = filled(ctor, off + m * ldc, 3);
  const args = (cc: Buf): GemmArgs => ({
    transA,
    transB,
    m,
    n,
    k,
    alpha,
    a,
    aOffset: off,
    lda,
    b,
    bOffset: off,
    ldb,
    beta,
    c: cc,
    cOffset: off,
    ldc,
  });
  const fast = c0.slice();
  const ref = c0.slice();
  gemm(args(fast));
  gemmReference(args(ref));
  let worst = 0;
  for (let i = 0; i < fast.length; i++) {
    const row = Math.floor((i - off) / ldc);
    const col = (i - off) % ldc;
    const inside = i >= off && row < m && col < n;
    // Outside C's m×n window nothing may change, bit for bit.
    if (!inside) expect(fast[i]).toBe(c0[i]);
    else
      worst = Math.max(
        worst,
        Math.abs(fast[i]! - ref[i]!) / ((Math.abs(alpha) + Math.abs(beta)) * Math.sqrt(k + 1)),
      );
  }
  return worst;
}

const shapes: [number, number, number][] = [
  [1, 1, 1],
  [3, 5, 7],
  [4, 8, 64],
  [17, 33, 9],
  [33, 17, 300],
  [64, 96, 65],
  [130, 7, 257],
  [5, 129, 513],
];

describe('gemm against gemmReference', () => {
  for (const [name, ctor, tol] of [
    ['float64', Float64Array, 4e-15],
    ['float32', Float32Array, 2e-6],
  ] as const) {
    it(`${name}: every transpose, odd sizes, offsets, row gaps, alpha and beta`, () => {
      for (const [m, n, k] of shapes)
        for (const transA of [false, true])
          for (const transB of [false, true])
            for (const [alpha, beta, pad, off] of [
              [1, 0, 0, 0],
              [0.5, 1, 3, 5],
              [-2, 0.25, 1, 2],
              [1, 1, 2, 1],
            ] as const) {
              const err = compare(ctor, { transA, transB, m, n, k, alpha, beta, pad, off });
              expect(err, `${m}×${n}×${k} tA=${transA} tB=${transB} β=${beta}`).toBeLessThan(tol);
            }
    });
  }

  it('beta = 0 does not read C (NaN there does not propagate), k = 0 scales C', () => {
    for (const ctor of [Float32Array, Float64Array]) {
      const a = filled(ctor, 40 * 50, 4);
      const b = filled(ctor, 50 * 30, 5);
      const c = new ctor(40 * 30).fill(NaN);
      gemm({
        transA: false,
        transB: false,
        m: 40,
        n: 30,
        k: 50,
        alpha: 1,
        a,
        lda: 50,
        b,
        ldb: 30,
        beta: 0,
        c,
        ldc: 30,
      });
      expect(c.every(Number.isFinite)).toBe(true);
      const c2 = new ctor(6).fill(3);
      gemm({
        transA: false,
        transB: false,
        m: 2,
        n: 3,
        k: 0,
        alpha: 1,
        a,
        lda: 0,
        b,
        ldb: 3,
        beta: 0.5,
        c: c2,
        ldc: 3,
      });
      expect([...c2]).toEqual([1.5, 1.5, 1.5, 1.5, 1.5, 1.5]);
    }
  });

  it('splits products larger than the linear-memory limit into pieces with the same result', () => {
    const prev = setGemmProductLimit(64 * 1024);
    try {
      for (const ctor of [Float32Array, Float64Array])
        for (const [m, n, k] of [
          [200, 30, 40],
          [30, 200, 40],
          [12, 10, 3000],
        ] as const)
          for (const transA of [false, true])
            for (const transB of [false, true]) {
              const err = compare(ctor, {
                transA,
                transB,
                m,
                n,
                k,
                alpha: 1.5,
                beta: 0.5,
                pad: 2,
                off: 3,
              });
              expect(err).toBeLessThan(ctor === Float32Array ? 2e-6 : 4e-15);
            }
    } finally {
      setGemmProductLimit(prev);
    }
  });

  it('runs the packed products through an installed driver', () => {
    let calls = 0;
    setGemmDriver(null);
    const a = filled(Float64Array, 64 * 64, 6);
    // C = A·Aᵀ for one 64×64 A, on whichever driver is installed.
    const product = (): Float64Array => {
      const c = new Float64Array(64 * 64);
      gemm({
        transA: false,
        transB: true,
        m: 64,
        n: 64,
        k: 64,
        alpha: 1,
        a,
        lda: 64,
        b: a,
        ldb: 64,
        beta: 0,
        c,
        ldc: 64,
      });
      return c;
    };
    const c1 = product();
    // A driver that runs the same kernel in two column halves, as the worker pool does.
    const memory = new WebAssembly.Memory({ initial: 16 });
    const ex = instantiateGemm(memory, false);
    setGemmDriver({
      memory,
      exports: ex,
      run(p) {
        calls++;
        const f = p.kind === 'f32' ? ex.gemm_f32 : ex.gemm_f64;
        const half = Math.floor(p.nPad / 8) * 4;
        f(p.pa, p.pb, p.pc, p.mPad, p.nPad, p.k, 0, half, p.accC ? 1 : 0);
        f(p.pa, p.pb, p.pc, p.mPad, p.nPad, p.k, half, p.nPad, p.accC ? 1 : 0);
      },
    });
    try {
      const c2 = product();
      expect(calls).toBe(1);
      expect([...c2]).toEqual([...c1]);
    } finally {
      setGemmDriver(null);
    }
  });

  it('the committed WASM is what scripts/gemm-wat.mjs assembles to', () => {
    const root = join(__dirname, '..', '..', '..');
    expect(() =>
      execFileSync(process.execPath, [join(root, 'scripts', 'gen-gemm-wasm.mjs'), '--check'], {
        stdio: 'pipe',
      }),
    ).not.toThrow();
  });
});
