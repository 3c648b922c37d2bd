import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGraph } from '../../../src/kernel/graph/executor';
import type { Graph, GraphNode } from '../../../src/kernel/graph/types';
import { fileModuleResolver } from '../../../src/model/read/files';
import { buildGraph, readPythonModels, type BuildResult } from '../../../src/model/read/index';

const corpusPath = (path: string): string =>
  join(__dirname, '..', '..', 'corpus', 'models', 'pytorch', path);
const corpus = (path: string): string => readFileSync(corpusPath(path), 'utf8');

function ok(r: BuildResult): Extract<BuildResult, { ok: true }> {
  if (!r.ok) throw new Error(`declined: ${r.reason}`);
  return r;
}

/** Row keys in execution order, each once (the last node of a row is its output). */
const rows = (g: Graph): string[] => [...new Set(g.nodes.flatMap((n) => (n.row ? [n.row] : [])))];
const byRow = (g: Graph, row: string): GraphNode[] => g.nodes.filter((n) => n.row === row);
const out = (g: Graph): GraphNode => g.nodes.find((n) => n.id === g.output)!;

const MLP = `
import torch
import torch.nn as nn
import torch.nn.functional as F

HIDDEN = 32

class Net(nn.Module):
    def __init__(self, hidden=HIDDEN * 2):
        super().__init__()
        self.fc1 = nn.Linear(20, hidden)
        self.fc2 = nn.Linear(hidden, 10, bias=False)
        self.drop = nn.Dropout(0.1)

    def forward(self, x):
        x = F.leaky_relu(self.fc1(x), 0.2)
        return self.fc2(self.drop(x))
`;

describe('model reader: values, classes and forward', () => {
  it('reads a module with constants, defaults and call-site arguments', async () => {
    const g = ok(await buildGraph(MLP, 'Net()')).graph;
    expect(rows(g)).toEqual(['fc1', 'drop', 'fc2']);
    const fc1 = byRow(g, 'fc1')[0]!;
    expect(fc1.op).toMatchObject({
      op: 'linear',
      inFeatures: 20,
      outFeatures: 64,
      weight: { init: { kind: 'kaiming_uniform', a: Math.sqrt(5) } },
      bias: { init: { kind: 'torch_bias' } },
    });
    expect(fc1).toMatchObject({ kind: 'Linear', line: 11 });
    expect(g.nodes.find((n) => n.op.op === 'activation')?.op).toEqual({
      op: 'activation',
      id: 'leaky_relu',
      params: { negative_slope: 0.2 },
    });
    expect(byRow(g, 'fc2')[0]!.op).toMatchObject({ bias: null });
    const small = ok(await buildGraph(MLP, 'Net(hidden=8)'));
    expect(small.inputShape).toEqual([8, 20]);
    expect(byRow(small.graph, 'fc1')[0]!.op).toMatchObject({ outFeatures: 8 });
  });

  it('declines what it cannot read with the construct and its line', async () => {
    const src = `
import torch
import torch.nn as nn

class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        return torch.einsum('bi,bj,bk->bijk', self.fc(x), x, x)
`;
    const r = await buildGraph(src, 'M()');
    expect(r).toEqual({ ok: false, reason: 'line 11: torch.einsum is not read', line: 11 });
    const m = (await readPythonModels(src)).models;
    expect(m).toEqual([
      expect.objectContaining({
        name: 'M',
        kind: 'class',
        checkable: false,
        reason: 'line 11: torch.einsum is not read',
      }),
    ]);
  });

  it('ends hostile files in a clean decline: endless loops, recursion, deep nesting', async () => {
    const loop = `
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        n = 0
        while True:
            n += 1
        self.fc = nn.Linear(n, 2)
    def forward(self, x):
        return self.fc(x)
`;
    const r1 = await buildGraph(loop, 'M()', { maxSteps: 20_000 });
    expect(r1.ok).toBe(false);
    expect(!r1.ok && r1.reason).toMatch(/^line \d+: reading stopped after 20000 steps/);

    const recursive = `
import torch.nn as nn
def f(n):
    return f(n + 1)
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(f(1), 2)
`;
    const r2 = await buildGraph(recursive, 'M()');
    expect(!r2.ok && r2.reason).toMatch(/calls nested deeper than 48/);

    const deep = `import torch.nn as nn\nclass M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(${'('.repeat(2000)}1${')'.repeat(2000)}, 2)\n`;
    const r3 = await buildGraph(deep, 'M()');
    expect(r3.ok).toBe(false);

    const self = `
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.inner = M()
`;
    const r4 = await buildGraph(self, 'M()');
    expect(!r4.ok && r4.reason).toMatch(/nested deeper/);

    // Many hostile classes: one budget for the whole listing.
    const many = [0, 1, 2, 3].map((i) => loop.replace('class M(', `class M${i}(`)).join('\n');
    const { models } = await readPythonModels(many, { maxSteps: 5_000, maxTotalSteps: 12_000 });
    expect(models.map((m) => m.reason?.replace(/^line \d+: /, ''))).toEqual([
      'reading stopped after 5000 steps (a loop too long to follow)',
      'reading stopped after 5000 steps (a loop too long to follow)',
      'reading stopped after 5000 steps (a loop too long to follow)',
      'not read: reading this file took more than 12000 steps',
    ]);
  });

  it('reads imports: nn is what the file imports', async () => {
    const flax = `
import flax.linen as nn
class MLP(nn.Module):
    @nn.compact
    def __call__(self, x):
        return nn.gelu(nn.Dense(4)(x))
`;
    // A Flax module is not a torch model: the PyTorch reader lists nothing (R2's Flax reader does).
    expect((await readPythonModels(flax)).models).toEqual([]);
    const unimported = `
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 2)
    def forward(self, x):
        return F.relu(self.fc(x))
`;
    const r = ok(await buildGraph(unimported, 'M()'));
    expect(r.notes.join('\n')).toMatch(/`nn` is not imported in this file: read as `torch.nn`/);
  });
});

