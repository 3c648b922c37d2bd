import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildHover } from '../../../src/hover/build';
import { ActivationRecogniser } from '../../../src/language/recogniser';
import { CORPUS } from '../hover/corpus';
import { getActivation } from '../../../src/kernel/registry';
import { bin, fn, num, X, type Expr } from '../../../src/language/custom/expr';
import {
  MAX_EXPR_DEPTH,
  MAX_EXPR_NODES,
  customDescriptor,
  customFormulas,
  customParamSpec,
  parseCustomDef,
  withCustom,
  type CustomDef,
} from '../../../src/plot/custom';
import { parsePlotArgs } from '../../../src/plot/args';
import { parsePlotState, plotStateSchema } from '../../../src/plot/protocol';
import { initialState, normalizeState, reduce } from '../../../src/plot/state';

const alpha: Expr = { k: 'sym', name: 'alpha' };
/** Snake (Ziyin et al. 2020): x + sin²(αx)/α. */
const SNAKE: CustomDef = {
  name: 'snake',
  expr: bin('add', X, bin('div', bin('pow', fn('sin', bin('mul', alpha, X)), num(2)), alpha)),
  params: { alpha: 1 },
};
/** CLIP's QuickGELU as the translator reads it: x·σ(1.702x). */
const QUICK: CustomDef = {
  name: 'QuickGELU',
  expr: bin('mul', X, fn('sigmoid', bin('mul', num(1.702), X))),
  params: {},
};
const lookup = withCustom(getActivation);

function nest(depth: number): unknown {
  let e: unknown = { k: 'x' };
  for (let i = 1; i < depth; i++) e = { k: 'neg', a: e };
  return e;
}

describe('custom curve schema', () => {
  it('accepts a definition and returns a clean copy', () => {
    const r = parseCustomDef(JSON.parse(JSON.stringify(SNAKE)));
    expect(r).toEqual({ ok: true, def: SNAKE });
    const withJunk = { ...SNAKE, expr: { ...SNAKE.expr, extra: 1 } };
    const c = parseCustomDef(withJunk);
    expect(c.ok && 'extra' in c.def.expr).toBe(false);
  });

  it('accepts kernel activations inside, with their order and params', () => {
    const e = { k: 'act', id: 'leaky_relu', params: { negative_slope: 0.2 }, order: 0, a: X };
    expect(parseCustomDef({ name: 'lr', expr: e, params: {} }).ok).toBe(true);
  });

  const why = (raw: unknown): string => {
    const r = parseCustomDef(raw);
    return r.ok ? 'accepted' : r.why;
  };

  it('refuses hostile input with one line, never throwing', () => {
    expect(why({ name: 'd', expr: nest(MAX_EXPR_DEPTH), params: {} })).toBe('accepted');
    expect(why({ name: 'd', expr: nest(MAX_EXPR_DEPTH + 1), params: {} })).toMatch(
      /deeper than 64/,
    );
    // Far past any stack: the walk stops at the bound instead of recursing 100k deep.
    expect(why({ name: 'd', expr: nest(100_000), params: {} })).toMatch(/deeper than 64/);
    // Shallow (depth 10) but 1023 nodes, past MAX_EXPR_NODES.
    expect(MAX_EXPR_NODES).toBeLessThan(1023);
    const tree = (d: number): Expr => (d === 1 ? X : bin('add', tree(d - 1), tree(d - 1)));
    const wide = tree(10);
    expect(why({ name: 'w', expr: wide, params: {} })).toMatch(/more than 400 nodes/);
    expect(why({ name: 'f', expr: { k: 'fn', f: 'eval', args: [X] }, params: {} })).toMatch(
      /unknown function 'eval'/,
    );
    expect(why({ name: 'f', expr: { k: 'fn', f: 'sin', args: [X, X] }, params: {} })).toMatch(
      /number of arguments/,
    );
    expect(why({ name: 'a', expr: { k: 'act', id: 'nope', params: {}, order: 0, a: X } })).toMatch(
      /unknown activation 'nope'/,
    );
    expect(why({ name: 'n', expr: { k: 'num', v: NaN }, params: {} })).toMatch(/finite number/);
    expect(why({ name: 'n', expr: { k: 'num', v: Infinity }, params: {} })).toMatch(/finite/);
    expect(why({ name: 'p', expr: alpha, params: { alpha: NaN } })).toMatch(/finite number/);
    expect(why({ name: 'p', expr: alpha, params: {} })).toMatch(/no value for 'alpha'/);
    expect(why({ name: 'x y', expr: X, params: {} })).toMatch(/identifier/);
    expect(why({ name: 'k', expr: { k: 'call', a: X }, params: {} })).toMatch(/unknown node kind/);
    expect(why({ name: 'k', expr: [X], params: {} })).toMatch(/not an expression node/);
    expect(why(null)).toMatch(/\{name, expr, params\}/);
    const trap = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    expect(why({ name: 'p', expr: trap, params: {} })).toBe('custom: not plain data');
  });

  it('the command accepts {custom} and refuses a hostile one with a message', () => {
    const ok = parsePlotArgs([[{ custom: SNAKE }]]);
    expect(ok.kind === 'curves' && ok.curves[0]?.custom).toEqual(SNAKE);
    const bad = parsePlotArgs([[{ custom: { ...SNAKE, expr: nest(1000) } }]]);
    expect(bad.kind === 'invalid' && bad.message).toMatch(/deeper than 64/);
    expect(parsePlotArgs([[{ params: {} }]]).kind).toBe('invalid');
  });
});

