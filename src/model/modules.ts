/**
 * What the model reader knows about PyTorch and Keras layer names: which are Linear/Dense, which
 * are activations (and how their arguments map to the kernel's parameters), which are dropout,
 * which leave the width alone, and which change it in ways the check cannot follow.
 *
 * Keys are the last component of the resolved dotted name (`torch.nn.LeakyReLU` → `LeakyReLU`),
 * so every import spelling of the same class lands on the same entry.
 */

/** Weight inits the gradient-flow simulation understands (names as in its options). */
export type InitName =
  | 'pytorch_default'
  | 'xavier_uniform'
  | 'xavier_normal'
  | 'he_uniform'
  | 'he_normal'
  | 'lecun_uniform'
  | 'lecun_normal'
  | 'orthogonal';

/**
 * An activation spelling: kernel id, the constructor's positional parameters (PyTorch order, which
 * is also the functional form's order after the input), and fixed parameters the spelling implies.
 */
export interface ActivationSpec {
  readonly id: string;
  readonly positional?: readonly string[];
  /** Keyword names that are another framework's spelling of a kernel parameter. */
  readonly rename?: Readonly<Record<string, string>>;
  readonly fixed?: Readonly<Record<string, number>>;
  /** Said in the report when this spelling is read (an approximation we make). */
  readonly note?: string;
}

/** torch.nn activation modules. `GELU`, `PReLU`, `RReLU` get special handling in the reader. */
export const TORCH_ACTIVATIONS: Readonly<Record<string, ActivationSpec>> = {
  ReLU: { id: 'relu' },
  LeakyReLU: { id: 'leaky_relu', positional: ['negative_slope'] },
  ELU: { id: 'elu', positional: ['alpha'] },
  CELU: { id: 'celu', positional: ['alpha'] },
  SELU: { id: 'selu' },
  GELU: { id: 'gelu' },
  SiLU: { id: 'silu' },
  Mish: { id: 'mish' },
  Sigmoid: { id: 'sigmoid' },
  Tanh: { id: 'tanh' },
  Softplus: { id: 'softplus', positional: ['beta', 'threshold'] },
  Softsign: { id: 'softsign' },
  Hardtanh: { id: 'hardtanh', positional: ['min_val', 'max_val'] },
  Hardswish: { id: 'hardswish' },
  Hardsigmoid: { id: 'hardsigmoid' },
  ReLU6: { id: 'relu6' },
  LogSigmoid: { id: 'logsigmoid' },
  Tanhshrink: { id: 'tanhshrink' },
  Hardshrink: { id: 'hardshrink', positional: ['lambd'] },
  Softshrink: { id: 'softshrink', positional: ['lambd'] },
  PReLU: {
    id: 'leaky_relu',
    note: "PReLU's slope is learned; checked at its initial value (init, default 0.25) as LeakyReLU",
  },
  RReLU: {
    id: 'leaky_relu',
    note: "RReLU's slope is random in training; checked at the mean slope (lower+upper)/2 as LeakyReLU",
  },
};

/** torch / torch.nn.functional / Tensor-method names → the module spelling above. */
export const TORCH_FUNCTIONAL: Readonly<Record<string, string>> = {
  relu: 'ReLU',
  leaky_relu: 'LeakyReLU',
  elu: 'ELU',
  celu: 'CELU',
  selu: 'SELU',
  gelu: 'GELU',
  silu: 'SiLU',
  mish: 'Mish',
  sigmoid: 'Sigmoid',
  tanh: 'Tanh',
  softplus: 'Softplus',
  softsign: 'Softsign',
  hardtanh: 'Hardtanh',
  hardswish: 'Hardswish',
  hardsigmoid: 'Hardsigmoid',
  relu6: 'ReLU6',
  logsigmoid: 'LogSigmoid',
  tanhshrink: 'Tanhshrink',
  hardshrink: 'Hardshrink',
  softshrink: 'Softshrink',
};

