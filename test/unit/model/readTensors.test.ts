// What models compute rather than learn, as the reader builds it: computed tensors (constant
// nodes), stochastic depth and channel dropout (bernoulli_mask), a VAE's noise (randn), F.pad and
// repeat_interleave. The ops themselves are tested against PyTorch in test/unit/graph.
import { describe, expect, it } from 'vitest';
import type { Graph, GraphNode, Op } from '../../../src/kernel/graph/types';
import { runGraph } from '../../../src/kernel/graph/executor';
import { buildGraph, type BuildResult } from '../../../src/model/read/index';

function ok(r: BuildResult): Extract<BuildResult, { ok: true }> {
  if (!r.ok) throw new Error(`declined: ${r.reason}`);
  return r;
}
const ops = (g: Graph, name: Op['op']): GraphNode[] => g.nodes.filter((n) => n.op.op === name);
const rows = (g: Graph): string[] => [...new Set(g.nodes.flatMap((n) => (n.row ? [n.row] : [])))];

const HEAD = `
import math
import torch
import torch.nn as nn
import torch.nn.functional as F
`;

describe('stochastic depth and channel dropout', () => {
  it("reads torchvision's stochastic_depth (empty, bernoulli_, div_) as one per-sample mask", async () => {
    const src = `${HEAD}
def stochastic_depth(input, p, mode, training=True):
    if not training or p == 0.0:
        return input
    survival_rate = 1.0 - p
    if mode == "row":
        size = [input.shape[0]] + [1] * (input.ndim - 1)
    else:
        size = [1] * input.ndim
    noise = torch.empty(size, dtype=input.dtype, device=input.device)
    noise = noise.bernoulli_(survival_rate)
    if survival_rate > 0.0:
        noise.div_(survival_rate)
    return input * noise

class Block(nn.Module):
    def __init__(self, mode):
        super().__init__()
        self.fc = nn.Linear(16, 16)
        self.mode = mode

    def forward(self, x):
        return x + stochastic_depth(self.fc(x), 0.2, self.mode, self.training)
`;
    const row = ok(await buildGraph(src, 'Block("row")', { inputShape: [4, 16] })).graph;
    expect(ops(row, 'bernoulli_mask').map((n) => n.op)).toEqual([
      { op: 'bernoulli_mask', keep: 0.8, scale: 1 / 0.8, maskShape: [4, 1] },
    ]);
    const batch = ok(await buildGraph(src, 'Block("batch")', { inputShape: [4, 16] })).graph;
    expect(ops(batch, 'bernoulli_mask')[0]!.op).toMatchObject({ maskShape: [1, 1] });
  });

  it("reads timm's drop_path (x.new_empty(shape).bernoulli_) and nn.Dropout2d / F.dropout1d", async () => {
    const src = `${HEAD}
def drop_path(x, drop_prob: float = 0., training: bool = False, scale_by_keep: bool = True):
    if drop_prob == 0. or not training:
        return x
    keep_prob = 1 - drop_prob
    shape = (x.shape[0],) + (1,) * (x.ndim - 1)
    random_tensor = x.new_empty(shape).bernoulli_(keep_prob)
    if keep_prob > 0.0 and scale_by_keep:
        random_tensor.div_(keep_prob)
    return x * random_tensor

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.drop = nn.Dropout2d(0.25)
        self.conv1d = nn.Conv1d(8, 8, 3, padding=1)

    def forward(self, x):
        x = self.drop(self.conv(x))
        x = drop_path(x, 0.1, self.training)
        x = F.dropout1d(self.conv1d(x.flatten(2)), 0.5)
        return x
`;
    const g = ok(await buildGraph(src, 'Net()', { inputShape: [2, 3, 4, 4] })).graph;
    expect(ops(g, 'bernoulli_mask').map((n) => [n.row, n.op])).toEqual([
      ['drop', { op: 'bernoulli_mask', keep: 0.75, scale: 1 / 0.75, maskShape: [2, 8, 1, 1] }],
      [undefined, { op: 'bernoulli_mask', keep: 0.9, scale: 1 / 0.9, maskShape: [2, 1, 1, 1] }],
      [undefined, { op: 'bernoulli_mask', keep: 0.5, scale: 2, maskShape: [2, 8, 1] }],
    ]);
    expect(rows(g)).toEqual(['conv', 'drop', 'conv1d']);
  });
});

