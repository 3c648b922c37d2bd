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
// itself; a comparison turned into a number compiles without a branch (a division d/|d| did too,
// but cost ~5 ns a point). Each caller guards with `finiteNonZero`, a branch that is almost always
// taken, and keeps its plain branching code for the rest (0, kinks, ±∞, NaN).

/** True when 1e−300 < |d| < 1e300: no weight below multiplies an infinity or loses a tiny d. */
export function finiteNonZero(d: number): boolean {
  const a = Math.abs(d);
  return a > 1e-300 && a < 1e300;
}

/** Heaviside of d without a branch: exactly 1 for d > 0, 0 otherwise. Callers guard d with `finiteNonZero`. */
export function step01(d: number): number {
  return +(d > 0);
}
