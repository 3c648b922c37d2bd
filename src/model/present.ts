/**
 * What the editor shows for a model: the settings it reads, the CodeLens title, the rows of the
 * "show layers" pick list, and the command's arguments. Pure, so it is tested without VS Code.
 */
import { scientific } from '../kernel/gradientFlow/magnitude';
import { summarize, type SummaryInput, type Tone } from '../gradientFlow/summary';
import type { Finding, ModelCheckReport } from './check';
import { coverageOf } from './coverage';
import { PythonTreeCache, pythonParser } from '../language/treeSitter';
import { readModels } from './parse';
import type { ReadModel } from './types';

/** `activationLens.codeLens.enabled` and `activationLens.diagnostics.enabled` (both default true). */
export interface ModelConfig {
  readonly codeLens: boolean;
  readonly diagnostics: boolean;
}

/** Normalises the raw setting values; anything but a boolean falls back to the default. */
export function readModelConfig(
  get: (key: 'codeLens.enabled' | 'diagnostics.enabled') => unknown,
): ModelConfig {
  const bool = (v: unknown): boolean => (typeof v === 'boolean' ? v : true);
  return { codeLens: bool(get('codeLens.enabled')), diagnostics: bool(get('diagnostics.enabled')) };
}

export const CHECK_TITLE = 'Check gradient flow';

/**
 * The CodeLens title: the action for a checkable model (naming what it will skip), the reason for
 * a declined one.
 */
export function lensTitle(m: ReadModel): string {
  if (m.status === 'ok') {
    const n = m.rows.length;
    const { skipped } = coverageOf(n, m.notes);
    const skips = skipped.length > 0 ? `; ${skipped.join('/')} skipped` : '';
    return `${CHECK_TITLE} (${n} ${m.framework === 'keras' ? 'Dense' : 'Linear'} layer${n === 1 ? '' : 's'}${skips})`;
  }
  const reason = m.reason ?? 'not understood';
  const short = reason.length > 80 ? `${reason.slice(0, 77)}…` : reason;
  return `Gradient flow: not checked — ${short}`;
}

/** The lenses after a check: its result (with the ratio for people), then Report and Re-run. */
export function resultLensTitles(r: SummaryInput): {
  result: string;
  report: string;
  rerun: string;
} {
  const s = summarize(r);
  return { result: `${s.icon} ${s.headline}`, report: 'Report', rerun: 'Re-run' };
}

/** The notification after a check: "model: partial (…) · healthy — advice". */
export function notificationText(
  name: string,
  r: SummaryInput & { advice: string },
): {
  text: string;
  tone: Tone;
} {
  const s = summarize(r);
  return { text: `${name}: ${s.headline} — ${r.advice}`, tone: s.tone };
}

/** One entry of the layer list; choosing it reveals `line` (1-based). */
export interface RowItem {
  readonly label: string;
  readonly description: string;
  readonly detail: string;
  readonly line: number;
  readonly severity: Finding['severity'] | null;
}

const fmt = (x: number): string => scientific(x, 3);

export function rowItems(r: ModelCheckReport): RowItem[] {
  return r.layers.map((l, i) => {
    const row = r.model.rows[i];
    const worst = r.findings
      .filter((f) => f.layer === l.layer)
      .reduce<Finding['severity'] | null>(
        (s, f) => (s === 'warning' || f.severity === 'warning' ? 'warning' : 'information'),
        null,
      );
    const act = row?.activation ? row.activation.id : 'linear';
    const drop = row?.alphaDropout
      ? ` · alpha dropout ${row.alphaDropout}`
      : row?.dropout
        ? ` · dropout ${row.dropout}`
        : '';
    return {
      label: `${worst === 'warning' ? '$(warning) ' : worst === 'information' ? '$(info) ' : ''}Layer ${l.layer} · ${l.name} · ${l.inFeatures}→${l.outFeatures} ${act}${drop}`,
      description: `line ${l.line}`,
      detail: `postMean ${fmt(l.postMean)} · postStd ${fmt(l.postStd)} · dead ${(100 * l.deadFraction).toFixed(1)}% · ‖∂L/∂W‖ ${fmt(l.weightGradNorm)} · rms ∂L/∂h_in ${fmt(l.inputGradRms)}`,
      line: l.line,
      severity: worst,
    };
  });
}

/** The check command's optional options argument. */
export interface CheckModelOptions {
  readonly batch?: number;
  readonly seed?: number;
  /** No notification, no pick list: just diagnostics and the returned report (tests, other extensions). */
  readonly silent?: boolean;
}

/** Validates the command's options object; a message for the user when it is wrong. */
export function parseCheckModelOptions(raw: unknown): CheckModelOptions | string {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    return 'options must be an object {batch?, seed?, silent?}';
  const o = raw as Record<string, unknown>;
  const out: { batch?: number; seed?: number; silent?: boolean } = {};
  if (o.batch !== undefined) {
    if (
      typeof o.batch !== 'number' ||
      !Number.isInteger(o.batch) ||
      o.batch <= 0 ||
      o.batch > 65536
    ) {
      return `batch must be an integer in [1, 65536], got ${String(o.batch)}`;
    }
    out.batch = o.batch;
  }
  if (o.seed !== undefined) {
    if (
      typeof o.seed !== 'number' ||
      !Number.isInteger(o.seed) ||
      o.seed < 0 ||
      o.seed > 0xffffffff
    ) {
      return `seed must be an integer in [0, 4294967295], got ${String(o.seed)}`;
    }
    out.seed = o.seed;
  }
  if (o.silent !== undefined) out.silent = o.silent === true;
  return out;
}

/** The model a command targets: by name, else the one around `cursorLine` (1-based), else the only one. */
export function modelAt(
  models: readonly ReadModel[],
  name: string | undefined,
  cursorLine: number | undefined,
): ReadModel | undefined {
  if (name !== undefined) return models.find((m) => m.name === name);
  if (cursorLine !== undefined) {
    const around = models.filter((m) => m.line <= cursorLine && cursorLine <= m.endLine);
    // Innermost first: a Sequential inside a class beats the class.
    around.sort((a, b) => a.endLine - a.line - (b.endLine - b.line));
    if (around[0]) return around[0];
  }
  return models.length === 1 ? models[0] : undefined;
}

/** Models per document version: one parse and one read per edit, shared by lenses and commands. */
export class DocumentModels {
  private readonly trees = new PythonTreeCache();
  private readonly read = new Map<string, { version: number; models: ReadModel[] }>();

  async models(key: string, version: number, text: () => string): Promise<ReadModel[]> {
    const hit = this.read.get(key);
    if (hit && hit.version === version) return hit.models;
    const tree = this.trees.get(await pythonParser(), key, version, text());
    const models = readModels(tree);
    this.read.set(key, { version, models });
    return models;
  }

  forget(key: string): void {
    this.trees.delete(key);
    this.read.delete(key);
  }
}
