import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkModelInText, rowFindings } from '../../../src/model/findings';
import { readModels } from '../../../src/model/read/frameworks';

/**
 * Every sample model is found and checked through the one model-check path (reader → layer graph
 * → engine), with the verdict the lecture expects and findings on the right lines.
 */
const sample = (f: string): string => readFileSync(`samples/models/${f}`, 'utf8');

describe('the sample models, through the graph check', () => {
  it('finds every model of every sample file, all checkable', async () => {
    const found: string[] = [];
    for (const f of readdirSync('samples/models')
      .filter((x) => x.endsWith('.py'))
      .sort()) {
      const { models } = await readModels(sample(f));
      expect(models.length, f).toBeGreaterThan(0);
      for (const m of models) {
        expect(m.checkable, `${f} ${m.name}: ${m.reason ?? ''}`).toBe(true);
        found.push(`${f}:${m.name}`);
      }
    }
    expect(found).toEqual([
      'conv_batchnorm.py:CNN',
      'conv_batchnorm.py:bn_mlp',
      'conv_batchnorm.py:conv_in_the_middle',
      'deep_sigmoid_mlp.py:model',
      'keras_mlp.py:model',
      'relu_mlp.py:ReluMLP',
      'selu_alphadropout.py:SNN',
    ]);
  });

  it('the deep sigmoid MLP vanishes, with warnings on its first Linear lines', async () => {
    const c = (await checkModelInText(sample('deep_sigmoid_mlp.py'), 'model', { batch: 64 }))!;
    expect(c.report.verdict).toBe('vanishing');
    expect(c.measure.gradRatioLog10).toBeLessThan(-5);
    const vanishing = c.findings.filter((f) => f.kind === 'vanishing');
    expect(vanishing.map((f) => f.line)).toEqual([18, 20, 22, 24]);
    expect(vanishing[0]!.message).toMatch(
      /^Vanishing gradient: the gradient reaching fc1 \(Linear\) is .*× 10⁻\S+ \(\d+ orders of magnitude\) of the last layer's\.$/,
    );
    expect(vanishing.every((f) => f.severity === 'warning')).toBe(true);
  });

  it('the ReLU, SELU and Keras MLPs are healthy, the SELU one self-normalising', async () => {
    for (const [file, name] of [
      ['relu_mlp.py', 'ReluMLP'],
      ['selu_alphadropout.py', 'SNN'],
      ['keras_mlp.py', 'model'],
    ] as const) {
      const c = (await checkModelInText(sample(file), name, { batch: 64 }))!;
      expect(c.report.verdict, file).toBe('healthy');
      expect(
        c.findings.filter((f) => f.severity === 'warning'),
        file,
      ).toEqual([]);
    }
    const snn = (await checkModelInText(sample('selu_alphadropout.py'), 'SNN', { batch: 256 }))!;
    // Self-normalising: every SELU's output stays near mean 0, std 1 through seven layers.
    const selu = snn.report.layers.filter((l) => l.kind === 'SELU');
    expect(selu).toHaveLength(6);
    for (const l of selu) {
      expect(Math.abs(l.postMean)).toBeLessThan(0.1);
      expect(l.postStd).toBeGreaterThan(0.8);
      expect(l.postStd).toBeLessThan(1.5);
    }
  });

  it('conv_batchnorm: the CNN is simulated whole, convolution and pooling included', async () => {
    const text = sample('conv_batchnorm.py');
    const cnn = (await checkModelInText(text, 'CNN'))!;
    expect(cnn.report.layers.map((l) => l.kind)).toEqual([
      'Conv2d',
      'ReLU',
      'MaxPool2d',
      'Flatten',
      'Linear',
      'ReLU',
      'Linear',
    ]);
    expect(cnn.report.layers[0]!.outputShape).toEqual([8, 32, 28, 28]);
    expect(cnn.report.verdict).toBe('healthy');
    const bn = (await checkModelInText(text, 'bn_mlp'))!;
    expect(bn.report.layers.map((l) => l.kind)).toEqual([
      'Linear',
      'BatchNorm1d',
      'Tanh',
      'Linear',
    ]);
    // The input the reader inferred is an assumption, shown on its line.
    expect(bn.report.assumptions.length).toBeGreaterThan(0);
  });

  it('turns overflow, dead units and line-tagged assumptions into findings', () => {
    const row = (module: string, inputGradRms: number, extra = {}) => ({
      module,
      kind: 'Linear',
      line: 3,
      postMean: 0,
      postStd: 1,
      weightGradNorm: 1,
      inputGradRms,
      deadFraction: 0,
      ...extra,
    });
    const f = rowFindings(
      [row('a', 1e-9), row('b', 1, { deadFraction: 0.5 }), row('c', 1, { postStd: Infinity })],
      ['line 7: padding read symmetric', 'input (8, 4): inferred'],
    );
    expect(f.map((x) => [x.module, x.kind, x.severity])).toEqual([
      ['a', 'vanishing', 'warning'],
      ['b', 'dead', 'warning'],
      ['c', 'nonfinite', 'warning'],
      ['', 'assumption', 'information'],
    ]);
    expect(f[3]).toMatchObject({ line: 7, message: 'assumed: padding read symmetric' });
  });
});
