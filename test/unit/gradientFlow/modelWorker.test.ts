// The model reader's worker as the extension runs it (bundled, the wasm beside it), real threads.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelWorker } from '../../../src/gradientFlow/modelWorker';
import type { BuildAndCheck, WorkerDocument } from '../../../src/gradientFlow/protocol';
import { WorkerCancelled, type Progress } from '../../../src/gradientFlow/runner';
import { readModels } from '../../../src/model/read/frameworks';
import { bundleWorker } from './workerBundle';

let dir: string;
let workerPath: string;
beforeAll(async () => ({ dir, workerPath } = await bundleWorker()));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MLP = `import torch.nn as nn

class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(16, 32)
        self.act = nn.Sigmoid()
        self.fc2 = nn.Linear(32, 4)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))
`;
const TAIL = `

class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        return self.fc(x)
`;
const doc = (text: string, version = 1, extra: Partial<WorkerDocument> = {}): WorkerDocument => ({
  uri: 'untitled:mlp.py',
  version,
  text,
  maxChars: 1 << 20,
  ...extra,
});
const check = (
  d: WorkerDocument,
  expr: string,
  more: Partial<BuildAndCheck> = {},
): BuildAndCheck => ({
  doc: d,
  expr,
  seed: 0,
  dtype: 'float32',
  shownFramework: 'pytorch',
  thresholds: { ratioLimitLog10: 3, deadWarningFraction: 0.5 },
  ratioLimit: 3,
  deadWarning: 0.5,
  ...more,
});

describe('model worker', () => {
  it('lists the models of a document as readModels does, and of its next version', async () => {
    const w = new ModelWorker(workerPath);
    try {
      const first = await w.models(doc(MLP));
      expect(first).toEqual(await readModels(MLP));
      expect(first.models.map((m) => [m.name, m.line, m.checkable])).toEqual([['MLP', 3, true]]);
      // The next version re-parses from the cached tree; the new class is found.
      const second = await w.models(doc(MLP + TAIL, 2));
      expect(second.models.map((m) => m.name)).toEqual(['MLP', 'Tiny']);
      expect(second).toEqual(await readModels(MLP + TAIL));
    } finally {
      w.dispose();
    }
  });

  it('reads a package file with its sibling modules from disk (torchvision resnet)', async () => {
    const file = path.resolve('test/corpus/models/pytorch/torchvision/models/resnet.py');
    const text = readFileSync(file, 'utf8');
    const w = new ModelWorker(workerPath);
    try {
      const got = await w.models(doc(text, 1, { uri: `file://${file}`, path: file }));
      expect(got.models.length).toBeGreaterThan(5);
      expect(got.models.map((m) => m.name)).toContain('ResNet');
    } finally {
      w.dispose();
    }
  });

  it('declines a file past the size limit with one line', async () => {
    const w = new ModelWorker(workerPath);
    try {
      const got = await w.models(doc(MLP, 1, { maxChars: 64 }));
      expect(got.models).toEqual([]);
      expect(got.declined).toMatch(/^file too large to read .*maxFileSizeKB\)$/);
    } finally {
      w.dispose();
    }
  });

  it('builds and runs a model, with progress, and returns what the reader declines', async () => {
    const w = new ModelWorker(workerPath);
    try {
      const seen: Progress[] = [];
      const r = await w.buildAndCheck(check(doc(MLP), 'MLP()', { inputShape: [8, 16] }), {
        onProgress: (p) => seen.push(p),
      });
      if (!r.ok) throw new Error(r.reason);
      expect(r.built.inputShape).toEqual([8, 16]);
      expect(r.report.title).toBe('MLP() · pytorch · input 8×16');
      expect(r.report.rows?.length).toBeGreaterThan(2);
      expect(r.built.graph.nodes.length).toBeGreaterThan(2);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.at(-1)!.step).toBe(seen.at(-1)!.total);
      const no = await w.buildAndCheck(check(doc(MLP), 'Nothing()'));
      expect(no.ok).toBe(false);
      if (!no.ok) expect(no.reason).toMatch(/Nothing/);
    } finally {
      w.dispose();
    }
  });

  it('cancels by terminating the worker; the next request gets a fresh one', async () => {
    const w = new ModelWorker(workerPath);
    try {
      const ac = new AbortController();
      const deep = `import torch.nn as nn\nmodel = nn.Sequential(${Array.from(
        { length: 60 },
        () => 'nn.Linear(512, 512), nn.Tanh()',
      ).join(', ')})\n`;
      const run = w.buildAndCheck(check(doc(deep), 'model', { inputShape: [256, 512] }), {
        signal: ac.signal,
        onProgress: (p) => {
          if (p.step === 2) ac.abort();
        },
      });
      await expect(run).rejects.toBeInstanceOf(WorkerCancelled);
      expect((await w.models(doc(MLP))).models.map((m) => m.name)).toEqual(['MLP']);
    } finally {
      w.dispose();
    }
  });

  it('a crashed worker fails its requests with one line, and the next starts afresh', async () => {
    const w = new ModelWorker(workerPath);
    try {
      const pending = w.models(doc(MLP));
      // What a crash looks like from the host: the thread is gone.
      await (w as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
      await expect(pending).rejects.toThrow(/^the model worker stopped \(exit code \d+\)$/);
      expect((await w.models(doc(MLP))).models.map((m) => m.name)).toEqual(['MLP']);
    } finally {
      w.dispose();
    }
  });
});
