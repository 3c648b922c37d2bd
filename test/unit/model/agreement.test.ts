/**
 * Agreement with PyTorch, module by module: the reader + engine (seed 0, float32) against
 * PyTorch's 20-seed means and sds of real models (test/fixtures/real-models, made by
 * scripts/fixtures/real_models.py with Debian's torch). Each row's log10 postStd and
 * log10 ‖∂L/∂W‖ must land within 4 sd + 0.1 of PyTorch's mean, as the protocol says a correct
 * float32 simulation does: a single independent PyTorch run lands there (the criterion and why are in
 * scripts/fixtures/real_models.py's docstring).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGraph } from '../../../src/kernel/graph/executor';
import { fileModuleResolver } from '../../../src/model/read/files';
import { buildModel } from '../../../src/model/read/frameworks';

const ROOT = join(__dirname, '..', '..', '..');
const DIR = join(ROOT, 'test', 'fixtures', 'real-models');

interface Fixture {
  name: string;
  file: string;
  model: string;
  inputShape: number[];
  layers: ({ module: string } & Record<string, unknown>)[];
}

/** Models that must agree on every row PyTorch measured (the issue asks for ≥ 8, incl. these kinds). */
const MUST_AGREE = [
  'vit',
  'deepspeech',
  'resnet18',
  'gpt',
  'char_gru',
  'bn_cnn',
  'mnist_cnn',
  'mlp',
  'dcgan_generator',
  'dcgan_discriminator',
];

async function compare(
  fx: Fixture,
): Promise<{ declined?: string; rows: number; missing: string[]; off: string[] }> {
  const text = readFileSync(join(ROOT, fx.file), 'utf8');
  const built = await buildModel(text, fx.model, {
    inputShape: fx.inputShape,
    path: join(ROOT, fx.file),
    resolveModule: fileModuleResolver,
    framework: 'pytorch',
  });
  if (!built.ok) return { declined: built.reason, rows: 0, missing: [], off: [] };
  const got = new Map(
    runGraph(built.graph, { seed: 0, dtype: 'float32' }).rows.map((r) => [r.row, r]),
  );
  const missing: string[] = [];
  const off: string[] = [];
  for (const want of fx.layers) {
    const row = got.get(want.module);
    if (!row) {
      missing.push(want.module);
      continue;
    }
    for (const k of ['postStd', 'weightGradNorm'] as const) {
      const mean = want[`${k}Log10`] as number | null;
      const sd = want[`${k}Log10Sd`] as number | null;
      const v = row[k];
      if (mean === null || sd === null || v === null) continue;
      const d = Math.log10(v) - mean;
      if (!(Math.abs(d) <= 4 * sd + 0.1))
        off.push(`${want.module} ${k}: Δlog10 ${d.toFixed(3)} > ${(4 * sd + 0.1).toFixed(3)}`);
    }
  }
  return { rows: fx.layers.length, missing, off };
}

describe('agreement with PyTorch on real models', () => {
  const fixtures = readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Fixture);

  it('has fixtures for every model that must agree', () => {
    const names = fixtures.map((f) => f.name);
    for (const n of MUST_AGREE) expect(names).toContain(n);
  });

  for (const name of MUST_AGREE) {
    it(`${name}: every module within 4 sd + 0.1 in log10`, async () => {
      const fx = fixtures.find((f) => f.name === name)!;
      const r = await compare(fx);
      expect(r.declined, `${name} declined`).toBeUndefined();
      expect(r.missing, `${name}: rows PyTorch measured but the simulation has not`).toEqual([]);
      expect(r.off).toEqual([]);
    });
  }
});
