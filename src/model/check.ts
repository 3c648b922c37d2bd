/**
 * Runs the gradient-flow simulation on a model read from source, with its real widths,
 * activations, dropout and the framework's default initialisation, and turns the per-layer
 * figures into findings on source lines (the editor shows them as diagnostics).
 */
import {
  checkNetwork,
  DEAD_WARNING_FRACTION,
  RATIO_LIMIT_LOG10,
  ratioForPeople,
  reportToMarkdown,
  type Dtype,
  type GradientFlowReport,
  type LayerSpec,
  type RunHooks,
} from '../kernel/gradientFlow';
import { getActivation } from '../kernel/registry';
import { coverageOf } from './coverage';
import type { ModelRow, ReadModel } from './types';

/** The model cannot be checked (declined, or an activation the kernel does not have). */
export class ModelCheckError extends Error {
  override name = 'ModelCheckError';
}

export interface ModelCheckOptions extends RunHooks {
  readonly batch?: number;
  readonly seed?: number;
  readonly dtype?: Dtype;
  readonly clipNorm?: number;
  /** Shown in the report's config (a file path or URI). */
  readonly source?: string;
}

export type Severity = 'warning' | 'information';

/** What a finding is about: the quick fixes offered depend on it. */
export type FindingKind =
  | 'vanishing'
  | 'exploding'
  | 'shrinking'
  | 'growing'
  | 'nonfinite'
  | 'dead'
  | 'selfNormalisation';

/** Something worth a diagnostic on one source line. */
export interface Finding {
  readonly layer: number;
  readonly line: number;
  readonly severity: Severity;
  readonly kind: FindingKind;
  readonly message: string;
}

/** A report row: the simulation's figures for one Linear/Dense, with where it is written. */
export type ModelLayerStats = GradientFlowReport['layers'][number] & {
  readonly name: string;
  readonly line: number;
};

export interface ModelCheckReport extends GradientFlowReport {
  readonly layers: readonly ModelLayerStats[];
  readonly model: ReadModel;
  readonly findings: readonly Finding[];
}

/** Below this log10 ratio to the last layer's gradient a layer gets an Information finding. */
const SHRINK_INFO_LOG10 = 2;
/** At or above this dead fraction a layer's finding is a Warning (else Information). */
const DEAD_WARNING_SEVERE = 0.25;

/** The simulation's layer list for a model's rows. */
export function layerSpecs(model: ReadModel): LayerSpec[] {
  return model.rows.map((r) => ({
    inFeatures: r.inFeatures,
    outFeatures: r.outFeatures,
    activation: r.activation ? { id: r.activation.id, params: r.activation.params } : null,
    init: r.init,
    gain: r.gain,
    bias: r.bias ? r.biasInit : 'none',
    dropout: r.dropout,
    alphaDropout: r.alphaDropout,
    label: `${r.name} (line ${r.line})`,
  }));
}

function describeRow(r: ModelRow): Record<string, unknown> {
  return {
    layer: r.layer,
    name: r.name,
    line: r.line,
    kind: r.kind,
    inFeatures: r.inFeatures,
    outFeatures: r.outFeatures,
    activation: r.activation?.id ?? null,
    params: r.activation?.params ?? {},
    bias: r.bias ? r.biasInit : 'none',
    init: r.init,
    gain: r.gain,
    dropout: r.dropout,
    alphaDropout: r.alphaDropout,
  };
}

/** The simulation call for a model: plain data, so it can cross to a worker thread. */
export interface PreparedCheck {
  readonly layers: LayerSpec[];
  readonly options: {
    batch: number;
    seed: number;
    dtype: Dtype;
    clipNorm?: number;
    memoryLimitBytes?: number;
  };
  readonly config: Record<string, unknown>;
  readonly title: string;
}

/** Validates the model and builds the simulation call; ModelCheckError when it cannot run. */
export function prepareCheck(model: ReadModel, options: ModelCheckOptions = {}): PreparedCheck {
  if (model.status !== 'ok') {
    throw new ModelCheckError(
      `${model.name} cannot be checked: ${model.reason ?? 'not understood'}`,
    );
  }
  for (const r of model.rows) {
    if (r.activation && !getActivation(r.activation.id)) {
      throw new ModelCheckError(
        `${model.name}, line ${r.activation.line}: the kernel has no activation '${r.activation.id}'`,
      );
    }
  }
  const batch = options.batch ?? 256;
  const seed = options.seed ?? 0;
  const dtype = options.dtype ?? 'float64';
  return {
    layers: layerSpecs(model),
    options: {
      batch,
      seed,
      dtype,
      ...(options.clipNorm !== undefined ? { clipNorm: options.clipNorm } : {}),
      ...(options.memoryLimitBytes !== undefined
        ? { memoryLimitBytes: options.memoryLimitBytes }
        : {}),
    },
    config: {
      ...(options.source !== undefined ? { from: options.source } : {}),
      model: model.name,
      framework: model.framework,
      line: model.line,
      batch,
      seed,
      dtype,
      clipNorm: options.clipNorm ?? null,
      layers: model.rows.map(describeRow),
      notes: model.notes,
    },
    title: `${model.name} · ${model.framework} · ${model.rows.length} Linear/Dense layers`,
  };
}

/** The simulation's report read back onto the model: rows' names and lines, findings. */
export function finishCheck(model: ReadModel, report: GradientFlowReport): ModelCheckReport {
  const layers = report.layers.map((l, i) => {
    const row = model.rows[i]!;
    return { ...l, name: row.name, line: row.line };
  });
  const { partial } = coverageOf(model.rows.length, model.notes);
  return { ...report, layers, model, findings: findings(model.rows, report), partial };
}

