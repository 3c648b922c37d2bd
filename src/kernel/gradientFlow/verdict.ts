/**
 * Reading the numbers: the verdict, SELU self-normalisation, dead-unit warnings and one line of
 * advice, all computed from a SimulationResult.
 *
 * Verdict rule (also in the README): r = inputGradRms(first layer) / inputGradRms(last layer), the
 * factor by which the gradient shrinks (r < 1) or grows (r > 1) on its way back through the stack.
 * - exploding: any per-layer figure is NaN or ±Infinity, or log10 r > 3;
 * - vanishing: log10 r < −3 (including a gradient that underflows to 0);
 * - healthy otherwise.
 * The 3 and the dead-unit warning's 5 % are defaults (Thresholds): settings and CLI flags change them.
 */
import { formatNumber, percent, powerOfTen, ratioForPeople } from '../format';
import type { LayerStats, SimulationResult } from './simulate';
import { frozenSet } from '../freeze';

export type Verdict = 'healthy' | 'vanishing' | 'exploding';
export const VERDICTS: readonly Verdict[] = Object.freeze(['healthy', 'vanishing', 'exploding']);

/** |log10 r| beyond this is vanishing / exploding. */
export const RATIO_LIMIT_LOG10 = 3;
/** The lecture's self-normalisation band for SELU. */
export const SELU_MEAN_BAND: readonly [number, number] = Object.freeze([-0.1, 0.1]);
export const SELU_STD_BAND: readonly [number, number] = Object.freeze([0.8, 1.5]);
/** A layer gets a dead-unit warning at or above this fraction of dead units. */
export const DEAD_WARNING_FRACTION = 0.05;

