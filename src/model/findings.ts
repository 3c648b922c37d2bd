/**
 * What the editor shows on source lines after a model check: findings read from the graph's rows
 * (gradients far from the last layer's, overflow, dead units) and from the reader's assumptions;
 * the figures a quick fix is judged by; and the model as the quick fixes edit it (its Linear/Dense
 * lines and their activations, read from the graph's nodes). Pure.
 */
import { ratioForPeople } from '../kernel/format';
import { DEFAULT_THRESHOLDS, type Thresholds, type Verdict } from '../kernel/gradientFlow/verdict';
import type { Graph } from '../kernel/graph/types';
import type { SummaryInput } from '../gradientFlow/summary';
import { checkModelGraph, type ModelGraphReport, type ModelLayerRow } from './graphCheck';
import { buildModel, readModels } from './read/frameworks';
import type { FoundModel } from './read/index';

export type Severity = 'warning' | 'information';
export type FindingKind =
  'vanishing' | 'exploding' | 'shrinking' | 'growing' | 'nonfinite' | 'dead' | 'assumption';

/** Something worth a diagnostic on one source line. */
export interface Finding {
  /** The row's module name (`fc1`, `layer1.0.conv1`); '' for the model itself. */
  readonly module: string;
  readonly line: number;
  readonly severity: Severity;
  readonly kind: FindingKind;
  readonly message: string;
}

export type FindingRow = Pick<
  ModelLayerRow,
  | 'module'
  | 'kind'
  | 'line'
  | 'postMean'
  | 'postStd'
  | 'weightGradNorm'
  | 'inputGradRms'
  | 'deadFraction'
>;

/** Below this log10 ratio to the last layer's gradient a layer gets an Information finding. */
const SHRINK_INFO_LOG10 = 2;
/** At or above this dead fraction a row's finding is a Warning (else Information). */
const DEAD_WARNING_SEVERE = 0.25;

/** The rows the verdict compares (as modelVerdict picks them): weighted rows with an input gradient. */
function compared<R extends FindingRow>(rows: readonly R[]): R[] {
  const weighted = rows.filter((r) => r.weightGradNorm !== null && r.inputGradRms > 0);
  return weighted.length >= 2 ? weighted : rows.filter((r) => r.inputGradRms > 0);
}

/** log10 of the first compared row's input-gradient RMS over the last's (0 with fewer than two). */
export function gradRatioLog10(rows: readonly FindingRow[]): number {
  const c = compared(rows);
  const first = c[0];
  const last = c[c.length - 1];
  if (!first || !last || first === last) return 0;
  return Math.log10(first.inputGradRms / last.inputGradRms);
}

const label = (r: FindingRow): string => `${r.module || '(model)'} (${r.kind})`;

/**
 * Per-row findings: gradients far below or above the last compared row's (the verdict's own limit,
 * per row), non-finite figures, dead units; then each assumption the reader wrote with a line.
 */
export function rowFindings(
  rows: readonly FindingRow[],
  assumptions: readonly string[],
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): Finding[] {
  const limit = thresholds.ratioLimitLog10;
  const out: Finding[] = [];
  const c = compared(rows);
  const last = c[c.length - 1];
  const inCompared = new Set(c);
  for (const r of rows) {
    if (r.line === null) continue;
    const at = { module: r.module, line: r.line };
    if ([r.postMean, r.postStd, r.inputGradRms].some((v) => !Number.isFinite(v))) {
      out.push({
        ...at,
        severity: 'warning',
        kind: 'nonfinite',
        message: `${label(r)}: activations or gradients overflow (non-finite values): exploding.`,
      });
      continue;
    }
    if (last && r !== last && inCompared.has(r) && Number.isFinite(last.inputGradRms)) {
      const log10 = Math.log10(r.inputGradRms / last.inputGradRms);
      const what = `the gradient reaching ${label(r)} is`;
      if (log10 < -limit) {
        out.push({
          ...at,
          severity: 'warning',
          kind: 'vanishing',
          message: `Vanishing gradient: ${what} ${ratioForPeople(log10)} of the last layer's.`,
        });
      } else if (log10 > limit) {
        out.push({
          ...at,
          severity: 'warning',
          kind: 'exploding',
          message: `Exploding gradient: ${what} ${ratioForPeople(log10)} times the last layer's.`,
        });
      } else if (Math.abs(log10) > SHRINK_INFO_LOG10) {
        const dir = log10 < 0 ? `${ratioForPeople(log10)} of` : `${ratioForPeople(log10)} times`;
        out.push({
          ...at,
          severity: 'information',
          kind: log10 < 0 ? 'shrinking' : 'growing',
          message: `Gradient ${log10 < 0 ? 'shrinking' : 'growing'}: ${what} ${dir} the last layer's.`,
        });
      }
    }
    if (r.deadFraction >= thresholds.deadWarningFraction) {
      out.push({
        ...at,
        severity: r.deadFraction >= DEAD_WARNING_SEVERE ? 'warning' : 'information',
        kind: 'dead',
        message: `Dead units: ${Math.round(100 * r.deadFraction)}% of the units of ${label(r)} have act′ = 0 for every input in the batch.`,
      });
    }
  }
  for (const a of assumptions) {
    const m = /^line (\d+): (.*)$/s.exec(a);
    if (m)
      out.push({
        module: '',
        line: Number(m[1]),
        severity: 'information',
        kind: 'assumption',
        message: `assumed: ${m[2]}`,
      });
  }
  return out;
}

