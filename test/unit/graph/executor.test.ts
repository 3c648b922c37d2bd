// The graph engine around the ops: validation, the memory guard, draws, tying, progress,
// cancellation, clipping, dtypes, and the per-row statistics documented in types.ts.
import { describe, expect, it } from 'vitest';
import {
  compileGraph,
  estimateGraphBytes,
  GraphError,
  runGraph,
} from '../../../src/kernel/graph/executor';
import { CancelledError } from '../../../src/kernel/graph/op';
import type { Graph, GraphNode, Op, RunOptions } from '../../../src/kernel/graph/types';
import { checkGraph } from '../../../src/kernel/gradientFlow';

const W = { init: { kind: 'kaiming_uniform', a: Math.sqrt(5) } } as const;
const B = { init: { kind: 'torch_bias' } } as const;
const linear = (i: number, o: number, bias = true): Op => ({
  op: 'linear',
  inFeatures: i,
  outFeatures: o,
  weight: W,
  bias: bias ? B : null,
});
const node = (id: string, inputs: string[], op: Op, row?: string): GraphNode => ({
  id,
  inputs,
  op,
  ...(row !== undefined ? { row } : {}),
});

/** input (batch × 8) → fc1 → relu → fc2, rows '1' and '2'. */
function mlp(batch = 16): Graph {
  return {
    nodes: [
      node('x', [], { op: 'input', shape: [batch, 8] }),
      node('fc1', ['x'], linear(8, 12), '1'),
      node('act1', ['fc1'], { op: 'activation', id: 'relu' }, '1'),
      node('fc2', ['act1'], linear(12, 4), '2'),
    ],
    output: 'fc2',
  };
}
const opts: RunOptions = { seed: 3, dtype: 'float64' };

describe('graph validation', () => {
  const bad: [string, Graph, RegExp][] = [
    ['no nodes', { nodes: [], output: 'x' }, /the graph has no nodes/],
    [
      'duplicate id',
      {
        nodes: [
          node('x', [], { op: 'input', shape: [2, 3] }),
          node('x', ['x'], { op: 'identity' }),
        ],
        output: 'x',
      },
      /node x \(identity\): the id is used twice/,
    ],
    [
      'input used before it is defined',
      {
        nodes: [node('a', ['b'], { op: 'identity' }), node('b', [], { op: 'input', shape: [2] })],
        output: 'a',
      },
      /node a \(identity\): input 'b' is not a node defined before this one/,
    ],
    [
      'unknown op',
      { nodes: [node('x', [], { op: 'nope' } as unknown as Op)], output: 'x' },
      /node x \(nope\): unknown op 'nope'/,
    ],
    [
      'wrong arity',
      {
        nodes: [node('x', [], { op: 'input', shape: [2, 3] }), node('m', ['x'], { op: 'matmul' })],
        output: 'm',
      },
      /node m \(matmul\): takes 2 inputs, got 1/,
    ],
    [
      'shape mismatch names the node',
      {
        nodes: [node('x', [], { op: 'input', shape: [4, 6] }), node('fc2', ['x'], linear(8, 3))],
        output: 'fc2',
      },
      /^node fc2 \(linear\): expects \(…, 8\) input, got \(4, 6\)$/,
    ],
    [
      'unknown output',
      { nodes: [node('x', [], { op: 'input', shape: [2] })], output: 'y' },
      /the output 'y' is not a node of the graph/,
    ],
    [
      'tie to nothing',
      {
        nodes: [
          node('x', [], { op: 'input', shape: [2, 3] }),
          node('fc', ['x'], {
            ...(linear(3, 3) as Extract<Op, { op: 'linear' }>),
            weight: { init: W.init, tiedTo: 'emb.weight' },
          }),
        ],
        output: 'fc',
      },
      /node fc \(linear\): parameter weight is tied to 'emb.weight', which is no parameter of the graph/,
    ],
    [
      'non-integer dimension',
      { nodes: [node('x', [], { op: 'input', shape: [2, 2.5] })], output: 'x' },
      /node x \(input\): input dimension 1 must be a positive integer, got 2.5/,
    ],
    [
      'unknown init kind',
      {
        nodes: [
          node('x', [], { op: 'input', shape: [2, 3] }),
          node('fc', ['x'], {
            ...(linear(3, 3) as Extract<Op, { op: 'linear' }>),
            weight: { init: { kind: 'glorot' } as never },
          }),
        ],
        output: 'fc',
      },
      /node fc \(linear\): parameter weight: unknown init 'glorot'/,
    ],
    [
      'uniform bounds the wrong way round',
      {
        nodes: [
          node('x', [], { op: 'input', shape: [2, 3] }),
          node('fc', ['x'], {
            ...(linear(3, 3) as Extract<Op, { op: 'linear' }>),
            bias: { init: { kind: 'uniform', low: 1, high: -1 } },
          }),
        ],
        output: 'fc',
      },
      /parameter bias: uniform init with bounds that are not low ≤ high/,
    ],
    [
      'a node without an op',
      {
        nodes: [
          node('x', [], { op: 'input', shape: [2, 3] }),
          { id: 'y', inputs: ['x'] } as unknown as GraphNode,
        ],
        output: 'y',
      },
      /node y \(undefined\): unknown op 'undefined'/,
    ],
  ];
  for (const [what, g, msg] of bad)
    it(what, () => {
      expect(() => runGraph(g, opts)).toThrow(GraphError);
      expect(() => runGraph(g, opts)).toThrow(msg);
    });

  it('infers every shape', () => {
    const c = compileGraph(mlp(5));
    expect(c.nodes.map((n) => n.outShape)).toEqual([
      [5, 8],
      [5, 12],
      [5, 12],
      [5, 4],
    ]);
    expect(c.storage.map((s) => s.key)).toEqual([
      'fc1.weight',
      'fc1.bias',
      'fc2.weight',
      'fc2.bias',
    ]);
  });
});