/** The limits a verdict and its warnings are read against (settings, CLI flags). */
export interface Thresholds {
  /** |log10 r| beyond this is vanishing / exploding (orders of magnitude). */
  readonly ratioLimitLog10: number;
  /** A layer gets a dead-unit warning at or above this fraction of dead units. */
  readonly deadWarningFraction: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = Object.freeze({
  ratioLimitLog10: RATIO_LIMIT_LOG10,
  deadWarningFraction: DEAD_WARNING_FRACTION,
});

/** Bounds a threshold must lie in: a limit below 0.1 order flags noise, above 300 nothing. */
export const RATIO_LIMIT_RANGE: readonly [number, number] = Object.freeze([0.1, 300]);

/**
 * The thresholds from loose input (settings, flags, a command argument), defaults filled in; a
 * bad value gives one line saying which and why (the callers show it, or exit 2 in the CLI).
 */
export function resolveThresholds(
  t: { readonly ratioLimit?: unknown; readonly deadWarning?: unknown } = {},
): { ok: true; thresholds: Thresholds } | { ok: false; message: string } {
  const [lo, hi] = RATIO_LIMIT_RANGE;
  const r = t.ratioLimit ?? RATIO_LIMIT_LOG10;
  if (!(typeof r === 'number' && r >= lo && r <= hi))
    return {
      ok: false,
      message: `ratio limit must be a number of orders of magnitude in [${lo}, ${hi}], got ${String(r)}`,
    };
  const d = t.deadWarning ?? DEAD_WARNING_FRACTION;
  if (!(typeof d === 'number' && d > 0 && d <= 1))
    return {
      ok: false,
      message: `dead-unit warning must be a fraction in (0, 1] (0.05 = 5 %), got ${String(d)}`,
    };
  return { ok: true, thresholds: { ratioLimitLog10: r, deadWarningFraction: d } };
}

export interface VerdictInfo {
  readonly verdict: Verdict;
  /** log10(inputGradRms first / last); NaN when non-finite values occurred. */
  readonly gradRatioLog10: number;
  readonly reason: string;
}

export interface SelfNormalisation {
  readonly layer: number;
  readonly mean: number;
  readonly std: number;
  readonly pass: boolean;
}

const fmtPow = ratioForPeople;

export function judge(
  layers: readonly LayerStats[],
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): VerdictInfo {
  const limit = thresholds.ratioLimitLog10;
  for (const l of layers) {
    for (const key of ['postMean', 'postStd', 'weightGradNorm', 'inputGradRms'] as const) {
      if (!Number.isFinite(l[key])) {
        return {
          verdict: 'exploding',
          gradRatioLog10: NaN,
          reason: `layer ${l.layer}: ${key} is ${l[key]} (overflow)`,
        };
      }
    }
  }
  const first = layers[0]!.inputGradRms;
  const last = layers[layers.length - 1]!.inputGradRms;
  let log10: number;
  if (first === 0 && last === 0) log10 = 0;
  else log10 = Math.log10(first) - Math.log10(last);
  if (log10 < -limit) {
    return {
      verdict: 'vanishing',
      gradRatioLog10: log10,
      reason: `the first layer's gradient is ${fmtPow(log10)} of the last's (limit ${powerOfTen(-limit)})`,
    };
  }
  if (log10 > limit) {
    return {
      verdict: 'exploding',
      gradRatioLog10: log10,
      reason: `the first layer's gradient is ${fmtPow(log10)} times the last's (limit ${powerOfTen(limit)})`,
    };
  }
  return {
    verdict: 'healthy',
    gradRatioLog10: log10,
    reason: `first-to-last gradient ratio ${fmtPow(log10)}, within ${powerOfTen(-limit)}…${powerOfTen(limit)}`,
  };
}

/** Per-layer pass/fail of the SELU band, for layers whose activation is self-normalising. */
export function selfNormalisation(
  layers: readonly LayerStats[],
  isSelfNormalising: (id: string) => boolean,
): SelfNormalisation[] {
  return layers
    .filter((l) => l.activation !== null && isSelfNormalising(l.activation))
    .map((l) => ({
      layer: l.layer,
      mean: l.postMean,
      std: l.postStd,
      pass:
        l.postMean >= SELU_MEAN_BAND[0] &&
        l.postMean <= SELU_MEAN_BAND[1] &&
        l.postStd >= SELU_STD_BAND[0] &&
        l.postStd <= SELU_STD_BAND[1],
    }));
}

/** Layer numbers as ranges: [1,2,3,5] → "1–3, 5". */
export function layerRanges(ns: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ns.length;) {
    let j = i;
    while (j + 1 < ns.length && ns[j + 1] === ns[j]! + 1) j++;
    parts.push(j > i ? `${ns[i]}–${ns[j]}` : String(ns[i]));
    i = j + 1;
  }
  return parts.join(', ');
}

/** One line for all layers at or above the dead-unit fraction (the table has the per-layer figures). */
export function deadUnitWarnings(
  layers: readonly LayerStats[],
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): string[] {
  const bad = layers.filter((l) => l.deadFraction >= thresholds.deadWarningFraction);
  if (bad.length === 0) return [];
  const worst = bad.reduce((m, l) => (l.deadFraction > m.deadFraction ? l : m));
  return [
    `dead units (≥ ${+(100 * thresholds.deadWarningFraction).toPrecision(3)}% of a layer, act′(z) = 0 for every input in the batch) in ` +
      `${bad.length === 1 ? 'layer' : 'layers'} ${layerRanges(bad.map((l) => l.layer))}; worst: layer ${worst.layer}, ` +
      `${Math.round(worst.deadFraction * worst.outFeatures)} of ${worst.outFeatures} (${percent(worst.deadFraction)}%)`,
  ];
}

const RELU_LIKE = new Set([
  'relu',
  'leaky_relu',
  'rrelu',
  'relu6',
  'prelu',
  'elu',
  'celu',
  'gelu',
  'gelu_tanh',
  'quick_gelu',
  'silu',
  'mish',
  'hardswish',
  'softplus',
]);
/** Activations that flatten out on both sides (their f′ vanishes for large |x|). */
export const SATURATING: ReadonlySet<string> = frozenSet([
  'sigmoid',
  'tanh',
  'hardsigmoid',
  'hardtanh',
  'softsign',
  'logsigmoid',
  'tanhshrink',
]);

