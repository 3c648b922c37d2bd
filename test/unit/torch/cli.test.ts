import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliHarness } from '../cli/harness';

const { io, run } = cliHarness();
const PYTHON = process.env['ACTIVATION_LENS_TEST_PYTHON'] ?? '/usr/bin/python3';
const CNN = join(__dirname, '../../corpus/models/pytorch/written/mnist_cnn.py');
/** `check --engine torch` on the corpus MNIST file with Debian's torch. */
const torchCheck = (model: string, ...more: string[]) =>
  run('check', '--from', CNN, '--model', model, '--engine', 'torch', '--python', PYTHON, ...more);

describe('activation-lens check --engine torch', () => {
  it('prints the measured rows as JSON', { timeout: 60_000 }, async () => {
    const code = await torchCheck('BNNet()', '--input-shape', '4,1,28,28', '--seed', '3', '--json');
    expect([code, io.err]).toEqual([0, '']);
    const r = JSON.parse(io.out.join('\n')) as {
      engine: string;
      seed: number;
      inputShape: number[];
      layers: { module: string; kind: string; outputShape: number[]; line: number }[];
    };
    expect([r.engine, r.seed, r.inputShape]).toEqual(['torch', 3, [4, 1, 28, 28]]);
    expect(r.layers[0]).toMatchObject({
      module: 'features.0.0',
      kind: 'Conv2d',
      outputShape: [4, 16, 28, 28],
      line: 36,
    });
    expect(r.layers.at(-1)).toMatchObject({
      module: 'classifier',
      kind: 'Linear',
      outputShape: [4, 10],
    });
  });

  it('prints a table without --json', { timeout: 60_000 }, async () => {
    expect(await torchCheck('Net()', '--input-shape', '8,1,28,28')).toBe(0);
    expect(io.out.join('\n')).toMatch(
      /^Net\(\) in .*mnist_cnn\.py: PyTorch .*seed 0, input 8×1×28×28\n\nmodule +kind +output/,
    );
  });

  it(
    'a model that raises: file, line and the exception in one line, exit 2',
    { timeout: 60_000 },
    async () => {
      // This net's fc1 expects 28×28 images.
      expect(await torchCheck('Net()', '--input-shape', '8,1,32,32')).toBe(2);
      expect(io.err).toMatch(
        /^activation-lens: .*mnist_cnn\.py:27: RuntimeError: mat1 and mat2 shapes cannot be multiplied \(8x12544 and 9216x128\)\n$/,
      );
    },
  );

  it(
    '--compare prints the simulated and measured columns side by side',
    { timeout: 60_000 },
    async () => {
      expect(await torchCheck('BNNet()', '--input-shape', '8,1,28,28', '--compare', '--json')).toBe(
        0,
      );
      const r = JSON.parse(io.out.join('\n')) as {
        engine: string;
        comparison: { agree: number; disagree: number };
        layers: { module: string; postStd: number; measured: { postStd: number } }[];
      };
      expect(r.engine).toBe('torch');
      expect(r.layers).toHaveLength(13);
      for (const l of r.layers)
        expect([typeof l.postStd, typeof l.measured.postStd]).toEqual(['number', 'number']);
      expect(r.comparison).toMatchObject({ agree: 13, disagree: 0 });
      io.out = [];
      expect(await torchCheck('BNNet()', '--input-shape', '8,1,28,28', '--compare')).toBe(0);
      expect(io.out.join('\n')).toMatch(/\| features\.0\.0 \| Conv2d \| 36 \| [\d.]+ \| [\d.]+ \|/);
    },
  );

  it('refuses what it cannot do with exit 2 and one line', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['--from', CNN, '--model', 'Net()', '--engine', 'jax'],
        /--engine must be simulate or torch, got 'jax'/,
      ],
      [['--from', CNN, '--engine', 'torch'], /--engine torch needs --from FILE and --model EXPR/],
      [
        ['--from', CNN, '--model', 'Net()', '--python', PYTHON],
        /--python, --timeout and --compare need --engine torch/,
      ],
      [
        ['--from', CNN, '--model', 'Net()', '--engine', 'torch', '--input-shape', '8,zero'],
        /--input-shape: input shape must be positive integers/,
      ],
      [
        ['--from', CNN, '--model', 'Net()', '--engine', 'torch', '--timeout', '-1'],
        /--timeout must be a positive number of seconds/,
      ],
      [
        ['--from', CNN, '--model', 'Net()', '--engine', 'torch', '--python', '/nonexistent/python'],
        /no Python interpreter at '\/nonexistent\/python'/,
      ],
    ];
    for (const [argv, msg] of cases) {
      io.err = '';
      expect(await run('check', ...argv)).toBe(2);
      expect(io.err).toMatch(msg);
      expect(io.err.trim().split('\n')).toHaveLength(1);
    }
  });
});
