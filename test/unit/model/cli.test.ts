import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli';

const samples = join(__dirname, '../../../samples/models');

async function run(...argv: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const code = await main(argv, (s) => out.push(s));
  return { code, out: out.join('\n') };
}

describe('activation-lens check --from', () => {
  it('prints JSON of the plain check’s shape, one layers row per Linear with its source line', async () => {
    const { code, out } = await run(
      'check',
      '--from',
      join(samples, 'deep_sigmoid_mlp.py'),
      '--json',
    );
    expect(code).toBe(0);
    const r = JSON.parse(out);
    expect(Object.keys(r)).toEqual(expect.arrayContaining(['config', 'layers', 'verdict']));
    expect(r.verdict).toBe('vanishing');
    expect(r.layers).toHaveLength(8);
    expect(r.layers[0]).toMatchObject({ layer: 1, label: 'fc1 (line 18)' });
    expect(Object.keys(r.layers[0])).toEqual(
      expect.arrayContaining([
        'postMean',
        'postStd',
        'deadFraction',
        'weightGradNorm',
        'inputGradRms',
      ]),
    );
    expect(r.config.layers[0]).toMatchObject({
      layer: 1,
      name: 'fc1',
      line: 18,
      inFeatures: 784,
      outFeatures: 256,
      activation: 'sigmoid',
      init: 'pytorch_default',
      bias: 'pytorch_default',
    });
    expect(r.config).toMatchObject({ model: 'model', framework: 'pytorch', batch: 256, seed: 0 });
  });

  it('picks a model by --model, and --fail-on makes a vanishing model exit 1', async () => {
    const ok = await run(
      'check',
      '--from',
      join(samples, 'conv_batchnorm.py'),
      '--model',
      'bn_mlp',
      '--seed',
      '3',
    );
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('bn_mlp · pytorch · 2 Linear/Dense layers');
    const fail = await run(
      'check',
      '--from',
      join(samples, 'deep_sigmoid_mlp.py'),
      '--fail-on',
      'vanishing',
    );
    expect(fail.code).toBe(1);
  });

  it('exits 2 with a clear message on what the user can fix', async () => {
    const cases: string[][] = [
      ['check', '--from', join(samples, 'nope.py')],
      ['check', '--from', join(samples, 'conv_batchnorm.py')], // several models, no --model
      ['check', '--from', join(samples, 'conv_batchnorm.py'), '--model', 'Nope'],
      ['check', '--from', join(samples, 'conv_batchnorm.py'), '--model', 'conv_in_the_middle'],
      ['check', '--from', join(samples, 'relu_mlp.py'), '--depth', '3'],
      ['check', '--model', 'ReluMLP'],
    ];
    for (const argv of cases) expect((await run(...argv)).code, argv.join(' ')).toBe(2);
  });
});
