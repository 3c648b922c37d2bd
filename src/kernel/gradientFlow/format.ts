/** Text forms of a report: the CLI's table and the Markdown export (same numbers, same columns). */
import { formatNumber, percent, TABLE } from '../format';
import type { GradientFlowReport } from './index';

const num = (x: number): string => formatNumber(x, TABLE);

const HEAD = ['layer', 'postMean', 'postStd', 'dead %', '‖∂L/∂W‖', 'rms ∂L/∂h_in'] as const;

function rows(r: GradientFlowReport): string[][] {
  const selu = new Map(r.selfNormalisation.map((s) => [s.layer, s.pass]));
  return r.layers.map((l) => {
    const row = [
      String(l.layer),
      num(l.postMean),
      num(l.postStd),
      percent(l.deadFraction),
      num(l.weightGradNorm),
      num(l.inputGradRms),
    ];
    if (selu.size > 0) row.push(selu.has(l.layer) ? (selu.get(l.layer) ? 'in band' : 'OUT') : '');
    return row;
  });
}

function header(r: GradientFlowReport): string[] {
  return r.selfNormalisation.length > 0 ? [...HEAD, 'SELU band'] : [...HEAD];
}

const STEP_HEAD = ['step', 'rms ∂L/∂x_t', 'std h_t'] as const;

/** Recurrent runs: one row per time step (empty otherwise). */
function stepRows(r: GradientFlowReport): string[][] {
  return (r.steps ?? []).map((s) => [String(s.step), num(s.inputGradRms), num(s.hiddenStd)]);
}

function summaryLines(r: GradientFlowReport): string[] {
  const lines = [
    `verdict: ${r.partial ? `PARTIAL CHECK (${r.partial}) · ` : ''}${r.verdict.toUpperCase()} — ${r.reason}`,
    `advice: ${r.advice}`,
  ];
  if (r.clipping) {
    lines.push(
      `clip_grad_norm_(max_norm=${r.clipping.maxNorm}): total norm ${num(r.clipping.totalNormBefore)} → ${num(r.clipping.totalNormAfter)} (×${num(r.clipping.coefficient)})`,
    );
  } else {
    lines.push(`total gradient norm: ${num(r.totalGradNorm)}`);
  }
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines;
}

/** Plain-text table for terminals, right-aligned columns. */
export function formatTable(r: GradientFlowReport): string {
  const head = header(r);
  const body = rows(r);
  const widths = head.map((h, i) =>
    Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  return [
    r.title +
      `  (batch ${String(r.config['batch'] ?? '?')}, seed ${String(r.config['seed'] ?? '?')}, ${String(r.config['dtype'] ?? 'float64')}, ${r.elapsedMs.toFixed(0)} ms)`,
    line(head),
    ...body.map(line),
    ...stepTable(r),
    ...summaryLines(r),
  ].join('\n');
}

function stepTable(r: GradientFlowReport): string[] {
  const body = stepRows(r);
  if (body.length === 0) return [];
  const widths = STEP_HEAD.map((h, i) =>
    Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  return ['', line(STEP_HEAD), ...body.map(line), ''];
}

/** Markdown export: a heading, the summary and a GFM table. */
export function reportToMarkdown(r: GradientFlowReport): string {
  const head = header(r);
  const body = rows(r);
  const cfg = Object.entries(r.config)
    .map(
      ([k, v]) =>
        `\`${k}\`: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`,
    )
    .join(', ');
  return [
    `# Gradient-flow check: ${r.title}`,
    '',
    `**Verdict: ${r.partial ? `partial check (${r.partial}) · ` : ''}${r.verdict}** — ${r.reason}`,
    '',
    r.advice,
    '',
    cfg,
    '',
    ...summaryLines(r)
      .slice(2)
      .map((s) => `- ${s}`),
    '',
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---:').join(' | ')} |`,
    ...body.map((row) => `| ${row.join(' | ')} |`),
    '',
    ...(r.steps && r.steps.length > 0
      ? [
          `| ${STEP_HEAD.join(' | ')} |`,
          `| ${STEP_HEAD.map(() => '---:').join(' | ')} |`,
          ...stepRows(r).map((row) => `| ${row.join(' | ')} |`),
          '',
        ]
      : []),
  ].join('\n');
}

/** The report as JSON: config, layers (the reference's field names), verdict and the rest. */
export function reportToJson(r: GradientFlowReport): Record<string, unknown> {
  return {
    config: r.config,
    layers: r.layers.map((l) => ({
      layer: l.layer,
      postMean: l.postMean,
      postStd: l.postStd,
      deadFraction: l.deadFraction,
      weightGradNorm: l.weightGradNorm,
      inputGradRms: l.inputGradRms,
      ...(l.biasGradNorm !== null ? { biasGradNorm: l.biasGradNorm } : {}),
      ...(l.label !== undefined ? { label: l.label } : {}),
    })),
    verdict: r.verdict,
    gradRatioLog10: r.gradRatioLog10,
    reason: r.reason,
    ...(r.partial ? { partial: r.partial } : {}),
    ...(r.steps ? { steps: r.steps } : {}),
    advice: r.advice,
    selfNormalisation: r.selfNormalisation,
    warnings: r.warnings,
    totalGradNorm: r.totalGradNorm,
    clipping: r.clipping,
    elapsedMs: r.elapsedMs,
  };
}

/** JSON text with non-finite numbers as the strings "NaN", "Infinity", "-Infinity" (as the CLI). */
export function stringifyJson(value: unknown, indent = 2): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v),
    indent,
  );
}