describe('the memory guard', () => {
  it('refuses, from the shapes alone, a graph beyond the limit', () => {
    const huge: Graph = {
      nodes: [
        node('x', [], { op: 'input', shape: [100_000, 100_000] }),
        node('fc', ['x'], linear(100_000, 100_000)),
      ],
      output: 'fc',
    };
    expect(estimateGraphBytes(compileGraph(huge), 'float32')).toBeGreaterThan(2 ** 30);
    expect(() => runGraph(huge, opts)).toThrow(/needs about \d+ MiB, more than the 1024 MiB limit/);
  });
  it('counts float32 at half the bytes of float64', () => {
    const c = compileGraph(mlp(64));
    expect(estimateGraphBytes(c, 'float64')).toBe(2 * estimateGraphBytes(c, 'float32'));
  });
  it('rejects NaN and negative limits, and honours a small one', () => {
    expect(() => runGraph(mlp(), { ...opts, memoryLimitBytes: NaN })).toThrow(
      /memory limit must be a non-negative number/,
    );
    expect(() => runGraph(mlp(), { ...opts, memoryLimitBytes: -1 })).toThrow(/memory limit/);
    expect(() => runGraph(mlp(), { ...opts, memoryLimitBytes: 100 })).toThrow(/MiB limit/);
  });
  it('rejects a bad seed, dtype or clip norm', () => {
    expect(() => runGraph(mlp(), { ...opts, seed: -1 })).toThrow(/seed must be an integer/);
    expect(() => runGraph(mlp(), { ...opts, dtype: 'float16' as never })).toThrow(
      /dtype must be float32 or float64/,
    );
    expect(() => runGraph(mlp(), { ...opts, clipNorm: 0 })).toThrow(
      /clip norm must be a positive finite number/,
    );
  });
});

