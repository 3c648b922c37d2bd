// Agreement with PyTorch 1.13 float64 (test/reference/gradflow.json, 20 seeds per config): one
// run with our own seed must land within 4 sd + 0.1 of every log10 mean, and 4 sd + 0.02 of every
// postMean and deadFraction, at every layer.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { referenceFile } from '../referenceFile';
import { runCheck, type InitName } from '../../../src/kernel/gradientFlow';

interface RefLayer {
  layer: number;
  postStdLog10: number;
  postStdLog10Sd: number;
  weightGradNormLog10: number;
  weightGradNormLog10Sd: number;
  inputGradRmsLog10: number;
  inputGradRmsLog10Sd: number;
  postMean: number;
  postMeanSd: number;
  deadFraction: number;
  deadFractionSd: number;
}
interface RefConfig {
  activation: string;
  init: InitName;
  depth: number;
  width: number;
  batch: number;
  layers: RefLayer[];
}

const ref = JSON.parse(readFileSync(referenceFile('gradflow.json'), 'utf8')) as {
  configs: RefConfig[];
};

describe('gradient-flow simulation agrees with PyTorch', () => {
  it('covers every reference config', () => expect(ref.configs.length).toBeGreaterThanOrEqual(6));

  for (const c of ref.configs) {
    it(`${c.activation} / ${c.init}: every layer within the reference band`, () => {
      const r = runCheck({
        activation: c.activation,
        init: c.init,
        depth: c.depth,
        width: c.width,
        batch: c.batch,
        seed: 0,
      });
      expect(r.layers).toHaveLength(c.depth);
      const misses: string[] = [];
      const check = (
        what: string,
        layer: number,
        ours: number,
        mean: number,
        sd: number,
        slack: number,
      ): void => {
        const allowed = 4 * sd + slack;
        if (!(Math.abs(ours - mean) <= allowed)) {
          misses.push(`layer ${layer} ${what}: ${ours} vs ${mean} (allowed ±${allowed})`);
        }
      };
      for (const L of c.layers) {
        const l = r.layers[L.layer - 1]!;
        check(
          'log10 postStd',
          L.layer,
          Math.log10(l.postStd),
          L.postStdLog10,
          L.postStdLog10Sd,
          0.1,
        );
        check(
          'log10 weightGradNorm',
          L.layer,
          Math.log10(l.weightGradNorm),
          L.weightGradNormLog10,
          L.weightGradNormLog10Sd,
          0.1,
        );
        check(
          'log10 inputGradRms',
          L.layer,
          Math.log10(l.inputGradRms),
          L.inputGradRmsLog10,
          L.inputGradRmsLog10Sd,
          0.1,
        );
        check('postMean', L.layer, l.postMean, L.postMean, L.postMeanSd, 0.02);
        check('deadFraction', L.layer, l.deadFraction, L.deadFraction, L.deadFractionSd, 0.02);
      }
      expect(misses).toEqual([]);
    });
  }
});
