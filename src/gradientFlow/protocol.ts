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

// host ↔ webview: src/gradientFlow/view.ts (the report panel's own schemas).
