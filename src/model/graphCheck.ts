/**
 * The check of a model read from source: the reader's graph run by the engine, rows named as the
 * framework names its modules (PyTorch qualified names, Keras layer names, Flax paths), the
 * verdict of the plain check applied to the rows, and what the reader assumed on the way. Pure:
 * the CLI, the extension's worker and the tests share it.
 */
import { formatNumber, percent, TABLE } from '../kernel/format';
import { runGraph } from '../kernel/graph/executor';
import type { Dtype, Graph, GraphRunResult, RowStats, Shape } from '../kernel/graph/types';
import {
  DEFAULT_THRESHOLDS,
  judge,
  type Thresholds,
  type Verdict,
} from '../kernel/gradientFlow/verdict';
import type { BuildResult } from './read/index';

/** The engine's row (RowStats) under the name the CLI and the findings use: `module` is the
 * row key — `layer1.0.conv1` (PyTorch), `conv2d_1` (Keras), `Block_0/Dense_0` (Flax). */
export type ModelLayerRow = Omit<RowStats, 'row' | 'steps'> & { readonly module: string };

export interface ModelGraphReport {
  readonly expr: string;
  readonly framework: 'pytorch' | 'keras' | 'flax';
  readonly input: { readonly shape: Shape; readonly tokens?: { readonly vocab: number } };
  readonly seed: number;
  readonly dtype: Dtype;
  readonly verdict: Verdict;
  readonly verdictReason: string;
  /** Everything the reader assumed (a default taken, a padding read symmetric): never hidden. */
  readonly assumptions: readonly string[];
  readonly layers: readonly ModelLayerRow[];
  readonly totalGradNorm: number;
  readonly clipping: GraphRunResult['clipping'];
  readonly elapsedMs: number;
}

export interface ModelGraphOptions {
  readonly seed?: number;
  /** float32 by default: the precision models train in. */
  readonly dtype?: Dtype;
  readonly clipNorm?: number;
  readonly framework: 'pytorch' | 'keras' | 'flax';
  /** The verdict's ratio limit and dead-unit fraction (settings, CLI flags); default the built-in ones. */
  readonly thresholds?: Thresholds;
  readonly shouldCancel?: () => boolean;
  readonly onProgress?: (done: number, total: number, phase: 'forward' | 'backward') => void;
}

/** The engine's row as the CLI and the findings name it (`module`, not the graph's row key). */
export function layerRow(r: RowStats): ModelLayerRow {
  return {
    module: r.row,
    kind: r.kind,
    outputShape: r.outputShape,
    line: r.line,
    postMean: r.postMean,
    postStd: r.postStd,
    weightGradNorm: r.weightGradNorm,
    biasGradNorm: r.biasGradNorm,
    inputGradRms: r.inputGradRms,
    deadFraction: r.deadFraction,
  };
}

/**
 * The plain check's rule on a model's rows: the input-gradient RMS of the first layer with
 * weights against that of the last (a row fed by token ids has no input gradient and is passed
 * over); any non-finite figure is exploding.
 */
export function modelVerdict(
  rows: readonly ModelLayerRow[],
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): { verdict: Verdict; reason: string } {
  const weighted = rows.filter((r) => r.weightGradNorm !== null && r.inputGradRms > 0);
  const chosen = weighted.length >= 2 ? weighted : rows.filter((r) => r.inputGradRms > 0);
  if (chosen.length === 0)
    return { verdict: 'healthy', reason: 'no layer receives an input gradient' };
  const stats = chosen.map((r, i) => ({
    layer: i + 1,
    inFeatures: 0,
    outFeatures: 0,
    activation: null,
    postMean: r.postMean,
    postStd: r.postStd,
    deadFraction: r.deadFraction,
    weightGradNorm: r.weightGradNorm ?? 0,
    biasGradNorm: r.biasGradNorm,
    inputGradRms: r.inputGradRms,
  }));
  for (const r of rows) {
    for (const k of ['postMean', 'postStd', 'inputGradRms'] as const) {
      if (!Number.isFinite(r[k]))
        return { verdict: 'exploding', reason: `${r.module}: ${k} is ${r[k]} (overflow)` };
    }
  }
  const j = judge(stats as Parameters<typeof judge>[0], thresholds);
  const first = chosen[0]!.module;
  const last = chosen[chosen.length - 1]!.module;
  return { verdict: j.verdict, reason: `${j.reason} (${first} against ${last})` };
}

