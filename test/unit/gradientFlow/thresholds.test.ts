import { describe, expect, it } from 'vitest';
import {
  DEFAULT_THRESHOLDS,
  GradientFlowInputError,
  judge,
  resolveThresholds,
  runCheck,
} from '../../../src/kernel/gradientFlow';

// ReLU with Xavier over 16 layers: the first layer's gradient is about 10^-2.4 of the last's.
const RELU_XAVIER = {
  activation: 'relu',
  init: 'xavier_normal',
  depth: 16,
  width: 64,
  batch: 64,
} as const;

describe('thresholds: the verdict and warnings read against settings', () => {
  it('keeps 3 orders of magnitude and 5 % as the defaults', () => {
    expect(DEFAULT_THRESHOLDS).toEqual({ ratioLimitLog10: 3, deadWarningFraction: 0.05 });
    const r = runCheck(RELU_XAVIER);
    expect(r.verdict).toBe('healthy');
    expect(r.gradRatioLog10).toBeLessThan(-2);
    expect(r.reason).toContain('within 10⁻³…10³');
    expect(r.config).toMatchObject({ ratioLimit: 3, deadWarning: 0.05 });
  });

  it('turns a healthy run into a vanishing one under a stricter limit', () => {
    const r = runCheck({ ...RELU_XAVIER, ratioLimit: 2 });
    expect(r.verdict).toBe('vanishing');
    expect(r.reason).toContain('(limit 10⁻²)');
    // The same figures, read against another limit: judge alone agrees.
    const loose = runCheck(RELU_XAVIER);
    expect(r.gradRatioLog10).toBe(loose.gradRatioLog10);
    expect(judge(loose.layers, { ...DEFAULT_THRESHOLDS, ratioLimitLog10: 2 }).verdict).toBe(
      'vanishing',
    );
  });

  it('warns about dead units from the given fraction on', () => {
    const he = { ...RELU_XAVIER, init: 'he_normal' } as const;
    const worst = Math.max(...runCheck(he).layers.map((l) => l.deadFraction));
    expect(worst).toBeGreaterThan(0.05);
    expect(runCheck(he).warnings.some((w) => w.startsWith('dead units (≥ 5%'))).toBe(true);
    const lax = runCheck({ ...he, deadWarning: Math.min(1, worst + 0.01) });
    expect(lax.warnings.some((w) => w.startsWith('dead units'))).toBe(false);
    expect(lax.advice).not.toContain('dead');
  });

  it('refuses a bad value in one line', () => {
    for (const bad of [0, -1, 1000, NaN, '3'])
      expect(resolveThresholds({ ratioLimit: bad }).ok).toBe(false);
    for (const bad of [0, 1.5, -0.1, 'x'])
      expect(resolveThresholds({ deadWarning: bad }).ok).toBe(false);
    const r = resolveThresholds({ ratioLimit: -1 });
    expect(!r.ok && r.message).toBe(
      'ratio limit must be a number of orders of magnitude in [0.1, 300], got -1',
    );
    expect(() => runCheck({ ...RELU_XAVIER, deadWarning: 2 })).toThrow(GradientFlowInputError);
    expect(resolveThresholds({ ratioLimit: 1.5, deadWarning: 0.2 })).toEqual({
      ok: true,
      thresholds: { ratioLimitLog10: 1.5, deadWarningFraction: 0.2 },
    });
  });
});
