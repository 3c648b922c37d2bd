import type { Node, Tree } from 'web-tree-sitter';
import type { Framework } from '../../kernel/types';
import type { Imports } from '../pythonImports';
import type { Recognition } from '../types';
import { isNonlinear } from './expr';
import { identify, type Identification } from './identify';
import { definitionAt, translateDefinition } from './translate';

/** The framework a file is written for, from its imports (for the hover's wording). */
function frameworkOf(imp: Imports): Framework {
  const modules = [...imp.aliases.values()].flat();
  const has = (re: RegExp) => modules.some((m) => re.test(m));
  if (has(/^torch/)) return 'pytorch';
  if (has(/^(flax|jax)/)) return 'jax';
  if (has(/^(keras|tensorflow\.keras|tf_keras)/)) return 'keras';
  if (has(/^tensorflow/)) return 'tf';
  return 'pytorch';
}

const identified = new Map<string, Identification>();

/** Identification per printed formula and parameters: the same definition is hovered often. */
function identifyMemo(key: string, run: () => Identification): Identification {
  const hit = identified.get(key);
  if (hit) return hit;
  const v = run();
  identified.set(key, v);
  if (identified.size > 128) identified.delete(identified.keys().next().value as string);
  return v;
}

/**
 * A name defined in this file (its definition, or a use of it) read by what it computes: the
 * kernel activation it matches, or a custom formula. `undefined` when the definition is not an
 * elementwise function of one input that the grammar can read.
 */
export function recogniseCustom(tree: Tree, name: Node, imp: Imports): Recognition | undefined {
  if (name.type !== 'identifier') return undefined;
  const def = definitionAt(tree, name);
  if (!def) return undefined;
  const t = translateDefinition(tree, def);
  if (!t) return undefined;
  const key = `${JSON.stringify(t.expr)}|${JSON.stringify(t.params)}`;
  const ident = identifyMemo(key, () => identify(t.expr, t.params));
  const match = ident.match;
  // An unmatched affine map (`2 * x + 1`) is arithmetic, not an activation: no hover.
  if (!match && !isNonlinear(t.expr)) return undefined;
  const framework = frameworkOf(imp);
  const params: Record<string, number> = { ...(match?.params ?? {}) };
  return {
    id: match?.id ?? 'custom',
    spelling: {
      framework,
      qualifiedName: t.name,
      kind: t.kind === 'class' ? 'module' : 'function',
      args: [],
    },
    written: name.text,
    params,
    sources: Object.fromEntries(Object.keys(params).map((k) => [k, 'fixed' as const])),
    unknown: [],
    ignored: [],
    notes: [],
    alternatives: [],
    custom: {
      name: t.name,
      kind: t.kind,
      line: t.line,
      expr: t.expr,
      params: t.params,
      assumed: t.assumed,
      ...(match ? { match } : {}),
      ...(ident.nearest ? { nearest: ident.nearest } : {}),
    },
    start: name.startIndex,
    end: name.endIndex,
  };
}
