import { spellingsNamed, type IndexedSpelling } from '../kernel/spellings';

/** Import bindings of one file: local name → the module paths it may stand for (in order seen). */
export interface Imports {
  readonly aliases: ReadonlyMap<string, readonly string[]>;
  /** Modules imported with `*` (`from torch.nn import *`). */
  readonly star: readonly string[];
}

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
  // Flax re-exports jax.numpy.tanh and jax.nn under its own module; torch.nn.functional.tanh etc.
  return undefined;
}

/** Names people use without importing them in snippets and notebooks, with what we assume. */
function guessRoot(
  head: string,
  next: string | undefined,
): { module: string; guess: string } | undefined {
  const capital = next !== undefined && /^[A-Z]/.test(next);
  switch (head) {
    case 'nn':
      return capital
        ? { module: 'torch.nn', guess: '`nn` is not imported in this file; assuming torch.nn.' }
        : {
            module: 'flax.linen',
            guess:
              '`nn` is not imported in this file; assuming flax.linen (jax.nn), since torch.nn has no lowercase functions.',
          };
    case 'F':
      return {
        module: 'torch.nn.functional',
        guess: '`F` is not imported in this file; assuming torch.nn.functional.',
      };
    case 'tf':
    case 'torch':
    case 'keras':
    case 'jax':
      return { module: head === 'tf' ? 'tf' : head, guess: '' };
    case 'layers':
      return {
        module: 'keras.layers',
        guess: '`layers` is not imported in this file; assuming keras.layers.',
      };
    case 'activations':
      return {
        module: 'keras.activations',
        guess: '`activations` is not imported; assuming keras.activations.',
      };
    case 'jnn':
      return { module: 'jax.nn', guess: '`jnn` is not imported; assuming jax.nn.' };
    case 'jnp':
      return { module: 'jax.numpy', guess: '`jnp` is not imported; assuming jax.numpy.' };
    case 'nnx':
      return { module: 'flax.nnx', guess: '`nnx` is not imported; assuming flax.nnx.' };
    default:
      return undefined;
  }
}

/**
 * The qualified names a dotted name written in a file may mean, most likely first. Imports decide:
 * `nn.gelu` is flax.linen.gelu after `import flax.linen as nn`, and nothing after `from torch import nn`.
 */
export function candidatesFor(dotted: string, imports: Imports): Candidate[] {
  const parts = dotted.split('.');
  const head = parts[0] ?? '';
  const rest = parts.slice(1);
  const out: Candidate[] = [];
  const push = (qualified: string, guess?: string) => {
    const hit = lookup(qualified);
    if (hit && !out.some((c) => c.qualifiedName === hit.name)) {
      out.push({ qualifiedName: hit.name, group: hit.group, ...(guess ? { guess } : {}) });
    }
  };
  const bound = imports.aliases.get(head);
  if (bound) {
    for (const module of bound) push([module, ...rest].join('.'));
    return out;
  }
  if (rest.length === 0) for (const module of imports.star) push(`${module}.${head}`);
  if (out.length) return out;
  const g = guessRoot(head, rest[0]);
  if (g) push([g.module, ...rest].join('.'), g.guess || undefined);
  return out;
}
