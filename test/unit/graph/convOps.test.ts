import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/kernel/random';
import { getOp, OpError, zeros, type Tensor } from '../../../src/kernel/graph/op';
import { COL_BUDGET_BYTES } from '../../../src/kernel/graph/ops/conv';
import '../../../src/kernel/graph/ops/pool';
import { compileGraph, estimateGraphBytes } from '../../../src/kernel/graph/executor';
import type { Dtype, Graph, Op, Shape } from '../../../src/kernel/graph/types';

/** scripts/fixtures/conv_ops.py: PyTorch float64 forward and backward per case. */
interface Case {
  name: string;
  op: Op;
  input: { shape: number[]; data: number[] };
  params: Record<string, { shape: number[]; data: number[] }>;
  gradOutput: number[];
  output: { shape: number[]; data: number[] };
  gradInput: number[];
  gradParams: Record<string, number[]>;
}

const fixture = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'fixtures', 'graph', 'conv_ops.json'), 'utf8'),
) as { torch: string; cases: Case[] };

function tensor(shape: Shape, data: readonly number[], dtype: Dtype): Tensor {
  return { shape, data: dtype === 'float32' ? Float32Array.from(data) : Float64Array.from(data) };
}

/** Runs one op forward and backward the way the executor does (zeroed outputs and gradients). */
function runOp(c: Case, dtype: Dtype) {
  const impl = getOp(c.op.op)!;
  const x = tensor(c.input.shape, c.input.data, dtype);
  const outShape = impl.outputShape(c.op, [x.shape]);
  const decls = impl.params?.(c.op, [x.shape]) ?? {};
  const params: Record<string, Tensor> = {};
  const gradParams: Record<string, Tensor> = {};
  for (const [name, d] of Object.entries(decls)) {
    const p = c.params[name]!;
    expect(d.shape, `${name} shape`).toEqual(p.shape);
    params[name] = tensor(p.shape, p.data, dtype);
    gradParams[name] = zeros(p.shape, dtype);
  }
  expect(Object.keys(decls).sort()).toEqual(Object.keys(c.params).sort());
  const output = zeros(outShape, dtype);
  const ctx = {
    op: c.op,
    dtype,
    inputs: [x],
    params,
    output,
    rng: createRng(1),
    checkCancel: () => undefined,
  };
  const saved = impl.forward(ctx);
  const gradInput = zeros(x.shape, dtype);
  impl.backward({
    ...ctx,
    saved,
    gradOutput: tensor(outShape, c.gradOutput, dtype),
    gradInputs: [gradInput],
    gradParams,
  });
  return { outShape, output, gradInput, gradParams };
}

/** Largest |ours − torch| over the scale of torch's values (max |v|, at least 1). */
function relErr(ours: ArrayLike<number>, ref: readonly number[]): number {
  expect(ours.length).toBe(ref.length);
  let scale = 1;
  for (const v of ref) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ours[i]! - ref[i]!));
  return worst / scale;
}

describe(`conv-family ops against PyTorch ${fixture.torch} (scripts/fixtures/conv_ops.py)`, () => {
  it('covers every op of this family', () => {
    const ops = new Set(fixture.cases.map((c) => c.op.op));
    expect([...ops].sort()).toEqual([
      'adaptive_pool',
      'conv',
      'conv_transpose',
      'pool',
      'upsample',
    ]);
  });

  for (const [dtype, tol] of [
    ['float64', 1e-13],
    ['float32', 2e-6],
  ] as const) {
    for (const c of fixture.cases) {
      it(`${c.name} (${dtype})`, () => {
        const r = runOp(c, dtype);
        expect(r.outShape).toEqual(c.output.shape);
        expect(relErr(r.output.data, c.output.data), 'output').toBeLessThan(tol);
        expect(relErr(r.gradInput.data, c.gradInput), 'grad input').toBeLessThan(tol);
        for (const [name, g] of Object.entries(c.gradParams))
          expect(relErr(r.gradParams[name]!.data, g), `grad ${name}`).toBeLessThan(tol);
      });
    }
  }
});

type ConvOp = Extract<Op, { op: 'conv' }>;

/** A 3×3, stride 1, padding 1 conv without bias; `over` changes any field. */
function convOp(over: Partial<ConvOp>): ConvOp {
  return {
    op: 'conv',
    dims: 2,
    inChannels: 4,
    outChannels: 4,
    kernel: [3, 3],
    stride: [1, 1],
    padding: [1, 1],
    paddingMode: 'zeros',
    dilation: [1, 1],
    groups: 1,
    weight: { init: { kind: 'zeros' } },
    bias: null,
    ...over,
  };
}

