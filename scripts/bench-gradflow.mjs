// Times the gradient-flow check (dist/kernel.js, built by `npm run bench`) beside the same protocol
// in PyTorch float64 with one thread (scripts/gradflow_torch.py), when a python3 with torch exists.
// Both sides time the whole run: random draws, forward, backward, per-layer statistics.
// Then a breakdown of where our time goes, from timing the parts alone at the same sizes.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, printTable, torchPython } from './bench-lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const kernel = require(join(root, 'dist', 'kernel.js'));
const REPS = Number(process.env.BENCH_REPS ?? 5);

function timeOurs(cfg) {
  kernel.runCheck(cfg); // warm-up (JIT)
  const ts = [];
  const cpu = [];
  for (let r = 0; r < REPS; r++) {
    const c = process.cpuUsage();
    const t = performance.now();
    kernel.runCheck({ ...cfg, seed: r });
    ts.push(performance.now() - t);
    const u = process.cpuUsage(c);
    cpu.push((u.user + u.system) / 1000);
  }
  return { best: Math.min(...ts), median: median(ts), cpu: Math.min(...cpu) };
}

function timeTorch(py, cfg) {
  const args = [
    join(root, 'scripts', 'gradflow_torch.py'),
    'time',
    '--activation',
    cfg.activation,
    '--init',
    cfg.init,
    '--depth',
    String(cfg.depth),
    '--width',
    String(cfg.width),
    '--batch',
    String(cfg.batch),
    '--reps',
    String(REPS),
  ];
  const r = spawnSync(py, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`torch baseline failed: ${r.stderr}`);
  const j = JSON.parse(r.stdout);
  return {
    best: 1000 * j.best_s,
    median: 1000 * j.median_s,
    compute: 1000 * j.compute_best_s,
    cpu: 1000 * j.cpu_best_s,
  };
}

const configs = [
  { activation: 'relu', init: 'he_normal', depth: 32, width: 256, batch: 256 },
  { activation: 'sigmoid', init: 'xavier_normal', depth: 32, width: 256, batch: 256 },
  { activation: 'selu', init: 'lecun_normal', depth: 32, width: 256, batch: 256 },
  { activation: 'relu', init: 'he_normal', depth: 16, width: 512, batch: 512 },
];

const py = torchPython();
// CPU time beside wall time: on a busy machine, wall time mostly measures the other processes.
const rows = [
  [
    'config',
    'ours best ms',
    'ours median',
    'ours CPU ms',
    'torch best ms',
    'torch median',
    'torch CPU ms',
    'ours/torch wall',
    'ours/torch CPU',
  ],
];
for (const c of configs) {
  const o = timeOurs(c);
  const t = py ? timeTorch(py, c) : null;
  rows.push([
    `${c.activation}/${c.init} ${c.depth}×${c.width}, batch ${c.batch}`,
    o.best.toFixed(0),
    o.median.toFixed(0),
    o.cpu.toFixed(0),
    t ? t.best.toFixed(0) : '–',
    t ? t.median.toFixed(0) : '–',
    t ? t.cpu.toFixed(0) : '–',
    t ? (o.best / t.best).toFixed(2) + '×' : '–',
    t ? (o.cpu / t.cpu).toFixed(2) + '×' : '–',
  ]);
}
printTable(rows);
if (!py) console.log('(no python3 with torch: PyTorch columns skipped)');
console.log(
  `load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores; float64, best/median of ${REPS} runs, Node ${process.version}${py ? `, PyTorch one thread via ${py}` : ''}`,
);

// Where the time goes, for the default check: the same work, part by part.
{
  const { depth: L, width: N, batch: B } = configs[0];
  const a = new Float64Array(B * N).map(() => Math.random() - 0.5);
  const b = new Float64Array(N * N).map(() => Math.random() - 0.5);
  const c = new Float64Array(Math.max(B, N) * N);
  const time = (f, reps = 3) => {
    f();
    let best = Infinity;
    for (let r = 0; r < reps; r++) {
      const t = performance.now();
      f();
      best = Math.min(best, performance.now() - t);
    }
    return best;
  };
  // The engine's three products per linear layer (forward x·Wᵀ, ∂W = gyᵀ·x, ∂x = gy·W).
  const g = (transA, transB, m, n, k) => () =>
    kernel.gemm({
      transA,
      transB,
      m,
      n,
      k,
      alpha: 1,
      a,
      lda: transA ? m : k,
      b,
      ldb: transB ? k : n,
      beta: 0,
      c: c.subarray(0, m * n),
      ldc: n,
    });
  const products = [g(false, true, B, N, N), g(true, false, N, N, B), g(false, false, B, N, N)];
  const matmul = time(() => {
    for (let i = 0; i < L; i++) for (const p of products) p();
  });
  const relu = kernel.getActivation('relu');
  const acts = time(() => {
    for (let i = 0; i < L; i++) {
      relu.dfBatch(a, relu.params, c);
      relu.fBatch(a, relu.params, c);
    }
  });
  const total = timeOurs(configs[0]).best;
  const draws = (L * N * N + 2 * B * N) / 1e6;
  console.log(`\nWhere the time goes (relu/he ${L}×${N}, batch ${B}; best of 3 each):`);
  console.log(
    `- gemm, ${3 * L} products of ${B}×${N}×${N} (forward, ∂L/∂W, ∂L/∂h): ${matmul.toFixed(0)} ms = ${((3 * L * 2 * B * N * N) / matmul / 1e6).toFixed(2)} GFLOP/s (${((100 * matmul) / total).toFixed(0)}% of ${total.toFixed(0)} ms)`,
  );
  console.log(`- activation f and f′ batches: ${acts.toFixed(0)} ms`);
  console.log(
    `- the rest (${draws.toFixed(1)} M normal draws, statistics, allocation): ~${Math.max(0, total - matmul - acts).toFixed(0)} ms`,
  );
}
