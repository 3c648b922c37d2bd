/**
 * The shared kernel's public types. Everything here is plain data or pure functions: the
 * extension host, the webview, the CLI, the worker and the tests all import the same module.
 */

/** Parameter values keyed by PyTorch's names (`negative_slope`, `alpha`, `beta`, …). */
export type Params = Readonly<Record<string, number>>;

export interface ParamSpec {
  /** PyTorch's parameter name. */
  readonly name: string;
  /** TeX symbol used in the formulas, e.g. `\\alpha`. */
  readonly symbol: string;
  readonly default: number;
  /** Sensible range for sliders and validation (inclusive). */
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly description: string;
}

/**
 * One formula, as data. `expr` is a mathjs expression in `x` and the parameter names (the form a
 * test evaluates); `tex` and `unicode` are generated from `expr` so what we show is what we test.
 */
export interface Formula {
  readonly expr: string;
  readonly tex: string;
  readonly unicode: string;
}

export interface Formulas {
  readonly f: Formula;
  readonly df: Formula;
  readonly d2f?: Formula;
}

export interface Properties {
  /** Range of f at the default parameters: [inf, sup]; ±Infinity where unbounded. */
  readonly range: readonly [number, number];
  readonly boundedAbove: boolean;
  readonly boundedBelow: boolean;
  readonly monotonic: boolean;
  /** C¹ everywhere (no kinks, no jumps) at the default parameters. */
  readonly smooth: boolean;
  /** f(0) = 0 and f takes both signs. */
  readonly zeroCentred: boolean;
  readonly selfNormalising: boolean;
}

export type Scalar = (x: number, params?: Partial<Params>) => number;
/** Batch form: writes into `out` (allocated when absent) and returns it. */
export type Batch = (
  xs: Float64Array,
  params?: Partial<Params>,
  out?: Float64Array,
) => Float64Array;

/** The numerical part of an activation, owned by src/kernel/activations. */
export interface ActivationNumerics {
  readonly id: string;
  readonly name: string;
  /** One line for quick picks. */
  readonly summary: string;
  /** A paragraph: what it is, where it comes from, caveats (e.g. PyTorch's softplus threshold). */
  readonly description: string;
  readonly paramSpecs: readonly ParamSpec[];
  readonly f: Scalar;
  readonly df: Scalar;
  readonly d2f: Scalar;
  readonly fBatch: Batch;
  readonly dfBatch: Batch;
  readonly d2fBatch: Batch;
  /** Points where f′ is not continuous, at the given parameters (for plots and the check). */
  kinks(params?: Partial<Params>): number[];
  readonly properties: Properties;
  /** The one lesson that matters for this function (hovers, plot panel). */
  readonly lesson: string;
}

export type Framework = 'pytorch' | 'keras' | 'tf' | 'jax' | 'flax' | 'tfjs' | 'huggingface';
