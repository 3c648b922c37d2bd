import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_CURVES, X_LIMIT, plotStateSchema } from '../../../src/plot/protocol';
import {
  checkRange,
  defaultRange,
  roundRange,
  initialState,
  normalizeState,
  reduce,
  type PlotAction,
} from '../../../src/plot/state';
import { lookup } from './fixtures';
import { getActivation } from '../../../src/kernel/registry';

const add = (
  curves: PlotAction extends infer A
    ? A extends { type: 'add'; curves: infer C }
      ? C
      : never
    : never,
) => reduce(initialState(), { type: 'add', curves }, lookup);

describe('plot state reducer', () => {
  it('adds a curve with default params filled in and focuses it', () => {
    const r = add([{ id: 'test_leaky' }]);
    expect(r.notes).toEqual([]);
    expect(r.state.curves).toEqual([
      { key: 'c1', id: 'test_leaky', params: { negative_slope: 0.01 } },
    ]);
    expect(r.state.focus).toBe('c1');
  });

  it('clamps out-of-range params on add and says so', () => {
    const r = add([{ id: 'test_leaky', params: { negative_slope: 7 } }]);
    expect(r.state.curves[0]?.params.negative_slope).toBe(1);
    expect(r.notes.join()).toMatch(/above 1; clamped/);
  });

  it('refuses unknown activations and unknown parameter names with a note', () => {
    const r = add([{ id: 'nope' }, { id: 'test_leaky', params: { slope: 0.2 } }]);
    expect(r.state.curves.map((c) => c.id)).toEqual(['test_leaky']);
    expect(r.notes.join(' ')).toMatch(/Unknown activation 'nope'.*unknown parameter 'slope'/);
  });

  it('does not duplicate an identical curve but adds one with other params', () => {
    let s = add([{ id: 'test_leaky' }]).state;
    s = reduce(s, { type: 'add', curves: [{ id: 'test_leaky', params: {} }] }, lookup).state;
    expect(s.curves).toHaveLength(1);
    s = reduce(
      s,
      { type: 'add', curves: [{ id: 'test_leaky', params: { negative_slope: 0.2 } }] },
      lookup,
    ).state;
    expect(s.curves.map((c) => c.key)).toEqual(['c1', 'c2']);
    expect(s.focus).toBe('c2');
  });

  it(`keeps at most ${MAX_CURVES} curves, dropping the oldest with a note`, () => {
    const curves = Array.from({ length: MAX_CURVES + 2 }, (_, i) => ({
      id: 'test_leaky',
      params: { negative_slope: i / 20 },
    }));
    const r = add(curves);
    expect(r.state.curves).toHaveLength(MAX_CURVES);
    expect(r.state.curves[0]?.params.negative_slope).toBe(2 / 20);
    expect(r.notes.join()).toMatch(/removed the oldest/);
  });

  it('replace starts over; remove moves the focus to a remaining curve and forgets hidden datasets', () => {
    let s = add([{ id: 'test_leaky' }, { id: 'test_blowup' }]).state;
    s = reduce(s, { type: 'toggleHidden', dataset: 'c2:df' }, lookup).state;
    expect(s.hidden).toEqual(['c2:df']);
    s = reduce(s, { type: 'remove', key: 'c2' }, lookup).state;
    expect(s.curves.map((c) => c.key)).toEqual(['c1']);
    expect(s.focus).toBe('c1');
    expect(s.hidden).toEqual([]);
    s = reduce(s, { type: 'replace', curves: [{ id: 'test_blowup' }] }, lookup).state;
    expect(s.curves).toEqual([{ key: 'c1', id: 'test_blowup', params: {} }]);
  });

  it('setParam clamps, refuses NaN (keeping the old value) and ignores unknown names', () => {
    let s = add([{ id: 'test_leaky' }]).state;
    let r = reduce(s, { type: 'setParam', key: 'c1', name: 'negative_slope', value: 0.3 }, lookup);
    expect(r.state.curves[0]?.params.negative_slope).toBe(0.3);
    s = r.state;
    r = reduce(s, { type: 'setParam', key: 'c1', name: 'negative_slope', value: NaN }, lookup);
    expect(r.state.curves[0]?.params.negative_slope).toBe(0.3);
    expect(r.notes.join()).toMatch(/not a number; kept 0.3/);
    r = reduce(s, { type: 'setParam', key: 'c1', name: 'negative_slope', value: -5 }, lookup);
    expect(r.state.curves[0]?.params.negative_slope).toBe(0);
    r = reduce(s, { type: 'setParam', key: 'c1', name: 'alpha', value: 1 }, lookup);
    expect(r.state).toBe(s);
    r = reduce(s, { type: 'resetParams', key: 'c1' }, lookup);
    expect(r.state.curves[0]?.params.negative_slope).toBe(0.01);
  });

  it('refuses inverted, non-finite or huge ranges and accepts sane ones (resetting y)', () => {
    const s = { ...initialState(), yMin: 0, yMax: 1 };
    expect(reduce(s, { type: 'setRange', xMin: 2, xMax: 1 }, lookup).state).toBe(s);
    expect(reduce(s, { type: 'setRange', xMin: NaN, xMax: 1 }, lookup).notes[0]).toMatch(/finite/);
    expect(checkRange(-2 * X_LIMIT, 0)).toMatch(/within/);
    const r = reduce(s, { type: 'setRange', xMin: -1, xMax: 3 }, lookup).state;
    expect([r.xMin, r.xMax, r.yMin, r.yMax]).toEqual([-1, 3, null, null]);
  });

  it('zoom and pan keep the centre / span and stay within the limits', () => {
    const s = initialState();
    const z = reduce(s, { type: 'zoom', factor: 0.5 }, lookup).state;
    expect([z.xMin, z.xMax]).toEqual([-2.5, 2.5]);
    const p = reduce(s, { type: 'pan', fraction: 0.1 }, lookup).state;
    expect([p.xMin, p.xMax]).toEqual([-4, 6]);
    const far = reduce(
      { ...s, xMin: X_LIMIT - 2, xMax: X_LIMIT },
      { type: 'pan', fraction: 5 },
      lookup,
    ).state;
    expect(far.xMax).toBe(X_LIMIT);
    expect(far.xMax - far.xMin).toBeCloseTo(2);
    const out = reduce(s, { type: 'zoom', factor: 1e9 }, lookup).state;
    expect(out.xMin).toBe(-X_LIMIT);
    expect(out.xMax).toBe(X_LIMIT);
    expect(reduce(s, { type: 'resetView' }, lookup).state).toMatchObject({
      xMin: -5,
      xMax: 5,
      yMin: null,
    });
  });

  it('setView from a gesture keeps y only when it is a proper interval', () => {
    const s = initialState();
    expect(
      reduce(s, { type: 'setView', xMin: -1, xMax: 1, yMin: -2, yMax: 2 }, lookup).state,
    ).toMatchObject({ yMin: -2, yMax: 2 });
    expect(
      reduce(s, { type: 'setView', xMin: -1, xMax: 1, yMin: 2, yMax: 2 }, lookup).state,
    ).toMatchObject({ yMin: null, yMax: null });
  });

  it('toggles series, shading and focus (focus only onto existing curves)', () => {
    let s = add([{ id: 'test_leaky' }]).state;
    s = reduce(s, { type: 'toggleSeries', series: 'd2f' }, lookup).state;
    expect(s.shade).toEqual({ vanish: false, explode: false }); // off until asked for
    s = reduce(s, { type: 'toggleShade', which: 'vanish' }, lookup).state;
    expect(s.series.d2f).toBe(true);
    expect(s.shade.vanish).toBe(true);
    expect(reduce(s, { type: 'focus', key: 'c9' }, lookup).state.focus).toBe('c1');
  });

  it('widens the default x range to show every kink, and follows the curves until the view is moved', () => {
    const real = getActivation;
    expect(defaultRange([{ key: 'c1', id: 'relu', params: {} }], real)).toEqual([-5, 5]);
    expect(defaultRange([{ key: 'c1', id: 'relu6', params: {} }], real)).toEqual([-8, 8]);
    let s = reduce(initialState(), { type: 'add', curves: [{ id: 'relu6' }] }, real).state;
    expect([s.xMin, s.xMax]).toEqual([-8, 8]);
    s = reduce(
      s,
      { type: 'add', curves: [{ id: 'hardtanh', params: { max_val: 10 } }] },
      real,
    ).state;
    expect([s.xMin, s.xMax]).toEqual([-13, 13]);
    // Once the user has zoomed, adding or removing curves leaves the view alone.
    s = reduce(s, { type: 'zoom', factor: 0.5 }, real).state;
    const zoomed = [s.xMin, s.xMax];
    s = reduce(s, { type: 'remove', key: 'c2' }, real).state;
    expect([s.xMin, s.xMax]).toEqual(zoomed);
    expect(reduce(s, { type: 'resetView' }, real).state).toMatchObject({ xMin: -8, xMax: 8 });
  });

  it('rounds a gesture range to three significant digits of its span', () => {
    expect(roundRange(-4.832910123, 4.8329101)).toEqual([-4.83, 4.83]);
    expect(roundRange(0.123456, 0.129999)).toEqual([0.12346, 0.13]);
    expect(roundRange(1000.2, 1000.2000001)).toEqual([1000.2, 1000.2000001]);
    const s = reduce(
      initialState(),
      { type: 'setView', xMin: -7.7777777, xMax: 2.2222222, yMin: null, yMax: null },
      lookup,
    ).state;
    expect([s.xMin, s.xMax]).toEqual([-7.78, 2.22]);
  });

  it('normalizeState drops unknown ids and duplicate keys, re-clamps params and repairs the range', () => {
    const r = normalizeState(
      {
        ...initialState(),
        xMin: 3,
        xMax: -3,
        curves: [
          { key: 'c1', id: 'gone', params: {} },
          { key: 'c2', id: 'test_leaky', params: { negative_slope: 4 } },
          { key: 'c2', id: 'test_blowup', params: {} },
        ],
        focus: 'c1',
      },
      lookup,
    );
    expect(r.state.curves).toEqual([
      { key: 'c2', id: 'test_leaky', params: { negative_slope: 1 } },
    ]);
    expect(r.state.focus).toBe('c2');
    expect([r.state.xMin, r.state.xMax]).toEqual([-5, 5]);
    expect(r.notes).toHaveLength(2);
  });

  it('keeps every invariant under random action sequences (schema-valid, finite, in range)', () => {
    const action: fc.Arbitrary<PlotAction> = fc.oneof(
      fc.record({
        type: fc.constant('add' as const),
        curves: fc.array(
          fc.record({
            id: fc.constantFrom('test_leaky', 'test_blowup', 'x'),
            params: fc.dictionary(fc.constantFrom('negative_slope', 'q'), fc.double()),
          }),
          { maxLength: 3 },
        ),
      }),
      fc.record({ type: fc.constant('remove' as const), key: fc.constantFrom('c1', 'c2', 'c3') }),
      fc.record({
        type: fc.constant('setParam' as const),
        key: fc.constantFrom('c1', 'c2'),
        name: fc.constant('negative_slope'),
        value: fc.double(),
      }),
      fc.record({ type: fc.constant('setRange' as const), xMin: fc.double(), xMax: fc.double() }),
      fc.record({
        type: fc.constant('setView' as const),
        xMin: fc.double(),
        xMax: fc.double(),
        yMin: fc.option(fc.double()),
        yMax: fc.option(fc.double()),
      }),
      fc.record({ type: fc.constant('zoom' as const), factor: fc.double() }),
      fc.record({ type: fc.constant('pan' as const), fraction: fc.double() }),
      fc.constant({ type: 'resetView' as const }),
    );
    fc.assert(
      fc.property(fc.array(action, { maxLength: 25 }), (actions) => {
        let s = initialState();
        for (const a of actions) s = reduce(s, a, lookup).state;
        expect(plotStateSchema.safeParse(s).success).toBe(true);
        expect(checkRange(s.xMin, s.xMax)).toBeUndefined();
        for (const c of s.curves)
          for (const v of Object.values(c.params)) expect(v >= 0 && v <= 1).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
