import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../../src/kernel/gradientFlow/verdict';
import { rowFindings } from '../../../src/model/findings';
import { modelVerdict, type ModelLayerRow } from '../../../src/model/graphCheck';

const row = (
  module: string,
  line: number,
  inputGradRms: number,
  deadFraction = 0,
): ModelLayerRow => ({
  module,
  kind: 'Linear',
  outputShape: [8, 16],
  line,
  postMean: 0,
  postStd: 1,
  weightGradNorm: 1,
  biasGradNorm: null,
  inputGradRms,
  deadFraction,
});
// The first layer's gradient is 10^-2.5 of the last's; fc2 has 10 % dead units.
const rows = [row('fc1', 3, 10 ** -2.5), row('fc2', 4, 0.1, 0.1), row('fc3', 5, 1)];
const strict = { ratioLimitLog10: 2, deadWarningFraction: 0.2 };

describe('model findings and verdict at the given thresholds', () => {
  it('reads 10^-2.5 as healthy by default and vanishing under a 2-order limit', () => {
    expect(modelVerdict(rows).verdict).toBe('healthy');
    expect(modelVerdict(rows, strict).verdict).toBe('vanishing');
    const kinds = (t = DEFAULT_THRESHOLDS) =>
      rowFindings(rows, [], t).map((f) => `${f.module}:${f.kind}`);
    expect(kinds()).toEqual(['fc1:shrinking', 'fc2:dead']);
    // Stricter ratio, laxer dead-unit fraction: fc1 vanishing, fc2 no longer flagged.
    expect(kinds(strict)).toEqual(['fc1:vanishing']);
  });
});
