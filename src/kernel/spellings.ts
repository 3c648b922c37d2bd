import type { Framework } from './types';

/**
 * How each framework spells each activation, with THAT framework's own argument names, positional
 * order and defaults, mapped onto the kernel's PyTorch parameter names. The defaults differ between
 * frameworks and that is the point: a hover must say which one is in effect.
 *
 * Checked against the frameworks' sources (via the code search, Nov 2026):
 * - PyTorch: torch/nn/modules/activation.py, torch/nn/functional.py (signatures and defaults).
 * - Keras 3: keras/src/activations/__init__.py (ALL_OBJECTS_DICT: the string ids, incl. the
 *   `swish` and `hard_swish` aliases), keras/src/activations/activations.py (leaky_relu 0.2,
 *   hard_sigmoid = relu6(x+3)/6, squareplus b=4, elu/celu alpha=1, gelu approximate=False),
 *   keras/src/layers/activations/leaky_relu.py (negative_slope=0.3; Keras 2's `alpha`).
 * - JAX: jax/_src/nn/functions.py (leaky_relu negative_slope=1e-2, gelu approximate=True,
 *   celu/elu alpha=1.0, squareplus b=4); Flax: flax/linen/activation.py and
 *   flax/nnx/nn/activations.py re-export jax.nn, PReLU negative_slope_init=0.01.
 * - TF.js: tfjs-layers/src/keras_format/activation_config.ts and src/activations.ts (string ids,
 *   'hardSigmoid' = clip(0.2x+0.5)), tfjs-core leakyRelu alpha=0.2, tfjs-layers LeakyReLU alpha=0.3.
 * - Hugging Face: src/transformers/activations.py (ACT2CLS). `gelu_accurate` there computes
 *   0.5x(1+tanh(√(2/π)(x+0.044715x³))) — the same expression as `gelu_new`, despite its name.
 */

/** A literal value as written in source (numbers, strings, booleans, None/null). */
export type ArgValue = number | string | boolean | null;

export interface SpellingArg {
  /** The framework's own argument name. */
  readonly name: string;
  /** The kernel (PyTorch) parameter this argument sets. */
  readonly param?: string;
  /** The framework's default; absent when the argument is required. */
  readonly default?: ArgValue;
  /**
   * `input`: the tensor (skipped when matching positions); `select`: chooses the kernel id (see
   * {@link Spelling.when}); `ignored`: no effect on the function (inplace, name, dtype…);
   * `unsupported`: changes the function in a way the kernel does not model unless at its default.
   */
  readonly role?: 'input' | 'select' | 'ignored' | 'unsupported';
  /** Other names the framework accepts for it (Keras 3 still takes Keras 2's `alpha`). */
  readonly aliases?: readonly string[];
}

export type SpellingKind =
  /** A class instantiated with config args (`torch.nn.LeakyReLU(0.2)`). */
  | 'module'
  /** A function applied to the input (`torch.nn.functional.leaky_relu(x, 0.2)`). */
  | 'function'
  /** A TF.js layer factory taking one options object (`tf.layers.leakyReLU({alpha: 0.3})`). */
  | 'options'
  /** A string id (`activation="gelu"`, `ACT2FN["gelu_new"]`, `"hidden_act": "gelu_new"`). */
  | 'string';

export interface Spelling {
  readonly framework: Framework;
  /** Fully qualified name, e.g. `torch.nn.LeakyReLU`; for string ids, how it is written. */
  readonly qualifiedName: string;
  readonly kind: SpellingKind;
  /** For `string` spellings: the id itself. */
  readonly key?: string;
  /** Arguments in positional order (a function's input first). */
  readonly args: readonly SpellingArg[];
  /** This spelling applies only when these `select` args have these values. */
  readonly when?: Readonly<Record<string, ArgValue>>;
  /** Kernel parameters this spelling pins (TF.js thresholdedReLU: value = 0). */
  readonly fixed?: Readonly<Record<string, number>>;
  /** A caveat worth a line in the hover. */
  readonly note?: string;
}

// ---- small builders keep the table readable --------------------------------------------------

