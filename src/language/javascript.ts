import jsTokens from 'js-tokens';
import { spellingsNamed, type IndexedSpelling } from '../kernel/spellings';
import { resolveCall, resolveString } from './resolve';
import type { CallArgs, Literal, Recognition } from './types';

/**
 * TF.js in TypeScript/JavaScript: `tf.relu`, `tf.leakyRelu(x, 0.2)`, `tf.layers.leakyReLU({alpha})`,
 * `activation: 'relu'`. Tokenised with js-tokens (a few kB) rather than the TypeScript compiler (MBs):
 * we only need member chains, call arguments and object literals.
 */

/** Significant tokens of one document: parallel arrays keep a 1 MB file to a few MB of memory. */
export interface JsTokens {
  readonly kinds: Uint8Array;
  readonly starts: Int32Array;
  readonly values: readonly string[];
  /** Local names bound to the TF.js namespace or one of its members. */
  readonly aliases: ReadonlyMap<string, string>;
}

const enum K {
  Ident = 1,
  Punct,
  Num,
  Str,
  Other,
}

/** Longest argument list we read; beyond it arguments are unknown (keeps a hover bounded). */
const MAX_SCAN = 4000;
const MAX_TEXT = 60;

/**
 * Tokenises `text[from, to)` (offsets stay document offsets). Hovers in big files tokenise a window
 * around the position rather than the whole file: js-tokens runs at roughly 1 µs per character.
 */
export function tokeniseJs(
  text: string,
  aliases: ReadonlyMap<string, string> = tfjsAliases(text),
  from = 0,
  to = text.length,
): JsTokens {
  const kinds: number[] = [];
  const starts: number[] = [];
  const values: string[] = [];
  let pos = from;
  for (const t of jsTokens(from === 0 && to === text.length ? text : text.slice(from, to))) {
    const start = pos;
    pos += t.value.length;
    switch (t.type) {
      case 'WhiteSpace':
      case 'LineTerminatorSequence':
      case 'MultiLineComment':
      case 'SingleLineComment':
      case 'HashbangComment':
        continue;
      case 'IdentifierName':
        kinds.push(K.Ident);
        break;
      case 'Punctuator':
        kinds.push(K.Punct);
        break;
      case 'NumericLiteral':
        kinds.push(K.Num);
        break;
      case 'StringLiteral':
      case 'NoSubstitutionTemplate':
        kinds.push(K.Str);
        break;
      default:
        kinds.push(K.Other);
    }
    starts.push(start);
    values.push(t.value);
  }
  return { kinds: Uint8Array.from(kinds), starts: Int32Array.from(starts), values, aliases };
}

const MODULE = String.raw`['"]@tensorflow/tfjs[\w-]*['"]`;
const NAMESPACE_IMPORT = new RegExp(
  String.raw`import\s*\*\s*as\s+([\w$]+)\s+from\s*` + MODULE,
  'g',
);
const DEFAULT_IMPORT = new RegExp(String.raw`import\s+([\w$]+)\s+from\s*` + MODULE, 'g');
const NAMED_IMPORT = new RegExp(String.raw`import\s*\{([^}]{0,2000})\}\s*from\s*` + MODULE, 'g');
// The lookbehind keeps this linear: no retry from the middle of a long identifier.
const REQUIRE = new RegExp(
  String.raw`(?<![\w$])([\w$]+)\s*=\s*require\(\s*` + MODULE + String.raw`\s*\)`,
  'g',
);

/**
 * Local names bound to TF.js: `import * as tf from '@tensorflow/tfjs'`, `import {layers} from …`,
 * `const tf = require(…)`. Regular expressions without nested repetition: linear in the text.
 */
export function tfjsAliases(text: string): Map<string, string> {
  const aliases = new Map<string, string>();
  if (!text.includes('@tensorflow/tfjs')) return aliases;
  for (const m of text.matchAll(NAMESPACE_IMPORT)) if (m[1]) aliases.set(m[1], 'tf');
  for (const m of text.matchAll(DEFAULT_IMPORT)) if (m[1]) aliases.set(m[1], 'tf');
  for (const m of text.matchAll(REQUIRE)) if (m[1]) aliases.set(m[1], 'tf');
  for (const m of text.matchAll(NAMED_IMPORT)) {
    for (const part of (m[1] ?? '').split(',')) {
      const [imported, local] = part.trim().split(/\s+as\s+/);
      const name = (local ?? imported ?? '').trim();
      if (imported && /^[\w$]+$/.test(name)) aliases.set(name, `tf.${imported.trim()}`);
    }
  }
  return aliases;
}

/** Index of the token covering `offset`, or -1. */
function tokenAt(t: JsTokens, offset: number): number {
  let lo = 0;
  let hi = t.starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((t.starts[mid] ?? 0) <= offset) lo = mid + 1;
    else hi = mid - 1;
  }
  const i = hi;
  if (i < 0) return -1;
  const end = (t.starts[i] ?? 0) + (t.values[i]?.length ?? 0);
  return offset < end ? i : -1;
}

function unquote(s: string): string {
  return s.slice(1, -1);
}

