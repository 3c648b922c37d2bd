/**
 * Kernel self-check: every activation's f′ against a numeric derivative of f, and f″ against a
 * numeric derivative of f′, over a grid away from kinks; and the cost of one evaluation relative
 * to ReLU, timed on this machine when it runs.
 */
import { activations as registryActivations, type ActivationDescriptor } from './registry';

/** x from −GRID_LIMIT to GRID_LIMIT in GRID_STEP steps (plus 0.05 to avoid landing on kinks). */
export const GRID_LIMIT = 8;
export const GRID_STEP = 0.1;
/**
 * Error allowed between the analytic and numeric derivative, relative to max(1, |f| near x). The
 * five-point stencil with h = ε^(1/5)·max(1, |x|) is accurate to ~1e-12 on smooth functions, so a
 * wrong formula (errors of order 1) cannot hide under 1e-7, and rounding cannot reach it.
 */
export const TOLERANCE = 1e-7;

export interface DerivativeCheck {
  readonly worstError: number;
  /** Where the worst error occurred (NaN when no point was checked). */
  readonly worstAt: number;
  readonly pass: boolean;
}

export interface SelfCheckRow {
  readonly id: string;
  readonly name: string;
  readonly points: number;
  readonly df: DerivativeCheck;
  readonly d2f: DerivativeCheck;
  readonly pass: boolean;
  /** Nanoseconds per element of fBatch, and the same relative to ReLU's. */
  readonly nsPerEval: number;
  readonly costVsRelu: number;
}

export interface SelfCheckResult {
  readonly rows: readonly SelfCheckRow[];
  readonly pass: boolean;
  readonly tolerance: number;
}

function grid(): number[] {
  const xs: number[] = [];
  for (let x = -GRID_LIMIT + 0.05; x <= GRID_LIMIT; x += GRID_STEP)
    xs.push(Math.round(x * 1e6) / 1e6);
  return xs;
}

/** Five-point central difference of g at x, and the largest |g| it touched (the error scale). */
function numericDerivative(g: (x: number) => number, x: number, h: number): [number, number] {
  const f2 = g(x + 2 * h);
  const f1 = g(x + h);
  const m1 = g(x - h);
  const m2 = g(x - 2 * h);
  const d = (-f2 + 8 * f1 - 8 * m1 + m2) / (12 * h);
  return [d, Math.max(Math.abs(f2), Math.abs(f1), Math.abs(m1), Math.abs(m2))];
}

function checkDerivative(
  g: (x: number) => number,
  dg: (x: number) => number,
  xs: readonly number[],
): DerivativeCheck {
  let worst = 0;
  let at = NaN;
  let bad = false;
  for (const x of xs) {
    const h = Math.pow(Number.EPSILON, 1 / 5) * Math.max(1, Math.abs(x));
    const [num, scale] = numericDerivative(g, x, h);
    const ana = dg(x);
    if (!Number.isFinite(num)) continue; // the function itself overflows there: nothing to compare
    const err = Math.abs(ana - num) / Math.max(1, scale, Math.abs(ana));
    if (!(err <= worst)) {
      // NaN analytic values land here too and fail the check.
      worst = Number.isNaN(err) ? Infinity : err;
      at = x;
      if (Number.isNaN(err)) bad = true;
    }
  }
  return { worstError: worst, worstAt: at, pass: !bad && worst <= TOLERANCE };
}

function timeBatch(
  a: ActivationDescriptor,
  xs: Float64Array,
  out: Float64Array,
  minMs: number,
): number {
  let reps = 0;
  const t0 = performance.now();
  let t = t0;
  do {
    a.fBatch(xs, a.params, out);
    reps++;
    t = performance.now();
  } while (t - t0 < minMs);
  return ((t - t0) * 1e6) / (reps * xs.length);
}

export interface SelfCheckOptions {
  /** Milliseconds of timing per activation (default 20). 0 skips timing (NaN costs). */
  readonly timingMs?: number;
  readonly activations?: readonly ActivationDescriptor[];
}

export function runSelfCheck(opts: SelfCheckOptions = {}): SelfCheckResult {
  const list = opts.activations ?? registryActivations;
  const timingMs = opts.timingMs ?? 20;
  const xsAll = grid();
  // Timing input: a fixed spread of values, not random, so runs compare.
  const n = 1 << 14;
  const tx = new Float64Array(n);
  for (let i = 0; i < n; i++) tx[i] = -6 + (12 * ((i * 7919) % n)) / n;
  const tout = new Float64Array(n);
  const timings = new Map<string, number>();
  if (timingMs > 0) {
    for (const a of list) timeBatch(a, tx, tout, 2); // warm up every kernel before timing any
    for (const a of list) timings.set(a.id, timeBatch(a, tx, tout, timingMs));
  }
  const relu = timings.get('relu') ?? NaN;
  const rows = list.map((a): SelfCheckRow => {
    const kinks = a.kinks(a.params);
    const margin = 0.02;
    const xs = xsAll.filter((x) =>
      kinks.every((k) => Math.abs(x - k) > margin * Math.max(1, Math.abs(k))),
    );
    const f = (x: number): number => a.f(x, a.params);
    const df = (x: number): number => a.df(x, a.params);
    const d2f = (x: number): number => a.d2f(x, a.params);
    const c1 = checkDerivative(f, df, xs);
    const c2 = checkDerivative(df, d2f, xs);
    const ns = timings.get(a.id) ?? NaN;
    return {
      id: a.id,
      name: a.name,
      points: xs.length,
      df: c1,
      d2f: c2,
      pass: c1.pass && c2.pass,
      nsPerEval: ns,
      costVsRelu: ns / relu,
    };
  });
  return { rows, pass: rows.every((r) => r.pass), tolerance: TOLERANCE };
}

/** Text table for the CLI and the Markdown view. */
export function selfCheckTable(r: SelfCheckResult, markdown = false): string {
  const head = ['activation', 'f′ vs numeric', 'f″ vs numeric', 'result', 'ns/eval', '× ReLU'];
  const body = r.rows.map((row) => [
    row.id,
    `${row.df.worstError.toExponential(1)}${row.df.pass ? '' : ` at x=${row.df.worstAt}`}`,
    `${row.d2f.worstError.toExponential(1)}${row.d2f.pass ? '' : ` at x=${row.d2f.worstAt}`}`,
    row.pass ? 'pass' : 'FAIL',
    Number.isFinite(row.nsPerEval) ? row.nsPerEval.toFixed(2) : '–',
    Number.isFinite(row.costVsRelu) ? row.costVsRelu.toFixed(1) : '–',
  ]);
  const foot = `${r.rows.filter((x) => x.pass).length}/${r.rows.length} pass (worst relative error allowed ${r.tolerance})`;
  if (markdown) {
    return [
      `| ${head.join(' | ')} |`,
      `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
      ...body.map((b) => `| ${b.join(' | ')} |`),
      '',
      foot,
    ].join('\n');
  }
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (c: string[]): string =>
    c.map((s, i) => (i === 0 ? s.padEnd(widths[i]!) : s.padStart(widths[i]!))).join('  ');
  return [line(head), ...body.map(line), foot].join('\n');
}
