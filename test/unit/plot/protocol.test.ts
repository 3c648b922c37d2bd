import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  parseFromWebview,
  parsePlotState,
  parseToWebview,
  type PlotState,
} from '../../../src/plot/protocol';
import { initialState, normalizeState } from '../../../src/plot/state';
import { sampleCurve, toPoints } from '../../../src/plot/sampling';
import { lookup } from './fixtures';

const good: PlotState = {
  ...initialState(),
  curves: [{ key: 'c1', id: 'test_leaky', params: { negative_slope: 0.2 } }],
  focus: 'c1',
};

describe('plot protocol validation', () => {
  it('accepts each well-formed message of both directions', () => {
    const warn: string[] = [];
    const w = (m: string): number => warn.push(m);
    expect(parseToWebview({ type: 'setState', state: good }, w)).toEqual({
      type: 'setState',
      state: good,
    });
    expect(
      parseToWebview({ type: 'notice', notice: { level: 'info', message: 'hi' } }, w)?.type,
    ).toBe('notice');
    expect(
      parseToWebview({ type: 'exportResult', kind: 'csv', ok: true, message: 'ok' }, w)?.type,
    ).toBe('exportResult');
    expect(parseFromWebview({ type: 'ready' }, w)).toEqual({ type: 'ready' });
    expect(parseFromWebview({ type: 'stateChanged', state: good }, w)?.type).toBe('stateChanged');
    expect(
      parseFromWebview(
        { type: 'exportPng', dataUrl: 'data:image/png;base64,iVBORw0KGgo=', fileName: 'gelu.png' },
        w,
      )?.type,
    ).toBe('exportPng');
    expect(
      parseFromWebview({ type: 'exportCsv', csv: 'x\r\n1\r\n', fileName: 'a-b.csv' }, w)?.type,
    ).toBe('exportCsv');
    expect(parseFromWebview({ type: 'log', level: 'warn', message: 'm' }, w)?.type).toBe('log');
    expect(warn).toEqual([]);
  });

  it.each([
    ['a non-object', 42],
    ['an unknown type', { type: 'explode' }],
    [
      'a NaN parameter',
      {
        type: 'setState',
        state: {
          ...good,
          curves: [{ key: 'c1', id: 'test_leaky', params: { negative_slope: NaN } }],
        },
      },
    ],
    ['an infinite range', { type: 'setState', state: { ...good, xMax: Infinity } }],
    ['a future state version', { type: 'setState', state: { ...good, version: 2 } }],
    [
      'too many curves',
      {
        type: 'setState',
        state: {
          ...good,
          curves: Array.from({ length: 9 }, (_, i) => ({ key: `c${i}`, id: 'x', params: {} })),
        },
      },
    ],
  ])('drops %s into the webview with one warning', (_name, raw) => {
    const warn: string[] = [];
    expect(parseToWebview(raw, (m) => warn.push(m))).toBeUndefined();
    expect(warn).toHaveLength(1);
    expect(warn[0]).toMatch(/dropped a malformed host→webview message/);
  });

  it.each([
    [
      'a non-PNG data URL',
      { type: 'exportPng', dataUrl: 'data:text/html;base64,PGgxPg==', fileName: 'a.png' },
    ],
    ['a path as file name', { type: 'exportCsv', csv: '', fileName: '../../etc/passwd' }],
    ['a missing field', { type: 'stateChanged' }],
  ])('drops %s into the host with one warning', (_name, raw) => {
    const warn: string[] = [];
    expect(parseFromWebview(raw, (m) => warn.push(m))).toBeUndefined();
    expect(warn).toHaveLength(1);
  });

  it('parsePlotState rejects what is not a state (old or foreign saved data)', () => {
    expect(parsePlotState(good)).toEqual(good);
    expect(parsePlotState(undefined)).toBeUndefined();
    expect(parsePlotState({ version: 1 })).toBeUndefined();
  });

  it('survives 10k random and mutated messages: never throws, drops with a warning, and what passes plots without NaN', () => {
    const mutated = fc.record(
      {
        type: fc.constantFrom(
          'setState',
          'notice',
          'exportResult',
          'ready',
          'stateChanged',
          'exportPng',
          'exportCsv',
          'log',
          '__proto__',
        ),
        state: fc.oneof(
          fc.constant(good),
          fc.record({
            version: fc.constantFrom(1, 2),
            curves: fc.array(
              fc.record({
                key: fc.string({ maxLength: 3 }),
                id: fc.constantFrom('test_leaky', 'test_blowup', ''),
                params: fc.dictionary(
                  fc.string({ maxLength: 15 }),
                  fc.oneof(fc.double(), fc.string()),
                ),
              }),
              { maxLength: 3 },
            ),
            xMin: fc.double(),
            xMax: fc.double(),
            yMin: fc.option(fc.double()),
            yMax: fc.option(fc.double()),
            series: fc.record({ f: fc.boolean(), df: fc.boolean(), d2f: fc.boolean() }),
            shade: fc.record({ vanish: fc.boolean(), explode: fc.boolean() }),
            hidden: fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
            focus: fc.option(fc.string({ maxLength: 3 })),
          }),
          fc.anything(),
        ),
        notice: fc.anything(),
        kind: fc.anything(),
        ok: fc.anything(),
        message: fc.anything(),
      },
      { requiredKeys: ['type'] },
    );
    let dropped = 0;
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(fc.anything(), mutated), (raw) => {
        const warn: string[] = [];
        const m = parseToWebview(raw, (w) => warn.push(w));
        parseFromWebview(raw, () => {});
        if (!m) {
          dropped++;
          expect(warn).toHaveLength(1);
          return;
        }
        accepted++;
        expect(warn).toHaveLength(0);
        if (m.type !== 'setState') return;
        // What the webview does with it: normalize, then sample every curve.
        const { state } = normalizeState(m.state, lookup);
        for (const c of state.curves) {
          const a = lookup(c.id);
          if (!a) throw new Error('normalizeState kept an unknown id');
          const s = sampleCurve(a, c.params, state.xMin, state.xMax, 50);
          for (const y of [s.f, s.df, s.d2f])
            for (const p of toPoints(s.xs, y))
              expect(p.y === null || Number.isFinite(p.y)).toBe(true);
        }
      }),
      { numRuns: 10_000 },
    );
    expect(dropped).toBeGreaterThan(1000);
    expect(accepted).toBeGreaterThan(100);
  });
});