describe('conv-family ops refuse what PyTorch refuses, in one line', () => {
  const conv = (over: Partial<ConvOp>): Op => convOp({ inChannels: 4, outChannels: 6, ...over });
  const shapeOf = (op: Op, x: Shape): Shape => getOp(op.op)!.outputShape(op, [x]);
  const refuses = (op: Op, x: Shape, msg: RegExp): void => {
    expect(() => shapeOf(op, x)).toThrow(OpError);
    expect(() => shapeOf(op, x)).toThrow(msg);
  };

  it('conv', () => {
    refuses(conv({}), [2, 3, 8, 8], /expects \(N, 4, H, W\) input, got \(2, 3, 8, 8\)/);
    refuses(conv({ groups: 4 }), [2, 4, 8, 8], /out_channels must be divisible by groups/);
    refuses(
      conv({ padding: 'same', stride: [2, 2] }),
      [2, 4, 8, 8],
      /padding='same' is not supported for strided/,
    );
    refuses(
      conv({ paddingMode: 'reflect', padding: [3, 3] }),
      [2, 4, 3, 8],
      /reflect padding 3 must be smaller/,
    );
    refuses(
      conv({ padding: [0, 0], kernel: [5, 5] }),
      [2, 4, 4, 8],
      /smaller than the dilated kernel/,
    );
    refuses(conv({ kernel: [3] }), [2, 4, 8, 8], /kernel_size must list 2 numbers/);
    expect(shapeOf(conv({ padding: 'same', kernel: [4, 3] }), [2, 4, 5, 7])).toEqual([2, 6, 5, 7]);
  });

  it('conv_transpose, pool, adaptive_pool, upsample', () => {
    const ct: Op = {
      op: 'conv_transpose',
      dims: 1,
      inChannels: 2,
      outChannels: 2,
      kernel: [3],
      stride: [2],
      padding: [0],
      outputPadding: [2],
      dilation: [1],
      groups: 1,
      weight: { init: { kind: 'zeros' } },
      bias: null,
    };
    refuses(ct, [1, 2, 5], /output padding must be smaller than either stride or dilation/);
    const pool: Op = {
      op: 'pool',
      kind: 'max',
      dims: 2,
      kernel: [2, 2],
      stride: [2, 2],
      padding: [2, 2],
    };
    refuses(pool, [1, 1, 8, 8], /padding 2 must be at most half of the kernel size 2/);
    refuses({ ...pool, padding: [0, 0] }, [1, 1, 8], /expects \(N, C, H, W\) input/);
    refuses(
      { op: 'adaptive_pool', kind: 'avg', dims: 2, outputSize: [0, 2] },
      [1, 1, 4, 4],
      /output_size must list 2 integers ≥ 1/,
    );
    refuses(
      { op: 'upsample', dims: 1, scale: [1.5] },
      [1, 1, 4],
      /scale_factor must list 1 integer ≥ 1/,
    );
  });
});

describe('conv workspace in the memory estimate', () => {
  const conv = convOp({ inChannels: 64, outChannels: 64 });
  const bytes = (x: Shape, es: number): number => {
    const impl = getOp('conv')!;
    return impl.scratchBytes!(conv, [x], impl.outputShape(conv, [x]), es);
  };

  it('counts the unfolded chunk and gemm’s copies of it, bounded by the chunk budget', () => {
    // 2×64×16×16: the whole batch fits one chunk of 576 × 512 columns.
    const small = bytes([2, 64, 16, 16], 4);
    expect(small).toBeGreaterThanOrEqual(3 * 576 * 512 * 4);
    // A large input is unfolded in chunks: the workspace stops growing with the batch.
    const big = bytes([64, 64, 64, 64], 4);
    expect(big).toBe(bytes([128, 64, 64, 64], 4));
    expect(big).toBeLessThan(8 * COL_BUDGET_BYTES);
    expect(bytes([2, 64, 16, 16], 8)).toBe(2 * small);
  });

  it('the graph estimate adds the largest scratch once, not once per conv', () => {
    const x = [2, 64, 16, 16];
    const graph = (convs: number): Graph => ({
      nodes: [
        { id: 'x', inputs: [], op: { op: 'input', shape: x } },
        ...Array.from({ length: convs }, (_, i) => ({
          id: `c${i}`,
          inputs: [i === 0 ? 'x' : `c${i - 1}`],
          op: conv,
        })),
      ],
      output: `c${convs - 1}`,
    });
    const est = (convs: number): number =>
      estimateGraphBytes(compileGraph(graph(convs)), 'float32');
    const one = est(1);
    expect(one).toBeGreaterThan(bytes(x, 4));
    // A second conv adds its output, gradient and parameters, but no second scratch.
    expect(est(2) - one).toBeLessThan(bytes(x, 4));
  });
});
