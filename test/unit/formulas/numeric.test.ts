/**
 * What we show is what we test: every formula's `expr` (the string the TeX and Unicode are
 * generated from) is evaluated with mathjs and compared with the kernel's f, f′, f″, and with
 * numeric derivatives of the formulas themselves. A typo in a shown formula fails here.
 */
import { referenceFile } from '../referenceFile';
import { readFileSync } from 'node:fs';
import { compile, parse } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { HELPERS, renderFormula } from '../../../scripts/gen-formulas';
import { FORMULAS, FORMULA_CONSTANTS } from '../../../src/kernel/formulas';
import {
  activations,
  getActivation,
  type ActivationDescriptor,
} from '../../../src/kernel/registry';
import type { Params } from '../../../src/kernel/types';
import { evaluateExpr, referenceHelpers, seededRandom } from './reference';

type Which = 'f' | 'df' | 'd2f';
const WHICH: readonly Which[] = ['f', 'df', 'd2f'];

/** Relative 1e-9 plus a small absolute floor for values that cancel to ~0 in the plain formula. */
function close(a: number, b: number, rel = 1e-9, abs = 1e-13): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)) + abs;
}

/** Symbols an expression reads as variables (not the names of functions it calls). */
function variablesOf(expr: string): string[] {
  const names: string[] = [];
  parse(expr).traverse((node, path) => {
    if (node.type === 'SymbolNode' && path !== 'fn')
      names.push((node as unknown as { name: string }).name);
  });
  return names;
}

function constantsOf(id: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of FORMULA_CONSTANTS[id] ?? []) out[c.name] = c.value;
  return out;
}

/** The grid over [−8, 8] (step 1/16: hits 0, ±½, ±1, ±2.5, ±3, 6 exactly) plus seeded random points. */
function samplePoints(seed: number): number[] {
  const xs: number[] = [];
  for (let i = -128; i <= 128; i++) xs.push(i / 16);
  const rnd = seededRandom(seed);
  for (let i = 0; i < 200; i++) xs.push(-8 + 16 * rnd());
  return xs;
}

/** PyTorch's defaults, written out here so the self-consistency tests do not depend on the kernel. */
const TORCH_DEFAULTS: Readonly<Record<string, Params>> = {
  leaky_relu: { negative_slope: 0.01 },
  elu: { alpha: 1 },
  celu: { alpha: 1 },
  softplus: { beta: 1, threshold: 20 },
  hardtanh: { min_val: -1, max_val: 1 },
  softshrink: { lambd: 0.5 },
  hardshrink: { lambd: 0.5 },
  prelu: { weight: 0.25 },
  rrelu: { lower: 1 / 8, upper: 1 / 3 },
  threshold: { threshold: 0, value: 0 },
  squareplus: { b: 4 },
};

/** Other settings for the self-consistency check: each parameter moved off its default. */
const VARIANTS: Readonly<Record<string, readonly Params[]>> = {
  leaky_relu: [{ negative_slope: 0.3 }],
  elu: [{ alpha: 0.5 }, { alpha: 2 }],
  celu: [{ alpha: 0.5 }, { alpha: 2 }],
  softplus: [
    { beta: 0.5, threshold: 20 },
    { beta: 3, threshold: 20 },
  ],
  hardtanh: [{ min_val: -2, max_val: 0.5 }],
  softshrink: [{ lambd: 1.5 }],
  hardshrink: [{ lambd: 1.5 }],
  prelu: [{ weight: -0.5 }],
  rrelu: [{ lower: 0.01, upper: 0.5 }],
  threshold: [{ threshold: 1, value: -2 }],
  squareplus: [{ b: 0.5 }],
};

/** Richardson-extrapolated central difference of g at x: O(h⁴) truncation error. */
function derivative(g: (x: number) => number, x: number, h: number): number {
  const d = (s: number) => (g(x + s) - g(x - s)) / (2 * s);
  return (4 * d(h / 2) - d(h)) / 3;
}

/** False when g has a jump or a kink within [x − w, x + w]: its one-sided slopes disagree. */
function smoothAround(g: (x: number) => number, x: number, w: number): boolean {
  const left = (g(x) - g(x - w)) / w;
  const right = (g(x + w) - g(x)) / w;
  return Math.abs(right - left) <= 0.05 * (1 + Math.abs(left) + Math.abs(right));
}

