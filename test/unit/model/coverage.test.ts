import { describe, expect, it } from 'vitest';
import { progressText, summarize } from '../../../src/gradientFlow/summary';
import { coverageOf } from '../../../src/model/coverage';
import { checkModel } from '../../../src/model/check';
import { readModelsInText } from '../../../src/model/parse';
import { readFileSync } from 'node:fs';
import { formatTable, reportToMarkdown } from '../../../src/kernel/gradientFlow';

describe('coverage: what the check left out', () => {
  it('names skipped layer types once, in source order, and keeps assumptions apart', () => {
    const c = coverageOf(2, [
      { line: 18, message: 'nn.ReLU() comes before the first Linear/Dense: not simulated' },
      { line: 17, message: '`nn.Conv2d` is not simulated (only Linear layers…)' },
      { line: 20, message: '`nn.Conv2d` is not simulated (only Linear layers…)' },
      { line: 30, message: 'bias=b is not a constant: assumed True' },
    ]);
    expect(c.skipped).toEqual(['Conv2d', 'ReLU']);
    expect(c.assumed).toHaveLength(1);
    expect(c.partial).toBe('2 layers simulated, Conv2d/ReLU skipped');
    expect(coverageOf(3, []).partial).toBeNull();
  });

  it('says "partial" for conv_batchnorm.py in the report, its Markdown and its table', async () => {
    const text = readFileSync('samples/models/conv_batchnorm.py', 'utf8');
    const models = await readModelsInText(text);
    const bn = models.find((m) => m.name === 'bn_mlp')!;
    const r = checkModel(bn, { batch: 32 });
    expect(r.partial).toBe('2 layers simulated, BatchNorm1d skipped');
    const s = summarize(r);
    expect(s.headline).toBe('partial (2 layers simulated, BatchNorm1d skipped) · healthy');
    expect(s.tone).toBe('warning');
    expect(formatTable(r)).toMatch(
      /verdict: PARTIAL CHECK \(2 layers simulated, BatchNorm1d skipped\) · HEALTHY/,
    );
    expect(reportToMarkdown(r)).toMatch(
      /\*\*Verdict: partial check \(.*BatchNorm1d skipped\) · healthy\*\*/,
    );
  });
});

describe('summary: colour by meaning', () => {
  const layer = (deadFraction: number) => ({ deadFraction });
  it('is red for vanishing and exploding, with the ratio for people', () => {
    const s = summarize({
      verdict: 'vanishing',
      gradRatioLog10: -6.2,
      layers: [layer(0)],
      selfNormalisation: [],
    });
    expect(s).toMatchObject({
      tone: 'error',
      label: 'vanishing',
      figure: 'vanishing 6.3 × 10⁻⁷',
      icon: '✖',
    });
    expect(
      summarize({ verdict: 'exploding', gradRatioLog10: NaN, layers: [], selfNormalisation: [] })
        .figure,
    ).toBe('exploding');
  });
  it('is amber for dead units or a SELU stack out of band, even with healthy gradients', () => {
    expect(
      summarize({ verdict: 'healthy', layers: [layer(0.31)], selfNormalisation: [] }),
    ).toMatchObject({ tone: 'warning', label: 'dead units' });
    expect(
      summarize({ verdict: 'healthy', layers: [layer(0)], selfNormalisation: [{ pass: false }] })
        .label,
    ).toBe('not self-normalising');
  });
  it('is green only when complete and nothing is flagged', () => {
    expect(
      summarize({
        verdict: 'healthy',
        layers: [layer(0.01), layer(null as unknown as number)],
        selfNormalisation: [{ pass: true }],
      }).tone,
    ).toBe('ok');
    expect(
      summarize({ verdict: 'healthy', layers: [], selfNormalisation: [], partial: 'x' }).tone,
    ).toBe('warning');
  });
});

describe('progress for people', () => {
  it('counts layers forward, then back from the last', () => {
    expect(progressText(13, 100)).toBe('layer 13 of 50 (forward)');
    expect(progressText(51, 100)).toBe('layer 50 of 50 (backward)');
    expect(progressText(100, 100)).toBe('layer 1 of 50 (backward)');
    expect(progressText(3, 9, 'backward', 'node')).toBe('node 3 of 9 (backward)');
  });
});
