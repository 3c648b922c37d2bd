/**
 * Messages of the gradient-flow feature: command arguments, host ↔ worker, host ↔ report webview.
 * zod-validated at every process boundary (the webview and the worker are other processes).
 */
// zod/mini: the same validation at a fraction of the bundle (extension and webview ship it).
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import {
  ARCHS,
  DTYPES,
  MAX_BATCH,
  MAX_STEPS,
  MAX_WIDTH,
  resolveCheckConfig,
  type CheckConfig,
} from '../kernel/gradientFlow/config';
import { BIAS_INITS, INITS } from '../kernel/gradientFlow/init';
import { MAX_DEPTH, NORMS } from '../kernel/gradientFlow/simulate';
import type { GradientFlowReport, GraphCheck, Thresholds } from '../kernel/gradientFlow';
import type { Graph } from '../kernel/graph/types';
import type { FoundModel } from '../model/read/index';
import type { SelfCheckResult } from '../kernel/selfCheck';

// zod/mini ships no messages; the command's errors are shown to users, so load English ones.
z.config(en());

/** More side-by-side runs than this stop being readable. */
export const MAX_RUNS = 6;

const isFinite = z.refine(Number.isFinite, 'must be finite');
const finite = z.number().check(isFinite);
const positiveFinite = z.number().check(isFinite, z.positive());
const rate = z.number().check(z.gte(0), z.lt(1));
const upTo = (max: number) => z.int().check(z.positive(), z.lte(max));
const str = (max: number, min = 0) => z.string().check(z.minLength(min), z.maxLength(max));

/**
 * One run as the command accepts it (all optional but the activation), also the hover's
 * `{activation, params}`. The fields' types and bounds come from the kernel's constants; the
 * combinations (which options a recurrent arch takes, an activation's parameter names) are
 * judged by resolveCheckConfig, the one validator every entry shares, run here as a refinement.
 */
export const checkConfigSchema = z
  .strictObject({
    activation: str(64, 1),
    params: z.optional(z.record(str(64, 1), finite)),
    init: z.optional(z.enum(INITS)),
    gain: z.optional(positiveFinite),
    bias: z.optional(z.enum(BIAS_INITS)),
    depth: z.optional(upTo(MAX_DEPTH)),
    width: z.optional(upTo(MAX_WIDTH)),
    batch: z.optional(upTo(MAX_BATCH)),
    seed: z.optional(z.int().check(z.gte(0), z.lte(0xffffffff))),
    dropout: z.optional(rate),
    alphaDropout: z.optional(rate),
    clipNorm: z.optional(positiveFinite),
    dtype: z.optional(z.enum(DTYPES)),
    norm: z.optional(z.enum(NORMS)),
    residual: z.optional(z.boolean()),
    arch: z.optional(z.enum(ARCHS)),
    steps: z.optional(upTo(MAX_STEPS)),
    // Bounds checked by resolveThresholds (via resolveCheckConfig below), one message for all.
    ratioLimit: z.optional(finite),
    deadWarning: z.optional(finite),
  })
  .check(
    z.superRefine((c, ctx) => {
      try {
        resolveCheckConfig(c as CheckConfig);
      } catch (e) {
        ctx.issues.push({ code: 'custom', message: (e as Error).message, input: c });
      }
    }),
  );
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
  let r: ReturnType<typeof commandArgSchema.safeParse>;
  try {
    // Pick the schema by shape first, so the message names the field that is wrong.
    const schema = Array.isArray(arg)
      ? runs
      : typeof arg === 'object' && arg !== null && 'runs' in arg
        ? runsObjectSchema
        : typeof arg === 'object' && arg !== null
          ? checkConfigSchema
          : commandArgSchema;
    r = schema.safeParse(arg);
  } catch {
    // A getter or proxy threw while being read: one line, not its stack.
    throw new Error('invalid gradient-flow options: not plain data');
  }
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

/** A document as the model reader in the worker sees it: its tree is cached by uri + version and
 * re-parsed incrementally from the previous version. */
export interface WorkerDocument {
  readonly uri: string;
  readonly version: number;
  readonly text: string;
  /** On disk: the package's other files are read from beside it. */
  readonly path?: string;
  /** activationLens.python.maxFileSizeKB as the host configured it (the worker has its own). */
  readonly maxChars: number;
}

/** Build `expr` from the document and run its graph (the model check, all off the host). */
export interface BuildAndCheck {
  readonly doc: WorkerDocument;
  readonly expr: string;
  readonly framework?: FoundModel['framework'];
  readonly inputShape?: readonly number[];
  readonly batch?: number;
  readonly seed: number;
  readonly dtype: 'float32' | 'float64';
  /** The framework named in the report's config and title. */
  readonly shownFramework: string;
  readonly thresholds: Thresholds;
  readonly ratioLimit: number;
  readonly deadWarning: number;
}

/** What the host needs of a built model besides its report (diagnostics, quick fixes). */
export interface BuiltModel {
  readonly graph: Graph;
  readonly inputShape: readonly number[];
  readonly notes: readonly string[];
}

/** One worker entry for every check: plain checks, a model's layer graph, the self-check; the
 * model reader's requests carry an `id` (that worker lives on and answers several). */
export type ToWorker =
  | { type: 'check'; configs: CheckConfigArg[] }
  | { type: 'graph'; check: GraphCheck }
  | { type: 'selfcheck' }
  | { type: 'models'; id: number; doc: WorkerDocument }
  | { type: 'build+check'; id: number; request: BuildAndCheck }
  | { type: 'forget'; uri: string };

/** Reports and self-check results travel by structured clone (NaN and ±Infinity survive). */
export type FromWorker =
  | { type: 'progress'; run: number; runs: number; step: number; total: number; id?: number }
  | { type: 'models'; id: number; models: FoundModel[]; declined?: string }
  | { type: 'checked'; id: number; report: GradientFlowReport; built: BuiltModel }
  | { type: 'declined'; id: number; reason: string }
  | { type: 'reports'; reports: GradientFlowReport[] }
  | { type: 'report'; report: GradientFlowReport }
  | { type: 'selfcheck'; result: SelfCheckResult }
  | { type: 'error'; message: string; input: boolean; id?: number };

// host ↔ webview: src/gradientFlow/view.ts (the report panel's own schemas).
