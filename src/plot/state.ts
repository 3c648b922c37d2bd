/**
 * The plot panel's state and every change to it, as a pure reducer shared by the host (commands)
 * and the webview (controls). Invariants after every action: curves have known ids and in-range
 * params, at most MAX_CURVES, a finite x range inside ±X_LIMIT with xMin < xMax.
 */
import type { ActivationNumerics } from '../kernel/types';
import {
  DEFAULT_X_RANGE,
  MAX_CURVES,
  MIN_SPAN,
  X_LIMIT,
  type CurveRequest,
  type CurveState,
  type PlotState,
  type SeriesName,
} from './protocol';
import { clampParam, normalizeParams } from './params';
import type { CustomDef } from './custom';

/**
 * What the reducer needs from the kernel: `getActivation` satisfies it for kernel ids;
 * `withCustom(getActivation)` also answers for custom curves (their definition travels with them).
 */
export type Lookup = (
  id: string,
  custom?: CustomDef,
) =>
  | (Pick<ActivationNumerics, 'id' | 'name' | 'paramSpecs'> &
      Partial<Pick<ActivationNumerics, 'kinks'>>)
  | undefined;

export type PlotAction =
  | { type: 'add'; curves: readonly CurveRequest[] }
  | { type: 'replace'; curves: readonly CurveRequest[] }
  | { type: 'remove'; key: string }
  | { type: 'setParam'; key: string; name: string; value: number }
  | { type: 'resetParams'; key: string }
  | { type: 'setRange'; xMin: number; xMax: number }
  | { type: 'setView'; xMin: number; xMax: number; yMin: number | null; yMax: number | null }
  | { type: 'zoom'; factor: number }
  | { type: 'pan'; fraction: number }
  | { type: 'resetView' }
  | { type: 'toggleSeries'; series: SeriesName }
  | { type: 'toggleShade'; which: 'vanish' | 'explode' }
  | { type: 'toggleHidden'; dataset: string }
  | { type: 'focus'; key: string };

export interface Reduced {
  readonly state: PlotState;
  /** Shown to the user (clamped params, unknown ids, refused ranges). */
  readonly notes: string[];
}

export function initialState(): PlotState {
  return {
    version: 1,
    curves: [],
    xMin: DEFAULT_X_RANGE[0],
    xMax: DEFAULT_X_RANGE[1],
    yMin: null,
    yMax: null,
    series: { f: true, df: true, d2f: false },
    // Off until asked for: shading paints half a chart for most activations.
    shade: { vanish: false, explode: false },
    hidden: [],
    focus: null,
  };
}

function nextKey(curves: readonly CurveState[]): string {
  let n = 0;
  for (const c of curves) {
    const m = /^c(\d+)$/.exec(c.key);
    if (m) n = Math.max(n, Number(m[1]));
  }
  return `c${n + 1}`;
}

function sameParams(
  a: Readonly<Record<string, number>>,
  b: Readonly<Record<string, number>>,
): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

function sameCustom(a: CustomDef | undefined, b: CustomDef | undefined): boolean {
  return a === b || (!!a && !!b && JSON.stringify(a) === JSON.stringify(b));
}

function resolve(
  requests: readonly CurveRequest[],
  existing: readonly CurveState[],
  lookup: Lookup,
  notes: string[],
): CurveState[] {
  const out = [...existing];
  for (const r of requests) {
    const a = lookup(r.id ?? '', r.custom);
    if (!a) {
      notes.push(`Unknown activation '${r.id ?? r.custom?.name ?? '?'}'.`);
      continue;
    }
    // A custom curve starts at its definition's defaults unless the request says otherwise.
    const given = r.params ?? (r.custom ? r.custom.params : undefined);
    const { params, notes: pn } = normalizeParams(a.paramSpecs, given, a.name, a.id);
    notes.push(...pn);
    // Plotting what is already there would only duplicate a legend entry.
    if (
      out.some(
        (c) => c.id === a.id && sameParams(c.params, params) && sameCustom(c.custom, r.custom),
      )
    )
      continue;
    out.push({ key: nextKey(out), id: a.id, params, ...(r.custom ? { custom: r.custom } : {}) });
  }
  if (out.length > MAX_CURVES) {
    const dropped = out.splice(0, out.length - MAX_CURVES);
    notes.push(
      `At most ${MAX_CURVES} curves: removed the oldest (${dropped.map((c) => c.id).join(', ')}).`,
    );
  }
  return out;
}

