/**
 * The webview validators against hostile messages: each returns a message its schema accepts, or
 * undefined; none throws, whatever the sender built (throwing getters, proxies, cycles, huge arrays).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as flowView from '../../../src/gradientFlow/view';
import { parseCommandArg } from '../../../src/gradientFlow/protocol';
import * as plot from '../../../src/plot/protocol';

const RUNS = 10_000;
const SEED = 13;

const TYPES = [
  'ready',
  'pickActivations',
  'stateChanged',
  'exportPng',
  'exportCsv',
  'log',
  'setState',
  'notice',
  'exportResult',
  'reports',
  'export',
  'reveal',
  'rerun',
  'fixes',
  'remove',
  'check',
  '',
  '__proto__',
  'constructor',
  'toString',
];

/** Values that break code which trusts what it reads. */
function hostile(): unknown[] {
  const cyclic: Record<string, unknown> = { type: 'stateChanged' };
  cyclic.state = cyclic;
  const cyclicArr: unknown[] = [];
  cyclicArr.push(cyclicArr);
  const throwing = Object.defineProperty({}, 'type', {
    enumerable: true,
    get() {
      throw new Error('getter');
    },
  });
  const trap = (): never => {
    throw new Error('trap');
  };
  const proxy = new Proxy(
    {},
    { get: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap },
  );
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const lengthBomb = { type: 'stateChanged', state: { version: 1, curves: { length: 1e12 } } };
  return [
    { type: { toString: 1 } },
    {
      type: {
        toString: () => {
          throw new Error('toString');
        },
      },
    },
    { type: Symbol('x') },
    { type: Object.create(null) },
    Object.create(null),
    throwing,
    { type: 'stateChanged', state: throwing },
    proxy,
    { type: 'log', level: 'info', message: proxy },
    revoked.proxy,
    { type: 'ready', extra: revoked.proxy },
    cyclic,
    cyclicArr,
    lengthBomb,
    { type: 'reports', reports: new Array(10_000_000) },
    { type: 'stateChanged', state: { version: 1, curves: new Array(5_000_000).fill({}) } },
    { type: 'exportCsv', csv: 'x'.repeat(plot.MAX_EXPORT_CHARS + 1), fileName: 'a.csv' },
    new Array(1_000_000),
    [proxy],
    { runs: [throwing] },
    { activation: 'relu', depth: 1e8 },
    { activation: 'relu', depth: 99999999999 },
    { activation: 'relu', width: 1e300, batch: 1e300 },
    { activation: 'celu', params: { alpha: 0 } },
    { activation: 'hardtanh', params: { min_val: 5, max_val: -5 } },
    { activation: 'relu', params: { __proto__: 1 } },
    JSON.parse('{"activation":"relu","params":{"__proto__":{"x":1}}}'),
  ];
}

const plotState = fc.record(
  {
    version: fc.constantFrom(1, 2, '1'),
    curves: fc.array(
      fc.record({
        key: fc.string({ maxLength: 18 }),
        id: fc.constantFrom('relu', 'gelu', 'celu', 'hardtanh', '', 'nope'),
        params: fc.dictionary(fc.string({ maxLength: 6 }), fc.double()),
      }),
      { maxLength: 10 },
    ),
    xMin: fc.double(),
    xMax: fc.double(),
    yMin: fc.option(fc.double()),
    yMax: fc.option(fc.double()),
    series: fc.record({ f: fc.boolean(), df: fc.boolean(), d2f: fc.anything() }),
    shade: fc.record({ vanish: fc.boolean(), explode: fc.boolean() }),
    hidden: fc.array(fc.string({ maxLength: 34 }), { maxLength: 30 }),
    focus: fc.option(fc.string({ maxLength: 18 })),
  },
  { requiredKeys: [] },
);

