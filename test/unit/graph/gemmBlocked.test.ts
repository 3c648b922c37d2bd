// gemmBlocked (ops/util.ts): the cancellable gemm of the ops equals one gemm call, whichever
// dimension it splits (rows of C, or k with later blocks accumulating), and polls between blocks.
import { describe, expect, it } from 'vitest';
import { gemm, type GemmArgs } from '../../../src/kernel/graph/gemm';
import { gemmBlocked } from '../../../src/kernel/graph/ops/util';
import { createRng } from '../../../src/kernel/random';

const rng = createRng(5);
const rand = (n: number): Float64Array => rng.fillUniform(new Float64Array(n), -1, 1);

describe('gemmBlocked', () => {
  for (const [transA, transB] of [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ] as const) {
    it(`transA ${transA}, transB ${transB}, β = 1: same as one gemm, in several blocks`, () => {
      // 64×64×8192 = 3.4e7 multiply-adds: more than one block either way.
      const [m, n, k] = transA ? [64, 64, 8192] : [8192, 64, 64];
      const a = rand(m * k);
      const b = rand(k * n);
      const c0 = rand(m * n);
      const args = (c: Float64Array): GemmArgs => ({
        transA,
        transB,
        m,
        n,
        k,
        alpha: 0.5,
        a,
        lda: transA ? m : k,
        b,
        ldb: transB ? k : n,
        beta: 1,
        c,
        ldc: n,
      });
      const want = c0.slice();
      gemm(args(want));
      const got = c0.slice();
      let polls = 0;
      gemmBlocked(args(got), () => polls++);
      expect(polls).toBeGreaterThan(1);
      let err = 0;
      for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(got[i]! - want[i]!));
      expect(err).toBeLessThan(1e-11);
    });
  }
});
