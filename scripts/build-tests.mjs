// Bundles the test suites that run outside vitest: test/integration (inside VS Code's extension
// host: `vscode` stays external, mocha is required from node_modules) into out/test/integration.
// Every test/integration/**/*.test.ts becomes its own bundle, so a helper adds a file and nothing else.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = path.join(root, 'test', 'integration');
const outDir = path.join(root, 'out', 'test', 'integration');

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

const entryPoints = walk(srcDir).filter((f) => f.endsWith('/index.ts') || f.endsWith('.test.ts'));
rmSync(outDir, { recursive: true, force: true });
await esbuild.build({
  entryPoints,
  outbase: srcDir,
  outdir: outDir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode', 'mocha'],
  sourcemap: 'inline',
  logLevel: 'warning',
});
console.log(
  `build-tests: ${entryPoints.length - 1} integration test file(s) → ${path.relative(root, outDir)}`,
);
