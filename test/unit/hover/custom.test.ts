import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, derivative, print, simplify, type Expr } from '../../../src/language/custom/expr';
import { identify } from '../../../src/language/custom/identify';
import { ActivationRecogniser } from '../../../src/language/recogniser';
import type { Recognition } from '../../../src/language/types';
import { CORPUS } from './corpus';

async function hoverAt(
  file: string,
  token: string,
  text?: string,
): Promise<Recognition | undefined> {
  const src = text ?? readFileSync(join(CORPUS, file), 'utf8');
  const i = src.indexOf(token);
  if (i < 0) throw new Error(`${token} not in ${file}`);
  const r = new ActivationRecogniser((e) => {
    throw e;
  });
  return r.recognise({ key: file, version: 1, languageId: 'python', getText: () => src }, i + 1);
}

/** Real definitions from the corpus, what they compute, and how close (max |Δ| on [−8, 8]). */
const DEFINITIONS: [string, string, string | null, number][] = [
  ['pytorch/clip_model.py', 'QuickGELU(nn', 'quick_gelu', 1e-15],
  ['pytorch/mingpt_model.py', 'NewGELU(nn', 'gelu_tanh', 1e-14],
  ['huggingface/activations.py', 'NewGELUActivation(nn', 'gelu_tanh', 1e-14],
  ['huggingface/activations.py', 'FastGELUActivation(nn', 'gelu_tanh', 1e-9],
  ['huggingface/activations.py', 'QuickGELUActivation(nn', 'quick_gelu', 1e-15],
  ['huggingface/activations.py', '_gelu_python(self', 'gelu', 1e-13],
  ['huggingface/activations.py', '_silu_python(self', 'silu', 1e-15],
  ['huggingface/activations.py', '_mish_python(self', 'mish', 1e-14],
  ['huggingface/activations.py', 'LinearActivation(nn', 'identity', 0],
  ['pytorch/timm_activations.py', 'swish(x, inplace', 'silu', 1e-15],
  ['pytorch/timm_activations.py', 'mish(x, inplace', 'mish', 1e-14],
  ['pytorch/timm_activations.py', 'hard_swish(x, inplace', 'hardswish', 1e-15],
  ['pytorch/timm_activations.py', 'hard_sigmoid(x, inplace', 'hardsigmoid', 1e-15],
  ['pytorch/custom_zoo.py', 'SquaredReLU(nn', 'relu2', 0],
  ['pytorch/custom_zoo.py', 'ReLUSquaredActivation(nn', 'relu2', 0],
  ['pytorch/custom_zoo.py', 'ReluSquared(nn', 'relu2', 0],
  ['pytorch/custom_zoo.py', 'Swish(torch', 'silu', 1e-15],
  ['pytorch/custom_zoo.py', 'Mish(nn', 'mish', 1e-14],
  ['pytorch/custom_zoo.py', 'gelu_erf(x):', 'gelu', 1e-13],
  ['tf/bert_modeling.py', 'gelu(x):', 'gelu_tanh', 1e-14],
  ['keras/mobilenet_v3.py', 'hard_sigmoid(x):', 'hardsigmoid', 1e-15],
  ['keras/keras3_layers.py', 'gelu_ops(x):', 'gelu_tanh', 1e-14],
  ['jax/flax_misc.py', 'squared_relu(x):', 'relu2', 0],
  ['jax/flax_misc.py', 'celu_like(x, alpha', 'elu', 1e-15],
  ['pytorch/custom_zoo.py', 'Snake(nn', null, 0],
  ['pytorch/custom_zoo.py', 'snake(x, alpha)', null, 0],
  ['pytorch/timm_activations.py', 'hard_mish(x, inplace', null, 0],
];

describe('custom activations: identified by what they compute', () => {
  for (const [file, token, id, tol] of DEFINITIONS) {
    it(`${file} ${token.replace(/\(.*/, '')} → ${id ?? 'no built-in (formula shown)'}`, async () => {
      const r = await hoverAt(file, token);
      expect(r?.custom, 'read as a definition in the file').toBeDefined();
      if (id === null) {
        expect(r?.custom?.match).toBeUndefined();
        expect(r?.id).toBe('custom');
        return;
      }
      expect(r?.id).toBe(id);
      expect(r?.custom?.match?.maxDiff).toBeLessThanOrEqual(tol);
    });
  }

  it('reads Snake with α = 1 from its __init__ default and prints its formula', async () => {
    const r = await hoverAt('pytorch/custom_zoo.py', 'Snake(nn');
    expect(r?.custom?.params).toEqual({ alpha: 1 });
    expect(print(r?.custom?.expr as Expr, 'unicode')).toBe('x + 1/(α + 1×10⁻⁹)·sin(x·α)²');
    // A parameter without a default is taken as 1 and said so.
    const s = await hoverAt('pytorch/custom_zoo.py', 'snake(x, alpha)');
    expect(s?.custom?.assumed).toEqual(['alpha']);
  });

  it('refuses what is not an elementwise function it can read (no hover rather than a guess)', async () => {
    const cases = [
      'import torch\ndef attend(att, v):\n    return torch.softmax(att, -1) @ v\n',
      'import os\ndef evil(x):\n    return os.system("rm -rf /") * x\n',
      'import torch\ndef affine(x):\n    return 2 * x + 1\n',
      'import torch\ndef loop(x):\n    for i in range(3):\n        x = x * 2\n    return torch.tanh(x)\n',
      'import torch\ndef forward(self, x):\n    return self.net(x)\n',
    ];
    for (const text of cases) {
      const name = /def (\w+)/.exec(text)?.[1] ?? '';
      expect(await hoverAt('inline.py', name, text), name).toBeUndefined();
    }
  });

  it('names the nearest built-in when close but not equal (QuickGELU-like with 1.5)', () => {
    const e: Expr = {
      k: 'mul',
      a: { k: 'x' },
      b: { k: 'fn', f: 'sigmoid', args: [{ k: 'mul', a: { k: 'num', v: 1.5 }, b: { k: 'x' } }] },
    };
    const id = identify(e);
    expect(id.match).toBeUndefined();
    expect(id.nearest?.id).toBeDefined();
  });
});

describe('custom activations: derivative', () => {
  const h = 1e-5;
  const numeric = (f: (x: number) => number, x: number) => (f(x + h) - f(x - h)) / (2 * h);
  for (const [file, token] of [
    ['pytorch/custom_zoo.py', 'Snake(nn'],
    ['pytorch/timm_activations.py', 'hard_mish(x, inplace'],
    ['huggingface/activations.py', 'NewGELUActivation(nn'],
    ['pytorch/custom_zoo.py', 'Mish(nn'],
    ['jax/flax_misc.py', 'celu_like(x, alpha'],
  ] as const) {
    it(`symbolic f′ of ${token.replace(/\(.*/, '')} agrees with a central difference`, async () => {
      const r = await hoverAt(file, token);
      const e = r?.custom?.expr as Expr;
      const d = derivative(e);
      expect(d).toBeDefined();
      const f = compile(e, r?.custom?.params);
      const df = compile(simplify(d as Expr), r?.custom?.params);
      for (let x = -4.05; x <= 4; x += 0.37) {
        expect(Math.abs(df(x) - numeric(f, x))).toBeLessThan(1e-6 * Math.max(1, Math.abs(df(x))));
      }
    });
  }
});