function withCurves(state: PlotState, curves: CurveState[]): PlotState {
  const keys = new Set(curves.map((c) => c.key));
  const focus =
    state.focus !== null && keys.has(state.focus)
      ? state.focus
      : (curves[curves.length - 1]?.key ?? null);
  return {
    ...state,
    curves,
    focus,
    hidden: state.hidden.filter((h) => keys.has(h.split(':')[0] ?? '')),
  };
}

/**
 * The x range that shows every curve's features: [−5, 5], widened so that each kink lies well
 * inside (ReLU6's clip at 6 → [−8, 8]; hardtanh with max_val = 10 → [−13, 13]).
 */
export function defaultRange(curves: readonly CurveState[], lookup: Lookup): [number, number] {
  let half: number = DEFAULT_X_RANGE[1];
  for (const c of curves) {
    let kinks: number[] = [];
    try {
      kinks = lookup(c.id, c.custom)?.kinks?.(c.params) ?? [];
    } catch {
      kinks = [];
    }
    for (const k of kinks)
      if (Number.isFinite(k)) half = Math.max(half, Math.ceil(Math.abs(k) * 1.25 + 0.5));
  }
  half = Math.min(half, X_LIMIT);
  return [-half, half];
}

/** The view follows the curves while the user has not moved it away from their default range. */
function followRange(
  before: PlotState,
  after: PlotState,
  lookup: Lookup,
): Pick<PlotState, 'xMin' | 'xMax' | 'yMin' | 'yMax'> {
  const [lo, hi] = defaultRange(before.curves, lookup);
  const untouched =
    before.yMin === null && before.yMax === null && before.xMin === lo && before.xMax === hi;
  if (!untouched) return { xMin: after.xMin, xMax: after.xMax, yMin: after.yMin, yMax: after.yMax };
  const [xMin, xMax] = defaultRange(after.curves, lookup);
  return { xMin, xMax, yMin: null, yMax: null };
}

/**
 * A range from a gesture, rounded to about three significant digits of its span, so the range
 * boxes read −4.83 … 4.83 and not −4.8329101…
 */
export function roundRange(xMin: number, xMax: number): [number, number] {
  const span = xMax - xMin;
  if (!(span > 0) || !Number.isFinite(span)) return [xMin, xMax];
  const step = Math.pow(10, Math.floor(Math.log10(span)) - 2);
  const r = (v: number): number => Number((Math.round(v / step) * step).toPrecision(12));
  const lo = r(xMin);
  const hi = r(xMax);
  return lo < hi ? [lo, hi] : [xMin, xMax];
}

/** A valid x range, or a note saying why the request was refused. */
export function checkRange(xMin: number, xMax: number): string | undefined {
  if (!Number.isFinite(xMin) || !Number.isFinite(xMax))
    return 'The x range must be two finite numbers.';
  if (xMin >= xMax) return `The x range needs min < max (got ${xMin} … ${xMax}).`;
  if (xMin < -X_LIMIT || xMax > X_LIMIT) return `The x range must stay within ±${X_LIMIT}.`;
  if (xMax - xMin < MIN_SPAN) return `The x range must be at least ${MIN_SPAN} wide.`;
  return undefined;
}

function boundedRange(xMin: number, xMax: number): [number, number] {
  // A hair over the minimum: near ±X_LIMIT, lo + MIN_SPAN − lo rounds below MIN_SPAN.
  let span = Math.min(2 * X_LIMIT, Math.max(MIN_SPAN * 1.01, xMax - xMin));
  let lo = Math.max(-X_LIMIT, Math.min(X_LIMIT - span, xMin));
  if (!Number.isFinite(lo)) lo = DEFAULT_X_RANGE[0];
  if (!Number.isFinite(span)) span = DEFAULT_X_RANGE[1] - DEFAULT_X_RANGE[0];
  return [lo, lo + span];
}

