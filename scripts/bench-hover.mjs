// Hover latency on a generated 10k-line Python file: the first parse, then p50/p99 per hover at
// many positions on the same document version (the cache path every real hover takes).
// Bundles src/language + src/hover with esbuild into dist/ (next to dist/wasm) and runs it in node.
// Usage: node scripts/bench-hover.mjs [--lines 10000] [--hovers 5000]
import * as esbuild from 'esbuild';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const LINES = arg('--lines', 10_000);
const HOVERS = arg('--hovers', 5_000);

const outfile = join(root, 'dist', 'bench', 'hover-bench.js');
mkdirSync(dirname(outfile), { recursive: true });
await esbuild.build({
  stdin: {
    contents: `
      export { ActivationRecogniser } from './src/language/recogniser';
      export { pythonParser } from './src/language/treeSitter';
      export { buildHover } from './src/hover/build';
      export { formulaImage } from './src/hover/mathSvg';`,
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  mainFields: ['module', 'main'],
  // web-tree-sitter's ESM build reads import.meta.url, which is empty in a CommonJS bundle.
  alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/web-tree-sitter.cjs' },
  outfile,
  logLevel: 'warning',
});
const { ActivationRecogniser, pythonParser, buildHover, formulaImage } = createRequire(
  import.meta.url,
)(outfile);

/** A deterministic PRNG so every run hovers the same positions. */
function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A plausible model file: imports, then many small modules mixing activations and other code. */
function generate(lines) {
  const head = [
    'import torch',
    'import torch.nn.functional as F',
    'from torch import nn',
    'import flax.linen as fnn',
    'import keras',
    'from keras import layers',
    '',
  ];
  const block = (i) => [
    `class Block${i}(nn.Module):`,
    `    """Block ${i}: a residual MLP with a couple of activations."""`,
    `    def __init__(self, d: int = ${64 + (i % 7) * 32}) -> None:`,
    '        super().__init__()',
    '        self.net = nn.Sequential(',
    '            nn.Linear(d, 4 * d),',
    `            nn.LeakyReLU(${(0.01 * ((i % 9) + 1)).toFixed(2)}, inplace=True),`,
    '            nn.Linear(4 * d, d),',
    `            nn.GELU(approximate="${i % 2 ? 'tanh' : 'none'}"),`,
    '        )',
    `        self.dense = layers.Dense(d, activation="${['relu', 'selu', 'gelu', 'swish'][i % 4]}")`,
    '',
    '    def forward(self, x: torch.Tensor) -> torch.Tensor:',
    '        h = self.net(x) + x  # residual',
    `        return F.silu(h) * torch.sigmoid(h) + fnn.gelu(h) * ${i} + h.tanh()`,
    '',
    `def quick_gelu_${i}(x):`,
    `    return x * torch.sigmoid(${(1.702 + (i % 3) * 0.1).toFixed(3)} * x)`,
    '',
  ];
  const out = [...head];
  for (let i = 0; out.length < lines; i++) out.push(...block(i));
  return out.slice(0, lines).join('\n') + '\n';
}

const text = generate(LINES);
const doc = { key: 'bench.py', version: 1, languageId: 'python', getText: () => text };
const recogniser = new ActivationRecogniser((e) => {
  throw e;
});

let t0 = performance.now();
await pythonParser();
const initMs = performance.now() - t0;
t0 = performance.now();
const cpu0 = process.cpuUsage();
await recogniser.recognise(doc, text.indexOf('LeakyReLU'));
const firstParseMs = performance.now() - t0;
const firstParseCpuMs = process.cpuUsage(cpu0).user / 1000;

// A definition in the file: translated and identified against every kernel on its first hover.
t0 = performance.now();
const custom = await recogniser.recognise(doc, text.indexOf('def quick_gelu_0') + 5);
const customMs = performance.now() - t0;
t0 = performance.now();
buildHover(custom, { theme: 'dark', showPlot: true, typeset: false, compact: true });
const customBuildMs = performance.now() - t0;

// Half the hovers land on an activation (the expensive path: resolve + markdown), half anywhere.
const rand = mulberry32(42);
const targets = [];
for (const word of [
  'LeakyReLU',
  'GELU',
  'F.silu',
  'sigmoid',
  '"relu"',
  '"selu"',
  'fnn.gelu',
  'tanh()',
  'def quick_gelu_',
]) {
  const skip = word.startsWith('def ') ? 4 : 0;
  for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1))
    targets.push(i + 1 + skip);
}
const positions = Array.from({ length: HOVERS }, (_, k) =>
  k % 2 ? Math.floor(rand() * text.length) : targets[Math.floor(rand() * targets.length)],
);

