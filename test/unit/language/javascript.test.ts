import { describe, expect, it } from 'vitest';
import { at } from './helpers';

const TFJS = "import * as tf from '@tensorflow/tfjs';\n";

describe('TF.js recogniser (TypeScript/JavaScript)', () => {
  it('tf.leakyRelu defaults to alpha=0.2, tf.layers.leakyReLU to 0.3', async () => {
    const op = await at(`${TFJS}const y = tf.leakyRelu(x);\n`, 'leakyRelu', 'typescript');
    expect(op?.params).toEqual({ negative_slope: 0.2 });
    expect(op?.spelling.framework).toBe('tfjs');
    const layer = await at(`${TFJS}tf.layers.leakyReLU();\n`, 'leakyReLU', 'typescript');
    expect(layer?.params).toEqual({ negative_slope: 0.3 });
  });

  it('reads literal arguments, positional and in an options object', async () => {
    expect((await at(`${TFJS}tf.leakyRelu(x, 0.1)`, 'leakyRelu', 'javascript'))?.params).toEqual({
      negative_slope: 0.1,
    });
    expect((await at(`${TFJS}tf.leakyRelu(x, -0.5)`, 'leakyRelu', 'javascript'))?.params).toEqual({
      negative_slope: -0.5,
    });
    const opt = await at(
      `${TFJS}tf.layers.leakyReLU({ alpha: 0.05, name: 'lk' })`,
      'leaky',
      'typescript',
    );
    expect(opt?.params).toEqual({ negative_slope: 0.05 });
    expect(opt?.ignored).toEqual(['name']);
    const multi = await at(
      `${TFJS}tf.layers.elu({\n  alpha: 0.5, // comment\n})`,
      'elu',
      'typescript',
    );
    expect(multi?.params).toEqual({ alpha: 0.5 });
  });

  it('names a non-literal option as unknown and shows the default', async () => {
    const r = await at(`${TFJS}tf.layers.leakyReLU({ alpha: cfg.alpha })`, 'leaky', 'typescript');
    expect(r?.params).toEqual({ negative_slope: 0.3 });
    expect(r?.unknown).toEqual([{ arg: 'alpha', text: 'cfg . alpha' }]);
    const short = await at(`${TFJS}tf.layers.leakyReLU({ alpha })`, 'leaky', 'typescript');
    expect(short?.unknown.map((u) => u.arg)).toEqual(['alpha']);
  });

  it('reads activation string ids; hardSigmoid is the 0.2x+0.5 one', async () => {
    const r = await at(
      `${TFJS}tf.layers.dense({ units: 4, activation: 'relu' })`,
      "'relu'",
      'typescript',
    );
    expect(r?.id).toBe('relu');
    const hs = await at(
      `${TFJS}tf.layers.dense({ units: 4, activation: "hardSigmoid" })`,
      'hardSigmoid',
      'javascript',
    );
    expect(hs?.id).toBe('hard_sigmoid_linear');
    expect(
      (await at(`${TFJS}tf.layers.dense({ activation: 'swish' })`, 'swish', 'javascript'))?.id,
    ).toBe('silu');
    expect(await at(`${TFJS}const o = { kind: 'relu' }`, "'relu'", 'javascript')).toBeUndefined();
  });

  it('tf.layers.prelu starts at 0; thresholdedReLU is threshold with value 0; reLU({maxValue: 6}) is relu6', async () => {
    expect((await at(`${TFJS}tf.layers.prelu()`, 'prelu', 'typescript'))?.params).toEqual({
      weight: 0,
    });
    expect(
      (await at(`${TFJS}tf.layers.thresholdedReLU({ theta: 2 })`, 'thresholded', 'typescript'))
        ?.params,
    ).toEqual({
      threshold: 2,
      value: 0,
    });
    expect((await at(`${TFJS}tf.layers.reLU({ maxValue: 6 })`, 'reLU', 'typescript'))?.id).toBe(
      'relu6',
    );
    expect((await at(`${TFJS}tf.layers.reLU()`, 'reLU', 'typescript'))?.id).toBe('relu');
  });

  it('follows import aliases and named imports; ignores members of other objects', async () => {
    expect(
      (await at("import * as tfn from '@tensorflow/tfjs-node';\ntfn.relu(x)", 'relu', 'javascript'))
        ?.id,
    ).toBe('relu');
    expect(
      (await at("const tfx = require('@tensorflow/tfjs');\ntfx.selu(x)", 'selu', 'javascript'))?.id,
    ).toBe('selu');
    expect(
      (
        await at(
          "import { layers } from '@tensorflow/tfjs';\nlayers.leakyReLU()",
          'leaky',
          'typescript',
        )
      )?.params,
    ).toEqual({
      negative_slope: 0.3,
    });
    expect(await at(`${TFJS}model.tf.relu(x)`, 'relu', 'typescript')).toBeUndefined();
    expect(await at(`${TFJS}// tf.relu(x)`, 'relu', 'typescript')).toBeUndefined();
  });

  it('highlights the whole member chain', async () => {
    const text = `${TFJS}const y = tf.layers.leakyReLU({ alpha: 0.1 });`;
    const r = await at(text, 'layers', 'typescriptreact');
    expect(text.slice(r?.start, r?.end)).toBe('tf.layers.leakyReLU');
  });
});

describe('JSON recogniser (config.json, model JSON)', () => {
  it('reads hidden_act and activation_function as Hugging Face keys', async () => {
    const text = '{\n  "hidden_act": "gelu_new",\n  "activation_function": "quick_gelu"\n}';
    const r = await at(text, 'gelu_new', 'json');
    expect(r?.id).toBe('gelu_tanh');
    expect(r?.spelling.framework).toBe('huggingface');
    expect(text.slice(r?.start, r?.end)).toBe('"gelu_new"');
    expect((await at(text, 'quick_gelu', 'json'))?.id).toBe('quick_gelu');
  });

  it('reads "activation" as a Keras id, tolerating comments and trailing commas', async () => {
    const text = '// model\n{"layers": [{"config": {"activation": "selu",}}],}';
    expect((await at(text, 'selu', 'jsonc'))?.id).toBe('selu');
  });

  it('ignores keys and values that are not activations, and broken JSON', async () => {
    expect(await at('{"model_type": "gelu"}', 'gelu', 'json')).toBeUndefined();
    expect(await at('{"hidden_act": "gelu_new"', 'gelu_new', 'json')).toBeDefined();
    expect(await at('{"hidden_act": ', 'hidden', 'json')).toBeUndefined();
  });
});