describe('computed tensors', () => {
  it("computes RegNet's widths from torch.arange at construction (round, log, pow, diff, tolist)", async () => {
    const src = `${HEAD}
def widths(depth, w_0, w_a, w_m):
    widths_cont = torch.arange(depth) * w_a + w_0
    block_capacity = torch.round(torch.log(widths_cont / w_0) / math.log(w_m))
    block_widths = (torch.round(torch.divide(w_0 * torch.pow(w_m, block_capacity), 8)) * 8).int().tolist()
    splits = torch.diff(torch.tensor([0] + block_widths + [0])).tolist()
    return block_widths, splits

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        ws, _ = widths(4, 24, 36.44, 2.49)
        self.fc = nn.Linear(16, ws[-1])

    def forward(self, x):
        return self.fc(x)
`;
    // PyTorch: [24, 56, 152, 152] for these RegNetX-400MF-like numbers' first four blocks.
    const g = ok(await buildGraph(src, 'Net()', { inputShape: [2, 16] })).graph;
    expect(ops(g, 'linear')[0]!.op).toMatchObject({ outFeatures: 152 });
  });

  it('builds a sincos table and a meshgrid index as constants that forward() uses without gradient', async () => {
    const src = `${HEAD}
class Pos(nn.Module):
    def __init__(self, n=4, d=6):
        super().__init__()
        pos = torch.arange(n).unsqueeze(1)
        div = torch.exp(torch.arange(0, d, 2) * (-math.log(10000.0) / d))
        pe = torch.zeros(n, d)
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div)
        self.register_buffer("pe", pe)
        coords = torch.stack(torch.meshgrid(torch.arange(2), torch.arange(2), indexing="ij"))
        self.register_buffer("idx", torch.flatten(coords, 1).sum(0))
        self.fc = nn.Linear(d, d)

    def forward(self, x):
        return self.fc(x + self.pe) * (self.idx.max() + 1)
`;
    const g = ok(await buildGraph(src, 'Pos()', { inputShape: [2, 4, 6] })).graph;
    const [pe] = ops(g, 'constant').map((n) => n.op as Extract<Op, { op: 'constant' }>);
    expect(pe!.shape).toEqual([4, 6]);
    // pe[1, 0] = sin(1), pe[1, 1] = cos(1), pe[2, 2] = sin(2·10000^(−2/6)).
    expect(pe!.data[6]).toBeCloseTo(Math.sin(1), 12);
    expect(pe!.data[7]).toBeCloseTo(Math.cos(1), 12);
    expect(pe!.data[14]).toBeCloseTo(Math.sin(2 * Math.exp((2 * -Math.log(10000)) / 6)), 12);
    // idx = [0, 1, 1, 2]: its max + 1 = 3 is a number, a scale of the output.
    expect(ops(g, 'affine_const').map((n) => n.op)).toEqual([{ op: 'affine_const', factor: 3 }]);
    const run = runGraph(g, { seed: 1, dtype: 'float64' });
    expect(run.rows.map((r) => r.row)).toEqual(['fc']);
  });
});

