import { describe, expect, it } from 'vitest';
import { at } from './helpers';

const TORCH = 'import torch\nimport torch.nn.functional as F\nfrom torch import nn\n';
const KERAS = 'import keras\nfrom keras import layers\n';

describe('Python recogniser: PyTorch', () => {
  it('reads nn.LeakyReLU with PyTorch’s default slope 0.01 when no argument is given', async () => {
    const r = await at(`${TORCH}act = nn.LeakyReLU()\n`, 'LeakyReLU');
    expect(r?.id).toBe('leaky_relu');
    expect(r?.spelling.qualifiedName).toBe('torch.nn.LeakyReLU');
    expect(r?.params).toEqual({ negative_slope: 0.01 });
    expect(r?.sources.negative_slope).toBe('framework-default');
  });

  it('binds positional and keyword literals and ignores inplace', async () => {
    const pos = await at(`${TORCH}nn.LeakyReLU(0.2, True)\n`, 'Leaky');
    expect(pos?.params).toEqual({ negative_slope: 0.2 });
    expect(pos?.ignored).toEqual(['inplace']);
    const kw = await at(`${TORCH}nn.LeakyReLU(negative_slope=0.2, inplace=True)\n`, 'Leaky');
    expect(kw?.params).toEqual({ negative_slope: 0.2 });
    expect(kw?.sources.negative_slope).toBe('given');
    expect(kw?.ignored).toEqual(['inplace']);
  });

  it('reads nn.Hardtanh(-2, 2), nn.ELU(alpha=0.5), nn.Softplus(beta=2) and RReLU(1/8, 1/3)', async () => {
    expect((await at(`${TORCH}nn.Hardtanh(-2, 2)\n`, 'Hardtanh'))?.params).toEqual({
      min_val: -2,
      max_val: 2,
    });
    expect((await at(`${TORCH}nn.ELU(alpha=0.5)\n`, 'ELU'))?.params).toEqual({ alpha: 0.5 });
    expect((await at(`${TORCH}nn.Softplus(beta=2)\n`, 'Softplus'))?.params).toEqual({
      beta: 2,
      threshold: 20,
    });
    expect((await at(`${TORCH}nn.RReLU(1/8, (1/3))\n`, 'RReLU'))?.params).toEqual({
      lower: 1 / 8,
      upper: 1 / 3,
    });
  });

  it('selects gelu_tanh from approximate="tanh" and gelu otherwise', async () => {
    expect((await at(`${TORCH}nn.GELU(approximate="tanh")\n`, 'GELU'))?.id).toBe('gelu_tanh');
    expect((await at(`${TORCH}nn.GELU()\n`, 'GELU'))?.id).toBe('gelu');
    expect((await at(`${TORCH}y = F.gelu(x, approximate='tanh')\n`, 'gelu'))?.id).toBe('gelu_tanh');
    expect((await at(`${TORCH}y = F.gelu(x)\n`, 'gelu'))?.id).toBe('gelu');
  });

  it('names a non-literal argument as unknown and keeps the default', async () => {
    const r = await at(`${TORCH}nn.LeakyReLU(cfg.slope)\n`, 'Leaky');
    expect(r?.params).toEqual({ negative_slope: 0.01 });
    expect(r?.unknown).toEqual([{ arg: 'negative_slope', text: 'cfg.slope' }]);
    const sel = await at(`${TORCH}nn.GELU(approximate=mode)\n`, 'GELU');
    expect(sel?.id).toBe('gelu');
    expect(sel?.unknown).toEqual([{ arg: 'approximate', text: 'mode' }]);
  });

  it('recognises torch.sigmoid, torch.tanh, torch.relu, torch.special.expit and F.x', async () => {
    expect((await at(`${TORCH}torch.sigmoid(x)\n`, 'sigmoid'))?.id).toBe('sigmoid');
    expect((await at(`${TORCH}torch.tanh(x)\n`, 'tanh'))?.id).toBe('tanh');
    expect((await at(`${TORCH}torch.relu(x)\n`, 'relu'))?.id).toBe('relu');
    expect((await at(`${TORCH}torch.special.expit(x)\n`, 'expit'))?.spelling.qualifiedName).toBe(
      'torch.special.expit',
    );
    expect((await at(`${TORCH}F.silu(x)\n`, 'silu'))?.id).toBe('silu');
    expect((await at(`${TORCH}F.leaky_relu(x, 0.1)\n`, 'leaky'))?.params).toEqual({
      negative_slope: 0.1,
    });
  });

  it('follows nn.functional through any import alias', async () => {
    expect((await at('import torch.nn as tnn\ntnn.functional.relu6(x)\n', 'relu6'))?.id).toBe(
      'relu6',
    );
    expect((await at('from torch.nn import functional as Fn\nFn.mish(x)\n', 'mish'))?.id).toBe(
      'mish',
    );
    expect(
      (await at('from torch.nn import LeakyReLU\nLeakyReLU(0.3)\n', 'LeakyReLU(0'))?.params,
    ).toEqual({ negative_slope: 0.3 });
    expect((await at('import torch\ntorch.nn.functional.hardswish(x)\n', 'hardswish'))?.id).toBe(
      'hardswish',
    );
  });

  it('uses the call when the cursor is on an argument, and highlights the name', async () => {
    const text = `${TORCH}m = nn.LeakyReLU(0.25)\n`;
    const r = await at(text, '0.25');
    expect(r?.params).toEqual({ negative_slope: 0.25 });
    expect(text.slice(r?.start, r?.end)).toBe('nn.LeakyReLU');
  });

  it('reads PReLU init and Threshold’s required arguments', async () => {
    expect((await at(`${TORCH}nn.PReLU(init=0.1)\n`, 'PReLU'))?.params).toEqual({ weight: 0.1 });
    expect((await at(`${TORCH}nn.PReLU()\n`, 'PReLU'))?.params).toEqual({ weight: 0.25 });
    expect((await at(`${TORCH}nn.Threshold(0.1, 20)\n`, 'Threshold'))?.params).toEqual({
      threshold: 0.1,
      value: 20,
    });
  });

  it('reads activation="gelu" of torch Transformer layers as F.gelu', async () => {
    const r = await at(`${TORCH}nn.TransformerEncoderLayer(512, 8, activation="gelu")\n`, '"gelu"');
    expect(r?.spelling.qualifiedName).toBe('torch.nn.functional.gelu');
  });

  it('reads tensor-method calls (issue #14) but not attributes or unrelated names', async () => {
    expect((await at(`${TORCH}y = x.relu()\n`, 'relu'))?.id).toBe('relu');
    expect((await at(`${TORCH}y = F.softplus(x).tanh()\n`, 'tanh'))?.id).toBe('tanh');
    expect(await at(`${TORCH}y = x.softmax(-1)\n`, 'softmax')).toBeUndefined();
    expect(await at(`import numpy as np\ny = np.tanh(x)\n`, 'tanh')).toBeUndefined();
    expect(await at(`${TORCH}y = model.sigmoid\n`, 'sigmoid')).toBeUndefined();
    expect(await at(`${TORCH}nn.Linear(3, 4)\n`, 'Linear')).toBeUndefined();
    expect(await at(`${TORCH}# nn.GELU in a comment\n`, 'GELU')).toBeUndefined();
  });
});

