// Builds every bundle. `--watch` rebuilds on change; `--production` minifies and drops sourcemaps.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync } from 'node:fs';
import { writeGemmWasm } from './scripts/gen-gemm-wasm.mjs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production') || process.env.CI === 'true';

// mainFields: prefer ESM entry points; jsonc-parser's UMD main hides its requires from esbuild.
// alias: web-tree-sitter's ESM build (picked for `import`) reads import.meta.url, empty in CommonJS.
const node = {
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  bundle: true,
  mainFields: ['module', 'main'],
  alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/web-tree-sitter.cjs' },
};
const browser = { platform: 'browser', format: 'iife', target: 'chrome120', bundle: true };

/** One entry per bundle; features add theirs here. */
const entries = [
  {
    ...node,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
  },
  { ...node, entryPoints: ['src/kernel/index.ts'], outfile: 'dist/kernel.js' },
  {
    ...node,
    entryPoints: ['src/cli.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
  },
  { ...browser, entryPoints: ['webview/plot/main.ts'], outfile: 'dist/webview/plot.js' },
  // KaTeX apart: the plot panel loads it after the first paint (webview/plot/tex.ts).
  { ...browser, entryPoints: ['webview/plot/tex.ts'], outfile: 'dist/webview/plotTex.js' },
  { ...node, entryPoints: ['src/gradientFlow/worker.ts'], outfile: 'dist/worker.js' },
  {
    ...browser,
    entryPoints: ['webview/gradientFlow/main.ts'],
    outfile: 'dist/webview/gradientFlow.js',
  },
];

/** Static assets copied into dist/ (fonts, wasm, css). Features add theirs here. */
const copies = [
  {
    from: 'node_modules/web-tree-sitter/web-tree-sitter.wasm',
    to: 'dist/wasm/web-tree-sitter.wasm',
  },
  {
    from: 'node_modules/tree-sitter-python/tree-sitter-python.wasm',
    to: 'dist/wasm/tree-sitter-python.wasm',
  },
  { from: 'webview/shared/base.css', to: 'dist/webview/base.css' },
  { from: 'webview/plot/plot.css', to: 'dist/webview/plot.css' },
  { from: 'webview/gradientFlow/gradientFlow.css', to: 'dist/webview/gradientFlow.css' },
  { from: 'node_modules/katex/dist/katex.min.css', to: 'dist/webview/katex/katex.min.css' },
  // Only the KaTeX fonts our formulas use (Main, Math italic, delimiter sizes): the other 14 faces
  // would add ~230 kB to the .vsix; the plot's browser test renders every formula and fails on any
  // font request that is not shipped.
  ...[
    'Main-Regular',
    'Math-Italic',
    'Size1-Regular',
    'Size2-Regular',
    'Size3-Regular',
    'Size4-Regular',
  ].map((f) => ({
    from: `node_modules/katex/dist/fonts/KaTeX_${f}.woff2`,
    to: `dist/webview/katex/fonts/KaTeX_${f}.woff2`,
  })),
];

function copyAssets() {
  for (const { from, to } of copies) {
    mkdirSync(to.replace(/\/[^/]*$/, ''), { recursive: true });
    cpSync(from, to, { recursive: true });
  }
}

const common = {
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

copyAssets();
// The gemm kernels are assembled from their committed text (scripts/gemm-wat.mjs) on every build.
await writeGemmWasm();
if (watch) {
  const contexts = await Promise.all(entries.map((e) => esbuild.context({ ...common, ...e })));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('esbuild: watching');
} else {
  await Promise.all(entries.map((e) => esbuild.build({ ...common, ...e })));
}
