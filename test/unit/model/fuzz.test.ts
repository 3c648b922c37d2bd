import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readModelsInText } from '../../../src/model/parse';
import type { ReadModel } from '../../../src/model/types';

const dir = join(__dirname, '../../../samples/models');
const samples = readdirSync(dir)
  .filter((f) => f.endsWith('.py'))
  .map((f) => readFileSync(join(dir, f), 'utf8'));

/** Pieces of model code, so random text reaches the reader's deeper paths, not only the parser's. */
const TOKENS = [
  'import torch.nn as nn\n',
  'import torch.nn.functional as F\n',
  'from torch import nn\n',
  'import keras\n',
  'from keras import layers\n',
  'from collections import OrderedDict\n',
  'nn.Sequential(',
  'nn.Linear(',
  'nn.LazyLinear(',
  'nn.ReLU()',
  'nn.GELU(approximate=',
  'nn.LeakyReLU(',
  'nn.Dropout(',
  'nn.AlphaDropout(',
  'nn.BatchNorm1d(',
  'nn.Conv2d(',
  'nn.PReLU(',
  'OrderedDict([',
  "('fc', ",
  'keras.Sequential([',
  'layers.Dense(',
  'keras.Input(shape=(',
  'layers.Activation(',
  'layers.Flatten()',
  'activation=',
  '"relu"',
  '"tanh"',
  "'none'",
  'input_shape=(',
  'kernel_initializer="he_normal"',
  'use_bias=False',
  'bias=',
  'True',
  'None',
  '(',
  ')',
  '[',
  ']',
  ',',
  ', ',
  '0',
  '4',
  '-1',
  '0.5',
  '2 ** 70',
  '1e308 * 10',
  '0 // 0',
  'H',
  'H = 8\n',
  'x',
  'self',
  'self.fc',
  ' = ',
  '\n',
  '    ',
  '        ',
  'class M(nn.Module):\n',
  '    def __init__(self, n=3):\n',
  'super().__init__()\n',
  '    def forward(self, x):\n',
  'return ',
  'F.relu(',
  'F.dropout(',
  'x.view(',
  '.relu()',
  'x + ',
  'for m in net.modules():\n',
  'if isinstance(m, nn.Linear):\n',
  'nn.init.kaiming_normal_(m.weight, nonlinearity=',
  'net.apply(init)\n',
  'def init(m):\n',
  '*args',
  '**kw',
  'model.add(',
  'lambda x: x',
  '"""',
  '#',
  'net = ',
];

async function check(text: string): Promise<void> {
  const models: ReadModel[] = await readModelsInText(text);
  for (const m of models) {
    expect(['ok', 'declined']).toContain(m.status);
    if (m.status === 'declined') expect(m.reason).toBeTruthy();
    // The per-model guard turns a reader bug into a declined model; none may be needed.
    expect(m.reason ?? '').not.toMatch(/^could not read/);
    for (const r of m.rows) {
      expect(Number.isInteger(r.inFeatures) && r.inFeatures > 0).toBe(true);
      expect(Number.isInteger(r.outFeatures) && r.outFeatures > 0).toBe(true);
      expect(r.line).toBeGreaterThanOrEqual(1);
    }
  }
}

describe('the model reader never throws', () => {
  it('on random text', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 400 }), check), { numRuns: 300 });
  });

  it('on random sequences of model-code tokens', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...TOKENS), { maxLength: 80 }).map((t) => t.join('')),
        check,
      ),
      { numRuns: 1500 },
    );
  });

  it('on the samples with a random slice cut out or duplicated', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...samples),
        fc.nat(),
        fc.nat({ max: 200 }),
        fc.boolean(),
        async (text, at, len, dup) => {
          const i = at % (text.length + 1);
          const cut = text.slice(i, i + len);
          await check(
            dup
              ? text.slice(0, i) + cut + cut + text.slice(i)
              : text.slice(0, i) + text.slice(i + len),
          );
        },
      ),
      { numRuns: 800 },
    );
  });
});
