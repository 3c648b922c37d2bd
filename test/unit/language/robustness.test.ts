import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recogniseJs, tokeniseJs } from '../../../src/language/javascript';
import { ActivationRecogniser, type DocumentLike } from '../../../src/language/recogniser';
import { pythonParser } from '../../../src/language/treeSitter';

const LANGS = ['python', 'typescript', 'javascript', 'json', 'jsonc'] as const;

/** Fragments that steer random text towards what the recogniser looks at. */
const FRAGMENTS = [
  'nn.',
  'F.',
  'tf.',
  'layers.',
  'jax.nn.',
  'torch.',
  'keras.',
  'ACT2FN[',
  'import ',
  'from ',
  ' as ',
  'LeakyReLU',
  'gelu',
  'leakyRelu',
  'relu',
  'GELU',
  'activation',
  '=',
  ':',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  '`',
  ',',
  '0.2',
  '-',
  '1/8',
  'True',
  'approximate',
  '"tanh"',
  '\n',
  ' ',
  '#',
  '//',
  '/*',
  '\\',
  '...',
  '**',
  '*',
  'hidden_act',
  '@tensorflow/tfjs',
  'require(',
  '\u{1F600}',
  '\uD800',
  'é',
];

function doc(text: string, languageId: string, key = 'k'): DocumentLike {
  return { key, version: 1, languageId, getText: () => text };
}

describe('the recogniser never throws', () => {
  it('on 10k random inputs at random positions, in every language', async () => {
    const parser = await pythonParser();
    const errors: unknown[] = [];
    const rec = new ActivationRecogniser((e) => errors.push(e));
    let version = 0;
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 60 }).map((a) => a.join('')),
    );
    fc.assert(
      fc.property(
        text,
        fc.constantFrom(...LANGS),
        fc.double({ min: -2, max: 2, noNaN: false }),
        (t, lang, where) => {
          const offset = Number.isFinite(where) ? Math.floor(where * t.length) : 0;
          const d = { key: 'fuzz', version: ++version, languageId: lang, getText: () => t };
          const r = rec.recogniseWith(d, offset, parser);
          if (r) {
            expect(r.start).toBeGreaterThanOrEqual(0);
            expect(r.end).toBeLessThanOrEqual(t.length);
            expect(r.start).toBeLessThanOrEqual(r.end);
          }
        },
      ),
      { numRuns: 10_000 },
    );
    expect(errors).toEqual([]);
  }, 120_000);

  it('on real framework and sample files, at every few characters', async () => {
    const parser = await pythonParser();
    const errors: unknown[] = [];
    const rec = new ActivationRecogniser((e) => errors.push(e));
    const files = [
      '/usr/lib/python3/dist-packages/torch/nn/modules/activation.py',
      '/usr/lib/python3/dist-packages/torch/nn/functional.py',
      join(__dirname, '../../../samples/pytorch_mlp.py'),
      join(__dirname, '../../../samples/keras_model.py'),
      join(__dirname, '../../../samples/flax_model.py'),
      join(__dirname, '../../../samples/tfjs_model.ts'),
      join(__dirname, '../../../samples/hf_config.json'),
    ].filter((f) => existsSync(f));
    expect(files.length).toBeGreaterThanOrEqual(5);
    let found = 0;
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const lang = f.endsWith('.py') ? 'python' : f.endsWith('.ts') ? 'typescript' : 'json';
      const step = text.length > 50_000 ? 13 : 1;
      for (let i = 0; i <= text.length; i += step)
        if (rec.recogniseWith(doc(text, lang, f), i, parser)) found++;
    }
    expect(errors).toEqual([]);
    expect(found).toBeGreaterThan(100);
  }, 120_000);
});

describe('big inputs', () => {
  it('a 1 MB one-line Python file: parsed once, each hover answers from the cache', async () => {
    const parser = await pythonParser();
    const rec = new ActivationRecogniser((e) => {
      throw e;
    });
    const unit = 'nn.LeakyReLU(0.2), F.gelu(x, approximate="tanh"), ';
    const text =
      'from torch import nn\nimport torch.nn.functional as F\nxs = [' +
      unit.repeat(Math.ceil(1e6 / unit.length)) +
      ']\n';
    const d = doc(text, 'python', 'big.py');
    const mid = text.indexOf('LeakyReLU', text.length / 2);
    expect(rec.recogniseWith(d, mid, parser)?.params).toEqual({ negative_slope: 0.2 });
    const t0 = performance.now();
    for (let k = 0; k < 200; k++) rec.recogniseWith(d, mid + (k % 9), parser);
    expect((performance.now() - t0) / 200).toBeLessThan(5);
  }, 60_000);

  it('a 1 MB one-line minified TF.js file: the first hover tokenises a window, not the file', () => {
    const rec = new ActivationRecogniser((e) => {
      throw e;
    });
    const unit = 'var a=tf.leakyRelu(x,0.15);b=tf.layers.dense({units:3,activation:"selu"});';
    const text = "import*as tf from'@tensorflow/tfjs';" + unit.repeat(Math.ceil(1e6 / unit.length));
    const d = doc(text, 'javascript', 'big.js');
    const mid = text.indexOf('leakyRelu', text.length / 2);
    const t0 = performance.now();
    expect(rec.recogniseWith(d, mid, undefined)?.params).toEqual({ negative_slope: 0.15 });
    expect(performance.now() - t0).toBeLessThan(250);
    const selu = text.indexOf('"selu"', text.length - 5000);
    expect(rec.recogniseWith(d, selu, undefined)?.id).toBe('selu');
    const t1 = performance.now();
    for (let k = 0; k < 1000; k++) rec.recogniseWith(d, mid, undefined);
    expect((performance.now() - t1) / 1000).toBeLessThan(1);
  }, 60_000);

  it('a 1 MB one-line JSON file', async () => {
    const rec = new ActivationRecogniser((e) => {
      throw e;
    });
    const text = '{"a":[' + '{"hidden_act":"gelu_new","x":1},'.repeat(32_000) + '{}]}';
    const d = doc(text, 'json', 'big.json');
    const mid = text.indexOf('gelu_new', text.length / 2);
    expect((await rec.recognise(d, mid))?.id).toBe('gelu_tanh');
  }, 60_000);

  it('tokenising grows linearly with the line length (no quadratic blow-up)', () => {
    const unit = 'tf.leakyRelu(x,0.2);"a\\"b";/*c*/';
    const time = (n: number) => {
      const text = unit.repeat(n);
      const t0 = performance.now();
      const t = tokeniseJs(text);
      recogniseJs(t, text.length - 5);
      return performance.now() - t0;
    };
    time(2000); // warm up the JIT
    const small = Math.min(time(8000), time(8000));
    const large = Math.min(time(32000), time(32000));
    // 4× the input: allow up to 12× the time for noise, far below the 16× of a quadratic.
    expect(large / Math.max(small, 0.5)).toBeLessThan(12);
  }, 60_000);
});