/** The figures a quick fix is judged by (the summary's input and the first-to-last ratio). */
export type FixMeasure = SummaryInput & { readonly gradRatioLog10: number };

/** A graph check's figures as a quick fix judges them. */
export function measureOf(verdict: Verdict, rows: readonly FindingRow[]): FixMeasure {
  return {
    verdict,
    gradRatioLog10: gradRatioLog10(rows),
    layers: rows,
    selfNormalisation: [],
    partial: null,
  };
}

/** A Linear/Dense line of the model and the activation that follows it. */
export interface FixRow {
  readonly line: number;
  readonly outFeatures: number;
  /** `source` is the call as written on `line` (`nn.Sigmoid()`, `F.relu(x)`, `Dense(`). */
  readonly activation: {
    readonly id: string;
    readonly line: number;
    readonly source: string;
  } | null;
}

/** The model as the quick fixes edit it. */
export interface FixTarget {
  readonly name: string;
  readonly framework: FoundModel['framework'];
  readonly line: number;
  readonly endLine: number;
  readonly rows: readonly FixRow[];
}

/** The call of `kind` (`Sigmoid`, `F.relu`, `torch.relu`) as written on the line, with its prefix. */
function callOnLine(lineText: string, kind: string): string | undefined {
  const name = kind.split('.').pop() ?? kind;
  if (!/^\w+$/.test(name)) return undefined;
  const m = new RegExp(`((?:[A-Za-z_]\\w*\\.)*${name})\\s*\\(`).exec(lineText);
  return m ? `${m[1]!}()` : undefined;
}

/**
 * The Linear/Dense nodes of a model's graph in execution order, each with the first activation
 * that runs after it (before the next Linear/Dense).
 */
export function fixTargetOf(text: string, model: FoundModel, graph: Graph): FixTarget {
  const lines = text.split('\n');
  const rows: { line: number; outFeatures: number; activation: FixRow['activation'] }[] = [];
  for (const n of graph.nodes) {
    if (n.line === undefined || n.line < 1) continue;
    if (n.op.op === 'linear') {
      rows.push({ line: n.line, outFeatures: n.op.outFeatures, activation: null });
    } else if (n.op.op === 'activation') {
      const row = rows[rows.length - 1];
      if (!row || row.activation) continue;
      const written = lines[n.line - 1] ?? '';
      const source =
        model.framework === 'keras' && n.line === row.line
          ? 'Dense('
          : (callOnLine(written, n.kind ?? n.op.id) ?? `${n.kind ?? n.op.id}(`);
      row.activation = { id: n.op.id, line: n.line, source };
    }
  }
  return {
    name: model.name,
    framework: model.framework,
    line: model.line,
    endLine: model.endLine,
    rows,
  };
}

/**
 * Reads `text`, builds the model named `name` as the reader would by default and runs it in this
 * thread: the report, its findings, and the model and figures the quick fixes start from.
 * Undefined when no such model is found or it does not build.
 */
export async function checkModelInText(
  text: string,
  name: string,
  options: { seed?: number; batch?: number; dtype?: 'float32' | 'float64' } = {},
): Promise<
  | {
      model: FoundModel;
      report: ModelGraphReport;
      findings: Finding[];
      target: FixTarget;
      measure: FixMeasure;
    }
  | undefined
> {
  const model = (await readModels(text)).models.find((m) => m.name === name);
  if (!model?.checkable) return undefined;
  const built = await buildModel(text, model.expr ?? model.name, {
    framework: model.framework,
    ...(options.batch !== undefined ? { batch: options.batch } : {}),
  });
  if (!built.ok) return undefined;
  const report = checkModelGraph(built, {
    framework: model.framework,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.dtype ? { dtype: options.dtype } : {}),
  });
  return {
    model,
    report,
    findings: rowFindings(report.layers, report.assumptions),
    target: fixTargetOf(text, model, built.graph),
    measure: measureOf(report.verdict, report.layers),
  };
}
