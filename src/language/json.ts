import { findNodeAtOffset, parseTree, type Node } from 'jsonc-parser';
import { HF_KEYS } from './hfKeys';
import { resolveString, versionAlternatives } from './resolve';
import type { Recognition } from './types';

/** jsonc-parser's tree of a document (tolerant of comments, trailing commas and errors). */
export function parseJson(text: string): Node | undefined {
  return parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
}

/**
 * `"hidden_act": "gelu_new"` (Hugging Face config.json) and `"activation": "relu"` (Keras / TF.js
 * model JSON) at `offset`. Finding the node walks down one path of the tree, not the whole file.
 */
export function recogniseJson(root: Node | undefined, offset: number): Recognition | undefined {
  if (!root) return undefined;
  const node = findNodeAtOffset(root, offset, true);
  if (!node || node.type !== 'string' || typeof node.value !== 'string') return undefined;
  const prop = node.parent;
  if (prop?.type !== 'property' || prop.children?.[1] !== node) return undefined;
  const keyNode = prop.children[0];
  const key = typeof keyNode?.value === 'string' ? keyNode.value : '';
  const value = node.value;
  const r = HF_KEYS.test(key)
    ? resolveString('huggingface', value)
    : key === 'activation'
      ? (resolveString('keras', value) ?? resolveString('tfjs', value))
      : undefined;
  if (!r) return undefined;
  return {
    ...r,
    written: JSON.stringify(value),
    alternatives: key === 'activation' ? versionAlternatives(r, value) : [],
    start: node.offset,
    end: node.offset + node.length,
  };
}
