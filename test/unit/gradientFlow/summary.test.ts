import { describe, expect, it } from 'vitest';
import { summarize } from '../../../src/gradientFlow/summary';

const run = {
  verdict: 'healthy' as const,
  gradRatioLog10: -0.2,
  layers: [{ deadFraction: 0 }, { deadFraction: 0.12 }],
  selfNormalisation: [],
};

describe('summarize: the dead-unit tone at the run’s own threshold', () => {
  it('warns at the default 5 % and not above the fraction the run was checked with', () => {
    expect(summarize(run)).toMatchObject({ tone: 'warning', label: 'dead units' });
    expect(summarize({ ...run, config: { deadWarning: 0.05 } }).tone).toBe('warning');
    expect(summarize({ ...run, config: { deadWarning: 0.2 } })).toMatchObject({
      tone: 'ok',
      label: 'healthy',
    });
  });
});
