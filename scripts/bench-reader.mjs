// The model reader (src/model/read): parse + read + graph of real files, in a fresh process (cold:
// WASM parser load and first-run JIT included, as the CLI pays it) and warm (median of REPS).
// Files from the reader corpus: torchvision ResNet-18 at CIFAR size, the corpus GPT, the torchvision
// file's model list (every class and factory built once to decide whether it is checkable).
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const REPS = Number(process.env.BENCH_REPS ?? 20);

const out = join(root, '.cache', 'bench-reader.cjs');
mkdirSync(dirname(out), { recursive: true });
await esbuild.build({
  entryPoints: [join(root, 'src', 'model', 'read', 'index.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  packages: 'external',
  outfile: out,
  logLevel: 'warning',
});
const { buildGraph, readPythonModels } = require(out);
const corpus = (p) => readFileSync(join(root, 'test', 'corpus', 'models', 'pytorch', p), 'utf8');

const cases = [
  [
    'ResNet-18 (torchvision, 8×3×32×32)',
    corpus('torchvision/models/resnet.py'),
    'ResNet(BasicBlock, [2, 2, 2, 2], num_classes=10)',
  ],
  ['GPT 6 layers (corpus, 8×256 tokens)', corpus('written/gpt.py'), 'GPT(GPTConfig())'],
  [
    'ResNet-152 (torchvision)',
    corpus('torchvision/models/resnet.py'),
    'ResNet(Bottleneck, [3, 8, 36, 3], num_classes=10)',
  ],
];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
let first = true;
for (const [name, text, expr] of cases) {
  const t0 = performance.now();
  const r = await buildGraph(text, expr);
  const cold = performance.now() - t0;
  if (!r.ok) throw new Error(`${name}: ${r.reason}`);
  const times = [];
  for (let i = 0; i < REPS; i++) {
    const t = performance.now();
    await buildGraph(text, expr);
    times.push(performance.now() - t);
  }
  rows.push([
    name,
    r.graph.nodes.length,
    first ? `${cold.toFixed(0)} (parser load + JIT)` : cold.toFixed(0),
    median(times).toFixed(1),
  ]);
  first = false;
}
const listText = corpus('torchvision/models/resnet.py');
const t1 = performance.now();
const { models } = await readPythonModels(listText);
const listCold = performance.now() - t1;
const lt = [];
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  await readPythonModels(listText);
  lt.push(performance.now() - t);
}
rows.push([
  `models --from torchvision resnet.py (${models.length} models)`,
  '',
  listCold.toFixed(0),
  median(lt).toFixed(1),
]);

console.log('| read + build | nodes | first call ms | warm ms (median) |');
console.log('| --- | ---: | ---: | ---: |');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
