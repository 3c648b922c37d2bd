/** The formulas the panel typesets, with the current parameter values written in. */
import { formatNumber } from '../kernel/format';
import type { ParamSpec, Params } from '../kernel/types';

const TEX = { digits: 6, expDigits: 4, plainBelow: 1e5, exponent: 'tex' } as const;

/** A number as TeX: `0.01`, `-1.5`, `1.2 \times 10^{-5}`. */
export function texNumber(v: number): string {
  return Number.isFinite(v) ? formatNumber(v, TEX) : '\\text{?}';
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Replaces each parameter by its value, in both spellings the generated formulas use: the spec's
 * symbol and `\mathrm{name}` (with `\_`). A command symbol (`\alpha`) matches only when not
 * followed by a letter (so `\alpha` leaves `\alphabet` alone); a plain letter symbol matches only
 * as a whole token (so `a` leaves `\max` and `\tanh` alone). Negative values get parentheses; a
 * coefficient of 1 is left out.
 */
export function substituteParams(tex: string, specs: readonly ParamSpec[], params: Params): string {
  let out = tex;
  for (const spec of specs) {
    const v = params[spec.name];
    if (v === undefined) continue;
    const num = texNumber(v);
    const value = v < 0 || num.includes('\\times') ? `{\\left(${num}\\right)}` : `{${num}}`;
    const named = `\\mathrm{${spec.name.replace(/_/g, '\\_')}}`;
    const symbol = spec.symbol ? escapeRegExp(spec.symbol) : undefined;
    const token = symbol
      ? spec.symbol?.startsWith('\\')
        ? `(?:${escapeRegExp(named)}|${symbol}(?![A-Za-z]))`
        : `(?:${escapeRegExp(named)}|(?<![\\\\A-Za-z])${symbol}(?![A-Za-z]))`
      : escapeRegExp(named);
    if (v === 1) {
      // A unit coefficient goes, as one writes it: eˣ and (eˣ − 1), not 1eˣ and 1(eˣ − 1); 1/β too.
      out = out
        .replace(new RegExp(`\\\\frac\\{1\\}\\{${token}\\}\\s*`, 'g'), '')
        .replace(new RegExp(`/${token}`, 'g'), '')
        .replace(
          new RegExp(`${token}\\s*(?=[A-Za-z(]|\\\\(?:left|sigma|log|exp|tanh)\\b)`, 'g'),
          '',
        );
    }
    out = out.replace(new RegExp(token, 'g'), value);
  }
  return out;
}
