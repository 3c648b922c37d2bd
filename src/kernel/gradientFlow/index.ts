/**
 * The gradient-flow check: configuration with defaults, the report, and its Markdown form.
 * `runCheck` is the plain check (a uniform stack); `checkNetwork` runs any layer list (the model
 * check calls it with the layers read from a file).
 */
import { getActivation } from '../registry';
import type { Params } from '../types';
import { INITS, type BiasInit, type InitName } from './init';
import {
  GradientFlowInputError,
  simulate,
  type Clipping,
  type Dtype,
  type LayerSpec,
  type LayerStats,
  type SimulationOptions,
} from './simulate';
import {
  advice,
  deadUnitWarnings,
  judge,
  layerRanges,
  selfNormalisation,
  suggestedInit,
  type SelfNormalisation,
  type Verdict,
} from './verdict';

export * from './init';
export * from './simulate';
export * from './verdict';
export * from './magnitude';
export { matmulABt, transpose } from './matmul';

/** The plain check's options; everything but `activation` has a default (DEFAULT_CHECK). */
export interface CheckConfig {
  readonly activation: string;
  readonly params?: Partial<Params>;
  /** Default: suggestedInit(activation) — he_normal for the ReLU family, lecun_normal for SELU, else xavier_normal. */
  readonly init?: InitName;
  readonly gain?: number;
  readonly bias?: BiasInit;
  readonly depth?: number;
  readonly width?: number;
  readonly batch?: number;
  readonly seed?: number;
  readonly dropout?: number;
  readonly alphaDropout?: number;
  readonly clipNorm?: number;
  readonly dtype?: Dtype;
}

export const DEFAULT_CHECK = {
  depth: 32,
  width: 256,
  batch: 256,
  seed: 0,
  gain: 1,
  bias: 'none' as BiasInit,
  dropout: 0,
  alphaDropout: 0,
  dtype: 'float64' as Dtype,
};

/** The resolved configuration, echoed in the report. */
export interface ResolvedCheckConfig {
  readonly activation: string;
  readonly params: Params;
  readonly init: InitName;
  readonly gain: number;
  readonly bias: BiasInit;
  readonly depth: number;
  readonly width: number;
  readonly batch: number;
  readonly seed: number;
  readonly dropout: number;
  readonly alphaDropout: number;
  readonly clipNorm: number | null;
  readonly dtype: Dtype;
}

export interface GradientFlowReport {
  /** The plain check's resolved config, or what the caller of checkNetwork passed. */
  readonly config: Readonly<Record<string, unknown>>;
  /** One-line title, e.g. "sigmoid · xavier_normal · 32×256". */
  readonly title: string;
  readonly layers: readonly LayerStats[];
  readonly verdict: Verdict;
  readonly gradRatioLog10: number;
  readonly reason: string;
  readonly advice: string;
  /** Per layer for self-normalising activations (SELU); empty otherwise. */
  readonly selfNormalisation: readonly SelfNormalisation[];
  readonly warnings: readonly string[];
  readonly totalGradNorm: number;
  readonly clipping: Clipping | null;
  readonly elapsedMs: number;
  /** Set when part of the model was not simulated: "2 layers simulated, Conv2d skipped". */
  readonly partial?: string | null;
}

