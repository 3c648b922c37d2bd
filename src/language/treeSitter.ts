import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Edit, Language, Parser, type Tree } from 'web-tree-sitter';

/**
 * Python parsing with tree-sitter (web-tree-sitter + tree-sitter-python's WASM, both from npm,
 * copied into dist/wasm at build time: nothing is downloaded at run time).
 *
 * Parsing is async to initialise (WASM), then synchronous. Trees are cached per document key and
 * version, so a hover or a CodeLens never re-parses an unchanged file.
 */

let ready: Promise<Parser> | undefined;

/** Where the .wasm files are: dist/wasm next to the bundle, or node_modules in tests. */
function wasmDir(): { core: string; python: string } {
  const candidates = [
    join(__dirname, 'wasm'),
    join(__dirname, '..', 'dist', 'wasm'),
    join(__dirname, '..', '..', 'dist', 'wasm'),
  ];
  for (const dir of candidates) {
    const core = join(dir, 'web-tree-sitter.wasm');
    if (existsSync(core)) return { core, python: join(dir, 'tree-sitter-python.wasm') };
  }
  // Unbundled (vitest, scripts): resolve from node_modules, out of esbuild's sight.
  const resolve = createRequire(__filename).resolve;
  return {
    core: resolve('web-tree-sitter/web-tree-sitter.wasm'),
    python: join(resolve('tree-sitter-python/package.json'), '..', 'tree-sitter-python.wasm'),
  };
}

/** The shared Python parser; the first call loads the WASM (tens of ms), later calls are free. */
export function pythonParser(): Promise<Parser> {
  ready ??= (async () => {
    const { core, python } = wasmDir();
    await Parser.init({ locateFile: () => core });
    const parser = new Parser();
    parser.setLanguage(await Language.load(python));
    return parser;
  })();
  // A failed load must not poison every later call.
  ready.catch(() => (ready = undefined));
  return ready;
}

/** The file is too large or took too long to parse; the message is for the user. */
export class PythonParseLimitError extends Error {
  override name = 'PythonParseLimitError';
}

export interface ParseLimits {
  /** Refuse texts longer than this many UTF-16 code units. Default 2 MiB worth. */
  readonly maxChars?: number;
  /** Abandon a parse running longer than this. Default 2000 ms. */
  readonly budgetMs?: number;
}

export const DEFAULT_PARSE_LIMITS = Object.freeze({ maxChars: 2 * 1024 * 1024, budgetMs: 2000 });

let configured: Readonly<Required<ParseLimits>> = DEFAULT_PARSE_LIMITS;

/** The limits of every parse that gives none (the editor sets activationLens.python.maxFileSizeKB). */
export function configureParseLimits(limits: ParseLimits): void {
  configured = Object.freeze({
    maxChars: limits.maxChars ?? DEFAULT_PARSE_LIMITS.maxChars,
    budgetMs: limits.budgetMs ?? DEFAULT_PARSE_LIMITS.budgetMs,
  });
}

/** The limits every parse without its own uses now (the worker is told the host's). */
export function currentParseLimits(): Readonly<Required<ParseLimits>> {
  return configured;
}

/**
 * tree-sitter-python's scanner looks ahead across comment lines for the next indentation, once per
 * comment line: 4,000 indented comment lines took 15 s (8,000: about a minute). A comment-only line
 * turned into spaces of the same length parses as a blank line, in linear time, and keeps every
 * offset, row and column of the real text. Nothing we read lives in a comment.
 */
export function blankCommentLines(text: string): string {
  return text.replace(/^[ \t]*#[^\r\n]*/gm, (m) => ' '.repeat(m.length));
}

function positionAt(text: string, index: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart };
}

/**
 * The one edit that turns `before` into `after` (common prefix and suffix), for tree.edit():
 * a keystroke re-parses incrementally instead of from scratch. Indices and columns are UTF-16
 * code units, as web-tree-sitter reports them for string input (tested against fresh parses).
 */
export function singleEdit(before: string, after: string): Edit {
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (
    tail < max - start &&
    before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)
  )
    tail++;
  const oldEnd = before.length - tail;
  const newEnd = after.length - tail;
  return new Edit({
    startIndex: start,
    oldEndIndex: oldEnd,
    newEndIndex: newEnd,
    startPosition: positionAt(before, start),
    oldEndPosition: positionAt(before, oldEnd),
    newEndPosition: positionAt(after, newEnd),
  });
}

/**
 * Parses Python within limits: a size limit checked before parsing and a time budget enforced
 * through tree-sitter's progress callback. With `previous` (the tree and text of an earlier
 * version) the parse is incremental. Throws PythonParseLimitError with a one-line reason.
 */
export function parsePython(
  parser: Parser,
  text: string,
  limits: ParseLimits = {},
  previous?: { readonly tree: Tree; readonly text: string },
): Tree {
  const maxChars = limits.maxChars ?? configured.maxChars;
  const budgetMs = limits.budgetMs ?? configured.budgetMs;
  if (text.length > maxChars) {
    throw new PythonParseLimitError(
      `file too large to read (${(text.length / 1024).toFixed(0)} KiB; the limit is ${(maxChars / 1024).toFixed(0)} KiB, setting activationLens.python.maxFileSizeKB)`,
    );
  }
  const source = blankCommentLines(text);
  let old: Tree | null = null;
  if (previous) {
    old = previous.tree.copy();
    old.edit(singleEdit(blankCommentLines(previous.text), source));
  }
  const deadline = performance.now() + budgetMs;
  parser.reset();
  const tree = parser.parse(source, old, {
    progressCallback: (() => performance.now() > deadline) as unknown as () => void,
  });
  old?.delete();
  if (!tree) {
    parser.reset();
    throw new PythonParseLimitError(
      `parsing took longer than ${budgetMs} ms and was stopped (${(text.length / 1024).toFixed(0)} KiB)`,
    );
  }
  return tree;
}

interface Entry {
  version: number;
  text: string;
  tree: Tree;
}

/** Parsed trees per document, re-parsed only when the version changes (LRU of a few docs). */
export class PythonTreeCache {
  private readonly entries = new Map<string, Entry>();
  constructor(
    private readonly capacity = 16,
    private readonly limits: ParseLimits = {},
  ) {}

  /** The tree for this document version; `parser` from {@link pythonParser}. Incremental from the
   * document's previous version; throws PythonParseLimitError past the limits. */
  get(parser: Parser, key: string, version: number, text: string): Tree {
    const hit = this.entries.get(key);
    if (hit && hit.version === version && hit.text.length === text.length) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.tree;
    }
    const tree = parsePython(parser, text, this.limits, hit);
    hit?.tree.delete();
    this.entries.delete(key);
    this.entries.set(key, { version, text, tree });
    while (this.entries.size > this.capacity) {
      const [oldKey, old] = this.entries.entries().next().value as [string, Entry];
      old.tree.delete();
      this.entries.delete(oldKey);
    }
    return tree;
  }

  delete(key: string): void {
    this.entries.get(key)?.tree.delete();
    this.entries.delete(key);
  }
}
