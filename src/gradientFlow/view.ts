/**
 * The report as the webview shows it, and the messages between the report panel and its webview.
 * zod-validated on both sides (the webview is another process); JSON-safe (non-finite → null).
 *
 * A run carries what every view of a verdict needs (tone, label, the partial-check phrase from
 * summary.ts) and per layer what the table shows: name, source line, shape, activation, init,
 * the figures, and — when present — measured (PyTorch) figures beside the simulated ones and
 * per-step figures of recurrent layers.
 */
import * as z from 'zod/mini';
import { deadWarningOf, summarize, type SummaryInput } from './summary';

/** Runs kept in the panel; a new run past this drops the oldest. */
export const MAX_VIEW_RUNS = 6;

const posInt = z.int().check(z.positive());
const str = (max: number, min = 0) => z.string().check(z.minLength(min), z.maxLength(max));
// postMessage to a webview goes through JSON: non-finite numbers travel as null.
const num = z.nullable(z.number());

const figuresSchema = z.object({ postStd: num, weightGradNorm: num, inputGradRms: num });
const stepsSchema = z
  .array(z.object({ step: z.int(), inputGradRms: num, hiddenStd: num }))
  .check(z.maxLength(100_000));

export const viewLayerSchema = z.object({
  layer: posInt,
  postMean: num,
  postStd: num,
  deadFraction: num,
  weightGradNorm: num,
  inputGradRms: num,
  /** Module name (`fc1`, `transformer.h.3.attn.c_proj`) or layer label. */
  name: z.optional(str(300)),
  kind: z.optional(str(100)),
  line: z.optional(posInt),
  shape: z.optional(str(100)),
  activation: z.optional(str(100)),
  init: z.optional(str(200)),
  /** The worst finding on this layer, by colour. */
  flag: z.optional(z.enum(['error', 'warning'])),
  /** The same figures measured by PyTorch ("Check with PyTorch"), when there are any. */
  measured: z.optional(figuresSchema),
  /** Why the simulated and measured figures disagree, when they do. */
  note: z.optional(str(1000)),
  /** Recurrent layers: the gradient reaching each time step and the hidden state's std. */
  steps: z.optional(stepsSchema),
});
export type ViewLayer = z.infer<typeof viewLayerSchema>;

export const viewReportSchema = z.object({
  /** Unique per run in a panel: the webview scrolls to it, re-run and reveal name it. */
  id: str(100, 1),
  title: str(500),
  verdict: z.enum(['healthy', 'vanishing', 'exploding']),
  tone: z.enum(['error', 'warning', 'ok']),
  /** "vanishing", "dead units", "healthy", … */
  label: str(100),
  /** "partial (2 layers simulated, Conv2d skipped) · healthy" */
  headline: str(600),
  partial: z.nullable(str(500)),
  gradRatioLog10: num,
  reason: str(2000),
  advice: str(2000),
  warnings: z.array(str(2000)).check(z.maxLength(50)),
  layers: z.array(viewLayerSchema).check(z.maxLength(100_000)),
  selfNormalisation: z
    .array(z.object({ layer: posInt, pass: z.boolean() }))
    .check(z.maxLength(100_000)),
  clipping: z.nullable(
    z.object({ maxNorm: num, totalNormBefore: num, totalNormAfter: num, coefficient: num }),
  ),
  totalGradNorm: num,
  elapsedMs: num,
  /** The file the model was read from: table lines jump there. */
  source: z.optional(str(4000)),
  /** "Re-run with the suggestion" — what the button will run, e.g. "relu + he_normal". */
  suggestion: z.optional(str(300)),
  /** A model report: the first source line whose diagnostic has quick fixes. */
  fixLine: z.optional(posInt),
  /** Recurrent runs: the gradient reaching each time step's input, the last hidden state's std. */
  steps: z.optional(stepsSchema),
});
export type ViewReport = z.infer<typeof viewReportSchema>;

