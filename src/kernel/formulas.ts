/**
 * Formulas per kernel id, as data: `expr` (mathjs syntax, what the unit tests evaluate against the
 * kernel), `tex` (KaTeX) and `unicode` (hovers). All three are generated from `expr` by
 * scripts/gen-formulas.ts, so what we show is what we test. No mathjs at runtime: plain strings.
 *
 * Evaluating an `expr` yourself: bind `x`, the parameters (PyTorch names), the activation's
 * constants (FORMULA_CONSTANTS: SELU's `lambda`, `alpha`) and the helpers `sigma`, `Phi`, `phi`,
 * `softplus`, `sech` (definitions in FORMULA_HELPERS). Conditions are exact comparisons: give
 * mathjs a relative tolerance under half an ulp (`relTol: Number.EPSILON / 4, absTol: 0`), or its
 * default tolerance makes `x > 0` false at x = 1e-300.
 */
import { deepFreeze } from './freeze';
import { GENERATED_FORMULAS, GENERATED_HELPERS } from './formulas.generated';

// Generated tables, frozen where they are first read (the generator emits plain literals).
deepFreeze(GENERATED_FORMULAS);
deepFreeze(GENERATED_HELPERS);
import type { Formula, Formulas } from './types';

/** A named constant in a formula (not a parameter), e.g. SELU's λ ≈ 1.0507. */
export interface FormulaConstant {
  readonly name: string;
  readonly value: number;
  readonly tex: string;
  readonly unicode: string;
}

/** A function the formulas use by name (σ, Φ, φ, softplus, sech), with its definition. */
export interface FormulaHelper {
  readonly name: string;
  readonly description: string;
  /** Definition in `x` with mathjs built-ins only. */
  readonly expr: string;
  /** `\sigma(x) = \frac{1}{1 + e^{-x}}` */
  readonly tex: string;
  /** `σ(x) = 1/(1 + e⁻ˣ)` */
  readonly unicode: string;
}

/** Shape of the generated data (internal). */
export interface GeneratedFormulas extends Formulas {
  /** Names of FORMULA_HELPERS used by f, f′ or f″, in a fixed order. */
  readonly helpers: readonly string[];
  readonly constants: readonly FormulaConstant[];
}

function strip(g: GeneratedFormulas): Formulas {
  return Object.freeze(
    g.d2f === undefined
      ? { f: Object.freeze(g.f), df: Object.freeze(g.df) }
      : { f: Object.freeze(g.f), df: Object.freeze(g.df), d2f: Object.freeze(g.d2f) },
  );
}

export const FORMULAS: Readonly<Record<string, Formulas>> = Object.freeze(
  Object.fromEntries(Object.entries(GENERATED_FORMULAS).map(([id, g]) => [id, strip(g)])),
);

export const FORMULA_HELPERS: Readonly<Record<string, FormulaHelper>> = GENERATED_HELPERS;

/** Named constants per kernel id (only SELU has any: λ and α); ids without constants are absent. */
export const FORMULA_CONSTANTS: Readonly<Record<string, readonly FormulaConstant[]>> =
  Object.freeze(
    Object.fromEntries(
      Object.entries(GENERATED_FORMULAS)
        .filter(([, g]) => g.constants.length > 0)
        .map(([id, g]) => [id, g.constants]),
    ),
  );

/** One "where …" line under a formula: a helper's definition or a constant's value. */
export interface FormulaNote {
  readonly tex: string;
  readonly unicode: string;
  /** Plain words, e.g. "the standard normal CDF"; empty for constants. */
  readonly description: string;
}

/**
 * What a reader needs besides the formulas of `id`: definitions of the helpers they call
 * (Φ(x) = ½(1 + erf(x/√2)), …) and the values of their constants (λ ≈ 1.0507009873554805).
 * Empty for an unknown id.
 */
export function formulaNotes(id: string): readonly FormulaNote[] {
  const g = GENERATED_FORMULAS[id];
  if (!g) return [];
  const notes: FormulaNote[] = [];
  for (const name of g.helpers) {
    const h = GENERATED_HELPERS[name];
    if (h) notes.push({ tex: h.tex, unicode: h.unicode, description: h.description });
  }
  for (const c of g.constants) {
    notes.push({
      tex: `${c.tex} \\approx ${c.value}`,
      unicode: `${c.unicode} ≈ ${c.value}`,
      description: '',
    });
  }
  return notes;
}

export type { Formula, Formulas };