describe('custom curves in the plot state', () => {
  it('adds a custom curve beside a built-in and survives a save and restore', () => {
    let s = reduce(initialState(), { type: 'add', curves: [{ id: 'gelu' }] }, lookup).state;
    const r = reduce(s, { type: 'add', curves: [{ custom: SNAKE }] }, lookup);
    expect(r.notes).toEqual([]);
    s = r.state;
    expect(s.curves.map((c) => c.id)).toEqual(['gelu', 'custom:snake']);
    expect(s.curves[1]).toEqual({
      key: 'c2',
      id: 'custom:snake',
      params: { alpha: 1 },
      custom: SNAKE,
    });
    // The same definition again is not a second legend entry.
    expect(
      reduce(s, { type: 'add', curves: [{ custom: SNAKE }] }, lookup).state.curves,
    ).toHaveLength(2);
    s = reduce(s, { type: 'setParam', key: 'c2', name: 'alpha', value: 2.5 }, lookup).state;
    // What the webview's setState and the serializer store: JSON.
    const saved: unknown = JSON.parse(JSON.stringify(s));
    const parsed = parsePlotState(saved);
    expect(parsed).toBeDefined();
    const restored = normalizeState(parsed!, lookup);
    expect(restored.notes).toEqual([]);
    expect(restored.state).toEqual(s);
    expect(restored.state.curves[1]?.params).toEqual({ alpha: 2.5 });
    // Without the custom lookup (an old host) the custom curve is dropped, not mistaken for a kernel id.
    expect(normalizeState(parsed!, getActivation).state.curves.map((c) => c.id)).toEqual(['gelu']);
  });

  it('a saved state with a hostile expression is not ours', () => {
    const s = reduce(initialState(), { type: 'add', curves: [{ custom: SNAKE }] }, lookup).state;
    const bad = JSON.parse(JSON.stringify(s)) as { curves: { custom: { expr: unknown } }[] };
    bad.curves[0]!.custom.expr = { k: 'fn', f: 'require', args: [{ k: 'x' }] };
    expect(parsePlotState(bad)).toBeUndefined();
    expect(plotStateSchema.safeParse(bad).success).toBe(false);
  });

  it('custom params are clamped to the sliders built from the written default', () => {
    const r = reduce(
      initialState(),
      { type: 'add', curves: [{ custom: SNAKE, params: { alpha: 100 } }] },
      lookup,
    );
    expect(r.state.curves[0]?.params).toEqual({ alpha: 4 });
    expect(r.notes.join()).toMatch(/above 4; clamped/);
  });
});