export const toWebviewSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('reports'),
    reports: z.array(viewReportSchema).check(z.maxLength(MAX_VIEW_RUNS)),
    /** The run to scroll to (the newest one). */
    focus: z.optional(str(100)),
  }),
]);
export type ToWebview = z.infer<typeof toWebviewSchema>;

export const fromWebviewSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('export'), format: z.enum(['json', 'markdown']) }),
  /** The charts as one PNG (a data: URL, at most ~24 MB). */
  z.object({ type: z.literal('exportPng'), dataUrl: str(32_000_000, 22) }),
  z.object({ type: z.literal('reveal'), id: str(100, 1), line: posInt }),
  z.object({ type: z.literal('rerun'), id: str(100, 1) }),
  /** Reveal the model's first fixable line and open its quick fixes. */
  z.object({ type: z.literal('fixes'), id: str(100, 1) }),
  z.object({ type: z.literal('remove'), id: str(100, 1) }),
]);
export type FromWebview = z.infer<typeof fromWebviewSchema>;

/** Never throws: a getter or proxy that throws while being read is a malformed message too. */
function safely<T>(schema: z.ZodMiniType<T>, raw: unknown): T | undefined {
  try {
    const r = schema.safeParse(raw);
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}
export function parseFromWebview(raw: unknown): FromWebview | undefined {
  return safely(fromWebviewSchema, raw);
}
export function parseToWebview(raw: unknown): ToWebview | undefined {
  return safely(toWebviewSchema, raw);
}

const orNull = (x: number | null | undefined): number | null =>
  typeof x === 'number' && Number.isFinite(x) ? x : null;

/** What toViewReport reads from a layer: the kernel's LayerStats, a model row's, an engine row's. */
interface LayerIn {
  readonly layer?: number;
  readonly postMean: number;
  readonly postStd: number;
  readonly deadFraction: number;
  readonly weightGradNorm: number | null;
  readonly inputGradRms: number;
  readonly name?: string;
  readonly label?: string;
  readonly row?: string;
  readonly module?: string;
  readonly kind?: string;
  readonly line?: number | null;
  readonly outputShape?: readonly number[];
  /** The kernel's layer: the activation fused into it, if any. */
  readonly activation?: string | null;
  readonly inFeatures?: number;
  readonly outFeatures?: number;
  readonly measured?: {
    readonly postStd?: number | null;
    readonly weightGradNorm?: number | null;
    readonly inputGradRms?: number | null;
  } | null;
  readonly steps?: readonly StepIn[];
  readonly disagreement?: string;
}

/** A model report's extras (src/model/register.ts): the findings, on a layer number or a module name. */
interface ModelExtras {
  readonly model?: {
    readonly rows: readonly {
      readonly activation: { readonly id: string } | null;
      readonly init: string;
      readonly gain: number;
      readonly kind?: string;
    }[];
  };
  readonly findings?: readonly {
    readonly layer?: number;
    readonly module?: string;
    readonly kind: string;
    readonly line: number;
  }[];
}

export interface ReportIn extends SummaryInput, ModelExtras {
  readonly title: string;
  readonly reason: string;
  readonly advice: string;
  readonly warnings: readonly string[];
  readonly layers: readonly LayerIn[];
  readonly selfNormalisation: readonly { layer: number; pass: boolean }[];
  readonly clipping: {
    maxNorm: number;
    totalNormBefore: number;
    totalNormAfter: number;
    coefficient: number;
  } | null;
  readonly totalGradNorm: number;
  readonly elapsedMs: number;
  readonly config: Readonly<Record<string, unknown>>;
  readonly steps?: readonly StepIn[];
  /** A graph check (the model check) keeps every row; its `layers` name theirs in `label`. */
  readonly rows?: readonly RowIn[];
}

type StepIn = { step: number; inputGradRms: number; hiddenStd: number };

/** A graph check's row (RowStats): where a weighted layer's source line, kind and shape live. */
interface RowIn {
  readonly row: string;
  readonly kind: string;
  readonly line: number | null;
  readonly outputShape: readonly number[];
}

const viewSteps = (steps: readonly StepIn[]) =>
  steps.map((t) => ({
    step: t.step,
    inputGradRms: orNull(t.inputGradRms),
    hiddenStd: orNull(t.hiddenStd),
  }));

const ERROR_KINDS = new Set(['vanishing', 'exploding', 'nonfinite']);

/** The report as the webview needs it (JSON-safe). `id` names the run in the panel. */
export function toViewReport(
  r: ReportIn,
  extra: { id: string; source?: string; suggestion?: string; fixLine?: number },
): ViewReport {
  const s = summarize(r);
  const cfg = r.config;
  const plainAct = typeof cfg['activation'] === 'string' ? cfg['activation'] : undefined;
  const plainInit = typeof cfg['init'] === 'string' ? cfg['init'] : undefined;
  const plainWidth = typeof cfg['width'] === 'number' ? cfg['width'] : undefined;
  const deadAt = deadWarningOf(cfg);
  const flags = new Map<number | string, 'error' | 'warning'>();
  for (const f of r.findings ?? []) {
    if (f.kind === 'assumption') continue;
    const key = f.layer ?? f.module;
    if (key === undefined) continue;
    const tone = ERROR_KINDS.has(f.kind) ? 'error' : 'warning';
    if (flags.get(key) !== 'error') flags.set(key, tone);
  }
  // The kernel's layers of a graph check carry only the row's name: the line, kind and shape the
  // table shows are on the row itself.
  const graphRow = new Map((r.rows ?? []).map((g) => [g.row, g]));
  const layers: ViewLayer[] = r.layers.map((l, i) => {
    const n = l.layer ?? i + 1;
    const row = r.model?.rows[i];
    const name = l.module ?? l.row ?? l.name ?? l.label;
    const g = name !== undefined ? graphRow.get(name) : undefined;
    const line = l.line ?? g?.line;
    const kind = l.kind ?? g?.kind ?? row?.kind;
    const outputShape = l.outputShape ?? g?.outputShape;
    const shape = outputShape
      ? `(${outputShape.join(', ')})`
      : l.inFeatures !== undefined && l.outFeatures !== undefined
        ? `${l.inFeatures}→${l.outFeatures}`
        : plainWidth !== undefined
          ? `${plainWidth}→${plainWidth}`
          : undefined;
    const activation = row
      ? (row.activation?.id ?? 'linear')
      : (plainAct ?? (typeof l.activation === 'string' ? l.activation : undefined));
    const init = row
      ? `${row.init}${row.gain !== 1 ? ` ×${+row.gain.toFixed(3)}` : ''}`
      : plainInit;
    const flag =
      flags.get(n) ??
      (name !== undefined ? flags.get(name) : undefined) ??
      (l.disagreement !== undefined || (r.findings === undefined && l.deadFraction >= deadAt)
        ? 'warning'
        : undefined);
    const out: ViewLayer = {
      layer: n,
      postMean: orNull(l.postMean),
      postStd: orNull(l.postStd),
      deadFraction: orNull(l.deadFraction),
      weightGradNorm: orNull(l.weightGradNorm),
      inputGradRms: orNull(l.inputGradRms),
      ...(name !== undefined ? { name: name.slice(0, 300) } : {}),
      ...(kind !== undefined ? { kind: kind.slice(0, 100) } : {}),
      ...(typeof line === 'number' && Number.isInteger(line) && line > 0 ? { line } : {}),
      ...(shape !== undefined ? { shape } : {}),
      ...(activation !== undefined ? { activation } : {}),
      ...(init !== undefined ? { init } : {}),
      ...(flag ? { flag } : {}),
      ...(l.measured
        ? {
            measured: {
              postStd: orNull(l.measured.postStd),
              weightGradNorm: orNull(l.measured.weightGradNorm),
              inputGradRms: orNull(l.measured.inputGradRms),
            },
          }
        : {}),
      ...(l.steps ? { steps: viewSteps(l.steps) } : {}),
      ...(l.disagreement !== undefined ? { note: l.disagreement.slice(0, 1000) } : {}),
    };
    return out;
  });
  return {
    id: extra.id,
    title: r.title,
    verdict: r.verdict,
    tone: s.tone,
    label: s.label,
    headline: s.headline,
    partial: s.partial,
    gradRatioLog10: orNull(r.gradRatioLog10),
    reason: r.reason,
    advice: r.advice,
    warnings: [...r.warnings],
    layers,
    selfNormalisation: r.selfNormalisation.map((x) => ({ layer: x.layer, pass: x.pass })),
    clipping: r.clipping
      ? {
          maxNorm: orNull(r.clipping.maxNorm),
          totalNormBefore: orNull(r.clipping.totalNormBefore),
          totalNormAfter: orNull(r.clipping.totalNormAfter),
          coefficient: orNull(r.clipping.coefficient),
        }
      : null,
    totalGradNorm: orNull(r.totalGradNorm),
    elapsedMs: orNull(r.elapsedMs),
    ...(extra.source !== undefined ? { source: extra.source } : {}),
    ...(extra.suggestion !== undefined ? { suggestion: extra.suggestion } : {}),
    ...(extra.fixLine !== undefined ? { fixLine: extra.fixLine } : {}),
    ...(r.steps && r.steps.length > 0 ? { steps: viewSteps(r.steps) } : {}),
  };
}

/** Findings the quick fixes answer (src/model/quickFixProvider.ts offers fixes on these). */
const FIXABLE_KINDS = new Set(['nonfinite', 'exploding', 'vanishing', 'dead']);

/** The first source line of a model report with a fixable finding, if any. */
export function fixLineOf(r: {
  readonly findings?: readonly { readonly kind: string; readonly line: number }[];
}): number | undefined {
  const lines = (r.findings ?? []).filter((f) => FIXABLE_KINDS.has(f.kind)).map((f) => f.line);
  return lines.length > 0 ? Math.min(...lines) : undefined;
}

/** A table entry: one layer, or a run of repeated blocks shown collapsed ("h ×12"). */
export type RowGroup =
  | { readonly type: 'layer'; readonly index: number }
  | {
      readonly type: 'blocks';
      /** `transformer.h` for rows `transformer.h.0.…` … `transformer.h.11.…`. */
      readonly prefix: string;
      /** How many distinct blocks (12). */
      readonly count: number;
      /** Layer indices (into the run's layers) in the group, in order. */
      readonly indices: readonly number[];
    };

/** `transformer.h.3.attn.c_proj` → prefix `transformer.h`, block 3; undefined without an index. */
function blockOf(name: string | undefined): { prefix: string; block: number } | undefined {
  if (!name) return undefined;
  const parts = name.split('.');
  const i = parts.findIndex((p) => /^\d+$/.test(p));
  if (i <= 0 || i === parts.length - 1) return undefined;
  return { prefix: parts.slice(0, i).join('.'), block: Number(parts[i]) };
}

/**
 * Groups consecutive layers of repeated blocks (module names with an index after a common prefix,
 * as `nn.ModuleList` and `nn.Sequential` name them) so a 12-block transformer reads as one row
 * "transformer.h ×12" that opens to its layers. A single block, or unnamed rows, stay as they are.
 */
export function groupRows(names: readonly (string | undefined)[]): RowGroup[] {
  const out: RowGroup[] = [];
  let i = 0;
  while (i < names.length) {
    const b = blockOf(names[i]);
    if (!b) {
      out.push({ type: 'layer', index: i });
      i++;
      continue;
    }
    const indices = [i];
    const blocks = new Set([b.block]);
    let j = i + 1;
    for (; j < names.length; j++) {
      const c = blockOf(names[j]);
      if (!c || c.prefix !== b.prefix) break;
      indices.push(j);
      blocks.add(c.block);
    }
    if (blocks.size >= 2)
      out.push({ type: 'blocks', prefix: b.prefix, count: blocks.size, indices });
    else for (const k of indices) out.push({ type: 'layer', index: k });
    i = j;
  }
  return out;
}
