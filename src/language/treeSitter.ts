import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Language, Parser, type Tree } from 'web-tree-sitter';

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

interface Entry {
  version: number;
  text: string;
  tree: Tree;
}

/** Parsed trees per document, re-parsed only when the version changes (LRU of a few docs). */
export class PythonTreeCache {
  private readonly entries = new Map<string, Entry>();
  constructor(private readonly capacity = 16) {}

  /** The tree for this document version; `parser` from {@link pythonParser}. */
  get(parser: Parser, key: string, version: number, text: string): Tree {
    const hit = this.entries.get(key);
    if (hit && hit.version === version && hit.text.length === text.length) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.tree;
    }
    const tree = parser.parse(text);
    if (!tree) throw new Error('tree-sitter returned no tree');
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
