import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readModelsInText } from '../../../src/model/parse';
import type { ReadModel } from '../../../src/model/types';

const sample = (name: string): string =>
  readFileSync(join(__dirname, '../../../samples/models', name), 'utf8');

/** A compact view of a model's rows: "line in→out activation(params) d=… a=…". */
function rows(m: ReadModel | undefined): string[] {
  return (m?.rows ?? []).map((r) => {
    const act = r.activation
      ? `${r.activation.id}${Object.keys(r.activation.params).length ? JSON.stringify(r.activation.params) : ''}`
      : '-';
    return `${r.line} ${r.inFeatures}→${r.outFeatures} ${act}${r.dropout ? ` d=${r.dropout}` : ''}${r.alphaDropout ? ` a=${r.alphaDropout}` : ''}`;
  });
}

async function one(text: string): Promise<ReadModel> {
  const models = await readModelsInText(text);
  expect(models).toHaveLength(1);
  return models[0]!;
}

describe('reading the sample models', () => {
  it('deep_sigmoid_mlp.py: an OrderedDict Sequential of eight Linear layers, seven sigmoids', async () => {
    const [m] = await readModelsInText(sample('deep_sigmoid_mlp.py'));
    expect(m).toMatchObject({ name: 'model', framework: 'pytorch', status: 'ok', line: 14 });
    expect(rows(m)).toEqual([
      '18 784→256 sigmoid',
      '20 256→256 sigmoid',
      '22 256→256 sigmoid',
      '24 256→256 sigmoid',
      '26 256→256 sigmoid',
      '28 256→256 sigmoid',
      '30 256→256 sigmoid',
      '32 256→10 -',
    ]);
    expect(m!.rows.map((r) => r.name)).toEqual([
      'fc1',
      'fc2',
      'fc3',
      'fc4',
      'fc5',
      'fc6',
      'fc7',
      'out',
    ]);
    expect(
      m!.rows.every(
        (r) => r.init === 'pytorch_default' && r.biasInit === 'pytorch_default' && r.bias,
      ),
    ).toBe(true);
  });

  it('relu_mlp.py: an nn.Module whose forward applies F.relu / torch.relu / dropout in order', async () => {
    const [m] = await readModelsInText(sample('relu_mlp.py'));
    expect(m).toMatchObject({ name: 'ReluMLP', status: 'ok', line: 8 });
    expect(rows(m)).toEqual([
      '11 784→512 relu',
      '12 512→512 relu d=0.2',
      '13 512→256 relu',
      '15 256→10 -',
    ]);
    // The sizes come from __init__'s parameter defaults, and the report says so.
    expect(m!.notes.map((n) => n.message).join('\n')).toContain(
      '`hidden` = 512: the default of __init__()',
    );
  });

  it('selu_alphadropout.py: SELU + AlphaDropout, re-initialised LeCun-normal with zero bias', async () => {
    const [m] = await readModelsInText(sample('selu_alphadropout.py'));
    expect(m).toMatchObject({ name: 'SNN', status: 'ok' });
    expect(rows(m)).toEqual([
      '14 128→256 selu a=0.05',
      '17 256→256 selu a=0.05',
      '20 256→256 selu a=0.05',
      '23 256→256 selu a=0.05',
      '26 256→256 selu a=0.05',
      '29 256→256 selu a=0.05',
      '32 256→10 -',
    ]);
    expect(new Set(m!.rows.map((r) => `${r.init}×${r.gain} ${r.biasInit}`))).toEqual(
      new Set(['lecun_normal×1 zeros']),
    );
  });

  it('keras_mlp.py: Input shape flattened, Dense widths chained, glorot_uniform and zero bias', async () => {
    const [m] = await readModelsInText(sample('keras_mlp.py'));
    expect(m).toMatchObject({ name: 'model', framework: 'keras', status: 'ok' });
    expect(rows(m)).toEqual([
      '10 784→256 relu d=0.2',
      '12 256→256 relu',
      '13 256→128 leaky_relu{"negative_slope":0.1}',
      '15 128→10 -',
    ]);
    expect(m!.rows.map((r) => r.name)).toEqual(['dense', 'dense_1', 'dense_2', 'dense_3']);
    expect(m!.rows.every((r) => r.init === 'xavier_uniform' && r.biasInit === 'zeros')).toBe(true);
    expect(m!.notes.some((n) => n.line === 15 && n.message.includes('softmax'))).toBe(true);
  });

  it('conv_batchnorm.py: names what it cannot simulate, and declines a conv between Linear layers', async () => {
    const models = await readModelsInText(sample('conv_batchnorm.py'));
    expect(models.map((m) => `${m.name}:${m.status}`)).toEqual([
      'CNN:ok',
      'bn_mlp:ok',
      'conv_in_the_middle:declined',
    ]);
    const [cnn, bn, mid] = models;
    expect(rows(cnn)).toEqual(['23 6272→128 relu', '25 128→10 -']);
    expect(
      cnn!.notes.some(
        (n) =>
          n.line === 17 &&
          n.message.includes('Conv2d') &&
          n.message.includes('starts at the first Linear'),
      ),
    ).toBe(true);
    expect(rows(bn)).toEqual(['33 64→128 tanh', '36 128→10 -']);
    expect(bn!.notes).toContainEqual({ line: 34, message: expect.stringContaining('BatchNorm1d') });
    expect(mid!.reason).toMatch(/line 43: `nn.Conv2d`.*between Linear/);
  });
});

