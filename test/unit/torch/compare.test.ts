import { describe, expect, it } from 'vitest';
import { compareRows, TOLERANCE_LOG10, type SimulatedRow } from '../../../src/torch/compare';
import type { MeasuredRow } from '../../../src/torch/protocol';

function measured(
  module: string,
  kind: string,
  postStd: number,
  weightGradNorm: number | null,
): MeasuredRow {
  return {
    module,
    kind,
    outputShape: [8, 16],
    line: 1,
    postMean: 0,
    postStd,
    weightGradNorm,
    biasGradNorm: null,
    inputGradRms: 0.1,
  };
}

const sim = (m: MeasuredRow, over: Partial<SimulatedRow> = {}): SimulatedRow => ({ ...m, ...over });

describe('compareRows', () => {
  const a = measured('fc1', 'Linear', 0.6, 3);
  const b = measured('act', 'ReLU', 0.35, null);
  const c = measured('fc2', 'Linear', 0.2, 5);

  it('agrees within the tolerance, per figure', () => {
    const r = compareRows([sim(a, { postStd: 0.6 * 10 ** 0.4 }), sim(b), sim(c)], [a, b, c]);
    expect([r.agree, r.disagree]).toEqual([3, 0]);
    expect(r.maxDeltaLog10).toBeCloseTo(0.4, 12);
    expect(r.tolerance).toBe(TOLERANCE_LOG10);
  });

  it('names an init the reader did not follow at the first layer off, and what follows from it', () => {
    const r = compareRows(
      [sim(a, { postStd: 6, weightGradNorm: 30 }), sim(b, { postStd: 3.5 }), sim(c)],
      [a, b, c],
    );
    expect(r.rows.map((x) => x.verdict)).toEqual(['disagree', 'disagree', 'agree']);
    expect(r.rows[0]!.reason).toMatch(/an init this reader did not follow/);
    expect(r.rows[0]!.deltaLog10.postStd).toBeCloseTo(1, 12);
    expect(r.rows[1]!.reason).toMatch(/follows from the difference at fc1/);
  });

  it('blames later modules when only the gradient differs', () => {
    const r = compareRows([sim(a), sim(b), sim(c, { weightGradNorm: 500 })], [a, b, c]);
    expect(r.rows[2]!.reason).toMatch(/the forward agrees here but the gradient differs/);
  });

  it('names a shape read differently, and rows only one side has', () => {
    const r = compareRows(
      [sim(a, { outputShape: [8, 32] }), sim(b), { module: 'extra', kind: 'Tanh' }],
      [a, b, c],
    );
    expect(r.rows[0]!.reason).toMatch(/output shape \[8,32\] simulated, \[8,16\] in PyTorch/);
    expect(r.rows.find((x) => x.module === 'fc2')!.verdict).toBe('only-measured');
    expect(r.rows.find((x) => x.module === 'extra')!.verdict).toBe('only-simulated');
    expect([r.onlyMeasured, r.onlySimulated]).toEqual([1, 1]);
  });

  it("pairs the engine's RowStats by `row`", () => {
    const r = compareRows([{ row: 'fc1', postStd: 0.6, weightGradNorm: 3 }], [a]);
    expect(r.rows[0]!.verdict).toBe('agree');
  });
});
