import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkModel } from '../../../src/model/check';
import { readModelsInText } from '../../../src/model/parse';
import fixture from './fixtures/torch-models.json';

/**
 * The model check against PyTorch running the same sample files (built by the files themselves,
 * so with PyTorch's default init and the files' own nn.init calls), 20 seeds, float64:
 * fixtures/torch-models.json, written by scripts/torch-model-check.py.
 *
 * Tolerance rule of test/reference/README.md: each log10 figure within 4 between-seed standard
 * deviations + 0.1 of PyTorch's mean; postMean and deadFraction within 4 sd + 0.02. Our own seed,
 * one run: the same room a single run needs, no more.
 */
const root = join(__dirname, '../../..');
const SEED = 20261127;

const LOG10_FIGURES = ['postStd', 'weightGradNorm', 'inputGradRms'] as const;
const LINEAR_FIGURES = ['postMean', 'deadFraction'] as const;

describe('the model check agrees with PyTorch on the PyTorch samples', () => {
  for (const ref of fixture.models) {
    it(`${ref.file} ${ref.model}: every layer within the reference tolerance`, async () => {
      const models = await readModelsInText(readFileSync(join(root, ref.file), 'utf8'));
      const model = models.find((m) => m.name === ref.model);
      expect(model?.status).toBe('ok');
      const report = checkModel(model!, { seed: SEED, batch: fixture.batch });
      expect(report.layers).toHaveLength(ref.layers.length);
      const misses: string[] = [];
      ref.layers.forEach((want, i) => {
        const got = report.layers[i]!;
        const w = want as unknown as Record<string, number>;
        for (const k of LOG10_FIGURES) {
          const v = Math.log10(got[k]);
          const tol = 4 * w[`${k}Log10Sd`]! + 0.1;
          if (!(Math.abs(v - w[`${k}Log10`]!) <= tol)) {
            misses.push(
              `layer ${want.layer} ${k}: log10 ${v.toFixed(3)} vs torch ${w[`${k}Log10`]!.toFixed(3)} ± ${tol.toFixed(3)}`,
            );
          }
        }
        for (const k of LINEAR_FIGURES) {
          const tol = 4 * w[`${k}Sd`]! + 0.02;
          if (!(Math.abs(got[k] - w[k]!) <= tol)) {
            misses.push(
              `layer ${want.layer} ${k}: ${got[k].toFixed(4)} vs torch ${w[k]!.toFixed(4)} ± ${tol.toFixed(4)}`,
            );
          }
        }
      });
      expect(misses).toEqual([]);
    });
  }
});