describe('Python recogniser: Keras and TensorFlow', () => {
  it('keras.layers.LeakyReLU defaults to 0.3, keras.activations.leaky_relu to 0.2', async () => {
    const layer = await at(`${KERAS}layers.LeakyReLU()\n`, 'Leaky');
    expect(layer?.params).toEqual({ negative_slope: 0.3 });
    expect(layer?.spelling.framework).toBe('keras');
    const fn = await at(`${KERAS}keras.activations.leaky_relu(x)\n`, 'leaky');
    expect(fn?.params).toEqual({ negative_slope: 0.2 });
  });

  it('follows `from keras import layers as L` and accepts Keras 2’s alpha with a note', async () => {
    const r = await at('from keras import layers as L\nL.LeakyReLU(negative_slope=0.1)\n', 'Leaky');
    expect(r?.params).toEqual({ negative_slope: 0.1 });
    const old = await at('from keras import layers as L\nL.LeakyReLU(alpha=0.2)\n', 'Leaky');
    expect(old?.params).toEqual({ negative_slope: 0.2 });
    expect(old?.notes.join(' ')).toContain('alpha');
  });

  it('tf.keras.layers.LeakyReLU takes alpha, default 0.3', async () => {
    const r = await at('import tensorflow as tf\ntf.keras.layers.LeakyReLU(alpha=0.05)\n', 'Leaky');
    expect(r?.params).toEqual({ negative_slope: 0.05 });
    expect(
      (await at('import tensorflow as tf\ntf.keras.layers.LeakyReLU()\n', 'Leaky'))?.params,
    ).toEqual({ negative_slope: 0.3 });
  });

  it('reads activation="selu" and Activation("gelu") as Keras string ids', async () => {
    const s = await at(`${KERAS}layers.Dense(64, activation="selu")\n`, '"selu"');
    expect(s?.id).toBe('selu');
    expect(s?.spelling.framework).toBe('keras');
    const g = await at(`${KERAS}layers.Activation("gelu")\n`, 'gelu');
    expect(g?.id).toBe('gelu');
    expect((await at(`${KERAS}layers.Dense(8, activation='swish')\n`, 'swish'))?.id).toBe('silu');
    expect((await at(`${KERAS}layers.Dense(8, activation='linear')\n`, 'linear'))?.id).toBe(
      'identity',
    );
  });

  it('Keras 3 hard_sigmoid is relu6(x+3)/6 and says Keras 2 differs', async () => {
    const r = await at(`${KERAS}layers.Dense(8, activation="hard_sigmoid")\n`, 'hard_sigmoid');
    expect(r?.id).toBe('hardsigmoid');
    expect(r?.alternatives.map((a) => a.id)).toEqual(['hard_sigmoid_linear']);
    const tf2 = await at(
      'import tensorflow as tf\ntf.keras.activations.hard_sigmoid(x)\n',
      'hard_sigmoid',
    );
    expect(tf2?.id).toBe('hard_sigmoid_linear');
    expect(tf2?.alternatives.map((a) => a.id)).toEqual(['hardsigmoid']);
  });

  it('keras.layers.ReLU(max_value=6) is relu6; other max_values are flagged', async () => {
    expect((await at(`${KERAS}layers.ReLU(max_value=6.0)\n`, 'ReLU'))?.id).toBe('relu6');
    const r = await at(`${KERAS}layers.ReLU(max_value=3)\n`, 'ReLU');
    expect(r?.id).toBe('relu');
    expect(r?.notes.join(' ')).toContain('max_value=3');
  });

  it('keras.layers.PReLU starts its slope at 0, squareplus b=4, elu alpha=1', async () => {
    const p = await at(`${KERAS}layers.PReLU()\n`, 'PReLU');
    expect(p?.params).toEqual({ weight: 0 });
    expect(p?.sources.weight).toBe('fixed');
    expect((await at(`${KERAS}keras.activations.squareplus(x)\n`, 'squareplus'))?.params).toEqual({
      b: 4,
    });
    expect((await at(`${KERAS}layers.ELU()\n`, 'ELU'))?.params).toEqual({ alpha: 1 });
    expect(
      (await at(`${KERAS}keras.activations.soft_shrink(x, 0.2)\n`, 'soft_shrink'))?.params,
    ).toEqual({ lambd: 0.2 });
  });

  it('tf.nn.leaky_relu defaults to alpha=0.2; tf.math.softplus; tf.nn.gelu approximate', async () => {
    const TF = 'import tensorflow as tf\n';
    expect((await at(`${TF}tf.nn.leaky_relu(x)\n`, 'leaky'))?.params).toEqual({
      negative_slope: 0.2,
    });
    expect((await at(`${TF}tf.nn.leaky_relu(x, alpha=0.1)\n`, 'leaky'))?.params).toEqual({
      negative_slope: 0.1,
    });
    expect((await at(`${TF}tf.math.softplus(x)\n`, 'softplus'))?.spelling.framework).toBe('tf');
    expect((await at(`${TF}tf.nn.gelu(x)\n`, 'gelu'))?.id).toBe('gelu');
    expect((await at(`${TF}tf.nn.gelu(x, approximate=True)\n`, 'gelu'))?.id).toBe('gelu_tanh');
  });
});