/** Runs the check on one model, in this thread; ModelCheckError when it cannot. */
export function checkModel(model: ReadModel, options: ModelCheckOptions = {}): ModelCheckReport {
  const p = prepareCheck(model, options);
  const report = checkNetwork(
    p.layers,
    {
      ...p.options,
      ...(options.shouldCancel ? { shouldCancel: options.shouldCancel } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    },
    p.config,
    p.title,
  );
  return finishCheck(model, report);
}

const pow = ratioForPeople;

/**
 * Per-layer findings: gradients far below or above the last layer's (the verdict's own ratio,
 * per layer), non-finite figures, dead units, and SELU layers outside the self-normalising band.
 */
export function findings(rows: readonly ModelRow[], report: GradientFlowReport): Finding[] {
  const out: Finding[] = [];
  const last = report.layers[report.layers.length - 1];
  const selu = new Map(report.selfNormalisation.map((s) => [s.layer, s]));
  report.layers.forEach((l, i) => {
    const row = rows[i];
    if (!row || !last) return;
    const at = { layer: l.layer, line: row.line };
    const figures = [l.postMean, l.postStd, l.weightGradNorm, l.inputGradRms];
    if (figures.some((v) => !Number.isFinite(v))) {
      out.push({
        ...at,
        severity: 'warning',
        kind: 'nonfinite',
        message: `Layer ${l.layer} (${row.name}): activations or gradients overflow (non-finite values): exploding.`,
      });
      return;
    }
    if (l !== last && last.inputGradRms > 0 && Number.isFinite(last.inputGradRms)) {
      const log10 = l.inputGradRms > 0 ? Math.log10(l.inputGradRms / last.inputGradRms) : -Infinity;
      const what = `the gradient reaching layer ${l.layer} (${row.name}) is`;
      if (log10 < -RATIO_LIMIT_LOG10) {
        out.push({
          ...at,
          severity: 'warning',
          kind: 'vanishing',
          message: `Vanishing gradient: ${what} ${Number.isFinite(log10) ? pow(log10) : '0 times'} of the last layer's.`,
        });
      } else if (log10 > RATIO_LIMIT_LOG10) {
        out.push({
          ...at,
          severity: 'warning',
          kind: 'exploding',
          message: `Exploding gradient: ${what} ${pow(log10)} times the last layer's.`,
        });
      } else if (Math.abs(log10) > SHRINK_INFO_LOG10) {
        const dir = log10 < 0 ? `${pow(log10)} of` : `${pow(log10)} times`;
        out.push({
          ...at,
          severity: 'information',
          kind: log10 < 0 ? 'shrinking' : 'growing',
          message: `Gradient ${log10 < 0 ? 'shrinking' : 'growing'}: ${what} ${dir} the last layer's.`,
        });
      }
    }
    if (l.deadFraction >= DEAD_WARNING_FRACTION) {
      const dead = Math.round(l.deadFraction * l.outFeatures);
      out.push({
        ...at,
        severity: l.deadFraction >= DEAD_WARNING_SEVERE ? 'warning' : 'information',
        kind: 'dead',
        message: `Dead units: ${dead} of ${l.outFeatures} units of layer ${l.layer} (${row.name}) output ${row.activation?.id ?? 'a'}′ = 0 for every input in the batch.`,
      });
    }
    const s = selu.get(l.layer);
    if (s && !s.pass) {
      out.push({
        ...at,
        severity: 'information',
        kind: 'selfNormalisation',
        message: `Not self-normalising: layer ${l.layer} (${row.name}) has mean ${s.mean.toFixed(3)}, std ${s.std.toFixed(3)} (band: mean ∈ [−0.1, 0.1], std ∈ [0.8, 1.5]).`,
      });
    }
  });
  return out;
}

/** The report as Markdown: the kernel's report, then the rows with their source lines and notes. */
export function modelReportMarkdown(r: ModelCheckReport): string {
  // The per-layer config goes in the table below, not in the kernel report's config line.
  const { model, framework, batch, seed, dtype } = r.config;
  const slim = { ...r, config: { model, framework, batch, seed, dtype } };
  const lines = [reportToMarkdown(slim), '', '### Layers in the source', ''];
  lines.push(
    '| layer | name | line | shape | activation | dropout | init |',
    '|---|---|---|---|---|---|---|',
  );
  for (const row of r.model.rows) {
    const act = row.activation
      ? `${row.activation.id}${Object.keys(row.activation.params).length ? ` ${JSON.stringify(row.activation.params)}` : ''}`
      : '—';
    const drop = row.alphaDropout
      ? `alpha ${row.alphaDropout}`
      : row.dropout
        ? String(row.dropout)
        : '—';
    const init = `${row.init}${row.gain !== 1 ? ` ×${+row.gain.toFixed(4)}` : ''}, bias ${row.bias ? row.biasInit : 'none'}`;
    lines.push(
      `| ${row.layer} | ${row.name} | ${row.line} | ${row.inFeatures}→${row.outFeatures} | ${act} | ${drop} | ${init} |`,
    );
  }
  if (r.model.notes.length > 0) {
    lines.push('', '### Read with assumptions', '');
    for (const n of r.model.notes) lines.push(`- line ${n.line}: ${n.message}`);
  }
  if (r.findings.length > 0) {
    lines.push('', '### Findings', '');
    for (const f of r.findings) lines.push(`- line ${f.line} (${f.severity}): ${f.message}`);
  }
  return lines.join('\n');
}
