/** Curve sampling for the chart, the CSV and the crosshair: pure, shared by host and webview. */
import type { ActivationNumerics, Params } from '../kernel/types';

export const DEFAULT_POINTS = 2000;

type Curveable = Pick<ActivationNumerics, 'fBatch' | 'dfBatch' | 'd2fBatch' | 'kinks'>;

/**
 * `n` evenly spaced points over [xMin, xMax] plus the kinks inside it (each with its neighbours
 * a hair apart), so a ReLU corner is drawn sharp at any zoom instead of cut across.
 */
export function sampleXs(
  xMin: number,
  xMax: number,
  n: number,
  kinks: readonly number[] = [],
): Float64Array {
  const m = Math.max(2, Math.floor(n));
  const step = (xMax - xMin) / (m - 1);
  const extra: number[] = [];
  const eps = Math.max(Math.abs(step) * 1e-6, Number.MIN_VALUE);
  for (const k of kinks)
    if (Number.isFinite(k) && k > xMin && k < xMax) extra.push(k - eps, k, k + eps);
  const xs = new Float64Array(m + extra.length);
  for (let i = 0; i < m; i++) xs[i] = i === m - 1 ? xMax : xMin + i * step;
  if (!extra.length) return xs;
  xs.set(extra, m);
  xs.sort();
  // A kink on a grid point would give a duplicate x (a repeated CSV row).
  let w = 1;
  for (let i = 1; i < xs.length; i++) if (xs[i] !== xs[w - 1]) xs[w++] = xs[i] as number;
  return xs.subarray(0, w);
}

export interface CurveSamples {
  readonly xs: Float64Array;
  readonly f: Float64Array;
  readonly df: Float64Array;
  readonly d2f: Float64Array;
}

export function sampleCurve(
  a: Curveable,
  params: Params,
  xMin: number,
  xMax: number,
  n = DEFAULT_POINTS,
): CurveSamples {
  let kinks: number[] = [];
  try {
    kinks = a.kinks(params);
  } catch {
    kinks = [];
  }
  const xs = sampleXs(xMin, xMax, n, kinks);
  return { xs, f: a.fBatch(xs, params), df: a.dfBatch(xs, params), d2f: a.d2fBatch(xs, params) };
}

export interface Point {
  x: number;
  /** `null` is a gap in Chart.js: a non-finite value is never drawn (nor exported) as NaN. */
  y: number | null;
}

/** Chart.js points; reuses `into` when it has the right length (a slider move allocates nothing). */
export function toPoints(xs: Float64Array, ys: Float64Array, into?: Point[]): Point[] {
  const out = into && into.length === xs.length ? into : new Array<Point>(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const y = ys[i] as number;
    const p = out[i];
    const yy = Number.isFinite(y) ? y : null;
    if (p) {
      p.x = xs[i] as number;
      p.y = yy;
    } else out[i] = { x: xs[i] as number, y: yy };
  }
  return out;
}

/** Maximal x intervals where `pred(df[i])` holds, on the sample grid (ends at sample points). */
export function intervalsWhere(
  xs: Float64Array,
  ys: Float64Array,
  pred: (y: number) => boolean,
): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start: number | undefined;
  for (let i = 0; i < xs.length; i++) {
    const y = ys[i] as number;
    const on = Number.isFinite(y) && pred(y);
    if (on && start === undefined) start = xs[i] as number;
    if (!on && start !== undefined) {
      out.push([start, xs[i - 1] as number]);
      start = undefined;
    }
  }
  if (start !== undefined) out.push([start, xs[xs.length - 1] as number]);
  return out;
}

/** Gradients vanish below this |f′| (the panel's shading and its legend say so). */
export const VANISH_BELOW = 0.01;
/** Gradients can grow through many layers above this |f′|. */
export const EXPLODE_ABOVE = 1;
/**
 * How far past 1 |f′| must go to be shaded: GELU's f′ exceeds 1 by less than 1e-6 from x ≈ 4 on,
 * and shading that would paint its whole positive half for nothing.
 */
export const EXPLODE_TOLERANCE = 0.01;

export function shadeIntervals(s: CurveSamples): {
  vanish: Array<[number, number]>;
  explode: Array<[number, number]>;
} {
  return {
    vanish: intervalsWhere(s.xs, s.df, (d) => Math.abs(d) < VANISH_BELOW),
    explode: intervalsWhere(s.xs, s.df, (d) => Math.abs(d) > EXPLODE_ABOVE + EXPLODE_TOLERANCE),
  };
}

export interface Readout {
  readonly f: number | null;
  readonly df: number | null;
  readonly d2f: number | null;
}

/** Exact values at the pointer (not interpolated between samples). */
export function readout(
  a: Pick<ActivationNumerics, 'f' | 'df' | 'd2f'>,
  params: Params,
  x: number,
): Readout {
  const fin = (v: number): number | null => (Number.isFinite(v) ? v : null);
  return { f: fin(a.f(x, params)), df: fin(a.df(x, params)), d2f: fin(a.d2f(x, params)) };
}
