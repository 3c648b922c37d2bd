/**
 * The gradient-flow simulation over a list of dense layers (the plain check builds a uniform
 * stack; the model check builds one from a parsed nn.Sequential / Keras model). The list becomes
 * a layer graph (../graph) and runs on the graph engine, the one engine of every check.
 *
 * Protocol (test/reference/README.md, gradflow.json and gradflow2.json): X ~ N(0,1) (batch × in₀); per
 * layer z = h·Wᵀ (+ b), n = norm(z) (none, batch or layer), a = act(n), d = dropout(a),
 * h = d (+ h_prev when residual); loss L = Σ h_last ⊙ G with G ~ N(0,1). Per layer:
 * postMean/postStd (population) of h, deadFraction (units whose act′ is 0 on every row),
 * ‖∂L/∂W‖_F, RMS(∂L/∂h_prev).
 */
import { checkParams } from '../params';
import { getActivation } from '../registry';
import { isValidSeed } from '../random';
import type { Params } from '../types';
import { CancelledError } from '../graph/op';
import { GraphError, runGraph, DEFAULT_MEMORY_LIMIT } from '../graph/executor';
import type { Graph, GraphNode, InitSpec, RowStats } from '../graph/types';
import { isBiasInit, isInitName, INITS, type BiasInit, type InitName } from './init';

export { CancelledError, DEFAULT_MEMORY_LIMIT };
export { ALPHA_DROPOUT_ALPHA } from '../graph/ops/elementwise';

export type Dtype = 'float64' | 'float32';

export interface LayerSpec {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** Applied after the affine map; `null` for a linear layer. Ids are kernel ids. */
  readonly activation: { readonly id: string; readonly params?: Partial<Params> } | null;
  readonly init: InitName;
  /** Multiplies the init's standard deviation / bound, as torch.nn.init's `gain`. Default 1. */
  readonly gain?: number;
  /** Default `none` (the reference protocol has no bias). */
  readonly bias?: BiasInit;
  /** Inverted dropout rate after the activation, training mode. */
  readonly dropout?: number;
  /** PyTorch AlphaDropout rate after the activation, training mode. */
  readonly alphaDropout?: number;
  /** Normalisation between the affine map and the activation (gradflow2): `batch` is
   * BatchNorm1d (training statistics, biased variance), `layer` is LayerNorm over the features;
   * eps 1e-5, γ = 1, β = 0. Default none. */
  readonly norm?: NormKind;
  /** h = layer(h_prev) + h_prev (needs inFeatures = outFeatures). */
  readonly residual?: boolean;
  /** Free text carried into the result (e.g. a source location), not interpreted. */
  readonly label?: string;
}

export const NORMS = Object.freeze(['none', 'batch', 'layer'] as const);
export type NormKind = (typeof NORMS)[number];

export interface SimulationOptions {
  readonly layers: readonly LayerSpec[];
  readonly batch: number;
  readonly seed: number;
  readonly dtype?: Dtype;
  /** Clip the gradients of all parameters to this global L2 norm (clip_grad_norm_). */
  readonly clipNorm?: number;
  /** Refuse configurations needing more than this many bytes. Default 1 GiB. */
  readonly memoryLimitBytes?: number;
  /** Polled once per layer in each pass; returning true aborts with CancelledError. */
  readonly shouldCancel?: () => boolean;
  /** Called after each graph node of each pass: step counts 1..2·nodes over both passes; the
   * phase says where within a pass ("node 13 of 50 (forward)"). */
  readonly onProgress?: (step: number, total: number, phase?: ProgressPhase) => void;
}

export interface LayerStats {
  readonly layer: number;
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly activation: string | null;
  readonly postMean: number;
  readonly postStd: number;
  readonly deadFraction: number;
  /** ‖∂L/∂W‖_F before clipping. */
  readonly weightGradNorm: number;
  /** ‖∂L/∂b‖₂ before clipping, or null without a bias. */
  readonly biasGradNorm: number | null;
  readonly inputGradRms: number;
  readonly label?: string;
}

