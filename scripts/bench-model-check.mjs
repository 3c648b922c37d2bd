// The model check end to end as a user runs it: a fresh `activation-lens check --from FILE --model
// EXPR --input-shape … --json` process per run (node start, WASM parser load, reading the file,
// building the graph, the engine's forward and backward, JSON out). Wall time and the child's own
// CPU time (the machine may be shared: CPU says what the check costs, wall what the user waits).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, printTable } from './bench-lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const REPS = Number(process.env.BENCH_REPS ?? 5);
const corpus = (p) => join(root, 'test', 'corpus', 'models', p);

const cases = [
  [
    'ResNet-18 CIFAR (torchvision), 8×3×32×32',
    corpus('pytorch/torchvision/models/resnet.py'),
    'ResNet(BasicBlock, [2, 2, 2, 2], num_classes=10)',
    '8,3,32,32',
  ],
  [
    'GPT 4 layers (corpus), 8×64 tokens',
    corpus('pytorch/written/gpt.py'),
    'GPT(GPTConfig(n_layer=4, n_head=4, n_embd=128, block_size=64, vocab_size=65))',
    '8,64',
  ],
  [
    'Keras ResNet50 (keras-applications), 8×64×64×3',
    corpus('keras/keras_applications/resnet50.py'),
    'ResNet50(weights=None, input_shape=(64, 64, 3), classes=10)',
    '8,64,64,3',
  ],
  [
    'Flax linen ResNet (corpus), 8×32×32×3',
    corpus('flax/written/linen_resnet.py'),
    'ResNet()',
    '8,32,32,3',
  ],
];

const rows = [];
for (const [name, file, expr, shape] of cases) {
  const wall = [];
  const cpu = [];
  let rowsOut = 0;
  for (let i = 0; i < REPS; i++) {
    // bash's `time` reports the child's user+sys CPU beside the wall clock.
    const r = spawnSync(
      'bash',
      [
        '-c',
        'TIMEFORMAT="%R %U %S"; time node "$@" > /tmp/al-bench-model.json',
        'bench',
        join(root, 'dist', 'cli.js'),
        'check',
        '--from',
        file,
        '--model',
        expr,
        '--input-shape',
        shape,
        '--json',
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`${name}: exit ${r.status}: ${r.stderr}`);
    const [w, u, s] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
    wall.push(w * 1000);
    cpu.push((u + s) * 1000);
    if (i === 0)
      rowsOut = JSON.parse(
        spawnSync('cat', ['/tmp/al-bench-model.json'], { encoding: 'utf8' }).stdout,
      ).layers.length;
  }
  rows.push([
    name,
    rowsOut,
    median(wall).toFixed(0),
    Math.min(...wall).toFixed(0),
    median(cpu).toFixed(0),
  ]);
}
printTable([
  [
    'model (fresh CLI process, reading included)',
    'rows',
    'wall ms (median)',
    'wall ms (best)',
    'CPU ms (median)',
  ],
  ...rows,
]);
