// Check with PyTorch: wall time of `activation-lens check --engine torch` (interpreter start, torch
// import, loading the file, build + forward + backward) on corpus models, median of 3, beside the
// script's own split (import torch / the rest). Needs an interpreter with torch (bench-lib).
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, printTable, torchPython } from './bench-lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const REPS = Number(process.env.BENCH_REPS ?? 3);
const corpus = (p) => join(root, 'test', 'corpus', 'models', 'pytorch', p);
const MODELS = [
  ['MNIST CNN 8×1×28×28', corpus('written/mnist_cnn.py'), 'Net()', '8,1,28,28'],
  [
    'ResNet-18 (CIFAR) 8×3×32×32',
    corpus('torchvision/models/resnet.py'),
    'ResNet(BasicBlock, [2, 2, 2, 2], num_classes=10)',
    '8,3,32,32',
  ],
  [
    'GPT 4 layers, d=128, 8×64 tokens',
    corpus('written/gpt.py'),
    'GPT(GPTConfig(n_layer=4, n_head=4, n_embd=128, block_size=64, vocab_size=65))',
    '8,64',
  ],
];

const py = torchPython();
if (!py) {
  console.log('no interpreter with torch: nothing to measure');
} else {
  const rows = [['model', 'wall ms (median)', 'import torch ms', 'load + run ms', 'rows']];
  for (const [name, file, model, shape] of MODELS) {
    const wall = [];
    let last;
    for (let i = 0; i < REPS; i++) {
      const t = performance.now();
      const r = spawnSync(
        process.execPath,
        [
          join(root, 'dist', 'cli.js'),
          'check',
          '--from',
          file,
          '--model',
          model,
          '--input-shape',
          shape,
          '--engine',
          'torch',
          '--python',
          py,
          '--json',
        ],
        { encoding: 'utf8', maxBuffer: 1 << 26 },
      );
      wall.push(performance.now() - t);
      if (r.status !== 0) throw new Error(`${name}: ${r.stderr.trim()}`);
      last = JSON.parse(r.stdout);
    }
    rows.push([
      name,
      median(wall).toFixed(0),
      last.timing.importMs,
      last.timing.runMs,
      last.layers.length,
    ]);
  }
  printTable(rows);
  console.log(
    `\n${py}, torch ${spawnSync(py, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).stdout.trim()}`,
  );
}
