import { activations, type ActivationDescriptor } from '../../kernel';
import { children, compile, type Expr } from './expr';

/** A built-in activation that a custom definition computes (or comes closest to). */
export interface KernelMatch {
  readonly id: string;
  readonly params: Readonly<Record<string, number>>;
  /** max |custom(x) − kernel(x)| over the grid. */
  readonly maxDiff: number;
  readonly lo: number;
  readonly hi: number;
}

export interface Identification {
  /** The kernel function it computes, within {@link MATCH_TOL} (relative to its scale). */
  readonly match?: KernelMatch;
  /** Otherwise the nearest one, when it is near enough to mention. */
  readonly nearest?: KernelMatch;
}

export const GRID_LO = -8;
export const GRID_HI = 8;
const N = 1601;
const STRIDE = 20;
/** Agreement counted as "computes": floating-point noise and 10-digit constants (0.7978845608). */
export const MATCH_TOL = 1e-7;
/** "Close to" is worth saying up to here (QuickGELU vs GELU is 0.02). */
const NEAR_TOL = 0.05;

const grid = (() => {
  const xs = new Float64Array(N);
  for (let i = 0; i < N; i++) xs[i] = GRID_LO + ((GRID_HI - GRID_LO) * i) / (N - 1);
  return xs;
})();

/** Parameter values worth trying beyond a kernel's defaults (slopes, alphas people write). */
const TRIES = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.3, 0.5, 1, 1.5, 2, 3, 6];

function candidates(
  a: ActivationDescriptor,
  literals: readonly number[],
): Record<string, number>[] {
  const out: Record<string, number>[] = [{ ...a.params }];
  // One parameter at a time, at the numbers written in the definition and common values.
  for (const spec of a.paramSpecs) {
    for (const v of new Set([...literals, ...TRIES])) {
      if (v < spec.min || v > spec.max || v === spec.default) continue;
      out.push({ ...a.params, [spec.name]: v });
    }
  }
  return out;
}

function literalsOf(e: Expr, out: number[] = []): number[] {
  if (e.k === 'num') out.push(e.v, -e.v);
  for (const c of children(e)) literalsOf(c, out);
  return out;
}

/**
 * Evaluates the custom expression on [−8, 8] (1601 points) and compares it with every kernel
 * activation: at its defaults, and with one parameter at a number written in the definition or a
 * common value. A match is max |Δ| ≤ 1e−7·max(1, max |f|).
 */
export function identify(e: Expr, params: Readonly<Record<string, number>> = {}): Identification {
  const f = compile(e, params);
  const ys = new Float64Array(N);
  let scale = 1;
  for (let i = 0; i < N; i++) {
    const y = f(grid[i] ?? 0);
    ys[i] = y;
    if (Number.isFinite(y)) scale = Math.max(scale, Math.abs(y));
  }
  if (!ys.every(Number.isFinite)) return {};
  const literals = literalsOf(e).filter((v) => Number.isFinite(v) && v !== 0);
  const out = new Float64Array(N);
  let best: KernelMatch | undefined;
  const tol = MATCH_TOL * scale;
  const tryOne = (a: ActivationDescriptor, p: Record<string, number>) => {
    // Screen on every 20th point with the scalar kernel; the full grid only for survivors.
    let coarse = 0;
    for (let i = 0; i < N; i += STRIDE) {
      const diff = Math.abs((ys[i] ?? 0) - a.f(grid[i] ?? 0, p));
      if (!(diff <= coarse)) coarse = diff;
    }
    if (best && !(coarse < best.maxDiff)) return;
    a.fBatch(grid, p, out);
    let d = 0;
    for (let i = 0; i < N; i++) {
      const diff = Math.abs((ys[i] ?? 0) - (out[i] ?? 0));
      if (!(diff <= d)) d = diff; // NaN counts as a mismatch
      if (best && d > best.maxDiff) break;
    }
    if (!best || d < best.maxDiff)
      best = { id: a.id, params: p, maxDiff: d, lo: GRID_LO, hi: GRID_HI };
  };
  // Defaults first, variants only when nothing matched: on a tie (identity = LeakyReLU with
  // slope 1) the plain one wins.
  for (const a of activations) tryOne(a, { ...a.params });
  if (!best || (best as KernelMatch).maxDiff > tol)
    for (const a of activations) for (const p of candidates(a, literals).slice(1)) tryOne(a, p);
  if (!best || !Number.isFinite(best.maxDiff)) return {};
  if (best.maxDiff <= tol) return { match: best };
  return best.maxDiff <= NEAR_TOL * scale ? { nearest: best } : {};
}
