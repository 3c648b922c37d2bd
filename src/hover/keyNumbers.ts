import type { ActivationDescriptor } from '../kernel';
import type { Params } from '../kernel/types';
import { Lru } from './memo';

/** A set of x where something holds: lo/hi are ±Infinity when it extends past the sampled window. */
export interface Interval {
  readonly lo: number;
  readonly hi: number;
}

/** A point where f′ changes sign: a smooth extremum (f′ = 0) or a kink. */
export interface Stationary {
  readonly x: number;
  readonly kind: 'minimum' | 'maximum';
  /** f′ is continuous there and crosses zero (GELU's minimum), not a kink (|x|'s corner). */
  readonly smooth: boolean;
}

/** What keyNumbers needs of a function: the kernel's descriptors and custom formulas alike. */
export interface Curve {
  readonly f: (x: number, params?: Params) => number;
  readonly df: (x: number, params?: Params) => number;
  readonly fBatch: ActivationDescriptor['fBatch'];
  readonly dfBatch: ActivationDescriptor['dfBatch'];
  /** The exact range at the default parameters, when known (the kernel's properties). */
  readonly params?: Params;
  readonly properties?: { readonly range: readonly [number, number] };
}

/** The numbers a hover shows, computed with the kernel at the parameters in effect. */
export interface KeyNumbers {
  readonly f0: number;
  readonly df0: number;
  /** max f′: its value and where it is attained (an interval when it is flat there). */
  readonly maxDf: {
    readonly value: number;
    readonly where: Interval;
    readonly unbounded: boolean;
    /** Only approached as x → ±∞ (softplus′ → 1), never attained. */
    readonly asymptotic: boolean;
  };
  /** inf and sup of f, whether attained, and whether they came from the kernel's properties (exact). */
  readonly range: {
    readonly lo: number;
    readonly hi: number;
    readonly loAttained: boolean;
    readonly hiAttained: boolean;
    readonly exact: boolean;
  };
  /** Where |f′| < 0.01. */
  readonly saturation: readonly Interval[];
  /** Where f′ changes sign inside the window: minima and maxima. */
  readonly stationary: readonly Stationary[];
}

/** The sampled window: wide enough for every kernel's saturation edges at sensible parameters. */
const LO = -20;
const HI = 20;
const N = 8001;
export const SATURATION = 0.01;

const grid = (() => {
  const xs = new Float64Array(N);
  for (let i = 0; i < N; i++) xs[i] = LO + ((HI - LO) * i) / (N - 1);
  return xs;
})();

/** Bisects the boundary of `inside` between a (inside) and b (outside). */
function edge(inside: (x: number) => boolean, a: number, b: number): number {
  for (let i = 0; i < 60 && Math.abs(b - a) > 1e-12 * Math.max(1, Math.abs(a)); i++) {
    const m = (a + b) / 2;
    if (inside(m)) a = m;
    else b = m;
  }
  return (a + b) / 2;
}

/** Runs of `mask` over the grid as intervals, edges refined by bisection, open ends as ±∞. */
function runs(mask: Uint8Array, inside: (x: number) => boolean): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  while (i < N) {
    if (!mask[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < N && mask[j + 1]) j++;
    const xi = grid[i] ?? LO;
    const xj = grid[j] ?? HI;
    const lo = i === 0 ? -Infinity : edge(inside, xi, grid[i - 1] ?? LO);
    const hi = j === N - 1 ? Infinity : edge(inside, xj, grid[j + 1] ?? HI);
    // A single grid point (relu′(0) = 0 at the kink) is not a region.
    if (j > i || lo === -Infinity || hi === Infinity) out.push({ lo, hi });
    i = j + 1;
  }
  return out;
}

const memo = new Lru<KeyNumbers>(64);

/** {@link computeKeyNumbers}, remembered for the last few (id, params): hovers repeat a lot. */
export function keyNumbers(a: ActivationDescriptor, params: Params): KeyNumbers {
  return memo.get(`${a.id}|${JSON.stringify(params)}`, () => computeKeyNumbers(a, params));
}