describe('custom descriptor numerics', () => {
  it("QuickGELU's x·σ(1.702x) equals the kernel's quick_gelu: f, f′ within 1e-12, f″ close", () => {
    const a = customDescriptor(QUICK);
    const k = getActivation('quick_gelu')!;
    let worstF = 0;
    let worstDf = 0;
    let worstD2f = 0;
    for (let i = 0; i <= 2000; i++) {
      const x = -10 + i / 100;
      worstF = Math.max(worstF, Math.abs(a.f(x) - k.f(x)));
      worstDf = Math.max(worstDf, Math.abs(a.df(x) - k.df(x)));
      worstD2f = Math.max(worstD2f, Math.abs(a.d2f(x) - k.d2f(x)));
    }
    expect(worstF).toBeLessThan(1e-12);
    expect(worstDf).toBeLessThan(1e-12);
    expect(worstD2f).toBeLessThan(1e-10);
    const xs = Float64Array.from([-3, 0, 0.5, 4]);
    expect([...a.fBatch(xs)]).toEqual([...xs].map((x) => a.f(x)));
    expect(a.kinks()).toEqual([]);
    expect(a.properties.smooth).toBe(true);
    expect(a.properties.monotonic).toBe(false); // QuickGELU dips below 0
    expect(a.formulas.f.tex).toContain('\\sigma');
  });

  it('Snake: symbolic f′, sliders around α = 1, f follows the parameter', () => {
    const a = customDescriptor(SNAKE);
    expect(a.id).toBe('custom:snake');
    expect(a.paramSpecs).toEqual([
      expect.objectContaining({ name: 'alpha', symbol: '\\alpha', default: 1, min: 0.01, max: 4 }),
    ]);
    // f′ = 1 + sin(2αx): at x = π/4 and α = 1 it is 2.
    expect(a.df(Math.PI / 4)).toBeCloseTo(2, 12);
    expect(a.df(Math.PI / 4, { alpha: 2 })).toBeCloseTo(1, 12);
    expect(a.f(1, { alpha: 2 })).toBeCloseTo(1 + Math.sin(2) ** 2 / 2, 14);
    expect(a.formulas.df.unicode).not.toMatch(/numerically/);
    expect(a.properties.monotonic).toBe(true);
    expect(a.properties.boundedAbove).toBe(false);
  });

  it('hard_swish by max/min: kinks at −3 and 3, not smooth', () => {
    const relu6 = (e: Expr) => fn('min', fn('max', e, num(0)), num(6));
    const hs: CustomDef = {
      name: 'hard_swish',
      expr: bin('div', bin('mul', X, relu6(bin('add', X, num(3)))), num(6)),
      params: {},
    };
    const a = customDescriptor(hs);
    expect(a.kinks()).toEqual([-3, 3]);
    expect(a.properties.smooth).toBe(false);
    const k = getActivation('hardswish')!;
    for (const x of [-4, -1, 0.3, 2.9, 5]) expect(a.f(x)).toBeCloseTo(k.f(x), 14);
  });

  it('falls back to central differences where the grammar has no derivative', () => {
    // d/dx of gelu″ is beyond the grammar: f″ of gelu′(x) is numeric.
    const e: Expr = { k: 'act', id: 'gelu', params: {}, order: 1, a: X };
    const a = customDescriptor({ name: 'dg', expr: e, params: {} });
    const k = getActivation('gelu')!;
    expect(a.df(0.7)).toBeCloseTo(k.d2f(0.7), 12);
    expect(a.d2f(0.7)).toBeCloseTo((k.d2f(0.7 + 1e-5) - k.d2f(0.7 - 1e-5)) / 2e-5, 5);
  });

  it("the card's formulas carry the slider values, simplified", () => {
    const at1 = customFormulas(SNAKE, { alpha: 1 });
    expect(at1.f.unicode).toBe('x + sin(x)²');
    expect(at1.df?.unicode).toBe('1 + 2sin(x)·cos(x)');
    expect(customFormulas(SNAKE, { alpha: 2.5 }).f.tex).toContain('2.5\\,x');
  });

  it('slider ranges land on the written default', () => {
    for (const d of [1, 1.702, 0.2, 0.044715, 3, -0.5, 0, 250]) {
      const s = customParamSpec('p', d);
      expect(s.min).toBeLessThanOrEqual(d);
      expect(s.max).toBeGreaterThanOrEqual(d);
      const steps = (d - s.min) / s.step;
      expect(Math.abs(steps - Math.round(steps))).toBeLessThan(1e-6);
    }
  });
});