describe('formulas are consistent with themselves (f′ = d/dx f, f″ = d/dx f′)', () => {
  const cases = Object.keys(FORMULAS).flatMap((id) =>
    [TORCH_DEFAULTS[id] ?? {}, ...(VARIANTS[id] ?? [])].map((params) => ({ id, params })),
  );
  it.each(cases)('$id $params', ({ id, params }) => {
    const formulas = FORMULAS[id]!;
    const vars = { ...params, ...constantsOf(id) };
    const h = 1e-3;
    const pairs: [Which, Which][] = [['f', 'df']];
    if (formulas.d2f) pairs.push(['df', 'd2f']);
    let compared = 0;
    for (const [lo, hi] of pairs) {
      const g = (x: number) => evaluateExpr(formulas[lo]!.expr, x, vars);
      const dg = (x: number) => evaluateExpr(formulas[hi]!.expr, x, vars);
      for (const x of samplePoints(7)) {
        // Richardson needs g smooth across the window: skip kinks and jumps of g and of g′.
        if (!smoothAround(g, x, 2 * h) || !smoothAround(dg, x, 2 * h)) continue;
        const numeric = derivative(g, x, h);
        const analytic = dg(x);
        compared++;
        if (!close(numeric, analytic, 1e-6, 1e-7)) {
          expect.fail(
            `${id} ${hi} at x=${x}: formula ${analytic}, d/dx of ${lo} formula ${numeric}`,
          );
        }
      }
    }
    expect(compared).toBeGreaterThan(300);
  });
});

describe('helper definitions', () => {
  it.each(Object.entries(HELPERS))(
    '%s: shown definition matches the independent reference',
    (name, h) => {
      const def = compile(h.expr);
      const ref = referenceHelpers[name]!;
      // Where the shown definition is well conditioned in float64 (Φ by 1 + erf loses for x ≪ 0).
      for (let x = -3; x <= 6; x += 1 / 8) {
        const shown = def.evaluate({ x }) as number;
        if (!close(shown, ref(x), 1e-12, 1e-15)) {
          expect.fail(`${name}(${x}): definition ${shown}, reference ${ref(x)}`);
        }
      }
    },
  );

  it('SELU constants are the published values rounded to float64', () => {
    const selu = FORMULA_CONSTANTS.selu ?? [];
    expect(selu.find((c) => c.name === 'lambda')?.value).toBe(
      Number('1.0507009873554804934193349852946'),
    );
    expect(selu.find((c) => c.name === 'alpha')?.value).toBe(
      Number('1.6732632423543772848170429916717'),
    );
  });
});

interface ReferenceCase {
  id: string;
  params: Record<string, number>;
  x: (number | string)[];
  f: (number | string)[];
  df: (number | string | null)[];
}

describe('formulas agree with the mpmath truth of test/reference/activations.json', () => {
  const file = referenceFile('activations.json');
  const cases = (JSON.parse(readFileSync(file, 'utf8')) as { cases: ReferenceCase[] }).cases;
  it.each(cases.map((c) => ({ ...c, label: `${c.id} ${JSON.stringify(c.params)}` })))(
    '$label',
    (c) => {
      const formulas = FORMULAS[c.id];
      if (!formulas) throw new Error(`no formulas for reference id '${c.id}'`);
      const vars = { ...TORCH_DEFAULTS[c.id], ...c.params, ...constantsOf(c.id) };
      let compared = 0;
      c.x.forEach((x, i) => {
        // The plain formulas are not meant to be evaluated at huge |x| (overflow, cancellation).
        if (typeof x !== 'number' || Math.abs(x) > 8) return;
        for (const [w, truth] of [
          ['f', c.f[i]],
          ['df', c.df[i]],
        ] as const) {
          if (typeof truth !== 'number') continue;
          const shown = evaluateExpr(formulas[w].expr, x, vars);
          compared++;
          if (!close(shown, truth))
            expect.fail(`${c.id}.${w}(${x}): formula ${shown}, truth ${truth}`);
        }
      });
      expect(compared).toBeGreaterThan(200);
    },
  );
});

/**
 * Defaults, each parameter at its min, max and mid-range, and three seeded random settings within
 * the kernel's ParamSpec ranges (hardtanh settings with min_val ≥ max_val left out).
 */
