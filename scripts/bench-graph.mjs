// The graph engine beside PyTorch float32 with one thread (scripts/bench_torch_graph.py), in the
// same run: ResNet-18 (kuangliu CIFAR, 8×3×32×32) and a 4-layer nanoGPT (d=128, 4 heads, sequence
// 64, batch 4, vocab 65), both from src/kernel/graph/zoo.ts. Each side times what a check does:
// parameters and inputs drawn, forward, Σ out ⊙ G, backward (ours also takes per-row statistics).
// Then gemm alone: GFLOP/s of the JS 4×4 tile, the WASM kernels on one thread and on the pool.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { median, printTable, torchPython } from './bench-lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const REPS = Number(process.env.BENCH_REPS ?? 3);

// The engine, the zoo and the pool are not in the kernel bundle's API: bundle them here.
const entry = `
export { runGraph, compileGraph } from './src/kernel/graph/executor';
export { resnet18Cifar, gptNano } from './src/kernel/graph/zoo';
export { gemm } from './src/kernel/graph/gemm';
export { matmulABt } from './src/kernel/gradientFlow/matmul';
export { enableGemmThreads, disableGemmThreads } from './src/gemmPool';
`;
const out = join(root, '.cache', 'bench-graph.cjs');
mkdirSync(dirname(out), { recursive: true });
const built = await esbuild.build({
  stdin: { contents: entry, resolveDir: root, loader: 'ts' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  write: false,
  logLevel: 'warning',
});
writeFileSync(out, built.outputFiles[0].text);
const E = require(out);

/** Multiply-adds ×2 of the forward pass, from the compiled shapes (conv, linear, matmul, sdpa). */
function forwardFlops(graph) {
  const g = E.compileGraph(graph);
  let f = 0;
  for (const n of g.nodes) {
    const op = n.node.op;
    const out = n.outShape.reduce((a, b) => a * b, 1);
    if (op.op === 'conv')
      f += 2 * out * (op.inChannels / op.groups) * op.kernel.reduce((a, b) => a * b, 1);
    else if (op.op === 'linear') f += 2 * out * op.inFeatures;
    else if (op.op === 'sdpa') {
      const q = n.inShapes[0];
      const L = q[q.length - 2];
      f += 2 * 2 * (q.reduce((a, b) => a * b, 1) / L) * L * L; // QKᵀ and A·V
    } else if (op.op === 'matmul') f += 2 * out * n.inShapes[0].at(-1);
  }
  return f;
}

function timeOurs(graph) {
  E.runGraph(graph, { seed: 0, dtype: 'float32' }); // warm-up (JIT, scratch buffers)
  const wall = [];
  const cpu = [];
  for (let r = 1; r <= REPS; r++) {
    const c = process.cpuUsage();
    const t = performance.now();
    E.runGraph(graph, { seed: r, dtype: 'float32' });
    wall.push(performance.now() - t);
    const u = process.cpuUsage(c);
    cpu.push((u.user + u.system) / 1000);
  }
  return { best: Math.min(...wall), median: median(wall), cpu: Math.min(...cpu) };
}

const py = torchPython();
let torch = null;
if (py) {
  const r = spawnSync(py, [join(root, 'scripts', 'bench_torch_graph.py'), String(REPS)], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`torch baseline failed: ${r.stderr}`);
  torch = JSON.parse(r.stdout.trim().split('\n').pop());
}

const models = [
  ['ResNet-18 CIFAR, 8×3×32×32', 'resnet18', E.resnet18Cifar()],
  ['nanoGPT 4×128, 4 heads, 4×64 tokens', 'gpt', E.gptNano()],
];
const cores = availableParallelism();
const rows = [
  [
    'model, float32, forward+backward',
    'GFLOP',
    'threads',
    'ours best ms',
    'ours median',
    'ours CPU ms',
    'GFLOP/s',
    'torch best ms',
    'torch CPU ms',
    'ours/torch wall',
    'ours/torch CPU',
  ],
];
for (const [label, key, graph] of models) {
  const flops = 3 * forwardFlops(graph); // backward ≈ 2× forward (input and weight gradients)
  const t = torch?.[key];
  for (const threads of [...new Set([1, Math.min(2, cores)])]) {
    const used = threads > 1 ? E.enableGemmThreads(threads) : 1;
    const o = timeOurs(graph);
    E.disableGemmThreads();
    rows.push([
      label,
      (flops / 1e9).toFixed(2),
      String(used),
      o.best.toFixed(0),
      o.median.toFixed(0),
      o.cpu.toFixed(0),
      (flops / o.best / 1e6).toFixed(1),
      t ? (1000 * t.best_s).toFixed(0) : '–',
      t ? (1000 * t.cpu_best_s).toFixed(0) : '–',
      t ? (o.best / (1000 * t.best_s)).toFixed(2) + '×' : '–',
      // On a shared machine wall time mostly measures the other processes; CPU time does not
      // (with the pool it adds both threads, so it shows the work, not the waiting).
      t ? (o.cpu / (1000 * t.cpu_best_s)).toFixed(2) + '×' : '–',
    ]);
  }
}
printTable(rows);
console.log(
  `${torch ? `PyTorch ${torch.torch}, ${torch.threads} thread, float32` : 'no python3 with torch: PyTorch columns skipped'}; best/median of ${REPS}; load average ${loadavg()[0].toFixed(1)} on ${cores} cores; Node ${process.version}`,
);

// gemm alone, C = A·B (A m×k, B k×n), best of 5 including the copies into linear memory.
console.log('\ngemm GFLOP/s (best of 5; WASM includes copying operands in and C out)');
const shapes = [
  [256, 256, 256, 'square'],
  [64, 8192, 576, 'ResNet layer1 conv forward (batch 8)'],
  [512, 128, 4608, 'ResNet layer4 conv forward'],
  [64, 576, 8192, 'ResNet layer1 ∂W'],
  [256, 384, 128, 'GPT c_attn forward'],
];
const time = (f) => {
  f();
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    f();
    best = Math.min(best, performance.now() - t);
  }
  return best;
};
const fill = (a) => {
  for (let i = 0; i < a.length; i++) a[i] = Math.sin(i * 12.9898) * 0.5;
  return a;
};
const grows = [
  ['m×n×k', 'JS 4×4 f64', 'WASM f64', 'WASM f32', `WASM f32 ×${Math.min(2, cores)}`, 'what'],
];
for (const [m, n, k, what] of shapes) {
  const g = (ctor) => {
    const a = fill(new ctor(m * k));
    const b = fill(new ctor(k * n));
    const c = new ctor(m * n);
    return () =>
      E.gemm({
        transA: false,
        transB: false,
        m,
        n,
        k,
        alpha: 1,
        a,
        lda: k,
        b,
        ldb: n,
        beta: 0,
        c,
        ldc: n,
      });
  };
  const bt = fill(new Float64Array(n * k));
  const a64 = fill(new Float64Array(m * k));
  const c64 = new Float64Array(m * n);
  const js = time(() => E.matmulABt(a64, bt, c64, m, k, n));
  const w64 = time(g(Float64Array));
  const w32 = time(g(Float32Array));
  E.enableGemmThreads(Math.min(2, cores));
  const w32p = time(g(Float32Array));
  E.disableGemmThreads();
  const gf = (ms) => ((2 * m * n * k) / ms / 1e6).toFixed(1);
  grows.push([`${m}×${n}×${k}`, gf(js), gf(w64), gf(w32), gf(w32p), what]);
}
printTable(grows);
