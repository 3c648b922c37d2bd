import { spellingsNamed, type IndexedSpelling } from '../kernel/spellings';
import { qualifiedNames, type Imports } from './pythonImports';

export type { Imports } from './pythonImports';

/** A qualified name the text may mean, with a caveat when we had to guess. */
export interface Candidate {
  readonly qualifiedName: string;
  readonly group: readonly IndexedSpelling[];
  readonly guess?: string;
}

/** Import paths that reach the same objects under another name. */
const PREFIXES: ReadonlyArray<readonly [string, string]> = [
  ['tensorflow.', 'tf.'],
  ['torch.nn.modules.activation.', 'torch.nn.'],
  ['torch.nn.modules.', 'torch.nn.'],
  ['flax.linen.activation.', 'flax.linen.'],
  ['flax.nnx.nn.activations.', 'flax.nnx.'],
  ['jax._src.nn.functions.', 'jax.nn.'],
  ['keras.src.activations.activations.', 'keras.activations.'],
  ['keras.src.activations.', 'keras.activations.'],
  ['keras.src.layers.', 'keras.layers.'],
  ['tf_keras.', 'tf.keras.'],
  ['transformers.activations.', 'transformers.activations.'],
];

/** TF.js spells some functions like TensorFlow's Python API (`tf.sigmoid`); Python never means TF.js. */
const python = (g: readonly IndexedSpelling[]) => g.filter((s) => s.spelling.framework !== 'tfjs');

/** Where a module may be written instead (`tf.keras.layers.ELU` is `keras.layers.ELU`). */
function lookup(name: string): { name: string; group: readonly IndexedSpelling[] } | undefined {
  let n = name;
  for (const [from, to] of PREFIXES) if (n.startsWith(from)) n = to + n.slice(from.length);
  if (n === 'tensorflow') n = 'tf';
  let group = python(spellingsNamed(n));
  if (group.length) return { name: n, group };
  if (n.startsWith('tf.keras.')) {
    const k = 'keras.' + n.slice('tf.keras.'.length);
    group = python(spellingsNamed(k));
    if (group.length) return { name: k, group };
  }
  // keras.ops has the same functions as keras.activations, with the same defaults, except gelu
  // (ops.gelu defaults to the tanh form): only the ones that agree are read through.
  if (n.startsWith('keras.ops.') || n.startsWith('keras.src.ops.')) {
    const fn = n.split('.').pop() ?? '';
    if (KERAS_OPS_AS_ACTIVATIONS.has(fn)) {
      const k = `keras.activations.${fn}`;
      group = python(spellingsNamed(k));
      if (group.length) return { name: k, group };
    }
  }
  // Flax re-exports jax.numpy.tanh and jax.nn under its own module; torch.nn.functional.tanh etc.
  return undefined;
}

const KERAS_OPS_AS_ACTIVATIONS = new Set([
  'relu',
  'relu6',
  'sigmoid',
  'softplus',
  'softsign',
  'silu',
  'swish',
  'selu',
  'elu',
  'celu',
  'tanh',
  'hard_sigmoid',
  'hard_silu',
  'hard_swish',
  'leaky_relu',
  'squareplus',
  'hard_tanh',
]);

/**
 * The qualified names a dotted name written in a file may mean, most likely first. Imports decide:
 * `nn.gelu` is flax.linen.gelu after `import flax.linen as nn`, and nothing after `from torch import nn`.
 */
export function candidatesFor(dotted: string, imports: Imports): Candidate[] {
  const out: Candidate[] = [];
  for (const q of qualifiedNames(dotted, imports, (name) => lookup(name) !== undefined)) {
    const hit = lookup(q.name);
    if (hit && !out.some((c) => c.qualifiedName === hit.name)) {
      out.push({
        qualifiedName: hit.name,
        group: hit.group,
        ...(q.guess ? { guess: q.guess } : {}),
      });
    }
  }
  return out;
}
