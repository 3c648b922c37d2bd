/**
 * The PyTorch check with a real interpreter: Debian's python3-torch at /usr/bin/python3 (installed
 * by scripts/setup.sh; ACTIVATION_LENS_TEST_PYTHON overrides). Nothing here is skipped: without
 * torch these tests fail, as the suite's rule says.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TorchCheckError } from '../../../src/torch/protocol';
import { runTorchCheck, torchCheckScript } from '../../../src/torch/run';

const PYTHON = process.env['ACTIVATION_LENS_TEST_PYTHON'] ?? '/usr/bin/python3';
const ROOT = join(__dirname, '..', '..', '..');
const SCRIPT = join(ROOT, 'python', 'torch_check.py');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'real-models');

interface FixtureLayer {
  module: string;
  kind: string;
  outputShape: number[];
  [k: string]: unknown;
}
interface Fixture {
  name: string;
  file: string;
  model: string;
  inputShape: number[];
  layers: FixtureLayer[];
}

async function failure(p: Promise<unknown>): Promise<TorchCheckError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TorchCheckError) return e;
    throw e;
  }
  throw new Error('the check did not fail');
}

/** Linux process state: undefined when gone, 'Z' for a zombie (dead, not yet reaped). */
function procState(pid: number): string | undefined {
  try {
    return /\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}
const dead = (pid: number) => {
  const s = procState(pid);
  return s === undefined || s === 'Z';
};
/** Waits (bounded) until every pid is dead; returns how long that took. SIGKILL is delivered
 * asynchronously, so the kernel needs a moment even after kill() returned. No timing is asserted
 * (the project's rule); the cancel test prints it. */
async function allDead(pids: readonly number[], limitMs = 2000): Promise<number> {
  const t0 = performance.now();
  while (!pids.every(dead) && performance.now() - t0 < limitMs)
    await new Promise((r) => setTimeout(r, 2));
  expect(pids.map(dead)).toEqual(pids.map(() => true));
  return performance.now() - t0;
}

function tmp(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'al-torch-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('the shipped script is found beside the bundle or the sources', () => {
  it('resolves python/torch_check.py from src/torch', () => {
    expect(torchCheckScript(join(ROOT, 'src', 'torch'))).toBe(SCRIPT);
    expect(torchCheckScript(join(ROOT, 'dist'))).toBe(SCRIPT);
  });
});

describe('--engine torch agrees with the 20-seed fixtures of real models (4 sd + 0.1 in log10)', () => {
  const names = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
  it('has at least 8 fixtures', () => expect(names.length).toBeGreaterThanOrEqual(8));
  for (const name of names) {
    const fx = JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Fixture;
    it(`${fx.name}: ${fx.model}`, { timeout: 120_000 }, async () => {
      // Seed 0 is not among the fixture's seeds (1000…1019): an independent run.
      const r = await runTorchCheck(
        { file: join(ROOT, fx.file), model: fx.model, inputShape: fx.inputShape, seed: 0 },
        { python: PYTHON, script: SCRIPT, timeoutMs: 110_000 },
      );
      expect(r.layers.map((l) => l.module)).toEqual(fx.layers.map((l) => l.module));
      const misses: string[] = [];
      r.layers.forEach((got, i) => {
        const want = fx.layers[i]!;
        expect(got.kind).toBe(want.kind);
        expect(got.outputShape).toEqual(want.outputShape);
        for (const f of ['postStd', 'weightGradNorm'] as const) {
          const mean = want[`${f}Log10`] as number | null;
          const sd = want[`${f}Log10Sd`] as number | null;
          if (mean === null || sd === null) continue;
          const v = Math.log10(got[f]!);
          if (!(Math.abs(v - mean) <= 4 * sd + 0.1))
            misses.push(
              `${got.module} ${f}: ${v.toFixed(3)} vs ${mean.toFixed(3)} ± ${(4 * sd + 0.1).toFixed(3)}`,
            );
        }
      });
      expect(misses).toEqual([]);
    });
  }
});