describe('a run', () => {
  it('is fixed by its seed', () => {
    const a = runGraph(mlp(), opts);
    const b = runGraph(mlp(), opts);
    const c = runGraph(mlp(), { ...opts, seed: 4 });
    expect(b.rows).toEqual(a.rows);
    expect(c.rows[0]!.postStd).not.toBe(a.rows[0]!.postStd);
  });

  it('reports rows as types.ts documents them', () => {
    const r = runGraph(mlp(), opts);
    expect(r.rows.map((x) => x.row)).toEqual(['1', '2']);
    const [r1, r2] = r.rows as [(typeof r.rows)[0], (typeof r.rows)[0]];
    expect(r1.kind).toBe('linear');
    expect(r1.outputShape).toEqual([16, 12]);
    // Row 1 ends with the ReLU: its output is non-negative with a positive mean.
    expect(r1.postMean).toBeGreaterThan(0);
    expect(r1.weightGradNorm).toBeGreaterThan(0);
    expect(r1.biasGradNorm).toBeGreaterThan(0);
    expect(r2.deadFraction).toBe(0);
    expect(r.totalGradNorm ** 2).toBeGreaterThan(r1.weightGradNorm! ** 2 + r2.weightGradNorm! ** 2);
    expect(r.clipping).toBeNull();
  });

  it('clips as clip_grad_norm_ does', () => {
    const r = runGraph(mlp(), { ...opts, clipNorm: 0.5 });
    expect(r.clipping!.coefficient).toBeCloseTo(0.5 / (r.totalGradNorm + 1e-6), 15);
    expect(r.clipping!.totalNormAfter).toBeCloseTo(0.5, 5);
    const loose = runGraph(mlp(), { ...opts, clipNorm: 1e9 });
    expect(loose.clipping!.coefficient).toBe(1);
  });

  it('counts dead units per channel of (N, C, H, W) outputs', () => {
    const g = (offset: number): Graph => ({
      nodes: [
        node('x', [], { op: 'input', shape: [4, 3, 5, 5] }),
        node('shift', ['x'], { op: 'affine_const', factor: 1, offset }, 'a'),
        node('relu', ['shift'], { op: 'activation', id: 'relu' }, 'a'),
      ],
      output: 'relu',
    });
    expect(runGraph(g(-100), opts).rows[0]!.deadFraction).toBe(1);
    expect(runGraph(g(0), opts).rows[0]!.deadFraction).toBe(0);
  });

  it('counts dead features on the last axis of (N, L, F) data from a Linear', () => {
    // Two features with a bias of −100 are dead at every token; three are alive somewhere.
    const fc = (id: string, out: number, bias: number): GraphNode =>
      node(
        id,
        ['x'],
        {
          op: 'linear',
          inFeatures: 3,
          outFeatures: out,
          weight: { init: { kind: 'constant', value: 0.5 } },
          bias: { init: { kind: 'constant', value: bias } },
        },
        'mlp',
      );
    const g: Graph = {
      nodes: [
        node('x', [], { op: 'input', shape: [2, 6, 3] }),
        fc('dead', 2, -100),
        fc('live', 3, 0),
        node('cat', ['dead', 'live'], { op: 'concat', dim: -1 }, 'mlp'),
        node('relu', ['cat'], { op: 'activation', id: 'relu' }, 'mlp'),
      ],
      output: 'relu',
    };
    expect(runGraph(g, opts).rows[0]!.deadFraction).toBeCloseTo(2 / 5, 15);
  });

  it('stores float32 runs in Float32Array and agrees with float64 to float32 precision', () => {
    const a = runGraph(mlp(256), opts);
    const b = runGraph(mlp(256), { ...opts, dtype: 'float32' });
    for (const [i, row] of a.rows.entries()) {
      expect(b.rows[i]!.postStd).toBeCloseTo(row.postStd, 5);
      expect(Math.log10(b.rows[i]!.inputGradRms)).toBeCloseTo(Math.log10(row.inputGradRms), 4);
    }
    expect(b.rows[0]!.postStd).not.toBe(a.rows[0]!.postStd);
  });

  it('sums the gradient of a tied parameter over its uses and counts it once', () => {
    const tied = (tie: boolean): Graph => ({
      nodes: [
        node('x', [], { op: 'input', shape: [6, 4] }),
        node(
          'a',
          ['x'],
          {
            op: 'linear',
            inFeatures: 4,
            outFeatures: 4,
            weight: { init: { kind: 'constant', value: 0.3 } },
            bias: null,
          },
          'a',
        ),
        node(
          'b',
          ['a'],
          {
            op: 'linear',
            inFeatures: 4,
            outFeatures: 4,
            weight: {
              init: { kind: 'constant', value: 0.3 },
              ...(tie ? { tiedTo: 'a.weight' } : {}),
            },
            bias: null,
          },
          'b',
        ),
      ],
      output: 'b',
    });
    expect(compileGraph(tied(true)).storage).toHaveLength(1);
    const t = runGraph(tied(true), opts);
    const u = runGraph(tied(false), opts);
    // Constant weights draw nothing: X and G are the same draws in both runs.
    expect(t.rows[0]!.weightGradNorm).toBe(t.rows[1]!.weightGradNorm);
    expect(t.totalGradNorm).toBe(t.rows[0]!.weightGradNorm);
    const [ga, gb] = [u.rows[0]!.weightGradNorm!, u.rows[1]!.weightGradNorm!];
    expect(t.totalGradNorm).toBeLessThanOrEqual(ga + gb + 1e-12);
    expect(t.totalGradNorm).toBeGreaterThanOrEqual(Math.abs(ga - gb) - 1e-12);
    expect(t.totalGradNorm).not.toBeCloseTo(u.totalGradNorm, 6);
  });

  it('reports progress per node in each pass', () => {
    const seen: string[] = [];
    runGraph(mlp(), { ...opts, onProgress: (d, n, p) => seen.push(`node ${d} of ${n} (${p})`) });
    expect(seen).toHaveLength(8);
    expect(seen[0]).toBe('node 1 of 4 (forward)');
    expect(seen[7]).toBe('node 4 of 4 (backward)');
  });

  it('stops when cancelled, also from inside a long op', () => {
    let polls = 0;
    expect(() => runGraph(mlp(), { ...opts, shouldCancel: () => ++polls > 2 })).toThrow(
      CancelledError,
    );
    // A linear op of 64k rows polls between row blocks, not only between nodes.
    const big: Graph = {
      nodes: [
        node('x', [], { op: 'input', shape: [65_536, 64] }),
        node('fc', ['x'], linear(64, 64)),
      ],
      output: 'fc',
    };
    let inside = 0;
    runGraph(big, { ...opts, shouldCancel: () => (inside++, false) });
    expect(inside).toBeGreaterThan(2 * 2);
  });

  it('polls for cancellation inside one huge norm or activation, every 2^20 elements', () => {
    const n = 1 << 23; // one layer_norm block of 8M elements: a single pass between nodes
    const huge = (op: Op): Graph => ({
      nodes: [node('x', [], { op: 'input', shape: [1, n] }), node('y', ['x'], op, 'y')],
      output: 'y',
    });
    const f32 = { seed: 1, dtype: 'float32' } as const;
    const ln: Op = { op: 'layer_norm', normalizedShape: [n], eps: 1e-5, weight: null, bias: null };
    let polls = 0;
    runGraph(huge(ln), { ...f32, shouldCancel: () => (polls++, false) });
    // Forward: mean, variance, output passes; backward: two passes; 8 pieces each.
    expect(polls).toBeGreaterThanOrEqual(5 * 8);
    // A flag that flips once layer_norm's forward has begun stops the run inside that node: the
    // progress never reports it done (with polls between nodes only, it would).
    let done = 0;
    let after = 0;
    expect(() =>
      runGraph(huge(ln), {
        ...f32,
        onProgress: (d) => (done = d),
        // Poll 1 after the input is the check before the node; poll 2 is inside its first pass.
        shouldCancel: () => done === 1 && ++after >= 2,
      }),
    ).toThrow(CancelledError);
    expect(done).toBe(1);
    polls = 0;
    runGraph(huge({ op: 'activation', id: 'gelu' }), {
      ...f32,
      shouldCancel: () => (polls++, false),
    });
    expect(polls).toBeGreaterThanOrEqual(2 * 8);
    polls = 0;
    runGraph(huge({ op: 'dropout', p: 0.1 }), { ...f32, shouldCancel: () => (polls++, false) });
    expect(polls).toBeGreaterThanOrEqual(2 * 8);
  });

  it('reduces to a single number (x.sum(), x.mean()): a 0-d output scored as out·G', () => {
    const g = (kind: 'sum' | 'mean', keepdim: boolean): Graph => ({
      nodes: [
        node('x', [], { op: 'input', shape: [5, 4] }),
        node('fc', ['x'], linear(4, 3), 'fc'),
        node('r', ['fc'], { op: 'reduce', kind, dims: [0, 1], keepdim }, 'r'),
      ],
      output: 'r',
    });
    expect(compileGraph(g('sum', false)).nodes[2]!.outShape).toEqual([]);
    const scalar = runGraph(g('sum', false), opts);
    // The same draws and loss as keepdim's (1, 1): G is one N(0, 1) number either way.
    const kept = runGraph(g('sum', true), opts);
    expect(scalar.rows[0]!.weightGradNorm).toBe(kept.rows[0]!.weightGradNorm);
    expect(scalar.rows[1]!.postStd).toBe(0);
    // ∂L/∂fc = G everywhere for sum, G/15 for mean.
    const mean = runGraph(g('mean', false), opts);
    expect(mean.rows[0]!.weightGradNorm! * 15).toBeCloseTo(scalar.rows[0]!.weightGradNorm!, 12);
    expect(scalar.rows[1]!.inputGradRms).toBeGreaterThan(0);
  });

  it('keeps per-step statistics of recurrent rows', () => {
    const g: Graph = {
      nodes: [
        node('x', [], { op: 'input', shape: [3, 7, 5] }),
        node(
          'lstm',
          ['x'],
          {
            op: 'rnn',
            mode: 'lstm',
            inputSize: 5,
            hiddenSize: 4,
            numLayers: 2,
            bias: true,
            batchFirst: true,
            init: { kind: 'uniform', low: -0.5, high: 0.5 },
          },
          'lstm',
        ),
        node('last', ['lstm'], { op: 'select', dim: 1, index: -1 }),
      ],
      output: 'last',
    };
    const row = runGraph(g, opts).rows[0]!;
    expect(row.steps).toHaveLength(7);
    expect(row.steps!.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // Only the last step is scored: the gradient reaching earlier steps is smaller.
    expect(row.steps![0]!.inputGradRms).toBeLessThan(row.steps![6]!.inputGradRms);
    expect(row.steps!.every((s) => s.hiddenStd > 0)).toBe(true);
    expect(row.weightGradNorm).toBeGreaterThan(0);
  });

  it('takes per-step gradients at the recurrent node even when the row starts earlier', () => {
    const g: Graph = {
      nodes: [
        node('ids', [], { op: 'input', shape: [2, 6], tokens: { vocab: 10 } }),
        node(
          'emb',
          ['ids'],
          {
            op: 'embedding',
            numEmbeddings: 10,
            embeddingDim: 4,
            weight: { init: { kind: 'normal', std: 1 } },
          },
          'rnn',
        ),
        node(
          'gru',
          ['emb'],
          {
            op: 'rnn',
            mode: 'gru',
            inputSize: 4,
            hiddenSize: 3,
            numLayers: 1,
            bias: true,
            batchFirst: true,
            init: { kind: 'uniform', low: -0.5, high: 0.5 },
          },
          'rnn',
        ),
      ],
      output: 'gru',
    };
    const row = runGraph(g, opts).rows[0]!;
    // Token ids take no gradient; the steps read the GRU's own input (the embeddings).
    expect(row.inputGradRms).toBe(0);
    expect(row.steps).toHaveLength(6);
    expect(row.steps!.every((s) => s.inputGradRms > 0)).toBe(true);
    expect(row.weightGradNorm).toBeGreaterThan(0);
  });

  it('drops between stacked recurrent layers as a dropout node between one-layer nodes would', () => {
    const cell = (numLayers: number, inputSize: number, dropout?: number): Op => ({
      op: 'rnn',
      mode: 'lstm',
      inputSize,
      hiddenSize: 6,
      numLayers,
      bias: true,
      batchFirst: false,
      init: { kind: 'uniform', low: -0.4, high: 0.4 },
      ...(dropout !== undefined ? { dropout } : {}),
    });
    const x = node('x', [], { op: 'input', shape: [9, 4, 5] });
    const stacked = (dropout?: number): Graph => ({
      nodes: [x, node('r', ['x'], cell(2, 5, dropout), 'rnn')],
      output: 'r',
    });
    // The same draws in the same order: inits of l0 then l1, then the time-major mask.
    const split: Graph = {
      nodes: [
        x,
        node('r0', ['x'], cell(1, 5), 'rnn'),
        node('d', ['r0'], { op: 'dropout', p: 0.5 }, 'rnn'),
        node('r1', ['d'], cell(1, 6), 'rnn'),
      ],
      output: 'r1',
    };
    const a = runGraph(stacked(0.5), opts).rows[0]!;
    const b = runGraph(split, opts).rows[0]!;
    for (const k of ['postMean', 'postStd', 'weightGradNorm', 'biasGradNorm'] as const)
      expect(a[k]).toBeCloseTo(b[k]!, 12);
    expect(a.inputGradRms).toBeCloseTo(b.inputGradRms, 12);
    // p = 0 draws nothing and changes nothing; p = 0.5 changes the gradient.
    const none = runGraph(stacked(), opts).rows[0]!;
    expect(runGraph(stacked(0), opts).rows[0]).toEqual(none);
    expect(a.weightGradNorm).not.toBeCloseTo(none.weightGradNorm!, 3);
    expect(() => runGraph(stacked(1), opts)).toThrow(/dropout must be in \[0, 1\)/);
  });

  it('draws dropout masks: kept entries scaled by 1/(1−p), the rest 0', () => {
    const g = (op: Op): Graph => ({
      nodes: [node('x', [], { op: 'input', shape: [200, 100] }), node('d', ['x'], op, 'd')],
      output: 'd',
    });
    const plain = runGraph(g({ op: 'identity' }), opts).rows[0]!;
    const drop = runGraph(g({ op: 'dropout', p: 0.5 }), opts).rows[0]!;
    // Inverted dropout keeps the mean and scales the second moment by 1/(1−p).
    expect(drop.postStd ** 2).toBeCloseTo(2 * plain.postStd ** 2, 1);
    // AlphaDropout keeps N(0, 1) at mean 0 and variance 1 (its purpose with SELU).
    const alpha = runGraph(g({ op: 'alpha_dropout', p: 0.2 }), opts).rows[0]!;
    expect(Math.abs(alpha.postMean)).toBeLessThan(0.02);
    expect(alpha.postStd).toBeCloseTo(1, 1);
  });
});

describe('checkGraph (the model check on a graph)', () => {
  it('turns weighted rows into layers and keeps every row', () => {
    const r = checkGraph(mlp(32), { seed: 0 }, { model: 'mlp' }, 'mlp');
    expect(r.layers.map((l) => [l.inFeatures, l.outFeatures, l.activation])).toEqual([
      [8, 12, 'relu'],
      [12, 4, null],
    ]);
    expect(r.rows).toHaveLength(2);
    expect(['healthy', 'vanishing', 'exploding']).toContain(r.verdict);
  });
});