describe('Python recogniser: JAX and Flax', () => {
  it('jax.nn.gelu defaults to the tanh form; approximate=False is exact', async () => {
    const J = 'import jax\n';
    const d = await at(`${J}jax.nn.gelu(x)\n`, 'gelu');
    expect(d?.id).toBe('gelu_tanh');
    expect(d?.notes.join(' ')).toContain('approximate=True');
    expect((await at(`${J}jax.nn.gelu(x, approximate=False)\n`, 'gelu'))?.id).toBe('gelu');
    expect((await at(`${J}jax.nn.leaky_relu(x)\n`, 'leaky'))?.params).toEqual({
      negative_slope: 0.01,
    });
    expect((await at(`${J}jax.nn.celu(x)\n`, 'celu'))?.params).toEqual({ alpha: 1 });
    expect((await at(`${J}jax.nn.squareplus(x)\n`, 'squareplus'))?.params).toEqual({ b: 4 });
    expect((await at('from jax import nn as jnn\njnn.hard_sigmoid(x)\n', 'hard_sigmoid'))?.id).toBe(
      'hardsigmoid',
    );
  });

  it('Flax’s nn.gelu (import flax.linen as nn) is jax’s tanh GELU, not PyTorch’s nn.GELU', async () => {
    const FL = 'import flax.linen as nn\n';
    const r = await at(`${FL}y = nn.gelu(x)\n`, 'gelu');
    expect(r?.id).toBe('gelu_tanh');
    expect(r?.spelling.framework).toBe('flax');
    expect(r?.spelling.qualifiedName).toBe('flax.linen.gelu');
    expect(await at(`${FL}y = nn.GELU()\n`, 'GELU')).toBeUndefined();
    expect((await at(`${FL}nn.PReLU()\n`, 'PReLU'))?.params).toEqual({ weight: 0.01 });
    expect((await at('from flax import nnx\nnnx.relu(x)\n', 'relu'))?.spelling.qualifiedName).toBe(
      'flax.nnx.relu',
    );
    expect((await at(`${FL}nn.tanh(x)\n`, 'tanh'))?.id).toBe('tanh');
  });

  it('without imports, guesses from the casing and says so', async () => {
    const lower = await at('y = nn.gelu(x)\n', 'gelu');
    expect(lower?.spelling.framework).toBe('flax');
    expect(lower?.notes.join(' ')).toContain('not imported');
    const upper = await at('y = nn.GELU()\n', 'GELU');
    expect(upper?.spelling.framework).toBe('pytorch');
    expect(upper?.notes.join(' ')).toContain('assuming torch.nn');
  });

  it('when an alias is imported from two frameworks, shows the other reading', async () => {
    const text =
      'try:\n    import flax.linen as nn\nexcept ImportError:\n    import torch.nn.functional as nn\ny = nn.gelu(x)\n';
    const r = await at(text, 'gelu(x)');
    expect(r?.id).toBe('gelu_tanh');
    expect(r?.alternatives).toEqual([
      expect.objectContaining({ id: 'gelu', qualifiedName: 'torch.nn.functional.gelu' }),
    ]);
  });
});

