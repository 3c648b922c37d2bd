import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli';

const samples = join(__dirname, '../../../samples/models');
const corpus = join(__dirname, '../../corpus/models');

async function run(...argv: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const code = await main(argv, (s) => out.push(s));
  return { code, out: out.join('\n') };
}

describe('activation-lens models --from', () => {
  it('lists every model class, Sequential and factory, checkable or not, with why not', async () => {
    const { code, out } = await run(
      'models',
      '--from',
      join(corpus, 'pytorch/torchvision/models/resnet.py'),
      '--json',
    );
    expect(code).toBe(0);
    const { models } = JSON.parse(out) as {
      models: { name: string; line: number; checkable: boolean; reason?: string; kind: string }[];
    };
    const byName = new Map(models.map((m) => [m.name, m]));
    expect(byName.get('BasicBlock')).toMatchObject({ line: 59, kind: 'class' });
    expect(byName.get('ResNet')).toMatchObject({ line: 166, checkable: true });
    expect(byName.get('resnet18')).toMatchObject({ kind: 'factory' });
    for (const m of models) {
      expect(Object.keys(m)).toEqual(expect.arrayContaining(['name', 'line', 'checkable']));
      if (!m.checkable) expect(m.reason).toMatch(/\S/);
    }
  });

  it('lists Keras and Flax models too', async () => {
    const k = JSON.parse(
      (await run('models', '--from', join(corpus, 'keras/written/functional_resnet.py'), '--json'))
        .out,
    );
    expect(k.models.map((m: { name: string }) => m.name)).toEqual([
      'build_resnet',
      'build_mlp',
      'regressor',
    ]);
    const f = JSON.parse(
      (await run('models', '--from', join(corpus, 'flax/written/nnx_models.py'), '--json')).out,
    );
    expect(
      f.models.map((m: { name: string; framework: string }) => `${m.framework}:${m.name}`),
    ).toEqual(['flax:MLP', 'flax:CNN', 'flax:Encoder']);
  });
});

describe('activation-lens check --from', () => {
  it('gives one row per leaf module in execution order with the module name, kind, shape, line and statistics', async () => {
    const { code, out } = await run(
      'check',
      '--from',
      join(samples, 'deep_sigmoid_mlp.py'),
      '--json',
    );
    expect(code).toBe(0);
    const r = JSON.parse(out);
    expect(r.verdict).toBe('vanishing');
    expect(r.dtype).toBe('float32');
    expect(r.layers.map((l: { module: string }) => l.module).slice(0, 4)).toEqual([
      'flatten',
      'fc1',
      'act1',
      'fc2',
    ]);
    expect(r.layers[1]).toMatchObject({
      module: 'fc1',
      kind: 'Linear',
      outputShape: [8, 256],
      line: 18,
    });
    expect(Object.keys(r.layers[1])).toEqual(
      expect.arrayContaining([
        'postMean',
        'postStd',
        'deadFraction',
        'weightGradNorm',
        'biasGradNorm',
        'inputGradRms',
      ]),
    );
  });

  it('builds an expression with an input shape, seed and dtype; --fail-on exits 1', async () => {
    const file = join(corpus, 'pytorch/torchvision/models/resnet.py');
    const { code, out } = await run(
      'check',
      '--from',
      file,
      '--model',
      'ResNet(BasicBlock, [1, 1, 1, 1], num_classes=10)',
      '--input-shape',
      '2,3,32,32',
      '--seed',
      '3',
      '--dtype',
      'float64',
      '--json',
    );
    expect(code).toBe(0);
    const r = JSON.parse(out);
    expect(r).toMatchObject({ seed: 3, dtype: 'float64', input: { shape: [2, 3, 32, 32] } });
    expect(r.layers[0]).toMatchObject({
      module: 'conv1',
      kind: 'Conv2d',
      outputShape: [2, 64, 16, 16],
    });
    expect(r.layers.at(-1)).toMatchObject({ module: 'fc', outputShape: [2, 10] });
    const fail = await run(
      'check',
      '--from',
      join(samples, 'deep_sigmoid_mlp.py'),
      '--fail-on',
      'vanishing',
    );
    expect(fail.code).toBe(1);
    expect(fail.out).toMatch(/^model in .*VANISHING/);
  });

  it('checks Keras layers by their Keras names and says what it assumed', async () => {
    const { code, out } = await run(
      'check',
      '--from',
      join(corpus, 'keras/written/functional_resnet.py'),
      '--model',
      'build_resnet()',
      '--json',
    );
    expect(code).toBe(0);
    const r = JSON.parse(out);
    expect(r.framework).toBe('keras');
    // Keras' own (channels-last) output shape.
    expect(r.layers[0]).toMatchObject({
      module: 'conv2d',
      kind: 'Conv2D',
      outputShape: [8, 32, 32, 16],
    });
    expect(r.assumptions.join('\n')).toMatch(/'same' padding with stride 2/);
    const table = await run(
      'check',
      '--from',
      join(corpus, 'keras/written/functional_resnet.py'),
      '--model',
      'build_resnet()',
    );
    expect(table.out).toMatch(/read with \d+ assumptions/);
  });

  it('exits 2 with one line on what the user can fix', async () => {
    const cases: string[][] = [
      ['check', '--from', join(samples, 'nope.py')],
      ['check', '--from', join(samples, 'conv_batchnorm.py')], // several checkable models, no --model
      ['check', '--from', join(samples, 'conv_batchnorm.py'), '--model', 'Nope'],
      ['check', '--from', join(corpus, 'flax/written/linen_compact.py'), '--model', 'MLP()'], // needs an input shape
      ['check', '--from', join(samples, 'relu_mlp.py'), '--depth', '3'],
      ['check', '--from', join(samples, 'relu_mlp.py'), '--input-shape', '8,x'],
      ['check', '--model', 'ReluMLP'],
      ['models', '--from', join(samples, 'nope.py')],
    ];
    for (const argv of cases) expect((await run(...argv)).code, argv.join(' ')).toBe(2);
  });
});
