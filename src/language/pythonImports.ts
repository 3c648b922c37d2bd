import type { Node, Tree } from 'web-tree-sitter';

/**
 * Python import and alias resolution, the one home shared by the hover recogniser
 * (src/language/python.ts, names.ts) and the model reader (src/model/read): the import statements
 * of the file decide what `nn`, `F` or `layers` stand for, so both read `nn.gelu` the same way.
 */

/** Import bindings of one file: local name → the module paths it may stand for (in order seen). */
export interface Imports {
  readonly aliases: ReadonlyMap<string, readonly string[]>;
  /** Modules imported with `*` (`from torch.nn import *`). */
  readonly star: readonly string[];
}

/** A qualified name a dotted name may mean, with the caveat when no import decided it. */
export interface Qualified {
  readonly name: string;
  /** Set when the head is not imported in the file and the usual alias was assumed. */
  readonly guess?: string;
}

/** Import bindings of a subtree (a module, or a notebook cell's module). */
export function readImports(root: Node): Imports {
  const aliases = new Map<string, string[]>();
  const star: string[] = [];
  const bind = (name: string, module: string): void => {
    const list = aliases.get(name) ?? [];
    if (!list.includes(module)) list.push(module);
    aliases.set(name, list);
  };
  for (const st of root.descendantsOfType(['import_statement', 'import_from_statement'])) {
    if (!st) continue;
    if (st.type === 'import_statement') {
      for (const n of st.childrenForFieldName('name')) {
        if (!n) continue;
        if (n.type === 'aliased_import') {
          const mod = n.childForFieldName('name')?.text;
          const alias = n.childForFieldName('alias')?.text;
          if (mod && alias) bind(alias, mod);
        } else {
          const head = n.text.split('.')[0];
          if (head) bind(head, head);
        }
      }
    } else {
      const mod = st.childForFieldName('module_name');
      // `from ..ops.misc import X` binds X to `..ops.misc.X`: another file of the package, which
      // no spelling matches and the model reader names as such.
      if (!mod || (mod.type !== 'dotted_name' && mod.type !== 'relative_import')) continue;
      if (st.namedChildren.some((c) => c?.type === 'wildcard_import')) star.push(mod.text);
      for (const n of st.childrenForFieldName('name')) {
        if (!n) continue;
        if (n.type === 'aliased_import') {
          const name = n.childForFieldName('name')?.text;
          const alias = n.childForFieldName('alias')?.text;
          if (name && alias) bind(alias, `${mod.text}.${name}`);
        } else bind(n.text, `${mod.text}.${n.text}`);
      }
    }
  }
  return { aliases, star };
}

const cache = new WeakMap<Tree, Imports>();

/** Import bindings of a parsed file (computed once per tree, i.e. per document version). */
export function pythonImports(tree: Tree): Imports {
  const hit = cache.get(tree);
  if (hit) return hit;
  const result = readImports(tree.rootNode);
  cache.set(tree, result);
  return result;
}

/**
 * Names people use without importing them (snippets, notebook cells), with what is assumed.
 * `next` is the attribute after the head: torch.nn has classes (`nn.GELU`), Flax lowercase
 * functions (`nn.gelu`), so an unimported `nn` is read by the case of what follows.
 */
export function conventionalRoot(
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
 * The qualified names a dotted name written in a file may mean, most likely first: the imports of
 * its head (`from torch import nn` → `torch.nn.Linear`), else the `*` imports (`known` says which
 * of `module.name` exist), else the conventional alias with a guess note. Empty when nothing fits.
 */
export function qualifiedNames(
  dotted: string,
  imports: Imports,
  known?: (qualified: string) => boolean,
): Qualified[] {
  const parts = dotted.split('.');
  const head = parts[0] ?? '';
  const rest = parts.slice(1);
  const bound = imports.aliases.get(head);
  if (bound) return bound.map((m) => ({ name: [m, ...rest].join('.') }));
  const out: Qualified[] = [];
  for (const module of imports.star) {
    const q = [module, ...parts].join('.');
    if (!known || known(q)) out.push({ name: q });
  }
  if (out.length) return out;
  const g = conventionalRoot(head, rest[0]);
  if (g) return [{ name: [g.module, ...rest].join('.'), ...(g.guess ? { guess: g.guess } : {}) }];
  return [];
}
