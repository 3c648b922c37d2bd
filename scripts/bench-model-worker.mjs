// The model lenses' listing: the extension host's thread time (event-loop active time) of listing
// the models of torchvision's resnet.py, read on the host (readModels, as before #13) against asked
// of the model worker (ModelWorker.models, a new document version each time: incremental re-parse
// and read there). Cold = the first listing (parser load), warm = median of REPS.
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { printTable } from './bench-lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const REPS = Number(process.env.BENCH_REPS ?? 20);
const dir = join(root, '.cache', 'bench-model-worker');
mkdirSync(join(dir, 'wasm'), { recursive: true });
for (const f of ['web-tree-sitter.wasm', 'tree-sitter-python.wasm'])
  cpSync(join(root, 'dist', 'wasm', f), join(dir, 'wasm', f));
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  mainFields: ['module', 'main'],
  alias: { 'web-tree-sitter': join(root, 'node_modules/web-tree-sitter/web-tree-sitter.cjs') },
  logLevel: 'warning',
};
await esbuild.build({
  ...common,
  entryPoints: [join(root, 'src/gradientFlow/worker.ts')],
  outfile: join(dir, 'worker.js'),
});
await esbuild.build({
  ...common,
  stdin: {
    contents: `export { readModels } from './src/model/read/frameworks';
export { fileModuleResolver } from './src/model/read/files';
export { ModelWorker } from './src/gradientFlow/modelWorker';`,
    resolveDir: root,
    loader: 'ts',
  },
  outfile: join(dir, 'host.js'),
});
const { readModels, fileModuleResolver, ModelWorker } = require(join(dir, 'host.js'));

const file = join(root, 'test/corpus/models/pytorch/torchvision/models/resnet.py');
const text = readFileSync(file, 'utf8');

/** The host thread's busy time (ms) and the wall time of one awaited listing. */
async function hostTime(f) {
  const e0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  const n = (await f()).models.length;
  const wall = performance.now() - t0;
  return { active: performance.eventLoopUtilization(e0).active, wall, n };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function series(f) {
  const cold = await hostTime(() => f(0));
  const warm = [];
  for (let i = 1; i <= REPS; i++) warm.push(await hostTime(() => f(i)));
  return { cold, warm, n: cold.n };
}

const host = await series(() =>
  readModels(text, { path: file, resolveModule: fileModuleResolver }),
);
const worker = new ModelWorker(join(dir, 'worker.js'));
const off = await series((version) =>
  worker.models({ uri: `file://${file}`, version, text, path: file, maxChars: 2 << 20 }),
);
worker.dispose();

const fmt = (x) => `${x.toFixed(1)} ms`;
const row = (where, s) => [
  where,
  fmt(s.cold.active),
  fmt(median(s.warm.map((w) => w.active))),
  fmt(median(s.warm.map((w) => w.wall))),
];
console.log(
  `Lens listing of resnet.py (${(text.length / 1024).toFixed(0)} KiB, ${host.n} models), median of ${REPS}:`,
);
printTable([
  ['listed', 'host thread, cold', 'host thread, warm', 'wall, warm'],
  row('on the host (readModels)', host),
  row('in the worker (ModelWorker.models)', off),
]);