function nonNegInt(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

/** Fills defaults and validates; throws GradientFlowInputError with a user-facing message. */
export function resolveCheckConfig(c: CheckConfig): ResolvedCheckConfig {
  const a = getActivation(c.activation);
  if (!a) throw new GradientFlowInputError(`unknown activation '${c.activation}'`);
  const init = c.init ?? suggestedInit(a.id);
  if (!(INITS as readonly string[]).includes(init)) {
    throw new GradientFlowInputError(`unknown init '${init}' (one of ${INITS.join(', ')})`);
  }
  const depth = c.depth ?? DEFAULT_CHECK.depth;
  const width = c.width ?? DEFAULT_CHECK.width;
  const batch = c.batch ?? DEFAULT_CHECK.batch;
  if (!nonNegInt(depth))
    throw new GradientFlowInputError(`depth must be a positive integer, got ${depth}`);
  if (!nonNegInt(width))
    throw new GradientFlowInputError(`width must be a positive integer, got ${width}`);
  if (!nonNegInt(batch))
    throw new GradientFlowInputError(`batch must be a positive integer, got ${batch}`);
  return {
    activation: a.id,
    params: { ...a.params, ...(c.params as Params | undefined) },
    init,
    gain: c.gain ?? DEFAULT_CHECK.gain,
    bias: c.bias ?? DEFAULT_CHECK.bias,
    depth,
    width,
    batch,
    seed: c.seed ?? DEFAULT_CHECK.seed,
    dropout: c.dropout ?? DEFAULT_CHECK.dropout,
    alphaDropout: c.alphaDropout ?? DEFAULT_CHECK.alphaDropout,
    clipNorm: c.clipNorm ?? null,
    dtype: c.dtype ?? DEFAULT_CHECK.dtype,
  };
}

/** The uniform stack of the plain check. */
export function uniformStack(c: ResolvedCheckConfig): LayerSpec[] {
  return Array.from({ length: c.depth }, () => ({
    inFeatures: c.width,
    outFeatures: c.width,
    activation: { id: c.activation, params: c.params },
    init: c.init,
    gain: c.gain,
    bias: c.bias,
    dropout: c.dropout,
    alphaDropout: c.alphaDropout,
  }));
}

export type RunHooks = Pick<SimulationOptions, 'shouldCancel' | 'onProgress' | 'memoryLimitBytes'>;

export function runCheck(config: CheckConfig, hooks: RunHooks = {}): GradientFlowReport {
  const c = resolveCheckConfig(config);
  const title = `${c.activation} · ${c.init}${c.gain !== 1 ? ` ×${c.gain}` : ''} · ${c.depth}×${c.width}${
    c.alphaDropout > 0
      ? ` · alpha dropout ${c.alphaDropout}`
      : c.dropout > 0
        ? ` · dropout ${c.dropout}`
        : ''
  }`;
  return checkNetwork(
    uniformStack(c),
    {
      batch: c.batch,
      seed: c.seed,
      dtype: c.dtype,
      ...(c.clipNorm !== null ? { clipNorm: c.clipNorm } : {}),
      ...hooks,
    },
    { ...c },
    title,
  );
}

function mostCommon(xs: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
  let best = 'linear';
  let n = 0;
  for (const [k, v] of counts) if (v > n) [best, n] = [k, v];
  return best;
}

/** Runs any layer list and reads the result. `config` is echoed in the report as given. */
export function checkNetwork(
  layers: readonly LayerSpec[],
  options: Omit<SimulationOptions, 'layers'>,
  config: Readonly<Record<string, unknown>>,
  title?: string,
): GradientFlowReport {
  const sim = simulate({ ...options, layers });
  const verdict = judge(sim.layers);
  const selu = selfNormalisation(
    sim.layers,
    (id) => getActivation(id)?.properties.selfNormalising ?? id === 'selu',
  );
  const activation = mostCommon(layers.flatMap((l) => (l.activation ? [l.activation.id] : [])));
  const init = mostCommon(layers.map((l) => l.init));
  const warnings = deadUnitWarnings(sim.layers);
  const failing = selu.filter((s) => !s.pass);
  if (failing.length > 0) {
    warnings.push(
      `self-normalisation: ${failing.length === 1 ? 'layer' : 'layers'} ${layerRanges(failing.map((s) => s.layer))} outside mean ∈ [−0.1, 0.1], std ∈ [0.8, 1.5]`,
    );
  }
  if (sim.clipping && sim.clipping.coefficient < 1) {
    warnings.push(
      `clipping: total gradient norm ${sim.clipping.totalNormBefore.toPrecision(4)} scaled by ${sim.clipping.coefficient.toPrecision(3)} to ${sim.clipping.totalNormAfter.toPrecision(4)}`,
    );
  }
  return {
    config,
    title: title ?? `${activation} · ${init} · ${layers.length} layers`,
    layers: sim.layers,
    verdict: verdict.verdict,
    gradRatioLog10: verdict.gradRatioLog10,
    reason: verdict.reason,
    advice: advice({
      activation,
      init,
      verdict,
      layers: sim.layers,
      selu,
      clipped: sim.clipping !== null,
      gain: layers.every((l) => (l.gain ?? 1) === (layers[0]!.gain ?? 1))
        ? (layers[0]!.gain ?? 1)
        : 1,
    }),
    selfNormalisation: selu,
    warnings,
    totalGradNorm: sim.totalGradNorm,
    clipping: sim.clipping,
    elapsedMs: sim.elapsedMs,
  };
}

export { reportToMarkdown, formatTable, reportToJson, stringifyJson } from './format';