/** The measured part of a layer's LayerStats, as its graph row reports it. */
export function rowMeasures(
  row: RowStats,
): Pick<
  LayerStats,
  'postMean' | 'postStd' | 'deadFraction' | 'weightGradNorm' | 'biasGradNorm' | 'inputGradRms'
> {
  return {
    postMean: row.postMean,
    postStd: row.postStd,
    deadFraction: row.deadFraction,
    weightGradNorm: row.weightGradNorm ?? 0,
    biasGradNorm: row.biasGradNorm,
    inputGradRms: row.inputGradRms,
  };
}

export interface ProgressPhase {
  readonly phase: 'forward' | 'backward';
  readonly node: number;
  readonly nodes: number;
}

export interface Clipping {
  readonly maxNorm: number;
  /** Global L2 norm of all parameter gradients before clipping. */
  readonly totalNormBefore: number;
  readonly totalNormAfter: number;
  /** The factor applied to every gradient: min(1, maxNorm / (total + 1e-6)). */
  readonly coefficient: number;
}

export interface SimulationResult {
  readonly layers: LayerStats[];
  readonly totalGradNorm: number;
  readonly clipping: Clipping | null;
  readonly elapsedMs: number;
}

/** A configuration the simulation cannot run; the message is meant for the user. */
export class GradientFlowInputError extends Error {
  override name = 'GradientFlowInputError';
}

export const MAX_DEPTH = 10_000;

function isPositiveInt(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n > 0;
}
function checkRate(p: number | undefined, what: string): number {
  if (p === undefined) return 0;
  if (!(typeof p === 'number' && p >= 0 && p < 1))
    throw new GradientFlowInputError(`${what} must be in [0, 1), got ${p}`);
  return p;
}

interface Resolved {
  spec: LayerSpec;
  params: Params;
  gain: number;
  bias: BiasInit;
  dropout: number;
  alphaDropout: number;
}

function validate(opts: SimulationOptions): Resolved[] {
  const { layers, batch, seed } = opts;
  if (!Array.isArray(layers) || layers.length === 0)
    throw new GradientFlowInputError('the network has no layers');
  if (layers.length > MAX_DEPTH)
    throw new GradientFlowInputError(`depth must be at most ${MAX_DEPTH}, got ${layers.length}`);
  if (!isPositiveInt(batch))
    throw new GradientFlowInputError(`batch must be a positive integer, got ${batch}`);
  if (!isValidSeed(seed))
    throw new GradientFlowInputError(`seed must be an integer in [0, 4294967295], got ${seed}`);
  if (opts.dtype !== undefined && opts.dtype !== 'float64' && opts.dtype !== 'float32') {
    throw new GradientFlowInputError(`dtype must be float64 or float32, got ${String(opts.dtype)}`);
  }
  if (opts.clipNorm !== undefined && !(opts.clipNorm > 0 && Number.isFinite(opts.clipNorm))) {
    throw new GradientFlowInputError(
      `clip norm must be a positive finite number, got ${opts.clipNorm}`,
    );
  }
  const out: Resolved[] = [];
  layers.forEach((spec, i) => {
    const where = layers.length > 1 ? `layer ${i + 1}: ` : '';
    if (!isPositiveInt(spec.inFeatures))
      throw new GradientFlowInputError(
        `${where}input width must be a positive integer, got ${spec.inFeatures}`,
      );
    if (!isPositiveInt(spec.outFeatures))
      throw new GradientFlowInputError(
        `${where}width must be a positive integer, got ${spec.outFeatures}`,
      );
    const prev = layers[i - 1];
    if (prev && prev.outFeatures !== spec.inFeatures) {
      throw new GradientFlowInputError(
        `${where}takes ${spec.inFeatures} inputs but the previous layer gives ${prev.outFeatures}`,
      );
    }
    if (!isInitName(spec.init))
      throw new GradientFlowInputError(
        `${where}unknown init '${String(spec.init)}' (one of ${INITS.join(', ')})`,
      );
    const bias = spec.bias ?? 'none';
    if (!isBiasInit(bias))
      throw new GradientFlowInputError(`${where}unknown bias init '${String(bias)}'`);
    const gain = spec.gain ?? 1;
    if (!(gain > 0 && Number.isFinite(gain)))
      throw new GradientFlowInputError(
        `${where}gain must be a positive finite number, got ${gain}`,
      );
    const dropout = checkRate(spec.dropout, `${where}dropout`);
    const alphaDropout = checkRate(spec.alphaDropout, `${where}alpha dropout`);
    if (dropout > 0 && alphaDropout > 0)
      throw new GradientFlowInputError(`${where}use either dropout or alpha dropout, not both`);
    const norm = spec.norm ?? 'none';
    if (!(NORMS as readonly string[]).includes(norm))
      throw new GradientFlowInputError(
        `${where}unknown norm '${String(norm)}' (one of ${NORMS.join(', ')})`,
      );
    if (spec.residual && spec.inFeatures !== spec.outFeatures)
      throw new GradientFlowInputError(
        `${where}a residual connection needs as many outputs as inputs, got ${spec.inFeatures} → ${spec.outFeatures}`,
      );
    const params: Record<string, number> = {};
    if (spec.activation) {
      const a = getActivation(spec.activation.id);
      if (!a)
        throw new GradientFlowInputError(`${where}unknown activation '${spec.activation.id}'`);
      const given: Record<string, number> = {};
      for (const [k, v] of Object.entries(spec.activation.params ?? {}) as [string, unknown][]) {
        if (v === undefined) continue;
        if (typeof v !== 'number')
          throw new GradientFlowInputError(`${where}parameter ${k} must be a number`);
        given[k] = v;
      }
      // The one parameter check: names, finiteness and the function's domain.
      const checked = checkParams(a, given);
      if (!checked.ok) throw new GradientFlowInputError(`${where}${checked.message}`);
      Object.assign(params, given);
    }
    out.push({ spec, params, gain, bias, dropout, alphaDropout });
  });
  return out;
}

