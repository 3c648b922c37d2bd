/**
 * Messages of the gradient-flow feature: command arguments, host ↔ worker, host ↔ report webview.
 * zod-validated at every process boundary (the webview and the worker are other processes).
 */
import { z } from 'zod';
import { INITS } from '../kernel/gradientFlow/init';

/** More side-by-side runs than this stop being readable. */
export const MAX_RUNS = 6;

const finite = z.number().refine(Number.isFinite, 'must be finite');
const rate = z.number().min(0).lt(1);
const posInt = z.number().int().positive();

/** One run as the command accepts it (all optional but the activation), also the hover's `{activation, params}`. */
export const checkConfigSchema = z
  .object({
    activation: z.string().min(1).max(64),
    params: z.record(z.string().min(1).max(64), finite).optional(),
    init: z.enum(INITS).optional(),
    gain: finite.positive().optional(),
    bias: z.enum(['none', 'zeros', 'pytorch_default']).optional(),
    depth: posInt.optional(),
    width: posInt.optional(),
    batch: posInt.optional(),
    seed: z.number().int().min(0).max(0xffffffff).optional(),
    dropout: rate.optional(),
    alphaDropout: rate.optional(),
    clipNorm: finite.positive().optional(),
    dtype: z.enum(['float64', 'float32']).optional(),
  })
  .strict();
export type CheckConfigArg = z.infer<typeof checkConfigSchema>;

/** The command's argument: one config, or several (side by side), or `{runs: [...]}`. */
export const commandArgSchema = z.union([
  checkConfigSchema,
  z.array(checkConfigSchema).min(1).max(MAX_RUNS),
  z.object({ runs: z.array(checkConfigSchema).min(1).max(MAX_RUNS) }).strict(),
]);

export interface ParsedCommandArg {
  readonly configs: CheckConfigArg[];
  /** An array was given (or `{runs}`): the command returns an array of reports. */
  readonly many: boolean;
}

/** Parses the command argument; throws an Error with a readable message when it is malformed. */
export function parseCommandArg(arg: unknown): ParsedCommandArg {
  // Pick the schema by shape first, so the message names the field that is wrong.
  const schema = Array.isArray(arg)
    ? z.array(checkConfigSchema).min(1).max(MAX_RUNS)
    : typeof arg === 'object' && arg !== null && 'runs' in arg
      ? z.object({ runs: z.array(checkConfigSchema).min(1).max(MAX_RUNS) }).strict()
      : typeof arg === 'object' && arg !== null
        ? checkConfigSchema
        : commandArgSchema;
  const r = schema.safeParse(arg);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue && issue.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new Error(`invalid gradient-flow options${where}: ${issue?.message ?? 'not understood'}`);
  }
  const v = r.data;
  if (Array.isArray(v)) return { configs: v, many: true };
  if ('runs' in v) return { configs: v.runs, many: true };
  return { configs: [v], many: false };
}

// ── host ↔ worker ───────────────────────────────────────────────────────────────────────────

export type ToWorker = { type: 'check'; configs: CheckConfigArg[] } | { type: 'selfcheck' };

/** Reports and self-check results travel by structured clone (NaN and ±Infinity survive). */
export type FromWorker =
  | { type: 'progress'; run: number; runs: number; step: number; total: number }
  | { type: 'reports'; reports: unknown[] }
  | { type: 'selfcheck'; result: unknown }
  | { type: 'error'; message: string; input: boolean };

// ── host ↔ webview ──────────────────────────────────────────────────────────────────────────

// postMessage to a webview goes through JSON: non-finite numbers travel as null.
const num = z.number().nullable();

export const viewLayerSchema = z.object({
  layer: posInt,
  postMean: num,
  postStd: num,
  deadFraction: num,
  weightGradNorm: num,
  inputGradRms: num,
});

export const viewReportSchema = z.object({
  title: z.string().max(500),
  verdict: z.enum(['healthy', 'vanishing', 'exploding']),
  reason: z.string().max(2000),
  advice: z.string().max(2000),
  warnings: z.array(z.string().max(2000)).max(50),
  layers: z.array(viewLayerSchema).max(100_000),
  selfNormalisation: z.array(z.object({ layer: posInt, pass: z.boolean() })).max(100_000),
  clipping: z
    .object({ maxNorm: num, totalNormBefore: num, totalNormAfter: num, coefficient: num })
    .nullable(),
  totalGradNorm: num,
  elapsedMs: num,
});
export type ViewReport = z.infer<typeof viewReportSchema>;

export const toWebviewSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('reports'), reports: z.array(viewReportSchema).max(MAX_RUNS) }),
]);
export type ToWebview = z.infer<typeof toWebviewSchema>;

export const fromWebviewSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('export'), format: z.enum(['json', 'markdown']) }),
]);
export type FromWebview = z.infer<typeof fromWebviewSchema>;

export function parseFromWebview(raw: unknown): FromWebview | undefined {
  const r = fromWebviewSchema.safeParse(raw);
  return r.success ? r.data : undefined;
}
export function parseToWebview(raw: unknown): ToWebview | undefined {
  const r = toWebviewSchema.safeParse(raw);
  return r.success ? r.data : undefined;
}

const orNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** The report as the webview needs it (JSON-safe). */
export function toViewReport(r: {
  title: string;
  verdict: 'healthy' | 'vanishing' | 'exploding';
  reason: string;
  advice: string;
  warnings: readonly string[];
  layers: readonly {
    layer: number;
    postMean: number;
    postStd: number;
    deadFraction: number;
    weightGradNorm: number;
    inputGradRms: number;
  }[];
  selfNormalisation: readonly { layer: number; pass: boolean }[];
  clipping: {
    maxNorm: number;
    totalNormBefore: number;
    totalNormAfter: number;
    coefficient: number;
  } | null;
  totalGradNorm: number;
  elapsedMs: number;
}): ViewReport {
  return {
    title: r.title,
    verdict: r.verdict,
    reason: r.reason,
    advice: r.advice,
    warnings: [...r.warnings],
    layers: r.layers.map((l) => ({
      layer: l.layer,
      postMean: orNull(l.postMean),
      postStd: orNull(l.postStd),
      deadFraction: orNull(l.deadFraction),
      weightGradNorm: orNull(l.weightGradNorm),
      inputGradRms: orNull(l.inputGradRms),
    })),
    selfNormalisation: r.selfNormalisation.map((s) => ({ layer: s.layer, pass: s.pass })),
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
  };
}
