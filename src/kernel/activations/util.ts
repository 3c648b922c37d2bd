import type { Batch, ParamSpec, Params, Properties } from '../types';

/** The output array of a batch call: the caller's when given (must be long enough), else a new one. */
export function outFor(xs: Float64Array, out: Float64Array | undefined): Float64Array {
  if (out === undefined) return new Float64Array(xs.length);
  if (out.length < xs.length) {
    throw new RangeError(
      `activation-lens kernel: output has ${out.length} slots for ${xs.length} inputs`,
    );
  }
  return out;
}

/** A parameter's value: the caller's when it is a number, else the default. */
export function param(params: Partial<Params> | undefined, name: string, dflt: number): number {
  const v = params?.[name];
  return typeof v === 'number' ? v : dflt;
}

/** 0 for numbers, NaN for NaN: the derivative of a locally constant piece. */
export function zeroOrNaN(x: number): number {
  return x !== x ? NaN : 0;
}

export function spec(
  name: string,
  symbol: string,
  dflt: number,
  min: number,
  max: number,
  step: number,
  description: string,
): ParamSpec {
  return { name, symbol, default: dflt, min, max, step, description };
}

export function props(
  range: readonly [number, number],
  monotonic: boolean,
  smooth: boolean,
  zeroCentred: boolean,
  selfNormalising = false,
): Properties {
  return {
    range,
    boundedAbove: Number.isFinite(range[1]),
    boundedBelow: Number.isFinite(range[0]),
    monotonic,
    smooth,
    zeroCentred,
    selfNormalising,
  };
}

export type { Batch };

// Branch-free pieces for the piecewise-linear functions. A data-dependent branch costs a
// misprediction (~15 cycles) on half of all points when signs are random, several times the work
// itself; |d| and d/|d| compile without branches. Each caller guards with `finiteNonZero`, a branch
// that is almost always taken, and keeps its plain branching code for the rest (0, kinks, ±∞, NaN).

/** True when 1e−300 < |d| < 1e300, so d/|d| is exactly ±1 and nothing overflows. */
export function finiteNonZero(d: number): boolean {
  const a = Math.abs(d);
  return a > 1e-300 && a < 1e300;
}

/**
 * Heaviside of d: exactly 1 for d > 0 and 0 for d < 0 (subnormal d included: d/|d| is exactly ±1),
 * without a branch; NaN for d = 0, ±∞ or NaN, which callers route to their branching code.
 */
export function step01(d: number): number {
  return 0.5 + 0.5 * (d / Math.abs(d));
}