/** The plain check's init names as InitSpecs on a (fanOut × fanIn) weight, with the old formulas. */
export function initSpec(init: InitName, gain: number, fanIn: number, fanOut: number): InitSpec {
  const u = (a: number): InitSpec => ({ kind: 'uniform', low: -a, high: a });
  const n = (std: number): InitSpec => ({ kind: 'normal', std });
  switch (init) {
    case 'xavier_normal':
      return n(gain * Math.sqrt(2 / (fanIn + fanOut)));
    case 'xavier_uniform':
    case 'keras_default':
      return u(gain * Math.sqrt(6 / (fanIn + fanOut)));
    case 'he_normal':
      return n(gain * Math.sqrt(2 / fanIn));
    case 'he_uniform':
      return u(gain * Math.sqrt(6 / fanIn));
    case 'lecun_normal':
      return n(gain * Math.sqrt(1 / fanIn));
    case 'lecun_uniform':
      return u(gain * Math.sqrt(3 / fanIn));
    case 'pytorch_default':
      return u(gain / Math.sqrt(fanIn));
    case 'orthogonal':
      return { kind: 'orthogonal', gain };
  }
}

function biasSpec(bias: BiasInit, fanIn: number): InitSpec | null {
  if (bias === 'none') return null;
  if (bias === 'zeros') return { kind: 'zeros' };
  return { kind: 'uniform', low: -1 / Math.sqrt(fanIn), high: 1 / Math.sqrt(fanIn) };
}

/**
 * The layer list as a graph: input `x`, then per layer i (row `i+1`) linear, [norm], [activation],
 * [dropout | alpha_dropout], [residual add].
 */