describe('Python recogniser: Hugging Face', () => {
  it('reads ACT2FN keys, hidden_act= and config dicts', async () => {
    const a = await at(
      'from transformers.activations import ACT2FN\nact = ACT2FN["gelu_new"]\n',
      'gelu_new',
    );
    expect(a?.id).toBe('gelu_tanh');
    expect(a?.spelling.framework).toBe('huggingface');
    expect((await at('act = ACT2FN["gelu_new"]\n', 'ACT2FN'))?.id).toBe('gelu_tanh');
    expect((await at('cfg = BertConfig(hidden_act="gelu")\n', 'gelu'))?.id).toBe('gelu');
    expect((await at('cfg = {"hidden_act": "quick_gelu"}\n', 'quick'))?.id).toBe('quick_gelu');
    expect((await at('class C:\n    hidden_act = "relu2"\n', 'relu2'))?.id).toBe('relu2');
    expect((await at('get_activation("silu")\n', 'silu'))?.id).toBe('silu');
  });

  it('says gelu_accurate is the tanh approximation and leaky_relu uses torch’s 0.01', async () => {
    const r = await at('ACT2FN["gelu_accurate"]\n', 'gelu_accurate');
    expect(r?.id).toBe('gelu_tanh');
    expect(r?.notes.join(' ')).toContain('same tanh approximation');
    expect((await at('ACT2FN["leaky_relu"]\n', 'leaky'))?.notes.join(' ')).toContain('0.01');
    expect(await at('ACT2FN["no_such_act"]\n', 'no_such')).toBeUndefined();
  });
});

describe('samples/hover: the defaults sheet', () => {
  it('reads each line with its own framework default', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const text = readFileSync(join(__dirname, '../../../samples/hover/defaults.py'), 'utf8');
    const slope = async (marker: string) => (await at(text, marker))?.params.negative_slope;
    expect(await slope('nn.LeakyReLU()')).toBe(0.01);
    expect(await slope('F.leaky_relu')).toBe(0.01);
    expect(await slope('layers.LeakyReLU()')).toBe(0.3);
    expect(await slope('keras.activations.leaky_relu')).toBe(0.2);
    expect(await slope('"leaky_relu"')).toBe(0.2);
    expect(await slope('tf.nn.leaky_relu')).toBe(0.2);
    expect(await slope('jax.nn.leaky_relu')).toBe(0.01);
    expect((await at(text, 'nn.GELU()'))?.id).toBe('gelu');
    expect((await at(text, 'jax.nn.gelu'))?.id).toBe('gelu_tanh');
    expect((await at(text, 'nn.PReLU()'))?.params.weight).toBe(0.25);
    expect((await at(text, 'layers.PReLU()'))?.params.weight).toBe(0);
  });
});