describe('PyTorch spellings', () => {
  it('follows nested Sequentials and import aliases of classes', async () => {
    const m = await one(`
from torch.nn import Linear, Sequential, GELU, Dropout
import torch.nn as tnn
net = Sequential(Sequential(Linear(8, 16), GELU(approximate="tanh")), tnn.Sequential(Linear(16, 4, bias=False), Dropout()))
`);
    expect(rows(m)).toEqual(['4 8→16 gelu_tanh', '4 16→4 - d=0.5']);
    expect(m.rows[1]!.bias).toBe(false);
    expect(m.rows.map((r) => r.name)).toEqual(['0.0', '1.0']);
  });

  it('reads module constants, arithmetic and LeakyReLU/ELU parameters', async () => {
    const m = await one(`
import torch
H = 64
model = torch.nn.Sequential(torch.nn.Linear(2 * H, H // 2), torch.nn.LeakyReLU(0.2), torch.nn.Linear(H // 2, 1), torch.nn.ELU(alpha=0.5))
`);
    expect(rows(m)).toEqual([
      '4 128→32 leaky_relu{"negative_slope":0.2}',
      '4 32→1 elu{"alpha":0.5}',
    ]);
  });

  it('declines a size it cannot read, naming it', async () => {
    const m = await one(`
import torch.nn as nn
def make(n):
    return nn.Sequential(nn.Linear(n, 10), nn.ReLU())
`);
    expect(m.status).toBe('declined');
    expect(m.name).toBe('make()');
    expect(m.reason).toContain('in_features `n`');
  });

  it('declines mismatched widths', async () => {
    const m = await one(
      'import torch.nn as nn\nm = nn.Sequential(nn.Linear(4, 8), nn.Linear(9, 2))\n',
    );
    expect(m.reason).toMatch(/width mismatch.*takes 9 features but receives 8/);
  });

  it('assumes the usual alias when a notebook cell has no import, and says so', async () => {
    const m = await one('m = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2))\n');
    expect(rows(m)).toEqual(['1 4→8 tanh', '1 8→2 -']);
    expect(m.notes.some((n) => n.message.includes('no import of `nn`'))).toBe(true);
  });

  it('reads a forward() with functional dropout, method activations and a final sigmoid', async () => {
    const m = await one(`
import torch
import torch.nn as nn
import torch.nn.functional as F
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(10, 20)
        self.b = nn.Linear(20, 5)
        self.act = nn.SiLU()
    def forward(self, inp):
        batch = inp.shape[0]
        h = self.act(self.a(inp.view(batch, -1)))
        h = F.dropout(h, p=0.3, training=self.training)
        return torch.sigmoid(self.b(h))
`);
    expect(m.name).toBe('Net');
    expect(m.status).toBe('ok');
    expect(rows(m)).toEqual(['8 10→20 silu d=0.3', '9 20→5 sigmoid']);
    const twice = await one(
      'import torch.nn as nn\nclass N(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.b = nn.Linear(2, 2)\n    def forward(self, x):\n        return self.b(x).relu().sigmoid()\n',
    );
    expect(twice.reason).toMatch(/line 7: a second activation/);
  });

  it('declines residual connections and control flow in forward()', async () => {
    const residual = await one(`
import torch.nn as nn
class Res(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)
    def forward(self, x):
        x = x + self.fc(x)
        return x
`);
    expect(residual.status).toBe('declined');
    expect(residual.reason).toContain('line 8: `x + self.fc(x)` is not followed');
    const loop = await one(`
import torch.nn as nn
class Loop(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(8, 8) for _ in range(3)])
    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x
`);
    expect(loop.status).toBe('declined');
    expect(loop.reason).toMatch(/line 8: for in forward\(\) is not followed/);
  });

  it('reads PReLU at its initial slope and RReLU at its mean slope', async () => {
    const m = await one(
      'import torch.nn as nn\nm = nn.Sequential(nn.Linear(4, 4), nn.PReLU(), nn.Linear(4, 4), nn.RReLU(0.1, 0.3))\n',
    );
    expect(m.rows.map((r) => r.activation?.id)).toEqual(['prelu', 'rrelu']);
    expect(m.rows[0]!.activation!.params).toMatchObject({ weight: 0.25 });
  });

  it('applies per-layer and Sequential-wide torch.nn.init calls', async () => {
    const m = await one(`
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(8, 8)
        self.fc2 = nn.Linear(8, 8)
        nn.init.kaiming_normal_(self.fc1.weight, nonlinearity="relu")
        nn.init.xavier_uniform_(self.fc2.weight, gain=nn.init.calculate_gain("tanh"))
    def forward(self, x):
        return self.fc2(self.fc1(x).relu())
`);
    expect(m.rows.map((r) => `${r.init}×${r.gain.toFixed(4)}`)).toEqual([
      'lecun_normal×1.4142',
      'pytorch_default×1.0000',
    ]);
    expect(m.notes.some((n) => n.line === 9 && n.message.includes('gain is not a constant'))).toBe(
      true,
    );
    const seq = await readModelsInText(`
import torch.nn as nn
net = nn.Sequential(nn.Linear(4, 4), nn.Tanh())
def init(m):
    if isinstance(m, nn.Linear):
        nn.init.orthogonal_(m.weight)
net.apply(init)
`);
    expect(seq[0]!.rows[0]!.init).toBe('orthogonal');
  });
});

