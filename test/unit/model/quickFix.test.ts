import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkModelInText } from '../../../src/model/findings';
import { applyEdits, measureFixes, planFixes, torchNnAlias } from '../../../src/model/quickFix';
import { buildModel } from '../../../src/model/read/frameworks';
import type { Graph } from '../../../src/kernel/graph/types';

const sample = (f: string): string => readFileSync(`samples/models/${f}`, 'utf8');
/** Reads and checks `name` in `text` through the graph path, as the editor does. */
async function checked(text: string, name: string) {
  const c = await checkModelInText(text, name, { batch: 64 });
  if (!c) throw new Error(`${name} not checkable`);
  return c;
}
const remeasure = (name: string) => async (text: string) =>
  (await checkModelInText(text, name, { batch: 64 }))?.measure;
/** The init of every linear node of the model's graph. */
async function linearInits(text: string, expr: string, framework: 'pytorch' | 'keras') {
  const b = await buildModel(text, expr, { framework });
  if (!b.ok) throw new Error(b.reason);
  return (b.graph as Graph).nodes.flatMap((n) => (n.op.op === 'linear' ? [n.op.weight.init] : []));
}

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
    const { target, measure: before } = await checked(text, 'model');
    expect(before.verdict).toBe('vanishing');
    const fixes = await measureFixes(text, target, before, 'vanishing', remeasure('model'));
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
    const again = await checked(fixed, 'model');
    expect(again.measure.gradRatioLog10).toBeCloseTo(relu.after.gradRatioLog10, 10);
    expect(again.report.layers.filter((l) => l.kind === 'ReLU')).toHaveLength(7);
  });

  it('puts the init loop at the end of __init__ for a class, in its indentation', async () => {
    const text = sample('relu_mlp.py');
    const { target } = await checked(text, 'ReluMLP');
    const he = planFixes(text, target, 'vanishing').find((p) => p.id === 'init-he')!;
    const fixed = applyEdits(text, he.edits);
    expect(fixed).toContain(
      '        self.out = nn.Linear(hidden // 2, classes)\n        for m in self.modules():\n            if isinstance(m, nn.Linear):\n',
    );
    // The reader honours the loop: every Linear's weight is kaiming_normal for ReLU.
    const inits = await linearInits(fixed, 'ReluMLP()', 'pytorch');
    expect(inits).toHaveLength(4);
    for (const i of inits)
      expect(i).toMatchObject({ kind: 'kaiming_normal', nonlinearity: 'relu' });
  });

  it('turns functional activations into the new function, keeping the tensor argument', async () => {
    const text = sample('relu_mlp.py');
    const { target } = await checked(text, 'ReluMLP');
    const leaky = planFixes(text, target, 'dead').find((p) => p.id === 'act-leaky')!;
    const fixed = applyEdits(text, leaky.edits);
    expect(fixed).toContain('x = F.leaky_relu(self.fc1(x))');
    expect(fixed).toContain('x = torch.leaky_relu(self.fc3(x))');
  });

  it('sets kernel_initializer on every Keras Dense', async () => {
    const text = sample('keras_mlp.py');
    const { target } = await checked(text, 'model');
    expect(target.framework).toBe('keras');
    const he = planFixes(text, target, 'vanishing').find((p) => p.id === 'init-he')!;
    const fixed = applyEdits(text, he.edits);
    const inits = await linearInits(fixed, 'model', 'keras');
    expect(inits).toHaveLength(4);
    // he_normal: a normal truncated at two standard deviations, as Keras draws it.
    for (const i of inits) expect(i).toMatchObject({ kind: 'trunc_normal' });
    expect(await linearInits(text, 'model', 'keras')).not.toContainEqual(
      expect.objectContaining({ kind: 'trunc_normal' }),
    );
  });

  it('offers nothing for a model without a Linear/Dense to edit', () => {
    const text = sample('conv_batchnorm.py');
    expect(
      planFixes(
        text,
        { name: 'x', framework: 'pytorch', line: 1, endLine: 2, rows: [] },
        'vanishing',
      ),
    ).toEqual([]);
  });
});

describe('normalisation fix', () => {
  it('writes BatchNorm1d after each hidden Linear of a Sequential, named pairs in an OrderedDict', async () => {
    const text = sample('deep_sigmoid_mlp.py');
    const { target, report } = await checked(text, 'model');
    const norm = planFixes(text, target, 'vanishing').find((p) => p.id === 'add-norm')!;
    const fixed = applyEdits(text, norm.edits);
    expect(fixed).toContain(
      '("fc1", nn.Linear(28 * 28, WIDTH)),\n            ("fc1_bn", nn.BatchNorm1d(256)),\n',
    );
    expect(fixed.match(/BatchNorm1d/g)).toHaveLength(7);
    expect(fixed).not.toContain('("out_bn"');
    // Still a model the reader reads, with the same Linear layers.
    const again = await checked(fixed, 'model');
    const linears = (r: typeof report) =>
      r.layers.filter((l) => l.kind === 'Linear').map((l) => l.module);
    expect(linears(again.report)).toEqual(linears(report));
    expect(again.report.layers.filter((l) => l.kind === 'BatchNorm1d')).toHaveLength(7);
  });

  it('is not offered for layers assigned to attributes in __init__', async () => {
    const text = sample('relu_mlp.py');
    const { target } = await checked(text, 'ReluMLP');
    expect(planFixes(text, target, 'vanishing').map((p) => p.id)).not.toContain('add-norm');
  });
});