describe('model reader: real code', () => {
  it('reads the corpus GPT: ModuleDict, tied embedding, apply(_init_weights), scaled proj init', async () => {
    const text = corpus('written/gpt.py');
    const r = ok(
      await buildGraph(
        text,
        'GPT(GPTConfig(n_layer=2, n_head=4, n_embd=64, block_size=32, vocab_size=65))',
      ),
    );
    expect(r.inputShape).toEqual([8, 32]);
    expect(r.tokens).toEqual({ vocab: 65 });
    const g = r.graph;
    expect(rows(g)).toEqual([
      'transformer.wte',
      'transformer.wpe',
      'transformer.drop',
      'transformer.h.0.ln_1',
      'transformer.h.0.attn.qkv',
      'transformer.h.0.attn.attn_drop',
      'transformer.h.0.attn.proj',
      'transformer.h.0.attn.resid_drop',
      'transformer.h.0.ln_2',
      'transformer.h.0.mlp.fc',
      'transformer.h.0.mlp.act',
      'transformer.h.0.mlp.proj',
      'transformer.h.0.mlp.drop',
      'transformer.h.1.ln_1',
      'transformer.h.1.attn.qkv',
      'transformer.h.1.attn.attn_drop',
      'transformer.h.1.attn.proj',
      'transformer.h.1.attn.resid_drop',
      'transformer.h.1.ln_2',
      'transformer.h.1.mlp.fc',
      'transformer.h.1.mlp.act',
      'transformer.h.1.mlp.proj',
      'transformer.h.1.mlp.drop',
      'transformer.ln_f',
      'lm_head',
    ]);
    const wte = byRow(g, 'transformer.wte')[0]!;
    expect(wte.op).toMatchObject({
      op: 'embedding',
      weight: { init: { kind: 'normal', std: 0.02 } },
    });
    expect(byRow(g, 'lm_head')[0]!.op).toMatchObject({ weight: { tiedTo: `${wte.id}.weight` } });
    expect(byRow(g, 'transformer.h.1.mlp.proj')[0]!.op).toMatchObject({
      weight: { init: { kind: 'normal', mean: 0, std: 0.02 / Math.sqrt(4) } },
      bias: { init: { kind: 'zeros' } },
    });
    // Positions: the first 32 rows of wpe's table.
    expect(byRow(g, 'transformer.wpe').map((n) => n.op.op)).toEqual(['parameter', 'slice']);
    expect(g.nodes.filter((n) => n.op.op === 'causal_mask')).toHaveLength(2);
    expect(out(g)).toMatchObject({ row: 'lm_head' });
  });

  it('lists the GPT file: classes with default expressions, the instantiation written', async () => {
    const { models } = await readPythonModels(corpus('written/gpt.py'));
    expect(models.map((m) => [m.name, m.kind, m.checkable, m.expr])).toEqual([
      ['SelfAttention', 'class', true, 'SelfAttention(GPTConfig())'],
      ['FeedForward', 'class', true, 'FeedForward(GPTConfig())'],
      ['Block', 'class', true, 'Block(GPTConfig())'],
      ['GPT', 'class', true, 'GPT(GPTConfig())'],
    ]);
    expect(models[3]!.instantiations).toEqual([
      'GPT(GPTConfig(n_layer=4, n_head=4, n_embd=128, block_size=64, vocab_size=65))',
    ]);
  });

  it('reads torchvision ResNet: rows as named_modules() names, downsample, shortcut adds', async () => {
    const r = ok(
      await buildGraph(
        corpus('torchvision/models/resnet.py'),
        'ResNet(BasicBlock, [2, 2, 2, 2], num_classes=10)',
      ),
    );
    const g = r.graph;
    expect(r.inputShape).toEqual([8, 3, 32, 32]);
    const names = rows(g);
    expect(names.slice(0, 8)).toEqual([
      'conv1',
      'bn1',
      'relu',
      'maxpool',
      'layer1.0.conv1',
      'layer1.0.bn1',
      // BasicBlock calls self.relu twice: no row, as torch's hooks give it none.
      'layer1.0.conv2',
      'layer1.0.bn2',
    ]);
    expect(names).not.toContain('layer1.0.relu');
    expect(names).toContain('layer2.0.downsample.0');
    expect(names.slice(-2)).toEqual(['avgpool', 'fc']);
    // torchvision re-initialises: kaiming_normal_(fan_out, relu) on convs, ones/zeros on norms.
    expect(byRow(g, 'conv1')[0]!.op).toMatchObject({
      weight: { init: { kind: 'kaiming_normal', mode: 'fan_out', nonlinearity: 'relu' } },
    });
    expect(g.nodes.filter((n) => n.op.op === 'add')).toHaveLength(8);
    expect(out(g).op).toMatchObject({ op: 'linear', inFeatures: 512, outFeatures: 10 });
  });

  it('gives rows to leaf modules run once, as torch hooks do: none to MultiheadAttention or reused modules', async () => {
    const src = `
import torch
import torch.nn as nn

class Scale(nn.Module):
    def __init__(self, s=0.5):
        super().__init__()
        self.s = s

    def forward(self, x):
        return x * self.s

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(8, 16)
        self.attn = nn.MultiheadAttention(16, 2, batch_first=True)
        self.shared = nn.Linear(16, 16)
        self.scale = Scale()
        self.act = nn.GELU()
        self.head = nn.Linear(16, 4)

    def forward(self, x):
        x = self.inp(x)
        x = x + self.attn(x, x, x, need_weights=False)[0]
        x = self.scale(self.shared(x))
        x = self.scale(self.shared(x))
        return self.head(self.act(x))
`;
    const r = ok(await buildGraph(src, 'Net()', { inputShape: [4, 5, 8] }));
    // python/torch_check.py on this file: ['inp', 'act', 'head'].
    expect(rows(r.graph)).toEqual(['inp', 'act', 'head']);
    // The unrowed nodes still run: attention, both uses of the shared Linear (one tied weight).
    expect(r.graph.nodes.filter((n) => n.op.op === 'linear')).toHaveLength(4);
    expect(r.graph.nodes.some((n) => n.op.op === 'multihead_attention')).toBe(true);
  });

  it("takes calculate_gain from the kernel's table, declining unknown names at their line", async () => {
    const src = (gain: string): string => `
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        nn.init.xavier_uniform_(self.fc.weight, gain=${gain})

    def forward(self, x):
        return self.fc(x)
`;
    const gainOf = async (gain: string): Promise<unknown> =>
      byRow(ok(await buildGraph(src(gain), 'Net()')).graph, 'fc')[0]!.op;
    expect(await gainOf("nn.init.calculate_gain('leaky_relu', 0.2)")).toMatchObject({
      weight: { init: { kind: 'xavier_uniform', gain: Math.sqrt(2 / 1.04) } },
    });
    // The reader's copy lacked conv_transpose3d; the kernel's table has it.
    expect(await gainOf("nn.init.calculate_gain('conv_transpose3d')")).toMatchObject({
      weight: { init: { gain: 1 } },
    });
    const r = await buildGraph(src("nn.init.calculate_gain('swish')"), 'Net()');
    expect(r.ok ? '' : r.reason).toBe("line 8: calculate_gain('swish') is not known");
  });

  it('reads a forward that ends in x.sum() or torch.mean(x): a 0-d output', async () => {
    const src = (tail: string): string => `
import torch
import torch.nn as nn

class Energy(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 3)

    def forward(self, x):
        return ${tail}
`;
    for (const tail of ['self.fc(x).sum()', 'torch.mean(self.fc(x))', 'self.fc(x).mean()']) {
      const r = ok(await buildGraph(src(tail), 'Energy()', { inputShape: [4, 6] }));
      expect(out(r.graph).op).toMatchObject({ op: 'reduce', dims: [0, 1], keepdim: false });
      const rows = runGraph(r.graph, { seed: 0, dtype: 'float32' }).rows;
      expect(rows.find((x) => x.row === 'fc')!.weightGradNorm).toBeGreaterThan(0);
    }
  });

  it('reads an LSTM language model: tuple outputs, stacked layers with dropout between', async () => {
    const r = ok(
      await buildGraph(corpus('written/lstm_lm.py'), 'RNNLanguageModel("LSTM", 1000, 64, 64, 2)', {
        inputShape: [35, 8],
      }),
    );
    const g = r.graph;
    expect(r.tokens).toEqual({ vocab: 1000 });
    // One node for the stack: the rnn op drops between its layers (nn.LSTM(dropout=0.5)).
    expect(byRow(g, 'rnn').map((n) => n.op)).toEqual([
      expect.objectContaining({ op: 'rnn', numLayers: 2, dropout: 0.5 }),
    ]);
    expect(byRow(g, 'encoder')[0]!.op).toMatchObject({
      weight: { init: { kind: 'uniform', low: -0.1, high: 0.1 } },
    });
    const gru = ok(await buildGraph(corpus('written/lstm_lm.py'), 'CharGRU()'));
    expect(byRow(gru.graph, 'gru')[0]!.op).toMatchObject({
      op: 'rnn',
      mode: 'gru',
      numLayers: 2,
      batchFirst: true,
      init: { kind: 'uniform', low: -1 / Math.sqrt(128), high: 1 / Math.sqrt(128) },
    });
  });

  it('infers image sizes: a CNN whose classifier fixes 28×28 inputs', async () => {
    const src = `
import torch
import torch.nn as nn
import torch.nn.functional as F

class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.fc1 = nn.Linear(9216, 128)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return F.log_softmax(self.fc1(x), dim=1)
`;
    const r = ok(await buildGraph(src, 'Net()'));
    expect(r.inputShape).toEqual([8, 1, 28, 28]);
    expect(r.notes[0]).toMatch(/^input \(8, 1, 28, 28\): conv1 is Conv2d\(1, …\), 28×28/);
    const given = await buildGraph(src, 'Net()', { inputShape: [2, 1, 32, 32] });
    expect(!given.ok && given.reason).toMatch(
      /^line 17: fc1 expects 9216 input features, gets a tensor of shape \(2, 12544\)/,
    );
  });

  it('applies nn.init calls, .data methods, isinstance branches and Sequential(*layers) loops', async () => {
    const src = `
import torch.nn as nn

def make(widths):
    layers = []
    for i in range(len(widths) - 1):
        layers += [nn.Linear(widths[i], widths[i + 1]), nn.Tanh()]
    return nn.Sequential(*layers)

class Deep(nn.Module):
    def __init__(self, widths=(8, 16, 16, 4)):
        super().__init__()
        self.body = make(list(widths))
        self.head = nn.Linear(widths[-1], 1)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_normal_(m.weight, gain=nn.init.calculate_gain('tanh'))
                m.bias.data.zero_()
        self.head.weight.data.normal_(0, 0.01)

    def forward(self, x):
        return self.head(self.body(x))
`;
    const g = ok(await buildGraph(src, 'Deep()')).graph;
    expect(rows(g)).toEqual(['body.0', 'body.1', 'body.2', 'body.3', 'body.4', 'body.5', 'head']);
    expect(byRow(g, 'body.2')[0]!.op).toMatchObject({
      weight: { init: { kind: 'xavier_normal', gain: 5 / 3 } },
      bias: { init: { kind: 'zeros' } },
    });
    expect(byRow(g, 'head')[0]!.op).toMatchObject({
      weight: { init: { kind: 'normal', mean: 0, std: 0.01 } },
    });
  });

  it('finds factories and module-level Sequentials, and blocks as their model builds them', async () => {
    const src = `
import torch.nn as nn
import torch.nn.functional as F

class Block(nn.Module):
    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = self.bn(self.conv(x))
        out += self.shortcut(x)
        return F.relu(out)

class Net(nn.Module):
    def __init__(self, block, widths):
        super().__init__()
        self.stem = nn.Conv2d(3, widths[0], 3, padding=1)
        self.blocks = nn.Sequential(*[block(a, b, 2) for a, b in zip(widths, widths[1:])])
        self.pool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(widths[-1], 10)

    def forward(self, x):
        x = self.pool(self.blocks(self.stem(x)))
        return self.fc(x.view(x.size(0), -1))

def SmallNet():
    return Net(Block, [8, 16, 32])

head = nn.Sequential(nn.Flatten(), nn.Linear(12, 3), nn.Softmax(dim=1))
`;
    const { models } = await readPythonModels(src);
    expect(models.map((m) => [m.name, m.kind, m.checkable, m.expr])).toEqual([
      ['Block', 'class', true, 'Block(8, 16, 2)'],
      ['Net', 'class', true, 'Net(Block, [8, 16, 32])'],
      ['SmallNet', 'factory', true, 'SmallNet()'],
      ['head', 'sequential', true, 'head'],
    ]);
    const g = ok(await buildGraph(src, 'SmallNet()')).graph;
    expect(rows(g)).toContain('blocks.0.shortcut.1');
    const empty = ok(await buildGraph(src, 'Block(8, 8)')).graph;
    expect(byRow(empty, 'shortcut').map((n) => n.op.op)).toEqual(['identity']);
  });

  it("reads the package's other files through a resolver (torchvision ViT: ops/misc.py's MLP)", async () => {
    const path = corpusPath('torchvision/models/vision_transformer.py');
    const expr =
      'VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=4, hidden_dim=64, mlp_dim=128, num_classes=10)';
    const alone = await buildGraph(readFileSync(path, 'utf8'), expr);
    expect(!alone.ok && alone.reason).toMatch(
      /`MLP` comes from \.\.ops\.misc \(another file of the package\), which is not read/,
    );
    const r = ok(
      await buildGraph(readFileSync(path, 'utf8'), expr, {
        path,
        resolveModule: fileModuleResolver,
      }),
    );
    const names = rows(r.graph);
    expect(names.slice(0, 3)).toEqual([
      'conv_proj',
      'encoder.dropout',
      'encoder.layers.encoder_layer_0.ln_1',
    ]);
    expect(names).toContain('encoder.layers.encoder_layer_1.mlp.0');
    expect(byRow(r.graph, 'encoder.layers.encoder_layer_0.mlp.0')[0]!.op).toMatchObject({
      op: 'linear',
      weight: { init: { kind: 'xavier_uniform' } },
      bias: { init: { kind: 'normal', std: 1e-6 } },
    });
    expect(out(r.graph)).toMatchObject({ row: 'heads.head' });
  });

  it('reads a ViT written the timm way: partial norm layers, unbind, drop-path rates, expand', async () => {
    const src = `
from functools import partial
import torch
import torch.nn as nn

class DropPath(nn.Module):
    def __init__(self, p=0.0):
        super().__init__()
        self.p = p
    def forward(self, x):
        if self.p == 0.0 or not self.training:
            return x
        return x * x.new_empty((x.shape[0], 1, 1)).bernoulli_(1 - self.p)

class Attn(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)
    def forward(self, x):
        B, N, C = x.shape
        q, k, v = self.qkv(x).reshape(B, N, 3, self.heads, C // self.heads).permute(2, 0, 3, 1, 4).unbind(0)
        a = (q * (C // self.heads) ** -0.5) @ k.transpose(-2, -1)
        x = (a.softmax(dim=-1) @ v).transpose(1, 2).reshape(B, N, C)
        return self.proj(x)

class Block(nn.Module):
    def __init__(self, dim, heads, drop_path, norm_layer):
        super().__init__()
        self.norm = norm_layer(dim)
        self.attn = Attn(dim, heads)
        self.drop_path = DropPath(drop_path)
    def forward(self, x):
        return x + self.drop_path(self.attn(self.norm(x)))

class ViT(nn.Module):
    def __init__(self, dim=32, depth=2, heads=4, drop_path_rate=0.0):
        super().__init__()
        norm_layer = partial(nn.LayerNorm, eps=1e-6)
        self.embed = nn.Conv2d(3, dim, 8, 8)
        self.cls = nn.Parameter(torch.zeros(1, 1, dim))
        rates = [x.item() for x in torch.linspace(0, drop_path_rate, depth)]
        self.blocks = nn.Sequential(*[Block(dim, heads, rates[i], norm_layer) for i in range(depth)])
        self.head = nn.Linear(dim, 10)
    def forward(self, x):
        x = self.embed(x).flatten(2).transpose(1, 2)
        x = torch.cat((self.cls.expand(x.shape[0], -1, -1), x), dim=1)
        return self.head(self.blocks(x)[:, 0])
`;
    const r = ok(await buildGraph(src, 'ViT()'));
    expect(r.inputShape).toEqual([8, 3, 32, 32]);
    const g = r.graph;
    expect(byRow(g, 'blocks.0.norm')[0]!.op).toMatchObject({ op: 'layer_norm', eps: 1e-6 });
    expect(g.nodes.filter((n) => n.op.op === 'select' && n.row === undefined)).toHaveLength(7);
    // DropPath(0.0) returns its input: an identity carries its row.
    expect(byRow(g, 'blocks.1.drop_path').map((n) => n.op.op)).toEqual(['identity']);
    const { models } = await readPythonModels(src);
    expect(models.find((m) => m.name === 'Block')?.expr).toBe(
      'Block(32, 4, 0.0, partial(nn.LayerNorm, eps=0.000001))',
    );
  });

  it('reads einops: Rearrange layers, rearrange / repeat / reduce with sizes', async () => {
    const src = `
import torch
from torch import nn
from einops import rearrange, repeat, reduce
from einops.layers.torch import Rearrange

class Patches(nn.Module):
    def __init__(self, dim=32, heads=4):
        super().__init__()
        self.heads = heads
        self.embed = nn.Sequential(Rearrange('b c (h p1) (w p2) -> b (h w) (p1 p2 c)', p1=4, p2=4), nn.Linear(48, dim))
        self.cls = nn.Parameter(torch.randn(1, dim))
        self.qkv = nn.Linear(dim, dim * 3, bias=False)
        self.out = nn.Linear(dim, 10)

    def forward(self, img):
        x = self.embed(img)
        x = torch.cat((repeat(self.cls, '... d -> b ... d', b=img.shape[0]), x), dim=1)
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        q, k, v = map(lambda t: rearrange(t, 'b n (h d) -> b h n d', h=self.heads), (q, k, v))
        x = rearrange((q @ k.transpose(-1, -2)).softmax(dim=-1) @ v, 'b h n d -> b n (h d)')
        return self.out(reduce(x, 'b n d -> b d', 'mean'))
`;
    const r = ok(await buildGraph(src, 'Patches()', { inputShape: [2, 3, 16, 16] }));
    const g = r.graph;
    expect(byRow(g, 'embed.0').map((n) => [n.op.op, n.kind])).toEqual([
      ['reshape', 'Rearrange'],
      ['permute', 'Rearrange'],
      ['reshape', 'Rearrange'],
    ]);
    expect(byRow(g, 'embed.0')[1]!.op).toEqual({ op: 'permute', dims: [0, 2, 4, 3, 5, 1] });
    expect(g.nodes.find((n) => n.op.op === 'reduce')?.op).toEqual({
      op: 'reduce',
      kind: 'mean',
      dims: [1],
      keepdim: false,
    });
    expect(out(g).op).toMatchObject({ op: 'linear', inFeatures: 32 });
    const bad = await buildGraph(
      src.replace("'b n d -> b d', 'mean'", "'b n d -> b d', 'max'"),
      'Patches()',
      {
        inputShape: [2, 3, 16, 16],
      },
    );
    expect(!bad.ok && bad.reason).toBe(
      "line 22: einops.reduce with 'max' is not read (mean and sum are)",
    );
  });

  it('reads nn.TransformerEncoder(nn.TransformerEncoderLayer(…)) with attention dropout, embedding run first', async () => {
    const src = `
import math
import torch.nn as nn

class LM(nn.Module):
    def __init__(self, ntoken=100, d=32, heads=4, hid=64, layers=2, dropout=0.1):
        super().__init__()
        layer = nn.TransformerEncoderLayer(d, heads, hid, dropout, batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers)
        self.embed = nn.Embedding(ntoken, d)
        self.d = d
        self.out = nn.Linear(d, ntoken)

    def forward(self, src):
        return self.out(self.encoder(self.embed(src) * math.sqrt(self.d)))
`;
    const r = ok(await buildGraph(src, 'LM()'));
    expect(r.inputShape).toEqual([8, 64]);
    expect(r.tokens).toEqual({ vocab: 100 });
    expect(r.notes.join('\n')).toMatch(
      /copy\.deepcopy\(TransformerEncoderLayer\): PyTorch's copies start with equal weights/,
    );
    const names = rows(r.graph);
    expect(names.slice(0, 6)).toEqual([
      'embed',
      'encoder.layers.0.norm1',
      // nn.MultiheadAttention has a child (out_proj) and is no leaf: no row of its own.
      'encoder.layers.0.dropout1',
      'encoder.layers.0.norm2',
      'encoder.layers.0.linear1',
      'encoder.layers.0.dropout',
    ]);
    expect(names.some((n) => n.includes('self_attn'))).toBe(false);
    // The second layer's attention: the unrowed nodes between its norm1 and dropout1.
    const ids = r.graph.nodes.map((n) => n.row);
    const attn = r.graph.nodes.slice(
      ids.lastIndexOf('encoder.layers.1.norm1') + 1,
      ids.indexOf('encoder.layers.1.dropout1'),
    );
    expect(attn.every((n) => n.row === undefined)).toBe(true);
    expect(attn.map((n) => n.op.op)).toContain('dropout');
    expect(attn[0]!.op).toMatchObject({
      op: 'linear',
      inFeatures: 32,
      outFeatures: 96,
      weight: { init: { kind: 'xavier_uniform' } },
      bias: { init: { kind: 'zeros' } },
    });
    expect(attn.find((n) => n.op.op === 'dropout')?.op).toEqual({ op: 'dropout', p: 0.1 });
  });
});