describe('noise, pad and repeat_interleave', () => {
  it("reads a VAE's reparameterisation: std = exp(½ logvar), eps = randn_like(std)", async () => {
    const src = `${HEAD}
class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.mu = nn.Linear(8, 4)
        self.logvar = nn.Linear(8, 4)
        self.dec = nn.Linear(4, 8)

    def forward(self, x):
        mu, logvar = self.mu(x), self.logvar(x)
        std = torch.exp(0.5 * logvar)
        z = mu + torch.randn_like(std) * std
        return self.dec(z)
`;
    const g = ok(await buildGraph(src, 'VAE()', { inputShape: [4, 8] })).graph;
    expect(ops(g, 'exp')).toHaveLength(1);
    expect(ops(g, 'randn').map((n) => n.op)).toEqual([{ op: 'randn', shape: [4, 4] }]);
    const run = runGraph(g, { seed: 3, dtype: 'float64' });
    expect(run.rows.map((r) => r.row)).toEqual(['mu', 'logvar', 'dec']);
    expect(run.rows.every((r) => Number.isFinite(r.postStd))).toBe(true);
  });

  it('reads F.pad in its three modes and repeat_interleave along a dim', async () => {
    const src = `${HEAD}
class Net(nn.Module):
    def forward(self, x):
        x = F.pad(x, (1, 0, 0, 2))
        x = F.pad(x, (1, 1), mode="reflect")
        x = F.pad(x, [2, 2], "replicate")
        return x.repeat_interleave(3, -2)
`;
    const r = ok(await buildGraph(src, 'Net()', { inputShape: [2, 3, 4, 5] }));
    expect(ops(r.graph, 'pad').map((n) => n.op)).toEqual([
      { op: 'pad', pads: [1, 0, 0, 2], mode: 'constant', value: 0 },
      { op: 'pad', pads: [1, 1], mode: 'reflect', value: 0 },
      { op: 'pad', pads: [2, 2], mode: 'replicate', value: 0 },
    ]);
    const last = r.graph.nodes.find((n) => n.id === r.graph.output)!;
    expect(last.op).toEqual({ op: 'reshape', shape: [2, 3, 18, 12] });
    const bad = await buildGraph(src.replace('"reflect"', '"circular"'), 'Net()', {
      inputShape: [2, 3, 4, 5],
    });
    expect(bad).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/F\.pad with mode 'circular'/),
    });
  });

  it("reads Swin's shifted windows: torch.roll as two slices, a bias table indexed by computed ids", async () => {
    const src = `${HEAD}
class Attn(nn.Module):
    def __init__(self, w=2, heads=2):
        super().__init__()
        self.table = nn.Parameter(torch.zeros((2 * w - 1) * (2 * w - 1), heads))
        coords = torch.stack(torch.meshgrid(torch.arange(w), torch.arange(w), indexing="ij"))
        flat = torch.flatten(coords, 1)
        rel = (flat[:, :, None] - flat[:, None, :]).permute(1, 2, 0).contiguous()
        rel[:, :, 0] += w - 1
        rel[:, :, 1] += w - 1
        rel[:, :, 0] *= 2 * w - 1
        self.register_buffer("index", rel.sum(-1).flatten())
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        x = torch.roll(x, shifts=(-1,), dims=(1,))
        bias = self.table[self.index].view(4, 4, -1).permute(2, 0, 1)
        return self.fc(x) + bias.sum(0)
`;
    const g = ok(await buildGraph(src, 'Attn()', { inputShape: [2, 4, 4] })).graph;
    const slices = ops(g, 'slice').map((n) => n.op);
    expect(slices).toEqual([
      { op: 'slice', dim: 1, start: 1, end: 4, step: 1 },
      { op: 'slice', dim: 1, start: 0, end: 1, step: 1 },
    ]);
    const [lookup] = ops(g, 'embedding');
    expect(lookup!.op).toMatchObject({ numEmbeddings: 9, embeddingDim: 2 });
    const ids = g.nodes.find((n) => n.id === lookup!.inputs[0])!.op;
    // PyTorch's relative_position_index for a 2×2 window.
    expect(ids).toEqual({
      op: 'constant',
      shape: [16],
      data: [4, 3, 1, 0, 5, 4, 2, 1, 7, 6, 4, 3, 8, 7, 5, 4],
    });
  });

  it("reads MaxViT's einsum attention as a batched matmul and ModuleList += [...] as extend", async () => {
    const src = `${HEAD}
import numpy as np

class Attn(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList()
        for p in np.linspace(0, 0.2, 2).tolist():
            self.layers += [nn.Linear(6, 6)]

    def forward(self, x):
        q = self.layers[0](x).reshape(2, 3, 2, 3)
        k = self.layers[1](x).reshape(2, 3, 2, 3)
        dots = torch.einsum("B I H D, B J H D -> B H I J", q, k)
        return torch.einsum("b h i j, b j h d -> b i h d", dots.softmax(-1), q)
`;
    const r = ok(await buildGraph(src, 'Attn()', { inputShape: [2, 3, 6] }));
    expect(rows(r.graph)).toEqual(['layers.0', 'layers.1']);
    const mm = ops(r.graph, 'matmul');
    expect(mm).toHaveLength(2);
    const shape = (id: string) => {
      // The reshape feeding each matmul tells the batched layout: (B·H, I, D) @ (B·H, D, J).
      const n = r.graph.nodes.find((x) => x.id === id)!;
      return n.op.op === 'reshape' ? n.op.shape : null;
    };
    expect(mm.map((n) => n.inputs.map(shape))).toEqual([
      [
        [2, 2, 3, 3],
        [2, 2, 3, 3],
      ],
      [
        [2, 2, 3, 3],
        [2, 2, 3, 3],
      ],
    ]);
    const last = r.graph.nodes.find((n) => n.id === r.graph.output)!;
    expect(last.op).toEqual({ op: 'permute', dims: [0, 2, 1, 3] });
    const bad = await buildGraph(src.replace('B H I J", q', 'B H I", q'), 'Attn()', {
      inputShape: [2, 3, 6],
    });
    expect(bad).toMatchObject({ ok: false, reason: expect.stringMatching(/torch\.einsum/) });
  });

  it('reads masked_fill with a computed mask and a finite value as x·(1 − m) + v·m', async () => {
    const src = `${HEAD}
class Net(nn.Module):
    def __init__(self, n=4):
        super().__init__()
        idx = torch.arange(n)
        self.register_buffer("far", (idx[:, None] - idx[None, :]).abs() > 2)

    def forward(self, x):
        return x.masked_fill(self.far, 3.0)
`;
    const g = ok(await buildGraph(src, 'Net()', { inputShape: [2, 4, 4] })).graph;
    const consts = ops(g, 'constant').map((n) => (n.op as Extract<Op, { op: 'constant' }>).data);
    // Only (0, 3) and (3, 0) are more than 2 apart.
    const far = [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0];
    expect(consts).toEqual([far.map((m) => 1 - m), far.map((m) => 3 * m)]);
    expect(ops(g, 'mul')).toHaveLength(1);
    expect(ops(g, 'add')).toHaveLength(1);
    const inf = await buildGraph(src.replace('3.0)', 'float("-inf"))'), 'Net()', {
      inputShape: [2, 4, 4],
    });
    expect(inf).toMatchObject({ ok: false, reason: expect.stringMatching(/masked_fill/) });
  });
});