function literalOf(t: JsTokens, from: number, to: number): Literal {
  const text = () => {
    const s = t.values.slice(from, to).join(' ');
    return s.length > MAX_TEXT ? s.slice(0, MAX_TEXT - 1) + '…' : s;
  };
  let i = from;
  let sign = 1;
  if (to - from === 2 && (t.values[i] === '-' || t.values[i] === '+')) {
    sign = t.values[i] === '-' ? -1 : 1;
    i++;
  }
  if (to - i !== 1) return { kind: 'unknown', text: text() };
  const v = t.values[i] ?? '';
  switch (t.kinds[i]) {
    case K.Num: {
      const n = Number(v.replace(/_/g, '').replace(/n$/, ''));
      return Number.isFinite(n)
        ? { kind: 'value', value: sign * n }
        : { kind: 'unknown', text: text() };
    }
    case K.Str:
      return sign === 1 && from === i
        ? { kind: 'value', value: unquote(v) }
        : { kind: 'unknown', text: text() };
    case K.Ident:
      if (from !== i) break;
      if (v === 'true') return { kind: 'value', value: true };
      if (v === 'false') return { kind: 'value', value: false };
      if (v === 'null' || v === 'undefined') return { kind: 'value', value: null };
  }
  return { kind: 'unknown', text: text() };
}

/** Splits `( … )` starting at `open` into depth-0 argument token ranges; -1 end when unclosed. */
function splitArgs(t: JsTokens, open: number): { ranges: [number, number][]; end: number } {
  const ranges: [number, number][] = [];
  let depth = 0;
  let start = open + 1;
  const last = Math.min(t.values.length, open + MAX_SCAN);
  for (let i = open; i < last; i++) {
    const v = t.values[i];
    if (t.kinds[i] !== K.Punct) continue;
    if (v === '(' || v === '[' || v === '{' || v === '${') depth++;
    else if (v === ')' || v === ']' || v === '}') {
      depth--;
      if (depth === 0) {
        if (i > start) ranges.push([start, i]);
        return { ranges, end: i };
      }
    } else if (v === ',' && depth === 1) {
      ranges.push([start, i]);
      start = i + 1;
    }
  }
  return { ranges, end: -1 };
}

function callArgsAt(t: JsTokens, open: number, options: boolean): CallArgs | undefined {
  const { ranges } = splitArgs(t, open);
  const positional: Literal[] = [];
  const keywords: [string, Literal][] = [];
  let splat = false;
  for (const [a, b] of ranges) {
    if (t.values[a] === '...') {
      splat = true;
      continue;
    }
    if (
      options &&
      positional.length === 0 &&
      keywords.length === 0 &&
      t.values[a] === '{' &&
      t.values[b - 1] === '}'
    ) {
      const inner = splitArgs(t, a);
      for (const [c, d] of inner.ranges) {
        if (t.values[c] === '...') {
          splat = true;
          continue;
        }
        const key = t.kinds[c] === K.Str ? unquote(t.values[c] ?? '') : t.values[c];
        if (t.values[c + 1] === ':' && key) keywords.push([key, literalOf(t, c + 2, d)]);
        else if (t.kinds[c] === K.Ident && d === c + 1 && key)
          keywords.push([key, { kind: 'unknown', text: key }]);
      }
      continue;
    }
    positional.push(literalOf(t, a, b));
  }
  return { positional, keywords, ...(splat ? { splat } : {}) };
}

const tfjsOnly = (g: readonly IndexedSpelling[]) =>
  g.filter((s) => s.spelling.framework === 'tfjs');

/** The TF.js activation at `offset`, or undefined. Work is bounded by {@link MAX_SCAN} tokens. */
export function recogniseJs(t: JsTokens, offset: number): Recognition | undefined {
  const i = tokenAt(t, offset);
  if (i < 0) return undefined;
  const kind = t.kinds[i];
  const v = t.values;

  if (kind === K.Str) {
    // `activation: 'relu'` (tf.layers.dense({…}), tf.layers.activation({…})) and `"activation": "relu"`.
    const prop = v[i - 2];
    if (v[i - 1] !== ':' || prop === undefined) return undefined;
    const name = t.kinds[i - 2] === K.Str ? unquote(prop) : prop;
    if (name !== 'activation') return undefined;
    const key = unquote(v[i] ?? '');
    const r = resolveString('tfjs', key);
    if (!r) return undefined;
    const start = t.starts[i] ?? 0;
    return { ...r, written: v[i] ?? '', alternatives: [], start, end: start + (v[i]?.length ?? 0) };
  }

  if (kind !== K.Ident && !(kind === K.Punct && v[i] === '.')) return undefined;
  let a = kind === K.Ident ? i : i - 1;
  let b = kind === K.Ident ? i : i + 1;
  if (t.kinds[a] !== K.Ident || t.kinds[b] !== K.Ident) return undefined;
  for (let n = 0; n < 16 && v[a - 1] === '.' && t.kinds[a - 2] === K.Ident; n++) a -= 2;
  for (let n = 0; n < 16 && v[b + 1] === '.' && t.kinds[b + 2] === K.Ident; n++) b += 2;
  if (v[a - 1] === '.' || v[a - 1] === '?.') return undefined; // `model.tf.relu` is not ours
  const parts: string[] = [];
  for (let k = a; k <= b; k += 2) parts.push(v[k] ?? '');
  const head = parts[0] ?? '';
  const bound = t.aliases.get(head) ?? (head === 'tf' ? 'tf' : undefined);
  if (!bound) return undefined;
  const qualified = [bound, ...parts.slice(1)].join('.');
  const group = tfjsOnly(spellingsNamed(qualified));
  if (!group.length) return undefined;
  const isCall = v[b + 1] === '(';
  const args = isCall ? callArgsAt(t, b + 1, group[0]?.spelling.kind === 'options') : undefined;
  const r = resolveCall(group, args);
  if (!r) return undefined;
  const start = t.starts[a] ?? 0;
  const end = (t.starts[b] ?? 0) + (v[b]?.length ?? 0);
  return { ...r, written: parts.join('.'), alternatives: [], start, end };
}