export function reduce(state: PlotState, action: PlotAction, lookup: Lookup): Reduced {
  const notes: string[] = [];
  const done = (s: PlotState): Reduced => ({ state: s, notes });
  switch (action.type) {
    case 'add': {
      const curves = resolve(action.curves, state.curves, lookup, notes);
      const added = curves.find((c) => !state.curves.some((o) => o.key === c.key));
      const next = {
        ...withCurves(state, curves),
        focus: added?.key ?? withCurves(state, curves).focus,
      };
      return done({ ...next, ...followRange(state, next, lookup) });
    }
    case 'replace': {
      const curves = resolve(action.curves, [], lookup, notes);
      const next = withCurves({ ...state, focus: null, hidden: [] }, curves);
      return done({ ...next, ...followRange(state, next, lookup) });
    }
    case 'remove': {
      const next = withCurves(
        state,
        state.curves.filter((c) => c.key !== action.key),
      );
      return done({ ...next, ...followRange(state, next, lookup) });
    }
    case 'setParam': {
      const curve = state.curves.find((c) => c.key === action.key);
      const spec =
        curve && lookup(curve.id, curve.custom)?.paramSpecs.find((s) => s.name === action.name);
      if (!curve || !spec) {
        notes.push(`No parameter '${action.name}' on curve '${action.key}'.`);
        return done(state);
      }
      const c = clampParam(spec, action.value, curve.params[spec.name] ?? spec.default);
      if (c.note) notes.push(c.note);
      const curves = state.curves.map((x) =>
        x === curve ? { ...x, params: { ...x.params, [spec.name]: c.value } } : x,
      );
      const next = { ...state, curves };
      return done({ ...next, ...followRange(state, next, lookup) });
    }
    case 'resetParams': {
      const curves = state.curves.map((x) => {
        if (x.key !== action.key) return x;
        const a = lookup(x.id, x.custom);
        return a ? { ...x, params: normalizeParams(a.paramSpecs, undefined, a.name).params } : x;
      });
      return done({ ...state, curves });
    }
    case 'setRange': {
      const why = checkRange(action.xMin, action.xMax);
      if (why) {
        notes.push(why);
        return done(state);
      }
      return done({ ...state, xMin: action.xMin, xMax: action.xMax, yMin: null, yMax: null });
    }
    case 'setView': {
      // From zoom/pan gestures, which may overshoot the limits: bound rather than refuse.
      const [xMin, xMax] = roundRange(...boundedRange(action.xMin, action.xMax));
      const yOk =
        action.yMin !== null &&
        action.yMax !== null &&
        Number.isFinite(action.yMin) &&
        Number.isFinite(action.yMax) &&
        action.yMin < action.yMax;
      return done({
        ...state,
        xMin,
        xMax,
        yMin: yOk ? action.yMin : null,
        yMax: yOk ? action.yMax : null,
      });
    }
    case 'zoom': {
      if (!(action.factor > 0) || !Number.isFinite(action.factor)) return done(state);
      const mid = (state.xMin + state.xMax) / 2;
      const half = ((state.xMax - state.xMin) / 2) * action.factor;
      const [xMin, xMax] = boundedRange(mid - half, mid + half);
      return done({ ...state, xMin, xMax, yMin: null, yMax: null });
    }
    case 'pan': {
      if (!Number.isFinite(action.fraction)) return done(state);
      const d = (state.xMax - state.xMin) * action.fraction;
      const [xMin, xMax] = boundedRange(state.xMin + d, state.xMax + d);
      return done({ ...state, xMin, xMax });
    }
    case 'resetView': {
      const [xMin, xMax] = defaultRange(state.curves, lookup);
      return done({ ...state, xMin, xMax, yMin: null, yMax: null });
    }
    case 'toggleSeries':
      return done({
        ...state,
        series: { ...state.series, [action.series]: !state.series[action.series] },
      });
    case 'toggleShade':
      return done({
        ...state,
        shade: { ...state.shade, [action.which]: !state.shade[action.which] },
      });
    case 'toggleHidden': {
      const hidden = state.hidden.includes(action.dataset)
        ? state.hidden.filter((h) => h !== action.dataset)
        : [...state.hidden, action.dataset];
      return done({ ...state, hidden });
    }
    case 'focus':
      return done(
        state.curves.some((c) => c.key === action.key) ? { ...state, focus: action.key } : state,
      );
  }
}

/**
 * A restored or received state made consistent with this kernel: unknown ids dropped, params
 * re-clamped (specs may have changed between versions), range bounded.
 */
export function normalizeState(state: PlotState, lookup: Lookup): Reduced {
  const notes: string[] = [];
  const curves: CurveState[] = [];
  for (const c of state.curves) {
    const a = lookup(c.id, c.custom);
    if (!a) {
      notes.push(`Unknown activation '${c.id}' dropped.`);
      continue;
    }
    if (curves.some((x) => x.key === c.key)) continue;
    const { params, notes: pn } = normalizeParams(a.paramSpecs, c.params, a.name, a.id);
    notes.push(...pn);
    curves.push({ key: c.key, id: a.id, params, ...(c.custom ? { custom: c.custom } : {}) });
  }
  const why = checkRange(state.xMin, state.xMax);
  const range = why ? { xMin: DEFAULT_X_RANGE[0], xMax: DEFAULT_X_RANGE[1] } : {};
  return { state: withCurves({ ...state, ...range }, curves), notes };
}
