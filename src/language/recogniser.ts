import type { Node as JsonNode } from 'jsonc-parser';
import type { Parser } from 'web-tree-sitter';
import { recogniseJs, tokeniseJs, type JsTokens } from './javascript';
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

interface Entry {
  version: number;
  family: Family;
  text: string;
  js?: JsTokens;
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
          e.js ??= tokeniseJs(e.text);
          return recogniseJs(e.js, offset);
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
