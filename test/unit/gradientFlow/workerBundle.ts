// The worker as the extension ships it, for the worker tests: bundled by esbuild as dist/worker.js
// is, with the tree-sitter wasm beside it as dist/wasm is.
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

/** Bundles src/gradientFlow/worker.ts into a fresh temp folder; returns the folder and the file. */
export async function bundleWorker(): Promise<{ dir: string; workerPath: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'al-worker-'));
  const workerPath = path.join(dir, 'worker.js');
  const resolve = createRequire(import.meta.url).resolve;
  mkdirSync(path.join(dir, 'wasm'));
  cpSync(
    resolve('web-tree-sitter/web-tree-sitter.wasm'),
    path.join(dir, 'wasm', 'web-tree-sitter.wasm'),
  );
  cpSync(
    path.join(resolve('tree-sitter-python/package.json'), '..', 'tree-sitter-python.wasm'),
    path.join(dir, 'wasm', 'tree-sitter-python.wasm'),
  );
  await build({
    entryPoints: ['src/gradientFlow/worker.ts'],
    outfile: workerPath,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    // As esbuild.mjs: web-tree-sitter's CommonJS build (its ESM one reads import.meta.url).
    alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/web-tree-sitter.cjs' },
    mainFields: ['module', 'main'],
    logLevel: 'error',
  });
  return { dir, workerPath };
}
