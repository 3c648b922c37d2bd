/**
 * One reading of a report for every place a verdict shows (CodeLens, notification, report card,
 * Problems list, CLI): what to call it, which colour it gets, and whether the check was partial.
 * Colour follows meaning: vanishing and exploding are errors (red), dead units, a SELU stack out of
 * its band or a partial check are warnings (amber), and only a complete check with nothing flagged
 * is ok (green). Pure: the webview, the host and the CLI share it.
 */
import { DEAD_WARNING_FRACTION } from '../kernel/gradientFlow/verdict';
import { fromLog10 } from '../kernel/format';

export type Tone = 'error' | 'warning' | 'ok';

/** What `summarize` reads: a kernel report, or its JSON-safe view (nulls for non-finite figures). */
export interface SummaryInput {
  readonly verdict: 'healthy' | 'vanishing' | 'exploding';
  /** log10 of first-to-last gradient ratio; null/NaN when non-finite. */
  readonly gradRatioLog10?: number | null;
  readonly layers: readonly { readonly deadFraction: number | null }[];
  readonly selfNormalisation: readonly { readonly pass: boolean }[];
  /** Set when the check left part of the model out: "2 layers simulated, Conv2d/BatchNorm skipped". */
  readonly partial?: string | null;
  /** The run's config: its `deadWarning` (a setting or CLI flag) is the fraction that counts as dead. */
  readonly config?: Readonly<Record<string, unknown>>;
}

export interface Summary {
  readonly tone: Tone;
  /** One or two words: "vanishing", "exploding", "dead units", "not self-normalising", "healthy". */
  readonly label: string;
  /** The label with the ratio where it matters: "vanishing 6.2 × 10⁻⁷". */
  readonly figure: string;
  /** `figure`, preceded by "partial (…) · " when part of the model was not simulated. */
  readonly headline: string;
  /** ⚠ / ✖ / ✓ — a symbol that reads without colour. */
  readonly icon: string;
  readonly partial: string | null;
}

/** The dead-unit fraction a run was checked with (setting or --dead-warning), else the default. */
export function deadWarningOf(config?: Readonly<Record<string, unknown>>): number {
  const given = config?.['deadWarning'];
  return typeof given === 'number' ? given : DEAD_WARNING_FRACTION;
}

export function summarize(r: SummaryInput): Summary {
  const deadAt = deadWarningOf(r.config);
  const dead = r.layers.some((l) => l.deadFraction !== null && l.deadFraction >= deadAt);
  const outOfBand = r.selfNormalisation.some((s) => !s.pass);
  const partial = r.partial ?? null;
  let label: string;
  let tone: Tone;
  if (r.verdict !== 'healthy') {
    label = r.verdict;
    tone = 'error';
  } else if (dead) {
    label = 'dead units';
    tone = 'warning';
  } else if (outOfBand) {
    label = 'not self-normalising';
    tone = 'warning';
  } else {
    label = 'healthy';
    tone = partial ? 'warning' : 'ok';
  }
  const ratio = r.gradRatioLog10;
  const figure =
    r.verdict !== 'healthy' && typeof ratio === 'number' && Number.isFinite(ratio)
      ? `${label} ${fromLog10(ratio)}`
      : label;
  return {
    tone,
    label,
    figure,
    headline: partial ? `partial (${partial}) · ${figure}` : figure,
    icon: tone === 'error' ? '✖' : tone === 'warning' ? '⚠' : '✓',
    partial,
  };
}

/**
 * Progress for people: "layer 13 of 50 (forward)". `step` of `total` counts the forward pass then
 * the backward pass (total = 2 × layers) unless `phase` says which pass `step` is in.
 */
export function progressText(
  step: number,
  total: number,
  phase?: 'forward' | 'backward',
  unit = 'layer',
): string {
  if (phase) return `${unit} ${step} of ${total} (${phase})`;
  const n = Math.max(1, Math.round(total / 2));
  if (step <= n) return `${unit} ${Math.max(step, 1)} of ${n} (forward)`;
  // Backward runs from the last layer to the first.
  return `${unit} ${Math.max(2 * n - step + 1, 1)} of ${n} (backward)`;
}
