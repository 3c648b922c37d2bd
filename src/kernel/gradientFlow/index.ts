/**
 * The gradient-flow check: configuration with defaults, the report, and its Markdown form.
 * `runCheck` is the plain check (a uniform stack); `checkNetwork` runs any layer list (the model
 * check calls it with the layers read from a file).
 */
import { formatNumber, PROSE } from '../format';
import { getActivation } from '../registry';
import type { Graph, RowStats } from '../graph/types';
import { resolveCheckConfig, type CheckConfig, type ResolvedCheckConfig } from './config';
import {
  GradientFlowInputError,
  rowMeasures,
  runCheckGraph,
  simulate,
  type Clipping,
  type LayerSpec,
  type LayerStats,
  type SimulationOptions,
  type SimulationResult,
} from './simulate';
import {
  advice,
  deadUnitWarnings,
  DEFAULT_THRESHOLDS,
  judge,
  layerRanges,
  selfNormalisation,
  type SelfNormalisation,
  type Thresholds,
  type Verdict,
} from './verdict';

export * from './config';
export * from './init';
export * from './simulate';
export * from './verdict';
export { matmulABt, transpose } from './matmul';

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
  /** Recurrent runs (--arch rnn|lstm|gru): per time step t = 1..T, the gradient RMS reaching
   * the input X_t and the population std of the last layer's hidden state h_t (gradflow2). */
  readonly steps?: readonly StepStats[];
  /** Graph checks (checkGraph): every row of the graph as the engine reports it (RowStats in
   * src/kernel/graph/types.ts); `layers` then holds the rows that have a weight. */
  readonly rows?: readonly RowStats[];
}

export interface StepStats {
  readonly step: number;
  readonly inputGradRms: number;
  readonly hiddenStd: number;
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
    norm: c.norm,
    residual: c.residual,
  }));
}

const RNN_KIND = { rnn: 'RNN', lstm: 'LSTM', gru: 'GRU' } as const;

/**
 * The recurrent protocol (gradflow2): X ~ N(0,1) of shape (steps, batch, width) into PyTorch's
 * nn.RNN / LSTM / GRU (depth stacked layers, biases, U(±1/√H) init); the loss scores only the
 * last step's output, so the gradient reaching early steps has travelled back through time.
 */
export function recurrentGraph(c: ResolvedCheckConfig): Graph {
  if (c.arch === 'mlp' || c.steps === null)
    throw new Error('recurrentGraph needs a recurrent arch');
  const H = c.width;
  const k = 1 / Math.sqrt(H);
  return {
    nodes: [
      { id: 'x', inputs: [], op: { op: 'input', shape: [c.steps, c.batch, H] } },
      {
        id: 'rnn',
        inputs: ['x'],
        row: '1',
        kind: RNN_KIND[c.arch],
        op: {
          op: 'rnn',
          mode: c.arch === 'rnn' ? (c.activation === 'relu' ? 'rnn_relu' : 'rnn_tanh') : c.arch,
          inputSize: H,
          hiddenSize: H,
          numLayers: c.depth,
          bias: true,
          batchFirst: false,
          init: { kind: 'uniform', low: -k, high: k },
        },
      },
      { id: 'last', inputs: ['rnn'], op: { op: 'select', dim: 0, index: -1 } },
    ],
    output: 'last',
  };
}

function recurrentAdvice(c: ResolvedCheckConfig, verdict: string): string {
  const net =
    c.arch === 'rnn' ? `a ${c.activation} RNN` : `an ${RNN_KIND[c.arch as 'lstm' | 'gru']}`;
  if (verdict === 'vanishing')
    return c.arch === 'rnn'
      ? `${net} multiplies the gradient by W_hhᵀ·diag(act′) at every step, so it fades over ${c.steps} steps; an LSTM or GRU keeps an additive path through its gates (try --arch lstm), or shorten the sequence.`
      : `even ${net}'s gated path fades over ${c.steps} steps at this initialisation; fewer steps (truncated backpropagation through time) or a forget-gate bias of 1 keep more of it.`;
  if (verdict === 'exploding')
    return `the gradient grows back through time in ${net}; clip it (--clip-norm, clip_grad_norm_) or use an LSTM/GRU.`;
  return `${net} carries the gradient across ${c.steps} steps at this initialisation.`;
}