/** Messages near the real ones (right type, fields of any kind) and anything at all. */
const message = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.anything({ maxDepth: 3, withObjectString: true, withNullPrototype: true }),
  },
  {
    weight: 5,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...TYPES),
        fc.dictionary(
          fc.constantFrom(
            'state',
            'level',
            'message',
            'dataUrl',
            'fileName',
            'csv',
            'reports',
            'id',
            'line',
            'format',
            'kind',
            'ok',
            'notice',
            'focus',
          ),
          fc.oneof(
            fc.anything({ maxDepth: 2 }),
            plotState,
            fc.constantFrom('info', 'warn', 'json', 'a.png', 'data:image/png;base64,AAAA'),
          ),
        ),
      )
      .map(([type, rest]) => ({ type, ...rest })),
  },
  { weight: 2, arbitrary: plotState.map((state) => ({ type: 'stateChanged', state })) },
);

function never(f: () => unknown): unknown {
  try {
    return f();
  } catch (e) {
    throw new Error(`validator threw: ${String(e)}`);
  }
}

describe('webview validators never throw (fast-check, seed 13, 10k messages each)', () => {
  const warn = (): void => {};
  const cases: [string, (raw: unknown) => unknown, (v: unknown) => boolean][] = [
    [
      'plot parseFromWebview',
      (r) => plot.parseFromWebview(r, warn),
      (v) => plot.fromWebviewSchema.safeParse(v).success,
    ],
    [
      'plot parseToWebview',
      (r) => plot.parseToWebview(r, warn),
      (v) => plot.toWebviewSchema.safeParse(v).success,
    ],
    [
      'plot parsePlotState',
      (r) => plot.parsePlotState(r),
      (v) => plot.plotStateSchema.safeParse(v).success,
    ],
    [
      'report parseFromWebview',
      (r) => flowView.parseFromWebview(r),
      (v) => flowView.fromWebviewSchema.safeParse(v).success,
    ],
    [
      'report parseToWebview',
      (r) => flowView.parseToWebview(r),
      (v) => flowView.toWebviewSchema.safeParse(v).success,
    ],
  ];
  for (const [name, parse, valid] of cases) {
    it(name, () => {
      let accepted = 0;
      fc.assert(
        fc.property(message, (raw) => {
          const t0 = performance.now();
          const v = never(() => parse(raw));
          expect(performance.now() - t0).toBeLessThan(2000);
          if (v !== undefined) {
            accepted++;
            expect(valid(v)).toBe(true);
          }
        }),
        { seed: SEED, numRuns: RUNS },
      );
      for (const h of hostile()) never(() => parse(h));
      expect(accepted).toBeGreaterThanOrEqual(0);
    });
  }

  it('the gradient-flow command argument: a config or one readable Error, never a TypeError', () => {
    fc.assert(
      fc.property(message, (raw) => {
        try {
          parseCommandArg(raw);
        } catch (e) {
          expect(e).toBeInstanceOf(Error);
          expect((e as Error).message).toMatch(/^invalid gradient-flow options/);
          expect((e as Error).message).not.toMatch(/\n/);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    for (const h of hostile()) {
      try {
        parseCommandArg(h);
      } catch (e) {
        expect((e as Error).message).toMatch(/^invalid gradient-flow options[^\n]*$/);
      }
    }
  });

  it('plot states with yMin ≥ yMax or xMin ≥ xMax are refused', () => {
    const base = {
      version: 1,
      curves: [],
      xMin: -5,
      xMax: 5,
      yMin: null,
      yMax: null,
      series: { f: true, df: true, d2f: false },
      shade: { vanish: true, explode: true },
      hidden: [],
      focus: null,
    };
    expect(plot.parsePlotState(base)).toBeDefined();
    expect(plot.parsePlotState({ ...base, yMin: -1, yMax: 1 })).toBeDefined();
    expect(plot.parsePlotState({ ...base, yMin: 1, yMax: 1 })).toBeUndefined();
    expect(plot.parsePlotState({ ...base, yMin: 2, yMax: 1 })).toBeUndefined();
    expect(plot.parsePlotState({ ...base, xMin: 5, xMax: -5 })).toBeUndefined();
  });
});
