import { afterAll, describe, expect, it } from 'vitest';
import { filled } from './gemmData';
import { disableGemmThreads, enableGemmThreads } from '../../../src/gemmPool';
import { gemm, type Buf } from '../../../src/kernel/graph/gemm';

describe('gemm over the worker pool', () => {
  afterAll(() => disableGemmThreads());

  it('gives bit-identical results to the single thread, for both dtypes and every transpose', () => {
    const runAll = (): Buf[] => {
      const out: Buf[] = [];
      for (const ctor of [Float32Array, Float64Array])
        for (const [m, n, k] of [
          [96, 203, 150],
          [64, 1000, 64],
          [7, 33, 5],
        ] as const)
          for (const transA of [false, true])
            for (const transB of [false, true]) {
              const a = filled(ctor, m * k, 1);
              const b = filled(ctor, k * n, 2);
              const c = filled(ctor, m * n, 3);
              // beta = 0.5 goes through JS arithmetic, beta = 1 through the kernel's accumulation.
              for (const beta of [0.5, 1]) {
                gemm({
                  transA,
                  transB,
                  m,
                  n,
                  k,
                  alpha: 1,
                  a,
                  lda: transA ? m : k,
                  b,
                  ldb: transB ? k : n,
                  beta,
                  c,
                  ldc: n,
                });
                out.push(c.slice());
              }
            }
      return out;
    };
    const single = runAll();
    expect(enableGemmThreads(2)).toBe(2);
    const pooled = runAll();
    // And again, after the pool has been used (helpers wait for the next sequence number).
    const again = runAll();
    disableGemmThreads();
    for (let i = 0; i < single.length; i++) {
      expect([...pooled[i]!]).toEqual([...single[i]!]);
      expect([...again[i]!]).toEqual([...single[i]!]);
    }
  });

  it('one thread asked for means no workers', () => {
    expect(enableGemmThreads(1)).toBe(1);
    disableGemmThreads();
  });
});