function checkTitle(c: ResolvedCheckConfig): string {
  if (c.arch !== 'mlp')
    return `${c.arch === 'rnn' ? `RNN (${c.activation})` : RNN_KIND[c.arch]} · ${c.steps} steps · ${c.depth}×${c.width}`;
  const extras = [
    c.norm === 'batch' ? 'BatchNorm' : c.norm === 'layer' ? 'LayerNorm' : null,
    c.residual ? 'residual' : null,
    c.alphaDropout > 0
      ? `alpha dropout ${c.alphaDropout}`
      : c.dropout > 0
        ? `dropout ${c.dropout}`
        : null,
  ].filter((x): x is string => x !== null);
  return `${c.activation} · ${c.init}${c.gain !== 1 ? ` ×${c.gain}` : ''} · ${c.depth}×${c.width}${extras.map((e) => ` · ${e}`).join('')}`;
}

export type RunHooks = Pick<SimulationOptions, 'shouldCancel' | 'onProgress' | 'memoryLimitBytes'>;

export function runCheck(config: CheckConfig, hooks: RunHooks = {}): GradientFlowReport {
  const c = resolveCheckConfig(config);
  const options = {
    batch: c.batch,
    seed: c.seed,
    dtype: c.dtype,
    ...(c.clipNorm !== null ? { clipNorm: c.clipNorm } : {}),
    ...hooks,
  };
  const thresholds = { ratioLimitLog10: c.ratioLimit, deadWarningFraction: c.deadWarning };
  if (c.arch === 'mlp')
    return checkNetwork(uniformStack(c), options, { ...c }, checkTitle(c), thresholds);
  const r = runCheckGraph(recurrentGraph(c), options);
  const row = r.rows[0]!;
  const layer: LayerStats = {
    layer: 1,
    inFeatures: c.width,
    outFeatures: c.width,
    activation: c.arch === 'rnn' ? c.activation : c.arch,
    ...rowMeasures(row),
  };
  const steps = row.steps ?? [];
  // The verdict reads the gradient across time: step 1 against step T, as layers are read.
  const overTime: LayerStats[] = steps.map((s) => ({
    ...layer,
    layer: s.step,
    postStd: s.hiddenStd,
    inputGradRms: s.inputGradRms,
  }));
  const verdict = judge(overTime, thresholds);
  const report = readReport(
    {
      layers: [layer],
      totalGradNorm: r.totalGradNorm,
      clipping: r.clipping,
      elapsedMs: r.elapsedMs,
    },
    { activation: layer.activation!, init: 'pytorch_default', gain: 1, thresholds },
    { ...c },
    checkTitle(c),
  );
  return {
    ...report,
    verdict: verdict.verdict,
    gradRatioLog10: verdict.gradRatioLog10,
    reason: verdict.reason.replace(/\blayer\b/g, 'step'),
    advice: recurrentAdvice(c, verdict.verdict),
    steps,
  };
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
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): GradientFlowReport {
  const sim = simulate({ ...options, layers });
  const activation = mostCommon(layers.flatMap((l) => (l.activation ? [l.activation.id] : [])));
  const init = mostCommon(layers.map((l) => l.init));
  const gain = layers.every((l) => (l.gain ?? 1) === (layers[0]!.gain ?? 1))
    ? (layers[0]!.gain ?? 1)
    : 1;
  return readReport(
    sim,
    { activation, init, gain, thresholds },
    config,
    title ?? `${activation} · ${init} · ${layers.length} layers`,
  );
}

/** A graph check as plain data, so it can cross to the worker thread (see checkGraph). */
export interface GraphCheck {
  readonly graph: Graph;
  readonly options: Omit<SimulationOptions, 'layers' | 'batch' | 'shouldCancel' | 'onProgress'>;
  readonly config: Readonly<Record<string, unknown>>;
  readonly title: string;
  /** Default: DEFAULT_THRESHOLDS (the settings' values when the adapter passes them). */
  readonly thresholds?: Thresholds;
}

