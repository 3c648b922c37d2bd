import { describe, expect, it } from 'vitest';
import { pythonParser } from '../../../src/language/treeSitter';
import type { BuildOptions } from '../../../src/model/read/index';
import { buildKerasGraphInTree, findKerasModels, kerasSnake } from '../../../src/model/read/keras';

async function build(src: string, expr: string, options: BuildOptions = {}) {
  const parser = await pythonParser();
  const tree = parser.parse(src)!;
  const et = parser.parse(expr)!;
  return buildKerasGraphInTree(tree, et, expr, options);
}

const SEQ = `
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(8, 3, activation="relu"),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dense(32, activation="selu"),
    layers.Dropout(0.1),
    layers.Dense(10, name="logits"),
])
`;

describe('Keras reader', () => {
  it('names layers as Keras does', () => {
    expect(
      [
        'Dense',
        'Conv2D',
        'ReLU',
        'BatchNormalization',
        'MaxPooling2D',
        'GlobalAveragePooling2D',
        'LayerNormalization',
      ].map(kerasSnake),
    ).toEqual([
      'dense',
      'conv2d',
      're_lu',
      'batch_normalization',
      'max_pooling2d',
      'global_average_pooling2d',
      'layer_normalization',
    ]);
  });

  it('reads a Sequential with keras.Input: NHWC input, rows by layer name, Keras inits', async () => {
    const r = await build(SEQ, 'model');
    if (!r.ok) throw new Error(r.reason);
    expect(r.inputShape).toEqual([8, 28, 28, 1]);
    const rows = [...new Set(r.graph.nodes.flatMap((n) => (n.row ? [n.row] : [])))];
    expect(rows).toEqual(['conv2d', 'max_pooling2d', 'flatten', 'dense', 'dropout', 'logits']);
    const conv = r.graph.nodes.find((n) => n.op.op === 'conv')!;
    expect(conv.op).toMatchObject({
      inChannels: 1,
      outChannels: 8,
      kernel: [3, 3],
      padding: [0, 0],
    });
    // glorot_uniform with Keras' fans: 9·1 in, 9·8 out.
    if (conv.op.op === 'conv') {
      expect(conv.op.weight.init).toMatchObject({ kind: 'uniform' });
      if (conv.op.weight.init.kind === 'uniform')
        expect(conv.op.weight.init.high).toBeCloseTo(Math.sqrt(6 / (9 + 72)), 12);
      expect(conv.op.bias?.init).toEqual({ kind: 'zeros' });
    }
    const dense = r.graph.nodes.filter((n) => n.op.op === 'linear');
    expect(dense.map((n) => n.op.op === 'linear' && n.op.inFeatures)).toEqual([13 * 13 * 8, 32]);
    expect(
      r.graph.nodes.some(
        (n) => n.op.op === 'activation' && n.op.id === 'selu' && n.row === 'dense',
      ),
    ).toBe(true);
  });

  it('gives a user input shape precedence and says so', async () => {
    const r = await build(SEQ, 'model', { inputShape: [4, 32, 32, 1] });
    if (!r.ok) throw new Error(r.reason);
    expect(r.inputShape).toEqual([4, 32, 32, 1]);
    expect(r.notes.join('\n')).toMatch(/read with the given input shape/);
  });

  it('reads the functional API with residual adds and module-level rebinding', async () => {
    const src = `
from tensorflow import keras
from tensorflow.keras import layers
inputs = keras.Input(shape=(16,))
x = layers.Dense(16, activation="relu")(inputs)
x = layers.Add()([x, inputs])
x = layers.LayerNormalization()(x)
outputs = layers.Dense(1)(x)
net = keras.Model(inputs, outputs)
`;
    const r = await build(src, 'net');
    if (!r.ok) throw new Error(r.reason);
    expect(r.graph.nodes.map((n) => n.op.op)).toEqual([
      'input',
      'linear',
      'activation',
      'add',
      'layer_norm',
      'linear',
    ]);
    const ln = r.graph.nodes.find((n) => n.op.op === 'layer_norm')!;
    expect(ln.op).toMatchObject({ eps: 1e-3, normalizedShape: [16] });
    expect(r.graph.nodes.map((n) => n.row ?? '')).toEqual([
      '',
      'dense',
      'dense',
      'add',
      'layer_normalization',
      'dense_1',
    ]);
  });

  it('reads a subclassed model given an input shape, and declines without one', async () => {
    const src = `
import keras
class Net(keras.Model):
    def __init__(self, hidden=32):
        super().__init__()
        self.fc = keras.layers.Dense(hidden, activation="gelu")
        self.out = keras.layers.Dense(2)
    def call(self, x):
        return self.out(self.fc(x))
`;
    const no = await build(src, 'Net()');
    expect(no.ok).toBe(false);
    if (!no.ok) expect(no.reason).toMatch(/give an input shape/);
    const r = await build(src, 'Net(hidden=8)', { inputShape: [4, 5] });
    if (!r.ok) throw new Error(r.reason);
    expect(
      r.graph.nodes
        .filter((n) => n.op.op === 'linear')
        .map((n) => n.op.op === 'linear' && n.op.outFeatures),
    ).toEqual([8, 2]);
    // Keras 3's gelu is exact (approximate=False).
    expect(r.graph.nodes.some((n) => n.op.op === 'activation' && n.op.id === 'gelu')).toBe(true);
  });

  it('declines a layer it cannot simulate with the construct and its line', async () => {
    const src = `
import keras
from keras import layers
m = keras.Sequential([keras.Input(shape=(8, 4)), layers.LSTM(4), layers.Dense(1)])
`;
    const r = await build(src, 'm');
    expect(r).toMatchObject({ ok: false, line: 4 });
    if (!r.ok) expect(r.reason).toMatch(/LSTM is not simulated/);
  });

  it('runs a Lambda layer’s function on the tensors, its ops forming the Lambda’s row', async () => {
    const src = `
import keras
from keras import layers
inputs = keras.Input(shape=(8,))
a = layers.Dense(8)(inputs)
mixed = layers.Lambda(lambda xs, scale: xs[0] + xs[1] * scale, arguments={"scale": 0.2}, name="mix")([inputs, a])
net = keras.Model(inputs, mixed)
`;
    const r = await build(src, 'net');
    if (!r.ok) throw new Error(r.reason);
    const mix = r.graph.nodes.filter((n) => n.row === 'mix').map((n) => n.op.op);
    expect(mix).toEqual(['affine_const', 'add']);
  });

  it('finds Sequentials, model-building functions and subclasses', async () => {
    const src = `
import keras
from keras import layers
def build(units=4, weights="imagenet"):
    inputs = keras.Input(shape=(3,))
    return keras.Model(inputs, layers.Dense(units)(inputs))
class Sub(keras.Model):
    def call(self, x):
        return x
seq = keras.Sequential([layers.Dense(2)])
`;
    const parser = await pythonParser();
    const found = findKerasModels(parser.parse(src)!, (e) => parser.parse(e));
    expect(found.map((m) => [m.name, m.kind, m.checkable, m.expr])).toEqual([
      ['build', 'factory', true, 'build(weights=None)'],
      ['Sub', 'class', false, 'Sub()'],
      ['seq', 'sequential', false, 'seq'],
    ]);
    expect(found[2]!.reason).toMatch(/input shape is not in the file/);
  });
});
