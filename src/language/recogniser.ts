import type { Node as JsonNode } from 'jsonc-parser';
import type { Parser } from 'web-tree-sitter';
import { recogniseJs, tfjsAliases, tokeniseJs, type JsTokens } from './javascript';
import { parseJson, recogniseJson } from './json';
import { recognisePython } from './python';
import { pythonParser, PythonTreeCache } from './treeSitter';
import type { Recognition } from './types';

/** What the recogniser needs of a document; `getText` is only called when the version changes. */
export interface DocumentLike {
  readonly key: string;
  readonly version: number;
  readonly languageId: string;
  getText(): string;
}

export const SUPPORTED_LANGUAGES = [
  'python',
  'typescript',
  'javascript',
  'typescriptreact',
  'javascriptreact',
  'json',
  'jsonc',
] as const;

type Family = 'python' | 'js' | 'json';
function familyOf(languageId: string): Family | undefined {
  if (languageId === 'python') return 'python';
  if (languageId === 'json' || languageId === 'jsonc') return 'json';
  if (/^(typescript|javascript)(react)?$/.test(languageId)) return 'js';
  return undefined;
}

/** Below this many characters a JS/TS document is tokenised whole, once per version. */
const WHOLE_FILE = 64 * 1024;
/** Half-width of the tokenised window in bigger documents, and how close to its edge we re-tokenise. */
const WINDOW = 4096;
const MARGIN = 1024;

interface Entry {
  version: number;
  family: Family;
  text: string;
  jsAliases?: ReadonlyMap<string, string>;
  /** Tokens of the whole document (small files) or of the last window hovered (big ones). */
  js?: JsTokens & { readonly from: number; readonly to: number };
  json?: JsonNode | undefined;
  jsonParsed?: boolean;
}

/**
 * Finds the activation at a position, caching the parse of each document per version so a hover
 * never re-parses an unchanged file. Never throws: a failure is reported through `onError` and the
 * answer is `undefined`.
 */
export class ActivationRecogniser {
  private readonly entries = new Map<string, Entry>();
  private readonly trees = new PythonTreeCache(16);

  constructor(
    private readonly onError: (e: unknown) => void = () => {},
    private readonly capacity = 16,
  ) {}

  async recognise(doc: DocumentLike, offset: number): Promise<Recognition | undefined> {
    try {
      const family = familyOf(doc.languageId);
      if (!family) return undefined;
      const parser = family === 'python' ? await pythonParser() : undefined;
      return this.recogniseWith(doc, offset, parser);
    } catch (e) {
      this.onError(e);
      return undefined;
    }
  }

  /** Synchronous once the Python parser is loaded (benchmarks, tests). */
  recogniseWith(
    doc: DocumentLike,
    offset: number,
    parser: Parser | undefined,
  ): Recognition | undefined {
    try {
      const family = familyOf(doc.languageId);
      if (!family) return undefined;
      const e = this.entry(doc, family);
      if (!Number.isFinite(offset) || offset < 0 || offset > e.text.length) return undefined;
      switch (family) {
        case 'python': {
          if (!parser) return undefined;
          const tree = this.trees.get(parser, doc.key, e.version, e.text);
          return recognisePython(tree, offset);
        }
        case 'js':
          return recogniseJs(this.jsTokens(e, offset), offset);
        case 'json':
          if (!e.jsonParsed) {
            e.json = parseJson(e.text);
            e.jsonParsed = true;
          }
          return recogniseJson(e.json, offset);
      }
    } catch (err) {
      this.onError(err);
      return undefined;
    }
  }

  /** Forget a closed document. */
  forget(key: string): void {
    this.entries.delete(key);
    this.trees.delete(key);
  }

  /**
   * Small files are tokenised once per version; in big ones (a 1 MB minified bundle) a window of
   * whole lines around the position, so the first hover does not pay for the whole file.
   */
  private jsTokens(e: Entry, offset: number): JsTokens {
    const n = e.text.length;
    const w = e.js;
    if (
      w &&
      ((w.from === 0 && w.to === n) || (offset >= w.from + MARGIN && offset <= w.to - MARGIN))
    )
      return w;
    e.jsAliases ??= tfjsAliases(e.text);
    if (n <= WHOLE_FILE) {
      e.js = { ...tokeniseJs(e.text, e.jsAliases), from: 0, to: n };
      return e.js;
    }
    let from = Math.max(0, offset - WINDOW);
    const lineStart = e.text.lastIndexOf('\n', from);
    // Start at a line start when one is near: lines rarely begin inside a string or comment.
    if (lineStart >= 0 && offset - lineStart <= 2 * WINDOW) from = lineStart + 1;
    let to = Math.min(n, offset + WINDOW);
    const lineEnd = e.text.indexOf('\n', to);
    if (lineEnd >= 0 && lineEnd - offset <= 2 * WINDOW) to = lineEnd;
    e.js = { ...tokeniseJs(e.text, e.jsAliases, from, to), from, to };
    return e.js;
  }

  private entry(doc: DocumentLike, family: Family): Entry {
    const hit = this.entries.get(doc.key);
    if (hit && hit.version === doc.version && hit.family === family) {
      this.entries.delete(doc.key);
      this.entries.set(doc.key, hit);
      return hit;
    }
    const e: Entry = { version: doc.version, family, text: doc.getText() };
    this.entries.delete(doc.key);
    this.entries.set(doc.key, e);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.forget(oldest);
    }
    return e;
  }
}