/** The init that suits an activation: He for the ReLU family, LeCun-normal for SELU, else Xavier. */
export function suggestedInit(
  activationId: string | null,
): 'he_normal' | 'lecun_normal' | 'xavier_normal' {
  if (activationId === null) return 'xavier_normal';
  if (activationId === 'selu') return 'lecun_normal';
  if (RELU_LIKE.has(activationId)) return 'he_normal';
  return 'xavier_normal';
}

export interface AdviceInput {
  readonly activation: string;
  readonly init: string;
  readonly verdict: VerdictInfo;
  readonly layers: readonly LayerStats[];
  readonly selu: readonly SelfNormalisation[];
  readonly clipped: boolean;
  /** The init's gain when it is not 1. */
  readonly gain?: number;
  readonly thresholds?: Thresholds;
  /** A model read from source: its layers have activations and inits of their own, so the
   * advice does not open with the plain check's single "activation with init:". */
  readonly model?: boolean;
}

/** One plain-language line, computed from the numbers. */
export function advice(a: AdviceInput): string {
  const gain = a.gain ?? 1;
  const head = a.model ? '' : `${a.activation} with ${a.init}${gain !== 1 ? ` ×${gain}` : ''}: `;
  const v = a.verdict;
  const worstDead = a.layers.reduce(
    (m, l) => (l.deadFraction > m.deadFraction ? l : m),
    a.layers[0]!,
  );
  if (v.verdict === 'vanishing') {
    let fix: string;
    if (SATURATING.has(a.activation)) fix = 'use ReLU + He or SELU + LeCun-normal';
    else if (RELU_LIKE.has(a.activation) && !a.init.startsWith('he_'))
      fix = 'use He initialisation (he_normal)';
    else if (a.activation === 'selu' && a.init !== 'lecun_normal')
      fix = 'use LeCun-normal initialisation';
    else fix = 'use a larger init scale, fewer layers, residual connections or normalisation';
    return `${head}the first layer's gradient is ${fmtPow(v.gradRatioLog10)} of the last's; ${fix}.`;
  }
  if (v.verdict === 'exploding') {
    const clip = a.clipped
      ? ' Clipping scales the whole update down but does not change the ratio between layers.'
      : ' Gradient clipping (--clip-norm) caps the step size, but not the imbalance.';
    const what = Number.isFinite(v.gradRatioLog10)
      ? `the first layer's gradient is ${fmtPow(v.gradRatioLog10)} times the last's`
      : v.reason;
    const suggested = suggestedInit(a.activation);
    const fix =
      a.init === suggested && gain > 1
        ? `use ${suggested} with gain 1`
        : a.init === suggested
          ? 'use fewer layers or normalisation between them'
          : `use ${suggested}${gain !== 1 ? ' with gain 1' : ''}`;
    return `${head}${what}; ${fix}.${clip}`;
  }
  const parts = [`${head}gradients flow (first-to-last ratio ${fmtPow(v.gradRatioLog10)})`];
  if (a.selu.length > 0) {
    const fails = a.selu.filter((s) => !s.pass);
    parts.push(
      fails.length === 0
        ? `self-normalising: every layer keeps mean in [−0.1, 0.1] and std in [0.8, 1.5]`
        : `${fails.length} of ${a.selu.length} layers leave the self-normalisation band (first: layer ${fails[0]!.layer}, mean ${formatNumber(fails[0]!.mean, { digits: 3 })}, std ${formatNumber(fails[0]!.std, { digits: 3 })})`,
    );
  }
  const deadAt = (a.thresholds ?? DEFAULT_THRESHOLDS).deadWarningFraction;
  if (worstDead && worstDead.deadFraction >= deadAt) {
    parts.push(
      `but ${percent(worstDead.deadFraction, 0)}% of layer ${worstDead.layer}'s units are dead`,
    );
  }
  return parts.join('; ') + '.';
}

export type { SimulationResult };
