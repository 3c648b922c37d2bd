import { describe, expect, it } from 'vitest';
import katex from 'katex';
import type { ParamSpec } from '../../../src/kernel/types';
import { activations } from '../../../src/kernel';
import { substituteParams, texNumber } from '../../../src/plot/tex';

const spec = (name: string, symbol: string): ParamSpec => ({
  name,
  symbol,
  default: 1,
  min: -10,
  max: 10,
  step: 0.1,
  description: '',
});

describe('formula parameter substitution', () => {
  it('writes numbers as TeX, with powers of ten for tiny and huge values', () => {
    expect(texNumber(0.25)).toBe('0.25');
    expect(texNumber(1.5e-5)).toBe('1.5 \\times 10^{-5}');
    expect(texNumber(NaN)).toBe('\\text{?}');
  });

  it('replaces a command symbol only as a whole command', () => {
    const tex = '\\max(\\alpha x, x) + \\alphabet';
    expect(
      substituteParams(tex, [spec('negative_slope', '\\alpha')], { negative_slope: 0.2 }),
    ).toBe('\\max({0.2} x, x) + \\alphabet');
  });

  it('replaces a letter symbol only as a token, never inside commands', () => {
    const tex = '\\max(0, x) \\cdot \\tanh(a x) + a';
    expect(substituteParams(tex, [spec('a', 'a')], { a: 3 })).toBe(
      '\\max(0, x) \\cdot \\tanh({3} x) + {3}',
    );
  });

  it('parenthesises negatives and leaves symbols without a value alone', () => {
    expect(substituteParams('\\beta x', [spec('beta', '\\beta')], { beta: -2 })).toBe(
      '{\\left(-2\\right)} x',
    );
    expect(substituteParams('\\beta x', [spec('beta', '\\beta')], {})).toBe('\\beta x');
  });

  it('leaves out a coefficient of 1 (eˣ, not 1eˣ; 1/β and x/α go too)', () => {
    const alpha = [spec('alpha', '\\alpha')];
    expect(substituteParams('\\alpha e^{x}', alpha, { alpha: 1 })).toBe('e^{x}');
    expect(substituteParams('\\alpha (e^{x/\\alpha} - 1)', alpha, { alpha: 1 })).toBe(
      '(e^{x} - 1)',
    );
    expect(substituteParams('\\alpha (e^{x} - 1)', alpha, { alpha: 2 })).toBe('{2} (e^{x} - 1)');
    const beta = [spec('beta', '\\beta')];
    expect(substituteParams('\\frac{1}{\\beta} \\log(1 + e^{\\beta x})', beta, { beta: 1 })).toBe(
      '\\log(1 + e^{x})',
    );
    expect(substituteParams('\\sigma(\\beta x)', beta, { beta: 1 })).toBe('\\sigma(x)');
    // Not a coefficient: a bound, a lone term.
    const lam = [spec('lambd', '\\lambda')];
    expect(substituteParams('x > \\lambda \\\\ x - \\lambda', lam, { lambd: 1 })).toBe(
      'x > {1} \\\\ x - {1}',
    );
    expect(substituteParams('a < x < b', [spec('a', 'a')], { a: 1 })).toBe('{1} < x < b');
  });

  it('produces TeX that KaTeX parses (strict, throwing on error)', () => {
    const out = substituteParams(
      '\\begin{cases} x & x > 0 \\\\ \\alpha (e^{x} - 1) & \\text{otherwise} \\end{cases}',
      [spec('alpha', '\\alpha')],
      { alpha: 1e-7 },
    );
    expect(() => katex.renderToString(out, { throwOnError: true })).not.toThrow();
  });
});

describe('formula substitution over the whole kernel catalogue', () => {
  it('has activations to check', () => {
    expect(activations.length).toBeGreaterThan(10);
  });

  it('writes every parameter a formula mentions as its value, in TeX KaTeX parses, at min, default and max', () => {
    for (const a of activations) {
      for (const pick of ['min', 'default', 'max'] as const) {
        const params = Object.fromEntries(a.paramSpecs.map((s) => [s.name, s[pick]]));
        for (const key of ['f', 'df'] as const) {
          const tex = a.formulas[key].tex;
          const out = substituteParams(tex, a.paramSpecs, params);
          expect(
            () => katex.renderToString(out, { throwOnError: true }),
            `${a.id} ${key}`,
          ).not.toThrow();
          for (const s of a.paramSpecs) {
            expect(out, `${a.id} ${key} still names ${s.name}`).not.toContain(
              `\\mathrm{${s.name.replace(/_/g, '\\_')}}`,
            );
            if (s.symbol.startsWith('\\'))
              expect(out, `${a.id} ${key}`).not.toMatch(new RegExp(`\\${s.symbol}(?![A-Za-z])`));
          }
        }
      }
    }
  });
});