export function computeKeyNumbers(a: Curve, params: Params): KeyNumbers {
  const fs = a.fBatch(grid, params);
  const dfs = a.dfBatch(grid, params);
  const f = (x: number) => a.f(x, params);
  const df = (x: number) => a.df(x, params);

  // max f′, flat maxima reported as the interval where it is attained.
  let best = -Infinity;
  let at = 0;
  for (let i = 0; i < N; i++) {
    const d = dfs[i] ?? NaN;
    if (d > best) {
      best = d;
      at = i;
    }
  }
  const tol = 1e-9 * Math.max(1, Math.abs(best));
  const flat = new Uint8Array(N);
  for (let i = 0; i < N; i++) flat[i] = Math.abs((dfs[i] ?? NaN) - best) <= tol ? 1 : 0;
  const maxRuns = runs(flat, (x) => Math.abs(df(x) - best) <= tol);
  const where = maxRuns.find((r) => r.lo <= (grid[at] ?? 0) && (grid[at] ?? 0) <= r.hi) ?? {
    lo: grid[at] ?? 0,
    hi: grid[at] ?? 0,
  };
  const unbounded =
    (at === N - 1 && df(1e3) > best * (1 + 1e-6) + 1e-12) ||
    (at === 0 && df(-1e3) > best * (1 + 1e-6) + 1e-12);
  const point = !unbounded && flat.reduce((s, v) => s + v, 0) <= 1;
  // A maximum that is flat only to within rounding, out to the window's edge, is a limit (σ′ → 1).
  let asymptotic = false;
  if (!point && (where.hi === Infinity || where.lo === -Infinity)) {
    let mn = Infinity;
    let mx = -Infinity;
    for (let i = 0; i < N; i++) {
      const x = grid[i] ?? 0;
      if (x < where.lo || x > where.hi) continue;
      const d = dfs[i] ?? NaN;
      mn = Math.min(mn, d);
      mx = Math.max(mx, d);
    }
    asymptotic = mn !== mx;
  }
  const maxDf = {
    value: asymptotic ? df(where.hi === Infinity ? 1e300 : -1e300) : best,
    where: point ? { lo: grid[at] ?? 0, hi: grid[at] ?? 0 } : where,
    unbounded,
    asymptotic,
  };
  if (point) {
    // Refine an interior smooth maximum by golden-section search around the grid point.
    let lo = grid[Math.max(0, at - 1)] ?? LO;
    let hi = grid[Math.min(N - 1, at + 1)] ?? HI;
    const g = (Math.sqrt(5) - 1) / 2;
    for (let k = 0; k < 80 && hi - lo > 1e-13; k++) {
      const c = hi - g * (hi - lo);
      const d = lo + g * (hi - lo);
      if (df(c) >= df(d)) hi = d;
      else lo = c;
    }
    const x = (lo + hi) / 2;
    const v = df(x);
    if (v >= best) maxDf.value = v;
    if (v >= best) maxDf.where = { lo: x, hi: x };
  }

  // Range: the kernel's exact properties at default parameters, else sampled (marked ≈).
  const defaults =
    a.params !== undefined &&
    a.properties !== undefined &&
    Object.entries(a.params).every(([k, v]) => Object.is(params[k] ?? v, v));
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of fs) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const far = [f(-1e6), f(1e6), f(-1e3), f(1e3)];
  for (const v of far) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (f(1e6) > 1e5 || f(-1e6) > 1e5) hi = Infinity;
  if (f(1e6) < -1e5 || f(-1e6) < -1e5) lo = -Infinity;
  if (defaults && a.properties) [lo, hi] = a.properties.range;
  // Attained if hit inside a moderate window (tanh(20) rounds to 1 in float64; tanh(8) does not).
  let loAttained = false;
  let hiAttained = false;
  for (let i = 0; i < N; i++) {
    const x = grid[i] ?? 0;
    if (Math.abs(x) > 8) continue;
    const v = fs[i] ?? NaN;
    if (v === lo) loAttained = true;
    if (v === hi) hiAttained = true;
  }
  const range = { lo, hi, loAttained, hiAttained, exact: defaults };

  const sat = new Uint8Array(N);
  for (let i = 0; i < N; i++) sat[i] = Math.abs(dfs[i] ?? NaN) < SATURATION ? 1 : 0;
  const saturation = runs(sat, (x) => Math.abs(df(x)) < SATURATION);

  return { f0: f(0), df0: df(0), maxDf, range, saturation, stationary: stationaryPoints(dfs, df) };
}

/**
 * Sign changes of f′ on the grid (zeros of f′ over an interval, like ReLU's left half, are not
 * points), refined by bisection. Smooth when |f′| is small on both sides close to the point.
 */
function stationaryPoints(dfs: Float64Array, df: (x: number) => number): Stationary[] {
  const out: Stationary[] = [];
  let lastSign = 0;
  let lastI = -1;
  for (let i = 0; i < N && out.length < 8; i++) {
    const d = dfs[i] ?? NaN;
    if (!Number.isFinite(d) || d === 0) continue;
    const sign = Math.sign(d);
    if (lastSign !== 0 && sign !== lastSign && i - lastI <= 2) {
      let a = grid[lastI] ?? 0;
      let b = grid[i] ?? 0;
      for (let k = 0; k < 80 && b - a > 1e-13 * Math.max(1, Math.abs(a)); k++) {
        const m = (a + b) / 2;
        if (Math.sign(df(m)) === lastSign) a = m;
        else b = m;
      }
      const x = (a + b) / 2;
      const eps = 1e-6 * Math.max(1, Math.abs(x));
      const smooth = Math.abs(df(x - eps)) < 1e-3 && Math.abs(df(x + eps)) < 1e-3;
      out.push({ x, kind: lastSign < 0 ? 'minimum' : 'maximum', smooth });
    }
    lastSign = sign;
    lastI = i;
  }
  return out;
}