describe('what runs of the user file', () => {
  it('keeps imports, definitions and literal constants; drops every other statement', () => {
    const source = [
      'import torch', // 1 kept
      'from torch import nn', // 2 kept
      'N = 16', // 3 kept
      'H = N * 2 + 1', // 4 kept: arithmetic over kept constants
      "CFG = {'width': H, 'act': 'relu'}", // 5 kept
      'act = lambda x: x', // 6 kept
      'from functools import partial', // 7 kept
      'Norm = partial(nn.LayerNorm, eps=1e-6)', // 8 kept: builds a value
      'data = torch.load("weights.pt")', // 9 dropped: a call
      'W = len(data)', // 10 dropped
      'for epoch in range(10):', // 11 dropped
      '    pass',
      'class Net(nn.Module):', // 13 kept
      '    pass',
      'def make():', // 15 kept
      '    return Net()',
      'try:', // 17 kept: optional import
      '    import wandb',
      'except ImportError:',
      '    wandb = None',
      "if __name__ == '__main__':", // 21 dropped
      '    make()',
      'model = make()', // 23 dropped
      'X = undefined_name + 1', // 24 dropped: not a known value
      '',
    ].join('\n');
    const dir = tmp({ 'src.py': source });
    const out = execFileSync(
      PYTHON,
      [
        '-c',
        'import json, sys; sys.path.insert(0, sys.argv[1]); import torch_check; print(json.dumps(torch_check.kept_lines(open(sys.argv[2]).read())))',
        join(ROOT, 'python'),
        join(dir, 'src.py'),
      ],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(out)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 13, 15, 17]);
  });

  it(
    'runs none of the module-level code, in the file or in a sibling it imports',
    { timeout: 60_000 },
    async () => {
      const dir = tmp({
        'helpers.py': [
          'import time',
          "open(__file__ + '.RAN', 'w').write('sibling ran')",
          'time.sleep(30)',
          'WIDTH = 16',
          '',
        ].join('\n'),
        'train.py': [
          'import argparse, time',
          'import torch',
          'import torch.nn as nn',
          'from helpers import WIDTH',
          "parser = argparse.ArgumentParser(); parser.add_argument('--epochs', type=int, required=True)",
          'args = parser.parse_args()',
          "open(__file__ + '.RAN', 'w').write('module level ran')",
          'class Net(nn.Module):',
          '    def __init__(self):',
          '        super().__init__()',
          '        self.fc = nn.Linear(WIDTH, 4)',
          '    def forward(self, x):',
          '        return self.fc(x)',
          'model = Net()',
          'for epoch in range(args.epochs):',
          '    time.sleep(30)',
          "if __name__ == '__main__':",
          "    open(__file__ + '.MAIN', 'w').write('main ran')",
          '',
        ].join('\n'),
      });
      const r = await runTorchCheck(
        { file: join(dir, 'train.py'), model: 'Net()' },
        { python: PYTHON, script: SCRIPT, timeoutMs: 50_000 },
      );
      expect(r.layers.map((l) => [l.module, l.kind, l.outputShape, l.line])).toEqual([
        ['fc', 'Linear', [8, 4], 11],
      ]);
      expect(r.inputShape).toEqual([8, 16]);
      expect(readdirSync(dir).filter((f) => f.endsWith('.RAN') || f.endsWith('.MAIN'))).toEqual([]);
      // Filtered imports neither read nor write bytecode caches.
      expect(existsSync(join(dir, '__pycache__'))).toBe(false);
    },
  );

  it(
    'runs the corpus VAE script without its argparse, MNIST download or training loop',
    { timeout: 60_000 },
    async () => {
      const r = await runTorchCheck(
        {
          file: join(ROOT, 'test/corpus/models/pytorch/written/vae.py'),
          model: 'VAE()',
          inputShape: [4, 1, 28, 28],
        },
        { python: PYTHON, script: SCRIPT, timeoutMs: 50_000 },
      );
      expect(r.layers.map((l) => l.module)).toEqual(['enc', 'mu', 'logvar', 'dec1', 'dec2']);
    },
  );
});

describe('errors', () => {
  it('without torch: how to install it into that interpreter', { timeout: 30_000 }, async () => {
    // An interpreter without site-packages stands for a venv without torch.
    const dir = tmp({});
    const fake = join(dir, 'python-without-torch');
    writeFileSync(fake, `#!/bin/sh\nexec ${PYTHON} -S "$@"\n`);
    chmodSync(fake, 0o755);
    const e = await failure(
      runTorchCheck({ file: join(dir, 'm.py'), model: 'Net()' }, { python: fake, script: SCRIPT }),
    );
    expect(e.kind).toBe('no_torch');
    expect(e.message).toMatch(
      /PyTorch is not installed in .*Install it into this interpreter: .* -m pip install torch/,
    );
  });

  it('a missing interpreter is one line', async () => {
    const e = await failure(
      runTorchCheck(
        { file: '/nonexistent.py', model: 'Net()' },
        { python: '/nonexistent/python3', script: SCRIPT },
      ),
    );
    expect([e.kind, e.message]).toEqual([
      'spawn',
      "no Python interpreter at '/nonexistent/python3' (choose one with Python: Select Interpreter or the activationLens.python.path setting)",
    ]);
  });

  it(
    'a model that raises: the last line of the exception at its line in the file',
    { timeout: 30_000 },
    async () => {
      const dir = tmp({
        'bad.py': [
          'import torch.nn as nn',
          'class Bad(nn.Module):',
          '    def __init__(self):',
          '        super().__init__()',
          '        self.fc = nn.Linear(10, 4)',
          '    def forward(self, x):',
          '        h = x.view(-1, 7)',
          '        return self.fc(h)',
          '',
        ].join('\n'),
      });
      const e = await failure(
        runTorchCheck(
          { file: join(dir, 'bad.py'), model: 'Bad()', inputShape: [8, 10] },
          { python: PYTHON, script: SCRIPT },
        ),
      );
      expect([e.kind, e.file, e.line]).toEqual(['raised', join(dir, 'bad.py'), 7]);
      expect(e.message).toBe("RuntimeError: shape '[-1, 7]' is invalid for input of size 80");
    },
  );

  it('a bad expression or shape is one line', { timeout: 30_000 }, async () => {
    const dir = tmp({ 'm.py': 'import torch.nn as nn\nclass Net(nn.Linear):\n    pass\n' });
    const file = join(dir, 'm.py');
    const opts = { python: PYTHON, script: SCRIPT };
    const undefinedName = await failure(runTorchCheck({ file, model: 'Nett()' }, opts));
    expect([undefinedName.kind, undefinedName.message]).toEqual([
      'usage',
      "'Nett' is not defined in m.py (the model expression sees the file's imports, classes, functions and constants)",
    ]);
    const syntax = await failure(runTorchCheck({ file, model: 'Net(' }, opts));
    expect(syntax.kind).toBe('usage');
    expect(syntax.message).toMatch(/^the model expression 'Net\(' is not Python: /);
    const notModule = await failure(runTorchCheck({ file, model: '3 + 4' }, opts));
    expect(notModule.message).toBe("'3 + 4' gives a int, not an nn.Module");
  });
});

