/**
 * Messages of the gradient-flow feature: command arguments, host ↔ worker, host ↔ report webview.
 * zod-validated at every process boundary (the webview and the worker are other processes).
 */
// zod/mini: the same validation at a fraction of the bundle (extension and webview ship it).
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { INITS } from '../kernel/gradientFlow/init';

// zod/mini ships no messages; the command's errors are shown to users, so load English ones.
z.config(en());

/** More side-by-side runs than this stop being readable. */
export const MAX_RUNS = 6;

const isFinite = z.refine(Number.isFinite, 'must be finite');
const finite = z.number().check(isFinite);
const positiveFinite = z.number().check(isFinite, z.positive());
const rate = z.number().check(z.gte(0), z.lt(1));
const posInt = z.int().check(z.positive());
const str = (max: number, min = 0) => z.string().check(z.minLength(min), z.maxLength(max));

/** One run as the command accepts it (all optional but the activation), also the hover's `{activation, params}`. */
export const checkConfigSchema = z.strictObject({
  activation: str(64, 1),
  params: z.optional(z.record(str(64, 1), finite)),
  init: z.optional(z.enum(INITS)),
  gain: z.optional(positiveFinite),
  bias: z.optional(z.enum(['none', 'zeros', 'pytorch_default'])),
  depth: z.optional(posInt),
  width: z.optional(posInt),
  batch: z.optional(posInt),
  seed: z.optional(z.int().check(z.gte(0), z.lte(0xffffffff))),
  dropout: z.optional(rate),
  alphaDropout: z.optional(rate),
  clipNorm: z.optional(positiveFinite),
  dtype: z.optional(z.enum(['float64', 'float32'])),
});
export type CheckConfigArg = z.infer<typeof checkConfigSchema>;

/** The command's argument: one config, or several (side by side), or `{runs: [...]}`. */
const runs = z.array(checkConfigSchema).check(z.minLength(1), z.maxLength(MAX_RUNS));
const runsObjectSchema = z.strictObject({ runs });
export const commandArgSchema = z.union([checkConfigSchema, runs, runsObjectSchema]);

export interface ParsedCommandArg {
  readonly configs: CheckConfigArg[];
  /** An array was given (or `{runs}`): the command returns an array of reports. */
  readonly many: boolean;
}

/** Parses the command argument; throws an Error with a readable message when it is malformed. */
export function parseCommandArg(arg: unknown): ParsedCommandArg {
  // Pick the schema by shape first, so the message names the field that is wrong.
  const schema = Array.isArray(arg)
    ? runs
    : typeof arg === 'object' && arg !== null && 'runs' in arg
      ? runsObjectSchema
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
const num = z.nullable(z.number());

export const viewLayerSchema = z.object({
  layer: posInt,
  postMean: num,
  postStd: num,
  deadFraction: num,
  weightGradNorm: num,
  inputGradRms: num,
});

export const viewReportSchema = z.object({
  title: str(500),
  verdict: z.enum(['healthy', 'vanishing', 'exploding']),
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
});
export type ViewReport = z.infer<typeof viewReportSchema>;

export const toWebviewSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('reports'),
    reports: z.array(viewReportSchema).check(z.maxLength(MAX_RUNS)),
  }),
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
