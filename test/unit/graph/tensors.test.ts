// The drawing ops of ops/tensors.ts (randn, bernoulli_mask) cannot match PyTorch's stream, so they
// are checked by their law: the mask is constant over the broadcast dims, its entries are 0 or
// the scale with the keep rate, and the gradient is the same mask. Deterministic ops of the file
// (constant, exp, pad) are in graph_ops.json against PyTorch.
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/kernel/random';
import { getOp, OpError, zeros } from '../../../src/kernel/graph/op';
import '../../../src/kernel/graph/ops';
import type { Op } from '../../../src/kernel/graph/types';

function forward(op: Op, x: Float64Array, shape: number[], seed = 7) {
  const impl = getOp(op.op)!;
  const outShape = impl.outputShape(op, op.op === 'randn' ? [] : [shape]);
  const output = zeros(outShape, 'float64');
  const ctx = {
    op,
    dtype: 'float64' as const,
    inputs: op.op === 'randn' ? [] : [{ shape, data: x }],
    params: {},
    output,
    rng: createRng(seed),
    checkCancel: () => {},
  };
  const saved = impl.forward(ctx);
  return { impl, ctx, saved, output };
}

describe('bernoulli_mask', () => {
  it('drops whole samples (stochastic depth, row mode) at the keep rate, scaled by 1/keep', () => {
    const shape = [4000, 2, 3];
    const x = new Float64Array(4000 * 6).fill(1);
    const op: Op = { op: 'bernoulli_mask', keep: 0.8, scale: 1 / 0.8, maskShape: [4000, 1, 1] };
    const { impl, ctx, saved, output } = forward(op, x, shape);
    let kept = 0;
    for (let n = 0; n < 4000; n++) {
      const row = output.data.subarray(n * 6, n * 6 + 6);
      expect(new Set(row).size).toBe(1);
      expect([0, 1.25]).toContain(row[0]);
      if (row[0] !== 0) kept++;
    }
    expect(kept / 4000).toBeGreaterThan(0.77);
    expect(kept / 4000).toBeLessThan(0.83);
    const gradOutput = { shape, data: new Float64Array(x.length).fill(2) };
    const gx = zeros(shape, 'float64');
    impl.backward({ ...ctx, saved, gradOutput, gradInputs: [gx], gradParams: {} });
    for (let i = 0; i < x.length; i++) expect(gx.data[i]).toBe(2 * output.data[i]!);
  });

  it('drops whole channels (Dropout2d) and refuses a mask that does not fit', () => {
    const shape = [3, 50, 2, 2];
    const x = new Float64Array(600).fill(1);
    const { output } = forward(
      { op: 'bernoulli_mask', keep: 0.5, scale: 2, maskShape: [3, 50, 1, 1] },
      x,
      shape,
    );
    const zeroChannels = [...Array(150).keys()].filter((c) => output.data[c * 4] === 0);
    expect(zeroChannels.length).toBeGreaterThan(45);
    expect(zeroChannels.length).toBeLessThan(105);
    for (let c = 0; c < 150; c++)
      expect(new Set(output.data.subarray(c * 4, c * 4 + 4)).size).toBe(1);
    expect(() =>
      getOp('bernoulli_mask')!.outputShape(
        { op: 'bernoulli_mask', keep: 0.5, scale: 2, maskShape: [3, 7, 1, 1] },
        [shape],
      ),
    ).toThrow(OpError);
  });
});

describe('randn', () => {
  it('draws N(0, 1) of its shape, with no input to send a gradient to', () => {
    const { output } = forward({ op: 'randn', shape: [100, 100] }, new Float64Array(0), []);
    const d = [...output.data];
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(sd - 1)).toBeLessThan(0.05);
  });
});