describe('bounds', () => {
  const big = () =>
    tmp({
      'big.py': [
        'import torch.nn as nn',
        'class Big(nn.Module):',
        '    def __init__(self, n=30000):',
        '        super().__init__()',
        '        self.fc = nn.Linear(n, n)',
        '    def forward(self, x):',
        '        return self.fc(x)',
        '',
      ].join('\n'),
    });

  it(
    'stops a model over the memory limit with a one-line reason at its line',
    { timeout: 30_000 },
    async () => {
      const dir = big();
      const e = await failure(
        runTorchCheck(
          { file: join(dir, 'big.py'), model: 'Big()', memoryMb: 512 },
          { python: PYTHON, script: SCRIPT },
        ),
      );
      expect([e.kind, e.line]).toEqual(['memory', 5]);
      expect(e.message).toMatch(
        /^over the check's memory limit \(512 MB beyond torch itself\): .*can't allocate memory/,
      );
    },
  );

  it('caps the batch and says so', { timeout: 30_000 }, async () => {
    const dir = big();
    const r = await runTorchCheck(
      { file: join(dir, 'big.py'), model: 'Big(16)', inputShape: [1000, 16], maxBatch: 32 },
      { python: PYTHON, script: SCRIPT },
    );
    expect(r.inputShape).toEqual([32, 16]);
    expect(r.notes).toContain('batch capped from 1000 to 32');
  });
});

describe('time limit and cancellation', () => {
  // The forward starts a grandchild (`sleep 60`) and then sleeps: both must be gone afterwards.
  const slow = () => {
    const dir = tmp({
      'slow.py': [
        'import subprocess, time, os',
        'import torch.nn as nn',
        'class Slow(nn.Module):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.fc = nn.Linear(4, 4)',
        '    def forward(self, x):',
        "        p = subprocess.Popen(['sleep', '60'])",
        "        open(os.path.join(os.path.dirname(__file__), 'child.pid'), 'w').write(str(p.pid))",
        '        time.sleep(60)',
        '        return self.fc(x)',
        '',
      ].join('\n'),
    });
    return { dir, file: join(dir, 'slow.py') };
  };
  const grandchild = async (dir: string): Promise<number> => {
    for (let i = 0; i < 200 && !existsSync(join(dir, 'child.pid')); i++)
      await new Promise((r) => setTimeout(r, 50));
    return Number(readFileSync(join(dir, 'child.pid'), 'utf8'));
  };

  it('stops at the time limit and leaves nothing running', { timeout: 60_000 }, async () => {
    const { dir, file } = slow();
    let pid = 0;
    const e = await failure(
      runTorchCheck(
        { file, model: 'Slow()', inputShape: [2, 4] },
        { python: PYTHON, script: SCRIPT, timeoutMs: 8000, onSpawn: (p) => (pid = p) },
      ),
    );
    expect(e.kind).toBe('timeout');
    expect(e.message).toMatch(/took longer than 8 s/);
    const child = await grandchild(dir);
    await allDead([pid, child]);
  });

  it(
    'cancellation kills the process group before the promise settles',
    { timeout: 60_000 },
    async () => {
      const { dir, file } = slow();
      const ac = new AbortController();
      let pid = 0;
      const p = runTorchCheck(
        { file, model: 'Slow()', inputShape: [2, 4] },
        { python: PYTHON, script: SCRIPT, signal: ac.signal, onSpawn: (x) => (pid = x) },
      );
      const child = await grandchild(dir);
      expect([dead(pid), dead(child)]).toEqual([false, false]);
      const t0 = performance.now();
      ac.abort();
      const e = await failure(p);
      const settled = performance.now() - t0;
      expect(e.kind).toBe('cancelled');
      // SIGKILL went to the whole group on abort; the kernel finishes both within moments.
      const gone = await allDead([pid, child]);
      console.log(
        `cancel: promise settled ${settled.toFixed(1)} ms after abort, interpreter and grandchild dead ${(settled + gone).toFixed(1)} ms after`,
      );
    },
  );
});