const options = { theme: 'dark', showPlot: true, typeset: true, compact: true };

// A typeset formula's first render: MathJax's setup + one formula, then one new formula on the
// warm engine; every later hover of the same formula is a cache hit (counted in the p99 below).
let m0 = performance.now();
formulaImage(
  'f(x) = \\frac{1}{2} x \\left(1 + \\operatorname{erf}\\left(\\frac{x}{\\sqrt{2}}\\right)\\right)',
  'light',
);
const firstFormulaMs = performance.now() - m0;
m0 = performance.now();
formulaImage("f'(x) = \\sigma(x) + x\\,\\sigma(x)\\left(1 - \\sigma(x)\\right)", 'light');
const secondFormulaMs = performance.now() - m0;
m0 = performance.now();
for (let i = 0; i < 1000; i++)
  formulaImage("f'(x) = \\sigma(x) + x\\,\\sigma(x)\\left(1 - \\sigma(x)\\right)", 'light');
const cachedFormulaMs = (performance.now() - m0) / 1000;
async function hover(offset) {
  const r = await recogniser.recognise(doc, offset);
  return r ? buildHover(r, options) : undefined;
}
for (const p of positions.slice(0, 500)) await hover(p); // warm-up: JIT and the per-(id, params) memo

// Five rounds over the same positions: on a shared machine one round's tail is mostly scheduler
// noise, so we report the median round and the best one.
const ROUNDS = 5;
const rounds = [];
let found = 0;
for (let round = 0; round < ROUNDS; round++) {
  const times = { recognise: [], full: [] };
  found = 0;
  for (const p of positions) {
    const a = performance.now();
    const r = await recogniser.recognise(doc, p);
    const b = performance.now();
    if (r) {
      found++;
      buildHover(r, options);
    }
    const c = performance.now();
    times.recognise.push(b - a);
    times.full.push(c - a);
  }
  rounds.push(times);
}

const pct = (xs, q) => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const f = (ms) => ms.toFixed(3);
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const { loadavg } = await import('node:os');
console.log(
  `${LINES} lines, ${(text.length / 1024).toFixed(0)} KiB; ${HOVERS} hovers × ${ROUNDS} rounds, ${found} on an activation; load average ${loadavg()[0].toFixed(1)}`,
);
console.log(
  `tree-sitter WASM init: ${f(initMs)} ms; first hover (parses the file): ${f(firstParseMs)} ms wall, ${f(firstParseCpuMs)} ms CPU`,
);
console.log(
  `custom definition, first hover: translate + identify ${f(customMs)} ms (${custom?.id}), markdown ${f(customBuildMs)} ms`,
);
console.log(
  `typeset formula (MathJax → SVG): first render ${f(firstFormulaMs)} ms (engine setup + 1 formula), a new formula on the warm engine ${f(secondFormulaMs)} ms, cached ${f(cachedFormulaMs)} ms`,
);
console.log('');
console.log(
  '| per hover (same document version) | p50 ms | p99 ms (median round) | p99 ms (best round) | max ms |',
);
console.log('|---|---:|---:|---:|---:|');
let p99 = Infinity;
for (const key of ['recognise', 'full']) {
  const p50s = rounds.map((r) => pct(r[key], 0.5));
  const p99s = rounds.map((r) => pct(r[key], 0.99));
  const max = Math.max(...rounds.map((r) => Math.max(...r[key])));
  const name = key === 'full' ? 'recognise + markdown (plot, typeset formulas)' : 'recognise';
  console.log(
    `| ${name} | ${f(median(p50s))} | ${f(median(p99s))} | ${f(Math.min(...p99s))} | ${f(max)} |`,
  );
  if (key === 'full') p99 = median(p99s);
}
// The cost of each position itself: its fastest of the rounds (preemption rarely hits one position
// in every round). Its p99 is what the code costs; the rows above include the machine's noise.
const intrinsic = (key) => positions.map((_, i) => Math.min(...rounds.map((r) => r[key][i])));
console.log(
  `| per-position best of ${ROUNDS} (code cost) | ${f(pct(intrinsic('full'), 0.5))} | ${f(pct(intrinsic('full'), 0.99))} | | ${f(Math.max(...intrinsic('full')))} |`,
);
const code99 = pct(intrinsic('full'), 0.99);
console.log(
  `\ngoal p99 < 2 ms: code cost p99 ${f(code99)} ms (${code99 < 2 ? 'met' : 'NOT met'}); ` +
    `wall-clock p99 ${f(p99)} ms (${p99 < 2 ? 'met' : 'NOT met'} at load average ${loadavg()[0].toFixed(1)})`,
);
