/**
 * Simulated and measured rows side by side, per module, with the disagreements named. Pure.
 *
 * Tolerance for one run against one run: the protocol's "4 sd + 0.1 in log10" needs the
 * between-seed sd, which one run does not have. Two independent runs differ by √2·sd, and
 * 4·√2·0.07 + 0.1 ≈ 0.5; over the real-model fixtures (test/fixtures/real-models, 20 PyTorch seeds)
 * the sd of log10 postStd and weightGradNorm is under 0.07 for 258 of 270 figures (median 0.02).
 * So a figure disagrees when |log10 simulated − log10 measured| > 0.5 (a factor of 3.2): seed
 * noise stays inside, a wrong init or a missed layer (factors of 10 and more) does not. The 12
 * noisier figures (DCGAN discriminator's head, the skorch MLP's last layers at batch 16, sd up to
 * 0.2) can be flagged on a single run; the report states the tolerance beside the flags.
 */
import type { MeasuredRow } from './protocol';

export const TOLERANCE_LOG10 = 0.5;

/** A simulated row: the engine's RowStats (`row`) or the CLI's JSON (`module`). */
export interface SimulatedRow {
  readonly module?: string;
  readonly row?: string;
  readonly kind?: string;
  readonly outputShape?: readonly number[];
  readonly line?: number | null;
  readonly postMean?: number | null;
  readonly postStd?: number | null;
  readonly weightGradNorm?: number | null;
  readonly biasGradNorm?: number | null;
  readonly inputGradRms?: number | null;
}

export const FIGURES = ['postStd', 'weightGradNorm', 'biasGradNorm', 'inputGradRms'] as const;
export type Figure = (typeof FIGURES)[number];

export type Verdict = 'agree' | 'disagree' | 'only-simulated' | 'only-measured';

export interface ComparedRow {
  readonly module: string;
  readonly kind: string;
  readonly line: number | null;
  readonly simulated: SimulatedRow | null;
  readonly measured: MeasuredRow | null;
  /** log10(simulated / measured) per figure both sides have (finite, positive). */
  readonly deltaLog10: Partial<Record<Figure, number>>;
  readonly verdict: Verdict;
  /** Why, in words, when the verdict is not `agree`. */
  readonly reason?: string;
}

export interface Comparison {
  readonly rows: readonly ComparedRow[];
  readonly agree: number;
  readonly disagree: number;
  readonly onlySimulated: number;
  readonly onlyMeasured: number;
  /** Largest |Δlog10| over matched rows and figures (0 when none). */
  readonly maxDeltaLog10: number;
  readonly tolerance: number;
}

function keyOf(r: SimulatedRow): string {
  return r.module ?? r.row ?? '';
}

function logRatio(a: number | null | undefined, b: number | null | undefined): number | undefined {
  if (a == null || b == null || !(a > 0) || !(b > 0) || !Number.isFinite(a) || !Number.isFinite(b))
    return undefined;
  return Math.log10(a / b);
}

function sameShape(a: readonly number[] | undefined, b: readonly number[]): boolean {
  return a === undefined || (a.length === b.length && a.every((v, i) => v === b[i]));
}

/**
 * Pairs rows by module name, in PyTorch's execution order (simulated-only rows after their
 * predecessor). The first disagreeing row gets a cause; later ones say they follow from it when
 * their inputs already differed.
 */
export function compareRows(
  simulated: readonly SimulatedRow[],
  measured: readonly MeasuredRow[],
  tolerance = TOLERANCE_LOG10,
): Comparison {
  const sim = new Map(simulated.map((r) => [keyOf(r), r]));
  const seen = new Set<string>();
  const rows: ComparedRow[] = [];
  let firstDiff: string | null = null;
  let maxDelta = 0;
  let previousAgreed = true;
  for (const m of measured) {
    const s = sim.get(m.module) ?? null;
    seen.add(m.module);
    if (!s) {
      rows.push({
        module: m.module,
        kind: m.kind,
        line: m.line,
        simulated: null,
        measured: m,
        deltaLog10: {},
        verdict: 'only-measured',
        reason: 'PyTorch ran this module; the reader did not find it',
      });
      continue;
    }
    const delta: Partial<Record<Figure, number>> = {};
    const off: Figure[] = [];
    for (const f of FIGURES) {
      const d = logRatio(s[f], m[f]);
      if (d === undefined) continue;
      delta[f] = d;
      maxDelta = Math.max(maxDelta, Math.abs(d));
      if (Math.abs(d) > tolerance) off.push(f);
    }
    const shapeOk = sameShape(s.outputShape, m.outputShape);
    const agrees = off.length === 0 && shapeOk;
    let reason: string | undefined;
    if (!agrees) {
      reason = explain(s, m, off, shapeOk, previousAgreed, firstDiff);
      firstDiff ??= m.module;
    }
    rows.push({
      module: m.module,
      kind: m.kind,
      line: m.line ?? s.line ?? null,
      simulated: s,
      measured: m,
      deltaLog10: delta,
      verdict: agrees ? 'agree' : 'disagree',
      ...(reason ? { reason } : {}),
    });
    previousAgreed = agrees || !(off.includes('postStd') || !shapeOk);
  }
  for (const s of simulated) {
    const k = keyOf(s);
    if (seen.has(k)) continue;
    rows.push({
      module: k,
      kind: s.kind ?? '',
      line: s.line ?? null,
      simulated: s,
      measured: null,
      deltaLog10: {},
      verdict: 'only-simulated',
      reason: 'simulated, but PyTorch did not run it exactly once per forward',
    });
  }
  const count = (v: Verdict) => rows.filter((r) => r.verdict === v).length;
  return {
    rows,
    agree: count('agree'),
    disagree: count('disagree'),
    onlySimulated: count('only-simulated'),
    onlyMeasured: count('only-measured'),
    maxDeltaLog10: maxDelta,
    tolerance,
  };
}

const fmt = (d: number) => `${d > 0 ? '+' : ''}${d.toFixed(2)}`;

function explain(
  s: SimulatedRow,
  m: MeasuredRow,
  off: readonly Figure[],
  shapeOk: boolean,
  inputsAgreed: boolean,
  firstDiff: string | null,
): string {
  if (!shapeOk) {
    return `output shape ${JSON.stringify(s.outputShape)} simulated, ${JSON.stringify(m.outputShape)} in PyTorch: a layer argument or the input shape read differently`;
  }
  const d = (f: Figure) =>
    `log10 ${f} ${fmt(s[f] != null && m[f] != null ? Math.log10(s[f] / m[f]) : NaN)}`;
  if (!inputsAgreed && firstDiff) {
    return `${off.map(d).join(', ')}: follows from the difference at ${firstDiff}`;
  }
  if (off.includes('postStd') && m.weightGradNorm !== null) {
    return `${off.map(d).join(', ')} with the same input: an init this reader did not follow (weights drawn at another scale)`;
  }
  if (off.includes('postStd')) {
    return `${off.map(d).join(', ')} with the same input: this ${m.kind} computes something else than simulated`;
  }
  return `${off.map(d).join(', ')}: the forward agrees here but the gradient differs (something inside this module, such as an LSTM's dropout between layers, or after it is simulated differently)`;
}
