import type { Buf } from '../../../src/kernel/graph/gemm';

/** Deterministic values in [−1, 1) (xorshift32), so a failing product reproduces. */
export function filled(
  ctor: Float32ArrayConstructor | Float64ArrayConstructor,
  n: number,
  seed: number,
): Buf {
  const out = new ctor(n);
  let s = seed | 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (s >>> 0) / 2147483648 - 1;
  }
  return out;
}
