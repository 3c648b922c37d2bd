import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkModel } from '../../../src/model/check';
import { readModelsInText } from '../../../src/model/parse';
import { applyEdits, measureFixes, planFixes, torchNnAlias } from '../../../src/model/quickFix';

const sample = (f: string): string => readFileSync(`samples/models/${f}`, 'utf8');
const io = {
  read: readModelsInText,
  check: (m: Parameters<typeof checkModel>[0]) => Promise.resolve(checkModel(m, { batch: 64 })),
};

describe('quick fixes, measured before they are applied', () => {
  it('applies edits right to left whatever their order', () => {
    expect(
      applyEdits('abcdef', [
        { start: 1, end: 2, text: 'B' },
        { start: 4, end: 4, text: '-' },
      ]),
    ).toBe('aBcd-ef');
  });

  it('spells torch.nn as the file imports it', () => {
    expect(torchNnAlias('import torch.nn as tnn\n')).toBe('tnn');
    expect(torchNnAlias('from torch import optim, nn\n')).toBe('nn');
    expect(torchNnAlias('import torch\n')).toBe('torch.nn');
  });

  it('cures the deep sigmoid MLP: the best fix is no longer vanishing, and its title says by how much', async () => {
    const text = sample('deep_sigmoid_mlp.py');
    const model = (await readModelsInText(text))[0]!;
    const before = checkModel(model, { batch: 64 });
    expect(before.verdict).toBe('vanishing');
    const fixes = await measureFixes(text, model, before, 'vanishing', io);
    const ids = fixes.map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining(['act-relu', 'act-selu', 'init-he']));
    expect(fixes[0]!.preferred).toBe(true);
    expect(fixes.filter((f) => f.preferred)).toHaveLength(1);
    expect(fixes[0]!.after.verdict).toBe('healthy');
    const relu = fixes.find((f) => f.id === 'act-relu')!;
    expect(relu.title).toMatch(
      /^Use ReLU with He init → first-layer gradient 10⁻⁶·² → 10⁻⁰·[⁰¹²³⁴⁵⁶⁷⁸⁹] \(/,
    );
    // The edit itself: every Sigmoid became ReLU and an init loop follows the model.
    const fixed = applyEdits(text, relu.edits);
    expect(fixed).not.toMatch(/Sigmoid/);
    expect(fixed.match(/nn\.ReLU\(\)/g)).toHaveLength(7);
    expect(fixed).toMatch(
      /\)\nfor m in model\.modules\(\):\n {4}if isinstance\(m, nn\.Linear\):\n {8}nn\.init\.kaiming_normal_\(m\.weight, nonlinearity="relu"\)/,
    );
    // Read again and checked again, it is what the title promised.
    const again = (await readModelsInText(fixed))[0]!;
    expect(checkModel(again, { batch: 64 }).gradRatioLog10).toBeCloseTo(
      relu.after.gradRatioLog10,
      10,
    );
  });

  it('puts the init loop at the end of __init__ for a class, in its indentation', async () => {
    const text = sample('relu_mlp.py');
    const model = (await readModelsInText(text))[0]!;
    const he = planFixes(text, model, 'vanishing').find((p) => p.id === 'init-he')!;
    const fixed = applyEdits(text, he.edits);
    expect(fixed).toContain(
      '        self.out = nn.Linear(hidden // 2, classes)\n        for m in self.modules():\n            if isinstance(m, nn.Linear):\n',
    );
    const read = (await readModelsInText(fixed))[0]!;
    expect(
      read.rows.every((r) => r.init === 'lecun_normal' && Math.abs(r.gain - Math.SQRT2) < 1e-12),
    ).toBe(true);
  });

  it('turns functional activations into the new function, keeping the tensor argument', async () => {
    const text = sample('relu_mlp.py');
    const model = (await readModelsInText(text))[0]!;
    const leaky = planFixes(text, model, 'dead').find((p) => p.id === 'act-leaky')!;
    const fixed = applyEdits(text, leaky.edits);
    expect(fixed).toContain('x = F.leaky_relu(self.fc1(x))');
    expect(fixed).toContain('x = torch.leaky_relu(self.fc3(x))');
  });

  it('sets kernel_initializer on every Keras Dense', async () => {
    const text = sample('keras_mlp.py');
    const model = (await readModelsInText(text)).find((m) => m.framework === 'keras')!;
    const he = planFixes(text, model, 'vanishing').find((p) => p.id === 'init-he')!;
    const fixed = applyEdits(text, he.edits);
    const read = (await readModelsInText(fixed)).find((m) => m.name === model.name)!;
    expect(read.rows.map((r) => r.init)).toEqual(model.rows.map(() => 'he_normal'));
  });

  it('offers nothing for a declined model', async () => {
    const text = sample('conv_batchnorm.py');
    const declined = (await readModelsInText(text)).find((m) => m.status !== 'ok')!;
    expect(planFixes(text, declined, 'vanishing')).toEqual([]);
  });
});

describe('normalisation fix', () => {
  it('writes BatchNorm1d after each hidden Linear of a Sequential, named pairs in an OrderedDict', async () => {
    const text = sample('deep_sigmoid_mlp.py');
    const model = (await readModelsInText(text))[0]!;
    const norm = planFixes(text, model, 'vanishing').find((p) => p.id === 'add-norm')!;
    const fixed = applyEdits(text, norm.edits);
    expect(fixed).toContain(
      '("fc1", nn.Linear(28 * 28, WIDTH)),\n            ("fc1_bn", nn.BatchNorm1d(256)),\n',
    );
    expect(fixed.match(/BatchNorm1d/g)).toHaveLength(7);
    expect(fixed).not.toContain('("out_bn"');
    // Still a model the reader reads, with the same Linear layers.
    const again = (await readModelsInText(fixed))[0]!;
    expect(again.rows.map((r) => r.name)).toEqual(model.rows.map((r) => r.name));
  });

  it('is not offered for layers assigned to attributes in __init__', async () => {
    const text = sample('relu_mlp.py');
    const model = (await readModelsInText(text))[0]!;
    expect(planFixes(text, model, 'vanishing').map((p) => p.id)).not.toContain('add-norm');
  });
});