export function layersToGraph(layers: readonly LayerSpec[], batch: number): Graph {
  const nodes: GraphNode[] = [
    { id: 'x', inputs: [], op: { op: 'input', shape: [batch, layers[0]!.inFeatures] } },
  ];
  let prev = 'x';
  layers.forEach((l, i) => {
    const row = String(i + 1);
    const p = `l${i + 1}`;
    const add = (id: string, op: GraphNode['op'], kind: string): void => {
      nodes.push({ id: `${p}.${id}`, inputs: [prev], op, row, kind });
      prev = `${p}.${id}`;
    };
    const start = prev;
    const b = biasSpec(l.bias ?? 'none', l.inFeatures);
    add(
      'linear',
      {
        op: 'linear',
        inFeatures: l.inFeatures,
        outFeatures: l.outFeatures,
        weight: { init: initSpec(l.init, l.gain ?? 1, l.inFeatures, l.outFeatures) },
        bias: b ? { init: b } : null,
      },
      'Linear',
    );
    const affine = {
      weight: { init: { kind: 'ones' } },
      bias: { init: { kind: 'zeros' } },
    } as const;
    if (l.norm === 'batch')
      add(
        'norm',
        { op: 'batch_norm', numFeatures: l.outFeatures, eps: 1e-5, ...affine },
        'BatchNorm1d',
      );
    else if (l.norm === 'layer')
      add(
        'norm',
        { op: 'layer_norm', normalizedShape: [l.outFeatures], eps: 1e-5, ...affine },
        'LayerNorm',
      );
    if (l.activation)
      add(
        'act',
        { op: 'activation', id: l.activation.id, params: definedParams(l.activation.params) },
        l.activation.id,
      );
    if (l.dropout) add('dropout', { op: 'dropout', p: l.dropout }, 'Dropout');
    else if (l.alphaDropout)
      add('dropout', { op: 'alpha_dropout', p: l.alphaDropout }, 'AlphaDropout');
    if (l.residual) {
      nodes.push({
        id: `${p}.residual`,
        inputs: [prev, start],
        op: { op: 'add' },
        row,
        kind: 'add',
      });
      prev = `${p}.residual`;
    }
  });
  return { nodes, output: prev };
}

function definedParams(p: Partial<Params> | undefined): Record<string, number> {
  const r: Record<string, number> = {};
  for (const [k, v] of Object.entries(p ?? {})) if (v !== undefined) r[k] = v;
  return r;
}

/** Runs a graph for a check: graph errors become GradientFlowInputError, progress as the check's. */
export function runCheckGraph(
  graph: Graph,
  opts: Omit<SimulationOptions, 'layers' | 'batch'>,
): ReturnType<typeof runGraph> {
  try {
    return runGraph(graph, {
      seed: opts.seed,
      dtype: opts.dtype ?? 'float64',
      ...(opts.clipNorm !== undefined ? { clipNorm: opts.clipNorm } : {}),
      ...(opts.memoryLimitBytes !== undefined ? { memoryLimitBytes: opts.memoryLimitBytes } : {}),
      ...(opts.shouldCancel ? { shouldCancel: opts.shouldCancel } : {}),
      ...(opts.onProgress
        ? {
            onProgress: (done: number, total: number, phase: 'forward' | 'backward') =>
              opts.onProgress!(phase === 'forward' ? done : total + done, 2 * total, {
                phase,
                node: done,
                nodes: total,
              }),
          }
        : {}),
    });
  } catch (e) {
    if (e instanceof GraphError) throw new GradientFlowInputError(e.message);
    throw e;
  }
}

/** Runs the simulation. Throws GradientFlowInputError for a bad configuration, CancelledError on cancel. */
export function simulate(opts: SimulationOptions): SimulationResult {
  const layers = validate(opts);
  const r = runCheckGraph(
    layersToGraph(
      layers.map((l) => l.spec),
      opts.batch,
    ),
    opts,
  );
  const rows = new Map<string, RowStats>(r.rows.map((row) => [row.row, row]));
  const result: LayerStats[] = layers.map(({ spec }, li) => {
    const row = rows.get(String(li + 1))!;
    return {
      layer: li + 1,
      inFeatures: spec.inFeatures,
      outFeatures: spec.outFeatures,
      activation: spec.activation?.id ?? null,
      ...rowMeasures(row),
      ...(spec.label !== undefined ? { label: spec.label } : {}),
    };
  });
  return {
    layers: result,
    totalGradNorm: r.totalGradNorm,
    clipping: r.clipping,
    elapsedMs: r.elapsedMs,
  };
}
