import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as esbuild from 'esbuild';
import katex from 'katex';
import { describe, expect, it } from 'vitest';
import {
  GENERATED_PATH,
  HELPERS,
  SOURCES,
  generate,
  renderFormula,
} from '../../../scripts/gen-formulas';
import { FORMULAS, FORMULA_HELPERS, formulaNotes } from '../../../src/kernel/formulas';
import { GENERATED_FORMULAS } from '../../../src/kernel/formulas.generated';
import type { Formula } from '../../../src/kernel/types';

const root = resolve(__dirname, '../../..');

function allFormulas(): { where: string; formula: Formula }[] {
  const out: { where: string; formula: Formula }[] = [];
  for (const [id, fs] of Object.entries(FORMULAS)) {
    out.push({ where: `${id}.f`, formula: fs.f }, { where: `${id}.df`, formula: fs.df });
    if (fs.d2f) out.push({ where: `${id}.d2f`, formula: fs.d2f });
  }
  for (const h of Object.values(FORMULA_HELPERS)) {
    out.push({
      where: `helper ${h.name}`,
      formula: { expr: h.expr, tex: h.tex, unicode: h.unicode },
    });
  }
  return out;
}

describe('generated formulas file', () => {
  it('is up to date with scripts/gen-formulas.ts (run `npm run gen:formulas`)', () => {
    const committed = readFileSync(resolve(root, GENERATED_PATH), 'utf8');
    expect(committed).toBe(generate());
  });

  it('carries every source id, and FORMULAS mirrors it', () => {
    expect(Object.keys(GENERATED_FORMULAS)).toEqual(Object.keys(SOURCES));
    expect(Object.keys(FORMULAS)).toEqual(Object.keys(SOURCES));
    for (const [id, src] of Object.entries(SOURCES)) {
      const f = FORMULAS[id]!;
      expect(f.f.expr).toBe(src.f);
      expect(f.df.expr).toBe(src.df);
      expect(f.d2f?.expr).toBe(src.d2f);
    }
    expect(Object.keys(FORMULA_HELPERS)).toEqual(Object.keys(HELPERS));
  });

  it('keeps mathjs out of the runtime kernel bundle', async () => {
    const result = await esbuild.build({
      entryPoints: [resolve(root, 'src/kernel/index.ts')],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'cjs',
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((p) => p.includes('src/kernel/formulas.generated.ts'))).toBe(true);
    expect(inputs.filter((p) => p.includes('node_modules/mathjs'))).toEqual([]);
  });
});

describe('TeX', () => {
  it.each(allFormulas())('$where renders with KaTeX', ({ formula }) => {
    expect(() => katex.renderToString(formula.tex, { throwOnError: true })).not.toThrow();
  });

  it('reads like a textbook for the traps of the lecture notes', () => {
    expect(FORMULAS.elu!.f.tex).toBe(
      '\\begin{cases} x & \\text{if } x > 0 \\\\ \\alpha (e^{x} - 1) & \\text{otherwise} \\end{cases}',
    );
    expect(FORMULAS.gelu!.df.tex).toBe('\\Phi(x) + x \\varphi(x)');
    expect(FORMULAS.gelu!.f.tex).toBe('x \\Phi(x)');
    expect(FORMULAS.softplus!.f.tex).toBe('\\frac{1}{\\beta} \\log(1 + e^{\\beta x})');
    expect(FORMULAS.tanhshrink!.df.tex).toBe('\\tanh^{2}(x)');
    for (const { where, formula } of allFormulas()) {
      expect(formula.tex, where).not.toContain('\\cdot \\');
      expect(formula.tex, where).not.toMatch(
        /(?<!\\)\b(alpha|beta|lambd|lambda|sigma|Phi|phi|pi|sqrt|exp)\b/,
      );
    }
  });
});

describe('Unicode', () => {
  it.each(allFormulas())('$where has no TeX left in it', ({ formula }) => {
    expect(formula.unicode).not.toContain('\\');
    expect(formula.unicode).not.toMatch(/\\[a-zA-Z]+/);
    // Braces appear only as the piecewise wrapper "{ … if …; … otherwise }".
    const braces = formula.unicode.match(/[{}]/g) ?? [];
    if (braces.length > 0) {
      expect(formula.unicode).toMatch(/^\{ .+ otherwise \}$/);
      expect(braces).toEqual(['{', '}']);
    }
    expect(formula.unicode).not.toMatch(/\^\{|_\{|\\frac|\\cdot|&/);
    expect(formula.unicode).not.toContain('*');
    expect(formula.unicode).not.toMatch(/\bsqrt\b|\bexp\(|\bsigma\b|\bPhi\b|\bphi\b|\babs\(/);
  });

  it('renders the reference examples', () => {
    expect(FORMULAS.silu!.f.unicode).toBe('x·σ(x)');
    expect(FORMULAS.elu!.f.unicode).toBe('{ x if x > 0; α(eˣ − 1) otherwise }');
    expect(FORMULAS.gelu!.df.unicode).toBe('Φ(x) + x·φ(x)');
    expect(FORMULA_HELPERS.Phi!.unicode).toBe('Φ(x) = ½(1 + erf(x/√2))');
    expect(FORMULAS.hardtanh!.f.unicode).toBe('{ a if x < a; b if x > b; x otherwise }');
    expect(FORMULAS.leaky_relu!.f.unicode).toBe('{ x if x > 0; αx otherwise }');
    expect(FORMULAS.squareplus!.f.unicode).toBe('½(x + √(x² + b))');
  });
});

describe('renderer', () => {
  it('brackets by precedence, not by the source text', () => {
    expect(renderFormula('((x))').unicode).toBe('x');
    expect(renderFormula('b * (x + 1)').unicode).toBe('b(x + 1)');
    expect(renderFormula('(x + 1) * b').unicode).toBe('(x + 1)·b');
    expect(renderFormula('x - (x - b)').unicode).toBe('x − (x − b)');
    expect(renderFormula('x - x * b').unicode).toBe('x − xb');
    expect(renderFormula('(x + 1) / (x + 2)').unicode).toBe('(x + 1)/(x + 2)');
    expect(renderFormula('-(x + 1)').unicode).toBe('−(x + 1)');
    expect(renderFormula('x + -b').unicode).toBe('x − b');
    expect(renderFormula('(x + 1)^2').tex).toBe('(x + 1)^{2}');
  });

  it('uses superscripts only where the font has them', () => {
    expect(renderFormula('exp(-x)').unicode).toBe('e⁻ˣ');
    expect(renderFormula('exp(beta * x)').unicode).toBe('e^(βx)');
    expect(renderFormula('x^3').unicode).toBe('x³');
    expect(renderFormula('x^b').unicode).toBe('x^b');
  });

  it('refuses what it cannot render rather than guessing', () => {
    expect(() => renderFormula('foo(x)')).toThrow(/unknown function 'foo'/);
    expect(() => renderFormula('x * y')).toThrow(/unknown symbol 'y'/);
    expect(() => renderFormula('x mod 2')).toThrow(/unsupported operator/);
  });
});

describe('formulaNotes', () => {
  it('defines the helpers a formula calls and gives its constants', () => {
    expect(formulaNotes('gelu').map((n) => n.unicode)).toEqual([
      'Φ(x) = ½(1 + erf(x/√2))',
      'φ(x) = e^(−x²/2)/√(2π)',
    ]);
    expect(formulaNotes('selu').map((n) => n.unicode)).toEqual([
      'λ ≈ 1.0507009873554805',
      'α ≈ 1.6732632423543772',
    ]);
    expect(formulaNotes('relu')).toEqual([]);
    expect(formulaNotes('no_such_id')).toEqual([]);
    for (const id of Object.keys(FORMULAS)) {
      for (const n of formulaNotes(id)) {
        expect(() => katex.renderToString(n.tex, { throwOnError: true }), id).not.toThrow();
        expect(n.unicode, id).not.toContain('\\');
      }
    }
  });
});
