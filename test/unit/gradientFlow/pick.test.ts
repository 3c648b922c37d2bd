import { describe, expect, it } from 'vitest';
import {
  parseShape,
  readCheckDefaults,
  readLastPick,
  readThresholdSettings,
  selfCheckDocument,
  selfCheckLine,
  shapeText,
} from '../../../src/gradientFlow/pick';
import type { SelfCheckResult } from '../../../src/kernel/selfCheck';

const row = (id: string, pass: boolean) =>
  ({
    id,
    pass,
    df: { pass, worstError: 1e-9, worstAt: 0 },
    d2f: { pass: true, worstError: 1e-8, worstAt: 0 },
    name: id,
    points: 10,
    nsPerEval: 3,
    costVsRelu: 1,
  }) as unknown as SelfCheckResult['rows'][number];

describe('the check’s pickers and settings', () => {
  it('reads the defaults from settings, falling back on anything out of range', () => {
    expect(readCheckDefaults((k) => ({ depth: 8, width: 64, batch: 32 })[k])).toEqual({
      depth: 8,
      width: 64,
      batch: 32,
    });
    expect(readCheckDefaults((k) => ({ depth: 0, width: 1.5, batch: '9' })[k])).toEqual({
      depth: 32,
      width: 256,
      batch: 256,
    });
  });

  it('remembers the last inputs only when they are whole', () => {
    const ok = { activation: 'tanh', init: 'xavier_normal', depth: 16, width: 128 };
    expect(readLastPick(ok)).toEqual(ok);
    expect(readLastPick({ ...ok, init: 'glorot' })).toBeUndefined();
    expect(readLastPick({ ...ok, depth: -1 })).toBeUndefined();
    expect(readLastPick(undefined)).toBeUndefined();
  });

  it('reads depth × width however the × is typed', () => {
    expect(parseShape(' 32 × 256 ')).toEqual({ depth: 32, width: 256 });
    expect(parseShape('8x16')).toEqual({ depth: 8, width: 16 });
    expect(parseShape('8*16')).toEqual({ depth: 8, width: 16 });
    expect(parseShape('0 × 16')).toBeUndefined();
    expect(parseShape('8 by 16')).toBeUndefined();
    expect(shapeText(8, 16)).toBe('8 × 16');
  });
});

describe('the self-check view', () => {
  it('says pass or fail in one line first', () => {
    const pass = { rows: [row('relu', true), row('gelu', true)], pass: true, tolerance: 1e-6 };
    expect(selfCheckLine(pass)).toBe(
      'Self-check passed: f′ and f″ of all 2 activations match numeric derivatives.',
    );
    const fail = { rows: [row('relu', true), row('gelu', false)], pass: false, tolerance: 1e-6 };
    expect(selfCheckLine(fail)).toBe('Self-check FAILED for 1 of 2 activations: gelu.');
    expect(selfCheckDocument(fail)).toMatch(
      /^# Activation Lens: kernel self-check\n\n\*\*Self-check FAILED/,
    );
    expect(selfCheckDocument(fail)).toContain('| gelu |');
  });

  it('reads the thresholds, a bad one falling back to its default with one line', () => {
    const from = (o: Record<string, unknown>) => readThresholdSettings((k) => o[k]);
    expect(from({})).toEqual({ settings: { ratioLimit: 3, deadWarning: 0.05 }, problems: [] });
    expect(from({ ratioLimit: 2, deadUnitWarning: 0.2 }).settings).toEqual({
      ratioLimit: 2,
      deadWarning: 0.2,
    });
    const bad = from({ ratioLimit: -1, deadUnitWarning: 0.2 });
    expect(bad.settings).toEqual({ ratioLimit: 3, deadWarning: 0.2 });
    expect(bad.problems).toEqual([
      'setting activationLens.gradientFlow.ratioLimit: ratio limit must be a number of orders of magnitude in [0.1, 300], got -1; the default is used',
    ]);
    expect(from({ deadUnitWarning: 5 }).problems).toHaveLength(1);
  });
});