/** Keras activation names (strings, `keras.activations.X`, `tf.nn.X`) → kernel spelling. */
export const KERAS_ACTIVATIONS: Readonly<Record<string, ActivationSpec | null>> = {
  linear: null,
  relu: { id: 'relu' },
  sigmoid: { id: 'sigmoid' },
  tanh: { id: 'tanh' },
  selu: { id: 'selu' },
  elu: { id: 'elu' },
  celu: { id: 'celu' },
  // keras.activations.gelu and tf.nn.gelu default to approximate=False: the exact GELU.
  gelu: { id: 'gelu' },
  swish: { id: 'silu' },
  silu: { id: 'silu' },
  softplus: { id: 'softplus' },
  softsign: { id: 'softsign' },
  // Keras 3's hard_sigmoid is relu6(x+3)/6, PyTorch's Hardsigmoid.
  hard_sigmoid: {
    id: 'hardsigmoid',
    note: "hard_sigmoid checked as Keras 3's relu6(x+3)/6 (tf.keras 2 used clip(0.2x+0.5))",
  },
  hard_silu: { id: 'hardswish' },
  hard_swish: { id: 'hardswish' },
  relu6: { id: 'relu6' },
  mish: { id: 'mish' },
  // keras.activations.leaky_relu defaults to negative_slope=0.2 (tf.nn.leaky_relu: alpha=0.2).
  leaky_relu: { id: 'leaky_relu', fixed: { negative_slope: 0.2 } },
  log_sigmoid: { id: 'logsigmoid' },
  tanh_shrink: { id: 'tanhshrink' },
  hard_tanh: { id: 'hardtanh' },
  soft_shrink: { id: 'softshrink' },
  hard_shrink: { id: 'hardshrink' },
};

/** Keras activation *layers* (besides `Activation`). */
export const KERAS_ACTIVATION_LAYERS: Readonly<Record<string, ActivationSpec>> = {
  // Keras 3 calls it negative_slope, tf.keras 2 alpha; both default to 0.3.
  LeakyReLU: {
    id: 'leaky_relu',
    positional: ['negative_slope'],
    rename: { alpha: 'negative_slope' },
    fixed: { negative_slope: 0.3 },
  },
  ELU: { id: 'elu', positional: ['alpha'] },
  // PReLU's alpha_initializer is zeros in Keras: it starts as a ReLU.
  PReLU: {
    id: 'relu',
    note: "PReLU's slope is learned; checked at its initial value 0 (Keras' zeros init) as ReLU",
  },
};

/** Layers that leave the width and the statistics alone (for this check). */
export const NEUTRAL = new Set(['Flatten', 'Identity', 'Unflatten', 'Reshape', 'InputLayer']);

/**
 * Layers that keep the width but change the statistics; the check runs without them and says so.
 */
export const SHAPE_KEEPING = new Set([
  'BatchNorm1d',
  'BatchNorm2d',
  'BatchNorm3d',
  'LayerNorm',
  'GroupNorm',
  'InstanceNorm1d',
  'RMSNorm',
  'LocalResponseNorm',
  'BatchNormalization',
  'LayerNormalization',
  'GroupNormalization',
  'UnitNormalization',
  'Normalization',
  'Softmax',
  'LogSoftmax',
  'Softmin',
  'GaussianNoise',
  'GaussianDropout',
  'Dropout1d',
  'Dropout2d',
  'Dropout3d',
  'FeatureAlphaDropout',
  'SpatialDropout1D',
  'SpatialDropout2D',
  'Threshold',
  'GLU',
  'ActivityRegularization',
]);

/** Keras `kernel_initializer` spellings → simulation init (string form and class form). */
export const KERAS_INITS: Readonly<Record<string, InitName>> = {
  glorot_uniform: 'xavier_uniform',
  GlorotUniform: 'xavier_uniform',
  glorot_normal: 'xavier_normal',
  GlorotNormal: 'xavier_normal',
  he_uniform: 'he_uniform',
  HeUniform: 'he_uniform',
  he_normal: 'he_normal',
  HeNormal: 'he_normal',
  lecun_uniform: 'lecun_uniform',
  LecunUniform: 'lecun_uniform',
  lecun_normal: 'lecun_normal',
  LecunNormal: 'lecun_normal',
  orthogonal: 'orthogonal',
  Orthogonal: 'orthogonal',
};