function paramSettings(a: ActivationDescriptor): Record<string, number>[] {
  const rnd = seededRandom(a.id.length * 7919 + a.id.charCodeAt(0));
  const settings: Record<string, number>[] = [{ ...a.params }];
  for (const p of a.paramSpecs) {
    for (const v of [p.min, p.max, (p.min + p.max) / 2])
      settings.push({ ...a.params, [p.name]: v });
  }
  for (let i = 0; i < 3 && a.paramSpecs.length > 0; i++) {
    const s: Record<string, number> = { ...a.params };
    for (const p of a.paramSpecs) s[p.name] = p.min + (p.max - p.min) * rnd();
    settings.push(s);
  }
  return settings.filter(
    (s) => s.min_val === undefined || s.max_val === undefined || s.min_val < s.max_val,
  );
}

describe('formulas agree with the kernel', () => {
  it('every registry id has f and f′ formulas, and every formula an activation', () => {
    expect(activations.length).toBeGreaterThanOrEqual(30);
    for (const a of activations) {
      expect(a.formulas.f.expr, a.id).not.toBe('');
      expect(a.formulas.df.expr, a.id).not.toBe('');
    }
    expect(Object.keys(FORMULAS).sort()).toEqual(activations.map((a) => a.id).sort());
  });

  it('formulas name only x, the kernel parameters and their own constants', () => {
    for (const a of activations) {
      const allowed = new Set([
        'x',
        'pi',
        ...a.paramSpecs.map((p) => p.name),
        ...Object.keys(constantsOf(a.id)),
      ]);
      for (const w of WHICH) {
        const expr = a.formulas[w]?.expr;
        if (expr === undefined) continue;
        for (const s of variablesOf(expr))
          expect(allowed.has(s), `${a.id}.${w} uses '${s}'`).toBe(true);
      }
    }
  });

  it("formulas write each parameter with the kernel's ParamSpec.symbol", () => {
    for (const a of activations) {
      const used = new Set(
        WHICH.flatMap((w) => (a.formulas[w] ? variablesOf(a.formulas[w].expr) : [])),
      );
      for (const p of a.paramSpecs) {
        if (used.has(p.name)) expect(renderFormula(p.name).tex, `${a.id}.${p.name}`).toBe(p.symbol);
      }
    }
  });

  const ids = Object.keys(FORMULAS);
  it.each(ids)('%s: f, f′, f″ formulas match the kernel', (id) => {
    const a = getActivation(id);
    if (!a) throw new Error(`no kernel activation '${id}'`);
    const settings = paramSettings(a);
    let compared = 0;
    for (const [index, params] of settings.entries()) {
      const vars = { ...params, ...constantsOf(id) };
      const kinks: number[] = a.kinks(params);
      const xs: number[] = samplePoints(index + 1).filter((x) =>
        kinks.every((k) => Math.abs(x - k) > 1e-9),
      );
      for (const k of kinks) xs.push(k - 1e-9, k + 1e-9, k - 1e-6, k + 1e-6);
      for (const w of WHICH) {
        const formula = a.formulas[w];
        if (!formula) continue;
        for (const x of xs) {
          const shown = evaluateExpr(formula.expr, x, vars);
          const kernel: number = a[w](x, params);
          compared++;
          if (!close(shown, kernel)) {
            expect.fail(
              `${id}.${w}(${x}) with ${JSON.stringify(params)}: formula ${shown}, kernel ${kernel}`,
            );
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(800);
  });

  it.each(ids)('%s: at its kinks the formulas follow the kernel convention', (id) => {
    const a = getActivation(id);
    if (!a) throw new Error(`no kernel activation '${id}'`);
    let compared = 0;
    for (const params of paramSettings(a)) {
      // b = 0 degenerates squareplus to relu: its f′ formula is 0/0 at the kink, by mathematics.
      if (id === 'squareplus' && params.b === 0) continue;
      const vars = { ...params, ...constantsOf(id) };
      for (const k of a.kinks(params)) {
        for (const w of WHICH) {
          const formula = a.formulas[w];
          if (!formula) continue;
          const shown = evaluateExpr(formula.expr, k, vars);
          const kernel: number = a[w](k, params);
          compared++;
          if (!close(shown, kernel)) {
            expect.fail(
              `${id}.${w}(${k}) with ${JSON.stringify(params)}: formula ${shown}, kernel ${kernel}`,
            );
          }
        }
      }
    }
    if (a.kinks().length > 0) expect(compared).toBeGreaterThan(0);
  });
});