describe('Keras spellings', () => {
  it('reads tf.keras with input_shape, kernel_initializer and activation references', async () => {
    const m = await one(`
import tensorflow as tf
model = tf.keras.Sequential([
    tf.keras.layers.Dense(32, activation=tf.nn.relu, input_shape=(16,), kernel_initializer="he_normal"),
    tf.keras.layers.Dense(8, activation="selu", kernel_initializer=tf.keras.initializers.LecunNormal()),
    tf.keras.layers.AlphaDropout(0.1),
    tf.keras.layers.Dense(1, use_bias=False),
])
`);
    expect(rows(m)).toEqual(['4 16→32 relu', '5 32→8 selu a=0.1', '7 8→1 -']);
    expect(m.rows.map((r) => r.init)).toEqual(['he_normal', 'lecun_normal', 'xavier_uniform']);
    expect(m.rows[2]!.bias).toBe(false);
  });

  it('reads model.add(...) after an empty Sequential, and LeakyReLU with Keras 2 alpha', async () => {
    const m = await one(`
from keras.models import Sequential
from keras.layers import Dense, LeakyReLU, Activation
model = Sequential()
model.add(Dense(64, input_dim=20))
model.add(LeakyReLU(alpha=0.1))
model.add(Dense(1))
model.add(Activation("sigmoid"))
`);
    expect(rows(m)).toEqual(['5 20→64 leaky_relu{"negative_slope":0.1}', '7 64→1 sigmoid']);
  });

  it('declines a model whose input width is unknown, saying how to fix it', async () => {
    const m = await one(
      'import keras\nm = keras.Sequential([keras.layers.Dense(4), keras.layers.Dense(2)])\n',
    );
    expect(m.status).toBe('declined');
    expect(m.reason).toContain('keras.Input(shape=(n,))');
  });

  it('declines two activations after one Dense', async () => {
    const m = await one(
      'import keras\nm = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Activation("tanh")])\n',
    );
    expect(m.reason).toMatch(/second activation/);
  });

  it('declines subclassed Keras models', async () => {
    const m = await one(
      'import keras\nclass M(keras.Model):\n    def call(self, x):\n        return x\n',
    );
    expect(m).toMatchObject({ framework: 'keras', status: 'declined' });
  });
});

describe('text that is not a model', () => {
  it('finds nothing in plain Python, broken Python or an empty file', async () => {
    expect(await readModelsInText('')).toEqual([]);
    expect(await readModelsInText('def f(x):\n    return x + 1\n')).toEqual([]);
    const broken = await readModelsInText('model = nn.Sequential(nn.Linear(4, ');
    expect(broken.every((m) => m.status === 'declined' || m.rows.length > 0)).toBe(true);
  });
});