type A = SpellingArg;
const input: A = { name: 'input', role: 'input' };
const xIn: A = { name: 'x', role: 'input' };
const features: A = { name: 'features', role: 'input' };
const inplace: A = { name: 'inplace', role: 'ignored', default: false };
const p = (name: string, param: string, def?: ArgValue, aliases?: string[]): A => ({
  name,
  param,
  ...(def !== undefined ? { default: def } : {}),
  ...(aliases ? { aliases } : {}),
});
const sel = (name: string, def: ArgValue): A => ({ name, role: 'select', default: def });
const ign = (name: string, def: ArgValue = null): A => ({ name, role: 'ignored', default: def });
const uns = (name: string, def: ArgValue): A => ({ name, role: 'unsupported', default: def });

type Extra = Partial<Pick<Spelling, 'when' | 'fixed' | 'note'>>;
const S = (
  framework: Framework,
  qualifiedName: string,
  kind: SpellingKind,
  args: readonly A[] = [],
  extra: Extra = {},
): Spelling => ({ framework, qualifiedName, kind, args, ...extra });
const str = (framework: Framework, key: string, extra: Extra = {}): Spelling => {
  const written =
    framework === 'huggingface'
      ? `ACT2FN["${key}"]`
      : framework === 'tfjs'
        ? `activation: '${key}'`
        : `activation="${key}"`;
  return { framework, qualifiedName: written, kind: 'string', key, args: [], ...extra };
};

const torchMod = (cls: string, args: A[] = [], extra?: Extra) =>
  S('pytorch', `torch.nn.${cls}`, 'module', args, extra);
const torchF = (fn: string, args: A[] = [], extra?: Extra) =>
  S('pytorch', `torch.nn.functional.${fn}`, 'function', [input, ...args], extra);
const torchTop = (fn: string, args: A[] = [], extra?: Extra) =>
  S('pytorch', `torch.${fn}`, 'function', [input, ...args], extra);
const kerasAct = (fn: string, args: A[] = [], extra?: Extra) =>
  S('keras', `keras.activations.${fn}`, 'function', [xIn, ...args], extra);
const kerasLayer = (cls: string, args: A[] = [], extra?: Extra) =>
  S('keras', `keras.layers.${cls}`, 'module', args, extra);
const tfnn = (fn: string, args: A[] = [], extra?: Extra) =>
  S('tf', `tf.nn.${fn}`, 'function', [features, ...args], extra);
const tfmath = (fn: string, extra?: Extra) => S('tf', `tf.math.${fn}`, 'function', [xIn], extra);
const jaxnn = (fn: string, args: A[] = [], extra?: Extra) =>
  S('jax', `jax.nn.${fn}`, 'function', [xIn, ...args], extra);
const tfjs = (fn: string, args: A[] = [], extra?: Extra) =>
  S('tfjs', `tf.${fn}`, 'function', [xIn, ...args], extra);
const tfjsLayer = (fn: string, args: A[] = [], extra?: Extra) =>
  S('tfjs', `tf.layers.${fn}`, 'options', args, extra);

const KERAS_RELU = [sel('max_value', null), uns('negative_slope', 0), uns('threshold', 0)];
const KERAS2 = 'tf.keras in TensorFlow ≤ 2.15 is Keras 2; from 2.16 tf.keras is Keras 3.';
const RECENT_TFJS = 'Registered in recent TF.js releases only.';
const HF_GELU_TANH = 'Hugging Face evaluates 0.5x(1+tanh(√(2/π)(x+0.044715x³))) in Python.';

