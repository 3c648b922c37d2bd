/**
 * The "Check with PyTorch" result as one gradient-flow report: one layer per module in PyTorch's
 * execution order, the simulated figures with the measured ones beside them (`measured`), the
 * disagreements named in the warnings. Pure; the report panel and the command's caller read it.
 */
import { formatNumber, TABLE } from '../kernel/format';
import { judge } from '../kernel/gradientFlow/verdict';
import type { GradientFlowReport, LayerStats } from '../kernel/gradientFlow';
import type { RowStats } from '../kernel/graph/types';
import { compareRows, type Comparison } from './compare';
import type { MeasuredRow, TorchCheckResult } from './protocol';

/** A kernel layer row (simulated figures, NaN where the simulation has no such module) plus
 * PyTorch's figures and the module's identity. */
export interface SideBySideLayer extends LayerStats {
  readonly module: string;
  readonly kind: string;
  readonly line: number | null;
  readonly outputShape: readonly number[];
  /** PyTorch's. */
  readonly measured: {
    readonly postMean: number | null;
    readonly postStd: number | null;
    readonly weightGradNorm: number | null;
    readonly biasGradNorm: number | null;
    readonly inputGradRms: number | null;
  };
  /** Set when the two disagree beyond the tolerance, or only one side has the module. */
  readonly disagreement?: string;
}

export interface SideBySideReport extends GradientFlowReport {
  readonly layers: readonly SideBySideLayer[];
  readonly engine: 'torch';
  readonly measured: TorchCheckResult;
  /** Null when the simulation could not run this model (`simulationNote` says why). */
  readonly comparison: Comparison | null;
  readonly simulationNote: string | null;
}

const nan = (v: number | null | undefined): number => (typeof v === 'number' ? v : NaN);

/**
 * Builds the report. The verdict is PyTorch's (its numbers are the model's truth); the simulation
 * is what is being checked against it.
 */
export function sideBySideReport(
  measured: TorchCheckResult,
  simulated: { readonly rows: readonly RowStats[] } | { readonly declined: string },
): SideBySideReport {
  // A module PyTorch ran more than once has no row on either side of the protocol.
  const repeated = new Set(measured.repeated ?? []);
  const simRows = 'rows' in simulated ? simulated.rows.filter((r) => !repeated.has(r.row)) : null;
  const comparison = simRows ? compareRows(simRows, measured.layers) : null;
  const byModule = new Map(simRows?.map((r) => [r.row, r]) ?? []);
  const cmp = new Map(comparison?.rows.map((r) => [r.module, r]) ?? []);
  const layers: SideBySideLayer[] = measured.layers.map((m: MeasuredRow, i) => {
    const s = byModule.get(m.module);
    const c = cmp.get(m.module);
    const last = m.outputShape.at(-1) ?? 0;
    return {
      layer: i + 1,
      module: m.module,
      kind: m.kind,
      line: m.line ?? s?.line ?? null,
      outputShape: m.outputShape,
      inFeatures: last,
      outFeatures: last,
      activation: null,
      postMean: nan(s?.postMean),
      postStd: nan(s?.postStd),
      deadFraction: s?.deadFraction ?? 0,
      weightGradNorm: nan(s?.weightGradNorm),
      biasGradNorm: s?.biasGradNorm ?? null,
      inputGradRms: nan(s?.inputGradRms),
      measured: {
        postMean: m.postMean,
        postStd: m.postStd,
        weightGradNorm: m.weightGradNorm,
        biasGradNorm: m.biasGradNorm,
        inputGradRms: m.inputGradRms,
      },
      ...(c && c.verdict !== 'agree' && c.reason ? { disagreement: c.reason } : {}),
    };
  });
  // The verdict from PyTorch's gradients, over the modules that have them.
  const graded = measured.layers
    .filter((l) => l.inputGradRms !== null)
    .map((l, i) => ({
      layer: i + 1,
      inFeatures: 0,
      outFeatures: 0,
      activation: null,
      postMean: nan(l.postMean),
      postStd: nan(l.postStd),
      deadFraction: 0,
      weightGradNorm: l.weightGradNorm ?? 0,
      biasGradNorm: l.biasGradNorm,
      inputGradRms: nan(l.inputGradRms),
    }));
  const v =
    graded.length > 0
      ? judge(graded)
      : { verdict: 'healthy' as const, gradRatioLog10: 0, reason: 'no module received a gradient' };
  const warnings: string[] = [];
  if (comparison) {
    const tol = comparison.tolerance;
    warnings.push(
      comparison.disagree + comparison.onlyMeasured + comparison.onlySimulated === 0
        ? `simulation and PyTorch agree at all ${comparison.agree} modules (within ${tol} in log10)`
        : `simulation and PyTorch: ${comparison.agree} modules agree within ${tol} in log10, ${comparison.disagree} disagree, ${comparison.onlyMeasured} only in PyTorch, ${comparison.onlySimulated} only simulated`,
    );
    for (const r of comparison.rows)
      if (r.verdict === 'disagree' && r.reason)
        warnings.push(`${r.module} (${r.kind}): ${r.reason}`);
  }
  const simulationNote = 'declined' in simulated ? simulated.declined : null;
  if (simulationNote) warnings.push(`not simulated: ${simulationNote}`);
  warnings.push(...measured.notes.map((n) => `PyTorch: ${n}`));
  return {
    config: {
      engine: 'torch',
      model: measured.model,
      file: measured.file,
      inputShape: measured.inputShape,
      seed: measured.seed,
      dtype: measured.dtype,
      python: measured.python,
      torch: measured.torch,
    },
    title: `${measured.model} · simulated vs PyTorch ${measured.torch} · input ${measured.inputShape.join('×')}`,
    layers,
    verdict: v.verdict,
    gradRatioLog10: v.gradRatioLog10,
    reason: `PyTorch: ${v.reason}`,
    advice: comparison
      ? comparison.disagree > 0
        ? `the highlighted modules are where the simulation misses something PyTorch does`
        : `the simulation follows PyTorch on this model`
      : `only PyTorch's column: ${simulationNote ?? 'no simulation'}`,
    selfNormalisation: [],
    warnings,
    totalGradNorm: NaN,
    clipping: null,
    elapsedMs: measured.timing.totalMs ?? measured.timing.importMs + measured.timing.runMs,
    partial: simulationNote ? `PyTorch only (${simulationNote})` : null,
    engine: 'torch',
    measured,
    comparison,
    simulationNote,
  };
}

/** The two columns as Markdown (output channel, clipboard, the CLI's table). */
export function sideBySideMarkdown(r: SideBySideReport): string {
  const g = (v: number | null | undefined): string =>
    v !== null && v !== undefined && !Number.isFinite(v) ? '—' : formatNumber(v, TABLE);
  const lines = [
    `### ${r.title}`,
    '',
    `${r.reason}; ${r.advice}.`,
    '',
    ...r.warnings.map((w) => `- ${w}`),
    '',
    '| module | kind | line | postStd sim | postStd torch | ‖∂W‖ sim | ‖∂W‖ torch | |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...r.layers.map(
      (l) =>
        `| ${l.module || '(model)'} | ${l.kind} | ${l.line ?? ''} | ${g(l.postStd)} | ${g(l.measured.postStd)} | ${g(l.weightGradNorm)} | ${g(l.measured.weightGradNorm)} | ${l.disagreement ? `**differs**: ${l.disagreement.replace(/\|/g, '\\|')}` : ''} |`,
    ),
  ];
  return lines.join('\n');
}