describe("the hover's Plot link for a definition that computes no built-in", () => {
  it('hard_mish: the custom curve first, the closest built-in second', async () => {
    const src = readFileSync(join(CORPUS, 'pytorch/timm_activations.py'), 'utf8');
    const recogniser = new ActivationRecogniser((e) => {
      throw e;
    });
    const r = await recogniser.recognise(
      { key: 'timm.py', version: 1, languageId: 'python', getText: () => src },
      src.indexOf('hard_mish(x, inplace') + 1,
    );
    expect(r?.custom?.nearest).toBeDefined();
    const md = buildHover(r!, { theme: 'light', showPlot: false }) ?? '';
    const links = [...md.matchAll(/\[([^\]]+)\]\(command:activationLens\.plot\?([^)\s]+)\)/g)];
    expect(links.map((m) => m[1])).toEqual(['Plot hard\\_mish', 'Plot the closest built-in']);
    const custom = parsePlotArgs(JSON.parse(decodeURIComponent(links[0]![2]!)) as unknown[]);
    expect(custom.kind === 'curves' && custom.curves[0]?.custom?.name).toBe('hard_mish');
  });

  it("Snake from the corpus: the link's argument plots the custom curve beside GELU", async () => {
    const src = readFileSync(join(CORPUS, 'pytorch/custom_zoo.py'), 'utf8');
    const at = src.indexOf('Snake(nn') + 1;
    const recogniser = new ActivationRecogniser((e) => {
      throw e;
    });
    const r = await recogniser.recognise(
      { key: 'custom_zoo.py', version: 1, languageId: 'python', getText: () => src },
      at,
    );
    expect(r?.custom && !r.custom.match).toBe(true);
    const md = buildHover(r!, { theme: 'dark', showPlot: false }) ?? '';
    const links = [...md.matchAll(/\[([^\]]+)\]\(command:activationLens\.plot\?([^)\s]+)\)/g)];
    // Snake is near no built-in (sin² is periodic), so the closest built-in's link is absent.
    expect(r?.custom?.nearest).toBeUndefined();
    expect(links.map((m) => m[1])).toEqual(['Plot Snake']);
    // VS Code decodes the query and spreads the JSON array into the command's arguments.
    const args = JSON.parse(decodeURIComponent(links[0]![2]!)) as unknown[];
    const parsed = parsePlotArgs(args);
    expect(parsed.kind).toBe('curves');
    if (parsed.kind !== 'curves') return;
    let s = reduce(initialState(), { type: 'add', curves: [{ id: 'gelu' }] }, lookup).state;
    s = reduce(s, { type: 'add', curves: parsed.curves }, lookup).state;
    expect(s.curves.map((c) => c.id)).toEqual(['gelu', 'custom:Snake']);
    const a = lookup('custom:Snake', s.curves[1]?.custom)!;
    expect(a.paramSpecs.map((p) => [p.name, p.default])).toEqual([['alpha', 1]]);
    // x + sin²(αx)/(α + 1e−9) at α = 1.
    expect(a.f(0.8)).toBeCloseTo(0.8 + Math.sin(0.8) ** 2 / (1 + 1e-9), 14);
  });
});