/** The spellings, keyed by kernel id. */
export const SPELLINGS: Readonly<Record<string, readonly Spelling[]>> = {
  sigmoid: [
    torchMod('Sigmoid'),
    torchF('sigmoid'),
    torchTop('sigmoid'),
    S('pytorch', 'torch.special.expit', 'function', [input]),
    kerasAct('sigmoid'),
    str('keras', 'sigmoid'),
    tfnn('sigmoid', [], {}),
    tfmath('sigmoid'),
    S('tf', 'tf.sigmoid', 'function', [xIn]),
    jaxnn('sigmoid'),
    tfjs('sigmoid'),
    str('tfjs', 'sigmoid'),
    str('huggingface', 'sigmoid'),
  ],
  tanh: [
    torchMod('Tanh'),
    torchF('tanh'),
    torchTop('tanh'),
    kerasAct('tanh'),
    str('keras', 'tanh'),
    tfnn('tanh'),
    tfmath('tanh'),
    S('tf', 'tf.tanh', 'function', [xIn]),
    S('jax', 'jax.numpy.tanh', 'function', [xIn]),
    tfjs('tanh'),
    str('tfjs', 'tanh'),
    str('huggingface', 'tanh'),
  ],
  relu: [
    torchMod('ReLU', [inplace]),
    torchF('relu', [inplace]),
    torchTop('relu'),
    kerasLayer('ReLU', KERAS_RELU, { when: { max_value: null } }),
    kerasAct('relu', [uns('negative_slope', 0), uns('max_value', null), uns('threshold', 0)]),
    str('keras', 'relu'),
    tfnn('relu'),
    jaxnn('relu'),
    tfjs('relu'),
    tfjsLayer('reLU', [sel('maxValue', null)], { when: { maxValue: null } }),
    str('tfjs', 'relu'),
    str('huggingface', 'relu'),
  ],
  leaky_relu: [
    torchMod('LeakyReLU', [p('negative_slope', 'negative_slope', 0.01), inplace]),
    torchF('leaky_relu', [p('negative_slope', 'negative_slope', 0.01), inplace]),
    kerasLayer('LeakyReLU', [p('negative_slope', 'negative_slope', 0.3, ['alpha'])], {
      note: 'Keras default 0.3 (PyTorch: 0.01).',
    }),
    S(
      'keras',
      'tf.keras.layers.LeakyReLU',
      'module',
      [p('alpha', 'negative_slope', 0.3, ['negative_slope'])],
      {
        note: `Keras default 0.3 (PyTorch: 0.01). ${KERAS2}`,
      },
    ),
    kerasAct('leaky_relu', [p('negative_slope', 'negative_slope', 0.2)], {
      note: 'keras.activations.leaky_relu defaults to 0.2, the LeakyReLU layer to 0.3.',
    }),
    str('keras', 'leaky_relu', {
      fixed: { negative_slope: 0.2 },
      note: 'As a string id Keras uses keras.activations.leaky_relu: slope 0.2.',
    }),
    tfnn('leaky_relu', [p('alpha', 'negative_slope', 0.2)], {
      note: 'tf.nn.leaky_relu defaults to alpha=0.2.',
    }),
    jaxnn('leaky_relu', [p('negative_slope', 'negative_slope', 0.01)]),
    tfjs('leakyRelu', [p('alpha', 'negative_slope', 0.2)], {
      note: 'tf.leakyRelu defaults to alpha=0.2.',
    }),
    tfjsLayer('leakyReLU', [p('alpha', 'negative_slope', 0.3)], {
      note: 'tf.layers.leakyReLU defaults to alpha=0.3.',
    }),
    str('huggingface', 'leaky_relu', {
      fixed: { negative_slope: 0.01 },
      note: 'ACT2FN builds torch.nn.LeakyReLU(): slope 0.01.',
    }),
  ],
  elu: [
    torchMod('ELU', [p('alpha', 'alpha', 1), inplace]),
    torchF('elu', [p('alpha', 'alpha', 1), inplace]),
    kerasLayer('ELU', [p('alpha', 'alpha', 1)]),
    kerasAct('elu', [p('alpha', 'alpha', 1)]),
    str('keras', 'elu'),
    tfnn('elu'),
    jaxnn('elu', [p('alpha', 'alpha', 1)]),
    tfjs('elu'),
    tfjsLayer('elu', [p('alpha', 'alpha', 1)]),
    str('tfjs', 'elu'),
  ],
  selu: [
    torchMod('SELU', [inplace]),
    torchF('selu', [inplace]),
    torchTop('selu'),
    kerasAct('selu'),
    str('keras', 'selu'),
    tfnn('selu'),
    jaxnn('selu'),
    tfjs('selu'),
    str('tfjs', 'selu'),
  ],
  celu: [
    torchMod('CELU', [p('alpha', 'alpha', 1), inplace]),
    torchF('celu', [p('alpha', 'alpha', 1), inplace]),
    torchTop('celu', [p('alpha', 'alpha', 1)]),
    kerasAct('celu', [p('alpha', 'alpha', 1)]),
    str('keras', 'celu'),
    jaxnn('celu', [p('alpha', 'alpha', 1)]),
  ],
  gelu: [
    torchMod('GELU', [sel('approximate', 'none')], { when: { approximate: 'none' } }),
    torchF('gelu', [sel('approximate', 'none')], { when: { approximate: 'none' } }),
    kerasAct('gelu', [sel('approximate', false)], { when: { approximate: false } }),
    str('keras', 'gelu', { note: 'The string id uses approximate=False (exact, erf form).' }),
    tfnn('gelu', [sel('approximate', false)], { when: { approximate: false } }),
    jaxnn('gelu', [sel('approximate', true)], {
      when: { approximate: false },
      note: 'jax.nn.gelu defaults to approximate=True (the tanh form); approximate=False is exact.',
    }),
    str('tfjs', 'gelu', { note: RECENT_TFJS }),
    str('huggingface', 'gelu'),
    str('huggingface', 'gelu_python', {
      note: 'Same function, evaluated in Python with torch.erf.',
    }),
    str('huggingface', 'gelu_10', {
      note: 'Hugging Face clips this GELU to [−10, 10]; not shown here.',
    }),
  ],
  gelu_tanh: [
    torchMod('GELU', [sel('approximate', 'none')], { when: { approximate: 'tanh' } }),
    torchF('gelu', [sel('approximate', 'none')], { when: { approximate: 'tanh' } }),
    kerasAct('gelu', [sel('approximate', false)], { when: { approximate: true } }),
    tfnn('gelu', [sel('approximate', false)], { when: { approximate: true } }),
    jaxnn('gelu', [sel('approximate', true)], {
      when: { approximate: true },
      note: 'jax.nn.gelu defaults to approximate=True: this is the tanh form, not PyTorch’s default exact GELU.',
    }),
    str('tfjs', 'gelu_new', { note: RECENT_TFJS }),
    str('huggingface', 'gelu_new', { note: HF_GELU_TANH }),
    str('huggingface', 'gelu_pytorch_tanh'),
    str('huggingface', 'gelu_python_tanh', { note: HF_GELU_TANH }),
    str('huggingface', 'gelu_fast', {
      note: 'Hugging Face writes √(2/π) as 0.7978845608 (10 digits): a relative difference below 1e-10.',
    }),
    str('huggingface', 'gelu_accurate', {
      note: 'Despite its name, Hugging Face’s source computes the same tanh approximation as gelu_new, not the exact erf GELU.',
    }),
  ],
  softplus: [
    torchMod('Softplus', [p('beta', 'beta', 1), p('threshold', 'threshold', 20)]),
    torchF('softplus', [p('beta', 'beta', 1), p('threshold', 'threshold', 20)]),
    kerasAct('softplus', [], { note: 'Keras has no beta/threshold: plain log(1+eˣ).' }),
    str('keras', 'softplus'),
    tfnn('softplus'),
    tfmath('softplus'),
    jaxnn('softplus'),
    tfjs('softplus'),
    str('tfjs', 'softplus'),
  ],
  silu: [
    torchMod('SiLU', [inplace]),
    torchF('silu', [inplace]),
    kerasAct('silu'),
    kerasAct('swish'),
    str('keras', 'silu'),
    str('keras', 'swish'),
    tfnn('silu', [uns('beta', 1)]),
    tfnn('swish', [uns('beta', 1)]),
    jaxnn('silu'),
    jaxnn('swish'),
    str('tfjs', 'swish'),
    str('huggingface', 'silu'),
    str('huggingface', 'swish'),
  ],
  mish: [
    torchMod('Mish', [inplace]),
    torchF('mish', [inplace]),
    kerasAct('mish'),
    str('keras', 'mish'),
    jaxnn('mish'),
    str('tfjs', 'mish', { note: RECENT_TFJS }),
    str('huggingface', 'mish'),
  ],
  softsign: [
    torchMod('Softsign'),
    torchF('softsign'),
    kerasAct('softsign'),
    str('keras', 'softsign'),
    tfnn('softsign'),
    jaxnn('soft_sign'),
    str('tfjs', 'softsign'),
  ],
  hardtanh: [
    torchMod('Hardtanh', [p('min_val', 'min_val', -1), p('max_val', 'max_val', 1), inplace]),
    torchF('hardtanh', [p('min_val', 'min_val', -1), p('max_val', 'max_val', 1), inplace]),
    kerasAct('hard_tanh'),
    str('keras', 'hard_tanh'),
    jaxnn('hard_tanh'),
  ],
  relu6: [
    torchMod('ReLU6', [inplace]),
    torchF('relu6', [inplace]),
    kerasAct('relu6'),
    str('keras', 'relu6'),
    kerasLayer('ReLU', KERAS_RELU, { when: { max_value: 6 } }),
    tfnn('relu6'),
    jaxnn('relu6'),
    tfjs('relu6'),
    tfjsLayer('reLU', [sel('maxValue', null)], { when: { maxValue: 6 } }),
    str('tfjs', 'relu6'),
    str('huggingface', 'relu6'),
  ],
  hardsigmoid: [
    torchMod('Hardsigmoid', [inplace]),
    torchF('hardsigmoid', [inplace]),
    kerasAct('hard_sigmoid', [], {
      note: 'Keras 3: relu6(x+3)/6. Keras 2 (tf.keras ≤ 2.15) and TF.js use clip(0.2x+0.5, 0, 1).',
    }),
    str('keras', 'hard_sigmoid', {
      note: 'Keras 3: relu6(x+3)/6. Keras 2 (tf.keras ≤ 2.15) and TF.js use clip(0.2x+0.5, 0, 1).',
    }),
    jaxnn('hard_sigmoid'),
  ],
  hardswish: [
    torchMod('Hardswish', [inplace]),
    torchF('hardswish', [inplace]),
    kerasAct('hard_silu'),
    kerasAct('hard_swish'),
    str('keras', 'hard_silu'),
    str('keras', 'hard_swish'),
    jaxnn('hard_silu'),
    jaxnn('hard_swish'),
  ],
  logsigmoid: [
    torchMod('LogSigmoid'),
    torchF('logsigmoid'),
    kerasAct('log_sigmoid'),
    str('keras', 'log_sigmoid'),
    tfmath('log_sigmoid'),
    jaxnn('log_sigmoid'),
    tfjs('logSigmoid'),
  ],
  tanhshrink: [
    torchMod('Tanhshrink'),
    torchF('tanhshrink'),
    kerasAct('tanh_shrink'),
    str('keras', 'tanh_shrink'),
  ],
  softshrink: [
    torchMod('Softshrink', [p('lambd', 'lambd', 0.5)]),
    torchF('softshrink', [p('lambd', 'lambd', 0.5)]),
    kerasAct('soft_shrink', [p('threshold', 'lambd', 0.5)]),
    str('keras', 'soft_shrink'),
  ],
  hardshrink: [
    torchMod('Hardshrink', [p('lambd', 'lambd', 0.5)]),
    torchF('hardshrink', [p('lambd', 'lambd', 0.5)]),
    kerasAct('hard_shrink', [p('threshold', 'lambd', 0.5)]),
    str('keras', 'hard_shrink'),
  ],
  quick_gelu: [str('huggingface', 'quick_gelu')],
  prelu: [
    torchMod('PReLU', [ign('num_parameters', 1), p('init', 'weight', 0.25)]),
    torchF('prelu', [p('weight', 'weight')]),
    kerasLayer('PReLU', [{ name: 'alpha_initializer', role: 'unsupported', default: 'Zeros' }], {
      fixed: { weight: 0 },
      note: 'Keras initialises the slope to 0 (alpha_initializer="Zeros"); PyTorch to 0.25. It is learned either way.',
    }),
    S('flax', 'flax.linen.PReLU', 'module', [p('negative_slope_init', 'weight', 0.01)], {
      note: 'Flax initialises the slope to 0.01; PyTorch to 0.25.',
    }),
    S('flax', 'flax.nnx.PReLU', 'module', [p('negative_slope_init', 'weight', 0.01)], {
      note: 'Flax initialises the slope to 0.01; PyTorch to 0.25.',
    }),
    tfjs('prelu', [p('alpha', 'weight')]),
    tfjsLayer('prelu', [{ name: 'alphaInitializer', role: 'unsupported', default: 'zeros' }], {
      fixed: { weight: 0 },
      note: 'TF.js initialises the slope to 0; PyTorch to 0.25.',
    }),
    str('huggingface', 'prelu', {
      fixed: { weight: 0.25 },
      note: 'ACT2FN builds torch.nn.PReLU(): slope initialised to 0.25.',
    }),
  ],
  rrelu: [
    torchMod('RReLU', [p('lower', 'lower', 1 / 8), p('upper', 'upper', 1 / 3), inplace], {
      note: 'Shown in evaluation mode: slope (lower+upper)/2. Training samples the slope.',
    }),
    torchF(
      'rrelu',
      [p('lower', 'lower', 1 / 8), p('upper', 'upper', 1 / 3), ign('training', false), inplace],
      {
        note: 'Shown in evaluation mode (training=False): slope (lower+upper)/2.',
      },
    ),
    torchTop('rrelu', [
      p('lower', 'lower', 1 / 8),
      p('upper', 'upper', 1 / 3),
      ign('training', false),
    ]),
  ],
  threshold: [
    torchMod('Threshold', [p('threshold', 'threshold'), p('value', 'value'), inplace]),
    torchF('threshold', [p('threshold', 'threshold'), p('value', 'value'), inplace]),
    kerasAct('threshold', [p('threshold', 'threshold'), p('default_value', 'value')]),
    S('keras', 'tf.keras.layers.ThresholdedReLU', 'module', [p('theta', 'threshold', 1)], {
      fixed: { value: 0 },
      note: `Keras 2 only. ${KERAS2}`,
    }),
    tfjsLayer('thresholdedReLU', [p('theta', 'threshold', 1)], { fixed: { value: 0 } }),
  ],
  identity: [
    torchMod('Identity'),
    kerasAct('linear'),
    str('keras', 'linear'),
    jaxnn('identity'),
    str('tfjs', 'linear'),
    str('huggingface', 'linear'),
  ],
  step: [
    tfjs('step', [uns('alpha', 0)], {
      note: 'tf.step(x, alpha) returns alpha for x ≤ 0; the kernel’s step uses 0.',
    }),
  ],
  squareplus: [
    kerasAct('squareplus', [p('b', 'b', 4)]),
    str('keras', 'squareplus'),
    jaxnn('squareplus', [p('b', 'b', 4)]),
  ],
  hard_sigmoid_linear: [
    S('keras', 'tf.keras.activations.hard_sigmoid', 'function', [xIn], {
      note: `Keras 2: clip(0.2x+0.5, 0, 1). ${KERAS2} In Keras 3 hard_sigmoid is relu6(x+3)/6.`,
    }),
    str('tfjs', 'hardSigmoid', {
      note: 'TF.js hard sigmoid: clip(0.2x+0.5, 0, 1), not PyTorch’s relu6(x+3)/6.',
    }),
  ],
  exponential: [kerasAct('exponential'), str('keras', 'exponential')],
  relu2: [str('huggingface', 'relu2', { note: 'Squared ReLU (Primer): relu(x)².' })],
};

