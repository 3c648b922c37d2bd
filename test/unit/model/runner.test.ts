import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkModel, ModelCheckError } from '../../../src/model/check';
import { readModelsInText } from '../../../src/model/parse';
import { checkModelInWorker, ModelCheckCancelled } from '../../../src/model/runner';

// The worker of every check bundled as the extension ships it (dist/worker.js), into a temp folder.
let workerPath = '';
beforeAll(async () => {
  workerPath = join(mkdtempSync(join(tmpdir(), 'al-model-worker-')), 'worker.js');
  await build({
    entryPoints: [join(__dirname, '../../../src/gradientFlow/worker.ts')],
    outfile: workerPath,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'error',
  });
});

const TEXT =
  'import torch.nn as nn\nnet = nn.Sequential(nn.Linear(32, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 1))\n';

describe('the model check in a worker thread', () => {
  it('returns the same report as in-process, with progress', async () => {
    const [model] = await readModelsInText(TEXT);
    const steps: number[] = [];
    const r = await checkModelInWorker(
      workerPath,
      model!,
      { seed: 5, batch: 64 },
      { onProgress: (s) => steps.push(s) },
    );
    const local = checkModel(model!, { seed: 5, batch: 64 });
    expect(r.layers.map((l) => [l.postStd, l.inputGradRms, l.line])).toEqual(
      local.layers.map((l) => [l.postStd, l.inputGradRms, l.line]),
    );
    expect(r.verdict).toBe(local.verdict);
    expect(steps.length).toBeGreaterThan(0);
  });

  it('rejects a declined model with ModelCheckError, and stops when aborted', async () => {
    const [bad] = await readModelsInText(
      'import torch.nn as nn\nm = nn.Sequential(nn.Linear(4, 8), nn.Linear(9, 2))\n',
    );
    await expect(checkModelInWorker(workerPath, bad!, {})).rejects.toBeInstanceOf(ModelCheckError);
    const [model] = await readModelsInText(TEXT);
    const abort = new AbortController();
    const p = checkModelInWorker(workerPath, model!, { batch: 4096 }, { signal: abort.signal });
    abort.abort();
    await expect(p).rejects.toBeInstanceOf(ModelCheckCancelled);
  });
});