const CHANNELS_FIRST_OPS = new Set([
  'conv',
  'conv_transpose',
  'batch_norm',
  'instance_norm',
  'group_norm',
  'pool',
  'adaptive_pool',
  'upsample',
]);
const SAME_LAYOUT_OPS = new Set([
  'activation',
  'dropout',
  'alpha_dropout',
  'identity',
  'affine_const',
]);

/**
 * Keras and Flax rows whose last node is channels-first inside the graph (a conv, a batch norm, a
 * pooling, or an activation fused after them): their output shapes are shown channels last, as
 * the framework gives them. The reader drops the permute back when the next layer reads the channels-first
 * tensor directly, so the row ends channels-first.
 */
export function channelsFirstRows(graph: Graph): Set<string> {
  const cf = new Map<string, boolean>();
  const lastOfRow = new Map<string, string>();
  for (const n of graph.nodes) {
    const op = n.op.op;
    cf.set(
      n.id,
      CHANNELS_FIRST_OPS.has(op) || (SAME_LAYOUT_OPS.has(op) && cf.get(n.inputs[0] ?? '') === true),
    );
    if (n.row !== undefined) lastOfRow.set(n.row, n.id);
  }
  return new Set([...lastOfRow].filter(([, id]) => cf.get(id) === true).map(([row]) => row));
}

const toLast = (s: Shape): Shape => (s.length > 2 ? [s[0]!, ...s.slice(2), s[1]!] : s);

/** Runs a built model graph and reports its rows. Throws the engine's errors (GraphError, cancel). */
export function checkModelGraph(
  build: Extract<BuildResult, { ok: true }>,
  options: ModelGraphOptions,
): ModelGraphReport {
  const seed = options.seed ?? 0;
  const dtype = options.dtype ?? 'float32';
  const result = runGraph(build.graph, {
    seed,
    dtype,
    ...(options.clipNorm !== undefined ? { clipNorm: options.clipNorm } : {}),
    ...(options.shouldCancel ? { shouldCancel: options.shouldCancel } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  // Keras and Flax shapes read as the framework gives them (channels last).
  const cf = options.framework === 'pytorch' ? new Set<string>() : channelsFirstRows(build.graph);
  const layers = result.rows.map((r) =>
    cf.has(r.row) ? { ...layerRow(r), outputShape: toLast(r.outputShape) } : layerRow(r),
  );
  const v = modelVerdict(layers, options.thresholds);
  return {
    expr: build.expr,
    framework: options.framework,
    input: { shape: build.inputShape, ...(build.tokens ? { tokens: build.tokens } : {}) },
    seed,
    dtype,
    verdict: v.verdict,
    verdictReason: v.reason,
    assumptions: build.notes,
    layers,
    totalGradNorm: result.totalGradNorm,
    clipping: result.clipping,
    elapsedMs: result.elapsedMs,
  };
}

/** The verdict as the user reads it: never a plain "healthy" when the reader assumed something. */
export function verdictHeadline(r: Pick<ModelGraphReport, 'verdict' | 'assumptions'>): string {
  const v = r.verdict.toUpperCase();
  const n = r.assumptions.length;
  return n === 0 ? v : `${v} (read with ${n} assumption${n === 1 ? '' : 's'}: see notes)`;
}

/** Fixed-width table of a report, for the CLI and the Output channel. */
export function formatModelTable(r: ModelGraphReport, file: string): string {
  const g = (v: number | null): string => formatNumber(v, TABLE);
  const header = [
    'module',
    'kind',
    'output',
    'postMean',
    'postStd',
    'weightGrad',
    'inputGradRms',
    'dead',
    'line',
  ];
  const body = r.layers.map((l) => [
    l.module || '(model)',
    l.kind,
    l.outputShape.join('×'),
    g(l.postMean),
    g(l.postStd),
    g(l.weightGradNorm),
    g(l.inputGradRms),
    l.deadFraction > 0 ? `${percent(l.deadFraction, 0)} %` : '',
    l.line === null ? '' : String(l.line),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [
    `${r.expr} in ${file} (${r.framework}): ${verdictHeadline(r)} — ${r.verdictReason}`,
    `input ${r.input.shape.join('×')}${r.input.tokens ? ` token ids < ${r.input.tokens.vocab}` : ''}, ${r.dtype}, seed ${r.seed}, ${r.layers.length} rows, ${r.elapsedMs.toFixed(0)} ms`,
    ...r.assumptions.map((n) => `note: ${n}`),
    '',
    line(header),
    ...body.map(line),
  ].join('\n');
}
