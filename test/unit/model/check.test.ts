import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkModel,
  layerSpecs,
  ModelCheckError,
  modelReportMarkdown,
} from '../../../src/model/check';
import { readModelsInText } from '../../../src/model/parse';

const read = async (file: string, name?: string) => {
  const models = await readModelsInText(
    readFileSync(join(__dirname, '../../../samples/models', file), 'utf8'),
  );
  return name ? models.find((m) => m.name === name)! : models[0]!;
};

describe('checking the sample models', () => {
  it('deep sigmoid MLP: vanishing, with warnings on the early layers’ lines', async () => {
    const r = checkModel(await read('deep_sigmoid_mlp.py'));
    expect(r.verdict).toBe('vanishing');
    expect(r.gradRatioLog10).toBeLessThan(-5);
    const warned = r.findings.filter((f) => f.severity === 'warning').map((f) => f.line);
    expect(warned).toEqual([18, 20, 22, 24]);
    expect(r.findings.find((f) => f.line === 18)?.message).toMatch(
      /^Vanishing gradient: .* layer 1 \(fc1\) is \d(\.\d)? × 10⁻⁷ \(6 orders of magnitude\) of the last layer's\.$/,
    );
    expect(r.layers.map((l) => l.line)).toEqual([18, 20, 22, 24, 26, 28, 30, 32]);
  });

  it('ReLU MLP with PyTorch default init: healthy, no warnings', async () => {
    const r = checkModel(await read('relu_mlp.py'));
    expect(r.verdict).toBe('healthy');
    expect(r.findings.filter((f) => f.severity === 'warning')).toEqual([]);
  });

  it('SELU + LeCun-normal + AlphaDropout: healthy and self-normalising on every SELU layer', async () => {
    const r = checkModel(await read('selu_alphadropout.py'));
    expect(r.verdict).toBe('healthy');
    expect(r.selfNormalisation).toHaveLength(6);
    expect(r.selfNormalisation.every((s) => s.pass)).toBe(true);
    expect(r.findings).toEqual([]);
  });

  it('the same SNN with nn.Linear’s default init leaves the band, and says so on the lines', async () => {
    const m = await read('selu_alphadropout.py');
    const r = checkModel({
      ...m,
      rows: m.rows.map((row) => ({
        ...row,
        init: 'pytorch_default' as const,
        biasInit: 'pytorch_default' as const,
      })),
    });
    expect(r.selfNormalisation.some((s) => !s.pass)).toBe(true);
    expect(
      r.findings.some(
        (f) => f.severity === 'information' && f.message.startsWith('Not self-normalising'),
      ),
    ).toBe(true);
  });

  it('Keras MLP with glorot_uniform and zero bias: healthy', async () => {
    const m = await read('keras_mlp.py');
    expect(layerSpecs(m).map((l) => `${l.init}/${l.bias}`)).toEqual(
      Array(4).fill('xavier_uniform/zeros'),
    );
    expect(checkModel(m).verdict).toBe('healthy');
  });

  it('the CNN’s Linear head is checked; a declined model raises the reason', async () => {
    expect(checkModel(await read('conv_batchnorm.py', 'CNN')).layers).toHaveLength(2);
    const mid = await read('conv_batchnorm.py', 'conv_in_the_middle');
    expect(() => checkModel(mid)).toThrow(ModelCheckError);
    expect(() => checkModel(mid)).toThrow(/line 43: `nn.Conv2d`/);
  });

  it('dead units and explosions get findings on their lines', async () => {
    const m = await read('relu_mlp.py');
    const stack = (n: number, width: number, gain: number) => ({
      ...m,
      rows: Array.from({ length: n }, (_, i) => ({
        ...m.rows[1]!,
        layer: i + 1,
        line: 100 + i,
        inFeatures: width,
        outFeatures: width,
        init: 'he_normal' as const,
        gain,
        bias: false,
        dropout: 0,
      })),
    });
    // Narrow deep ReLU stacks lose units: a unit is dead once z ≤ 0 for every input row.
    const narrow = checkModel(stack(40, 4, 1));
    const dead = narrow.findings.filter((f) => f.message.startsWith('Dead units'));
    expect(dead.length).toBeGreaterThan(0);
    for (const f of dead)
      expect(narrow.layers[f.layer - 1]!.deadFraction).toBeGreaterThanOrEqual(0.05);
    const boom = checkModel(stack(12, 64, 3));
    expect(boom.verdict).toBe('exploding');
    expect(
      boom.findings.some(
        (f) =>
          f.line === 100 && f.severity === 'warning' && f.message.startsWith('Exploding gradient'),
      ),
    ).toBe(true);
  });

  it('writes a Markdown report with the rows’ source lines and the reader’s assumptions', async () => {
    const md = modelReportMarkdown(checkModel(await read('conv_batchnorm.py', 'bn_mlp')));
    expect(md).toContain(
      '| 1 | 0 | 33 | 64→128 | tanh | — | pytorch_default, bias pytorch_default |',
    );
    expect(md).toContain('- line 34: `nn.BatchNorm1d` is not simulated');
  });
});