/**
 * Runs any layer graph (the model check of a model read from source) and reads the result: the
 * rows with a weight become `layers` (numbered in order, kind as activation when the row has one),
 * every row is kept in `rows`.
 */
export function checkGraph(
  graph: Graph,
  options: Omit<SimulationOptions, 'layers' | 'batch'>,
  config: Readonly<Record<string, unknown>>,
  title: string,
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): GradientFlowReport {
  const r = runCheckGraph(graph, options);
  const activationOf = new Map<string, string>();
  const features = new Map<string, [number, number]>();
  for (const n of graph.nodes) {
    if (n.row === undefined) continue;
    if (n.op.op === 'activation') activationOf.set(n.row, n.op.id);
    if (features.has(n.row)) continue;
    if (n.op.op === 'linear') features.set(n.row, [n.op.inFeatures, n.op.outFeatures]);
    else if (n.op.op === 'conv' || n.op.op === 'conv_transpose')
      features.set(n.row, [n.op.inChannels, n.op.outChannels]);
    else if (n.op.op === 'rnn') features.set(n.row, [n.op.inputSize, n.op.hiddenSize]);
  }
  const weighted = r.rows.filter((row) => row.weightGradNorm !== null);
  const layers: LayerStats[] = weighted.map((row, i) => ({
    layer: i + 1,
    inFeatures: features.get(row.row)?.[0] ?? 0,
    outFeatures: features.get(row.row)?.[1] ?? row.outputShape[row.outputShape.length - 1] ?? 0,
    activation: activationOf.get(row.row) ?? null,
    ...rowMeasures(row),
    label: row.row,
  }));
  if (layers.length === 0)
    throw new GradientFlowInputError('the graph has no row with a weight to report on');
  const activation = mostCommon(layers.flatMap((l) => (l.activation ? [l.activation] : [])));
  return {
    ...readReport(
      { layers, totalGradNorm: r.totalGradNorm, clipping: r.clipping, elapsedMs: r.elapsedMs },
      { activation, init: 'pytorch_default', gain: 1, thresholds, model: true },
      config,
      title,
    ),
    rows: r.rows,
  };
}

const prose = (x: number, digits: number): string => formatNumber(x, { ...PROSE, digits });

/** The verdict, advice and warnings read from a simulation's per-layer figures. */
function readReport(
  sim: SimulationResult,
  meta: {
    readonly activation: string;
    readonly init: string;
    readonly gain: number;
    readonly thresholds: Thresholds;
    /** A model read from source (see AdviceInput.model). */
    readonly model?: boolean;
  },
  config: Readonly<Record<string, unknown>>,
  title: string,
): GradientFlowReport {
  const { activation, init, gain, thresholds, model } = meta;
  const verdict = judge(sim.layers, thresholds);
  const selu = selfNormalisation(
    sim.layers,
    (id) => getActivation(id)?.properties.selfNormalising ?? id === 'selu',
  );
  const warnings = deadUnitWarnings(sim.layers, thresholds);
  const failing = selu.filter((s) => !s.pass);
  if (failing.length > 0) {
    warnings.push(
      `self-normalisation: ${failing.length === 1 ? 'layer' : 'layers'} ${layerRanges(failing.map((s) => s.layer))} outside mean ∈ [−0.1, 0.1], std ∈ [0.8, 1.5]`,
    );
  }
  if (sim.clipping && sim.clipping.coefficient < 1) {
    warnings.push(
      `clipping: total gradient norm ${prose(sim.clipping.totalNormBefore, 4)} scaled by ${prose(sim.clipping.coefficient, 3)} to ${prose(sim.clipping.totalNormAfter, 4)}`,
    );
  }
  return {
    config,
    title,
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
      gain,
      thresholds,
      model,
    }),
    selfNormalisation: selu,
    warnings,
    totalGradNorm: sim.totalGradNorm,
    clipping: sim.clipping,
    elapsedMs: sim.elapsedMs,
  };
}

export { reportToMarkdown, formatTable, reportToJson, stringifyJson } from './format';
