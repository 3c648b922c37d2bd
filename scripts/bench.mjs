// `npm run bench`: every benchmark of the project in one run, each beside its baseline measured in
// the same run (PyTorch float64, one thread, when `python3 -c "import torch"` works).
// Sections: kernels (f+f′ over 1M points per activation), then each feature's own bench script.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { printTable, torchPython } from './bench-lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const only = process.argv[2]; // optional: kernels | hover | plot | gradflow | graph | torch | reader | model

const N = Number(process.env.BENCH_POINTS ?? 1_000_000);
const REPS = Number(process.env.BENCH_REPS ?? 5);

/** Deterministic points in [−10, 10] (same distribution as the torch script). */
function points(n) {
  const xs = new Float64Array(n);
  let s = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5; // xorshift32: speed test input only
    xs[i] = ((s >>> 0) / 4294967296) * 20 - 10;
  }
  return xs;
}

function benchKernels() {
  const { activations } = require(join(root, 'dist', 'kernel.js'));
  const xs = points(N);
  const f = new Float64Array(N);
  const df = new Float64Array(N);
  const ours = {};
  for (const a of activations) {
    const run = () => {
      const t = process.hrtime.bigint();
      a.fBatch(xs, undefined, f);
      a.dfBatch(xs, undefined, df);
      return Number(process.hrtime.bigint() - t);
    };
    run();
    let best = Infinity;
    for (let r = 0; r < REPS; r++) best = Math.min(best, run());
    ours[a.id] = best / N;
  }
  let torch = null;
  const py = torchPython();
  if (py) {
    const out = execFileSync(
      py,
      [join(root, 'scripts', 'bench_torch_kernels.py'), String(N), String(REPS)],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      },
    );
    torch = JSON.parse(out.trim().split('\n').pop());
  }
  console.log(
    `\n## Kernels: f + f′ over ${N.toLocaleString('en')} float64 points (best of ${REPS}), ns per point`,
  );
  console.log(
    torch
      ? `PyTorch ${torch.torch}, float64, torch.set_num_threads(1), f′ by autograd\n`
      : 'PyTorch not available: ours only\n',
  );
  const rows = [['id', 'ours', ...(torch ? ['torch', 'ours/torch'] : [])]];
  const ratios = [];
  for (const [id, ns] of Object.entries(ours)) {
    const t = torch?.nsPerPoint[id];
    if (t !== undefined) ratios.push(ns / t);
    rows.push([
      id,
      ns.toFixed(2),
      ...(torch
        ? [t === undefined ? '—' : t.toFixed(2), t === undefined ? '—' : (ns / t).toFixed(2)]
        : []),
    ]);
  }
  if (ratios.length) {
    const geo = Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length);
    rows.push(['geomean', '', '', geo.toFixed(2)]);
  }
  printTable(rows);
}

/** Feature benches live beside their features; each prints its own table. */
function runScript(name, file) {
  const path = join(root, 'scripts', file);
  if (!existsSync(path)) throw new Error(`bench: ${file} is missing`);
  console.log(`\n## ${name}`);
  const r = spawnSync(process.execPath, [path], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) throw new Error(`bench: ${file} exited ${r.status}`);
}

const sections = {
  kernels: benchKernels,
  hover: () => runScript('Hover', 'bench-hover.mjs'),
  plot: () => runScript('Plot redraw (Chromium)', 'bench-plot.mjs'),
  gradflow: () => runScript('Gradient-flow check', 'bench-gradflow.mjs'),
  graph: () =>
    runScript('Graph engine: ResNet-18 and nanoGPT beside PyTorch float32', 'bench-graph.mjs'),
  torch: () => runScript('Check with PyTorch (check --engine torch, wall time)', 'bench-torch.mjs'),
  reader: () => runScript('Model reader: parse + read + graph of real files', 'bench-reader.mjs'),
  lenses: () =>
    runScript('Lens listing: host-thread time, host vs worker', 'bench-model-worker.mjs'),
  model: () =>
    runScript(
      'Model check end to end (check --from … --model …, fresh process)',
      'bench-model-check.mjs',
    ),
};
for (const [name, run] of Object.entries(sections)) if (!only || only === name) run();
