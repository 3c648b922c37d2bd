/** The formulas the panel typesets, with the current parameter values written in. */
import type { ParamSpec, Params } from '../kernel/types';

/** A number as TeX: `0.01`, `-1.5`, `1.2 \times 10^{-5}`. */
export function texNumber(v: number): string {
  if (!Number.isFinite(v)) return '\\text{?}';
  const a = Math.abs(v);
  if (v !== 0 && (a >= 1e5 || a < 1e-3)) {
    const [m, e] = v.toExponential(3).split('e');
    return `${String(Number(m))} \\times 10^{${Number(e)}}`;
  }
  return String(Number(v.toPrecision(6)));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Replaces each parameter by its value, in both spellings the generated formulas use: the spec's
 * symbol and `\mathrm{name}` (with `\_`). A command symbol (`\alpha`) matches only when not
 * followed by a letter (so `\alpha` leaves `\alphabet` alone); a plain letter symbol matches only
 * as a whole token (so `a` leaves `\max` and `\tanh` alone). Negative values get parentheses.
 */
export function substituteParams(tex: string, specs: readonly ParamSpec[], params: Params): string {
  let out = tex;
  for (const spec of specs) {
    const v = params[spec.name];
    if (v === undefined) continue;
    const num = texNumber(v);
    const value = v < 0 || num.includes('\\times') ? `{\\left(${num}\\right)}` : `{${num}}`;
    const named = `\\mathrm{${spec.name.replace(/_/g, '\\_')}}`;
    out = out.split(named).join(value);
    if (!spec.symbol) continue;
    const sym = escapeRegExp(spec.symbol);
    const re = spec.symbol.startsWith('\\')
      ? new RegExp(`${sym}(?![A-Za-z])`, 'g')
      : new RegExp(`(?<![\\\\A-Za-z])${sym}(?![A-Za-z])`, 'g');
    out = out.replace(re, value);
  }
  return out;
}
