import { describe, expect, it } from 'vitest';
import type { RowStats } from '../../../src/kernel/graph/types';
import type { TorchCheckResult } from '../../../src/torch/protocol';
import { sideBySideMarkdown, sideBySideReport } from '../../../src/torch/report';
import { resultHeader } from './sample';

const measured: TorchCheckResult = {
  ...resultHeader,
  notes: ['batch capped from 100 to 64'],
  repeated: ['shared_act'],
  timing: { importMs: 1000, runMs: 50, totalMs: 1200 },
  layers: [
    {
      module: 'fc1',
      kind: 'Linear',
      outputShape: [8, 32],
      line: 5,
      postMean: 0,
      postStd: 0.6,
      weightGradNorm: 13,
      biasGradNorm: 3,
      inputGradRms: 0.13,
    },
    {
      module: 'act',
      kind: 'ReLU',
      outputShape: [8, 32],
      line: 6,
      postMean: 0.3,
      postStd: 0.38,
      weightGradNorm: null,
      biasGradNorm: null,
      inputGradRms: 0.18,
    },
    {
      module: 'fc2',
      kind: 'Linear',
      outputShape: [8, 4],
      line: 7,
      postMean: 0.1,
      postStd: 0.2,
      weightGradNorm: 19,
      biasGradNorm: 9,
      inputGradRms: 0.25,
    },
  ],
};

const row = (r: Partial<RowStats> & { row: string }): RowStats => ({
  kind: 'Linear',
  line: null,
  outputShape: [8, 32],
  postMean: 0,
  postStd: 1,
  weightGradNorm: null,
  biasGradNorm: null,
  inputGradRms: 0.1,
  deadFraction: 0,
  ...r,
});

describe('sideBySideReport', () => {
  it('puts both columns on each module and names where they differ', () => {
    const r = sideBySideReport(measured, {
      rows: [
        row({ row: 'fc1', postStd: 6, weightGradNorm: 130 }),
        row({ row: 'act', kind: 'ReLU', postStd: 3.8 }),
        row({ row: 'fc2', outputShape: [8, 4], postStd: 0.2, weightGradNorm: 19 }),
        // Ran twice in PyTorch: no row there, so none compared here.
        row({ row: 'shared_act', kind: 'ReLU' }),
      ],
    });
    expect(r.layers.map((l) => [l.module, l.postStd, l.measured.postStd])).toEqual([
      ['fc1', 6, 0.6],
      ['act', 3.8, 0.38],
      ['fc2', 0.2, 0.2],
    ]);
    expect(r.layers[0]!.disagreement).toMatch(/an init this reader did not follow/);
    expect(r.layers[2]!.disagreement).toBeUndefined();
    expect(r.comparison).toMatchObject({ agree: 1, disagree: 2 });
    expect(r.warnings[0]).toBe(
      'simulation and PyTorch: 1 modules agree within 0.5 in log10, 2 disagree, 0 only in PyTorch, 0 only simulated',
    );
    expect(r.warnings).toContain('PyTorch: batch capped from 100 to 64');
    expect(r.verdict).toBe('healthy');
    const md = sideBySideMarkdown(r);
    expect(md).toContain('| fc1 | Linear | 5 | 6.00 | 0.600 | 130 | 13.0 | **differs**: ');
    expect(md).toContain('| fc2 | Linear | 7 | 0.200 | 0.200 | 19.0 | 19.0 |  |');
  });

  it("shows PyTorch's column alone, with the reason, when the model is not simulated", () => {
    const r = sideBySideReport(measured, { declined: 'line 42: torch.einsum is not read' });
    expect(r.comparison).toBeNull();
    expect(r.partial).toBe('PyTorch only (line 42: torch.einsum is not read)');
    expect(r.layers[0]!.postStd).toBeNaN();
    expect(r.layers[0]!.measured.postStd).toBe(0.6);
    expect(sideBySideMarkdown(r)).toContain('| fc1 | Linear | 5 | — | 0.600 | — | 13.0 |  |');
  });
});
