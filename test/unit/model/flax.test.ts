import { describe, expect, it } from 'vitest';
import { pythonParser } from '../../../src/language/treeSitter';
import { buildFlaxGraphInTree, findFlaxModels } from '../../../src/model/read/flax';
import type { BuildOptions } from '../../../src/model/read/index';

async function build(src: string, expr: string, options: BuildOptions = {}) {
  const parser = await pythonParser();
  return buildFlaxGraphInTree(parser.parse(src)!, parser.parse(expr)!, expr, options);
}

const rowsOf = (nodes: readonly { row?: string }[]): string[] => [
  ...new Set(nodes.flatMap((n) => (n.row ? [n.row] : []))),
];

const LINEN = `
import flax.linen as nn
import jax

class Block(nn.Module):
    dim: int = 16

    @nn.compact
    def __call__(self, x, train: bool = True):
        y = nn.Dense(self.dim)(x)
        y = nn.gelu(y)
        y = nn.BatchNorm(use_running_average=not train)(y)
        return x + y

class Net(nn.Module):
    depth: int = 2

    @nn.compact
    def __call__(self, x):
        x = nn.Dense(16)(x)
        for _ in range(self.depth):
            x = Block()(x)
        x = jax.nn.gelu(x, approximate=False)
        return nn.Dense(3)(x)

class WithSetup(nn.Module):
    def setup(self):
        self.fc1 = nn.Dense(8)
        self.layers = [nn.Dense(8) for _ in range(2)]

    def __call__(self, x):
        x = self.fc1(x)
        for layer in self.layers:
            x = nn.relu(layer(x))
        return x
`;

describe('Flax reader', () => {
  it('reads @nn.compact modules with Flax names, lecun_normal kernels and tanh GELU', async () => {
    const r = await build(LINEN, 'Net()', { inputShape: [4, 10] });
    if (!r.ok) throw new Error(r.reason);
    const names = rowsOf(r.graph.nodes);
    expect(names).toContain('Dense_0');
    expect(names).toContain('Block_1/Dense_0');
    expect(names).toContain('Block_1/BatchNorm_0');
    expect(names[names.length - 1]).toBe('Dense_1');
    const first = r.graph.nodes.find((n) => n.op.op === 'linear')!;
    if (first.op.op === 'linear') {
      expect(first.op.weight.init).toMatchObject({ kind: 'trunc_normal' });
      if (first.op.weight.init.kind === 'trunc_normal')
        expect(first.op.weight.init.std).toBeCloseTo(Math.sqrt(1 / 10) / 0.87962566103423978, 12);
      expect(first.op.bias?.init).toEqual({ kind: 'zeros' });
    }
    const acts = r.graph.nodes.flatMap((n) => (n.op.op === 'activation' ? [n.op.id] : []));
    expect(acts).toEqual(['gelu_tanh', 'gelu_tanh', 'gelu']);
    const bn = r.graph.nodes.find((n) => n.op.op === 'batch_norm')!;
    expect(bn.op).toMatchObject({ eps: 1e-5 });
  });

  it('names setup() attributes and lists as Flax does', async () => {
    const r = await build(LINEN, 'WithSetup()', { inputShape: [4, 8] });
    if (!r.ok) throw new Error(r.reason);
    expect(rowsOf(r.graph.nodes).filter((x) => !/^line \d/.test(x))).toEqual([
      'fc1',
      'layers_0',
      'layers_1',
    ]);
  });

  it('asks for an input shape for linen, infers it for NNX', async () => {
    const no = await build(LINEN, 'Net()');
    expect(no.ok).toBe(false);
    if (!no.ok) expect(no.reason).toMatch(/give an input shape/);
    const nnx = `
from flax import nnx
class M(nnx.Module):
    def __init__(self, rngs: nnx.Rngs):
        self.linear1 = nnx.Linear(12, 6, rngs=rngs)
        self.blocks = [nnx.Linear(6, 6, rngs=rngs) for _ in range(2)]
        self.norm = nnx.LayerNorm(6, rngs=rngs)
    def __call__(self, x):
        x = nnx.relu(self.linear1(x))
        for b in self.blocks:
            x = b(x)
        return self.norm(x)
`;
    const r = await build(nnx, 'M(rngs=nnx.Rngs(0))');
    if (!r.ok) throw new Error(r.reason);
    expect(r.inputShape).toEqual([8, 12]);
    expect(rowsOf(r.graph.nodes).filter((x) => !/^line \d/.test(x))).toEqual([
      'linear1',
      'blocks/0',
      'blocks/1',
      'norm',
    ]);
    expect(r.graph.nodes.find((n) => n.op.op === 'layer_norm')!.op).toMatchObject({ eps: 1e-6 });
  });

  it('declines what it cannot read with the construct and its line', async () => {
    const src = `
import flax.linen as nn
class M(nn.Module):
    @nn.compact
    def __call__(self, x):
        return nn.MultiHeadDotProductAttention(num_heads=2)(x)
`;
    const r = await build(src, 'M()', { inputShape: [2, 4, 8] });
    expect(r).toMatchObject({ ok: false, line: 6 });
  });

  it('finds linen and NNX modules', async () => {
    const parser = await pythonParser();
    const found = findFlaxModels(parser.parse(LINEN)!, (e) => parser.parse(e));
    expect(found.map((m) => [m.name, m.framework, m.expr])).toEqual([
      ['Block', 'flax', 'Block()'],
      ['Net', 'flax', 'Net()'],
      ['WithSetup', 'flax', 'WithSetup()'],
    ]);
  });
});