/** Flax re-exports jax.nn under flax.linen and flax.nnx: same functions, same defaults. */
for (const list of Object.values(SPELLINGS) as Spelling[][]) {
  for (const s of [...list]) {
    if (s.framework !== 'jax' || !s.qualifiedName.startsWith('jax.nn.')) continue;
    const fn = s.qualifiedName.slice('jax.nn.'.length);
    for (const mod of ['flax.linen', 'flax.nnx'])
      list.push({ ...s, framework: 'flax', qualifiedName: `${mod}.${fn}` });
  }
}
/** flax.linen.tanh is jnp.tanh. */
for (const mod of ['flax.linen', 'flax.nnx'])
  (SPELLINGS.tanh as Spelling[]).push(S('flax', `${mod}.tanh`, 'function', [xIn]));

/** Spellings by qualified name (calls) and by `framework:key` (string ids), each with its kernel id. */
export interface IndexedSpelling {
  readonly id: string;
  readonly spelling: Spelling;
}

const byName = new Map<string, IndexedSpelling[]>();
const byKey = new Map<string, IndexedSpelling[]>();
for (const [id, list] of Object.entries(SPELLINGS)) {
  for (const spelling of list) {
    const map = spelling.kind === 'string' ? byKey : byName;
    const k =
      spelling.kind === 'string'
        ? `${spelling.framework}:${spelling.key ?? ''}`
        : spelling.qualifiedName;
    const bucket = map.get(k) ?? [];
    bucket.push({ id, spelling });
    map.set(k, bucket);
  }
}

/** All spellings written `qualifiedName` (several when an argument selects the kernel id). */
export function spellingsNamed(qualifiedName: string): readonly IndexedSpelling[] {
  return byName.get(qualifiedName) ?? [];
}

/** The string-id spellings of `key` in `framework`. */
export function stringSpellings(framework: Framework, key: string): readonly IndexedSpelling[] {
  return byKey.get(`${framework}:${key}`) ?? [];
}
