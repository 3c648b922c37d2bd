/**
 * The plot panel's messages between the extension host and the webview: one typed module for both
 * sides, validated at runtime with zod because the webview is another process (and a restored
 * state comes from disk). Malformed messages are dropped with a warning by `parse…` below.
 */
// zod/mini: the same validation at a quarter of the bundle (the webview ships it).
import * as z from 'zod/mini';
import { customDefSchema } from './custom';

/** More curves than this stop being readable in one chart. */
export const MAX_CURVES = 8;
/** Hard bounds on the x range anyone may ask for (beyond this, float spacing and exp overflow). */
export const X_LIMIT = 1e4;
export const MIN_SPAN = 1e-6;
export const DEFAULT_X_RANGE = Object.freeze([-5, 5] as const);

const finite = z.number().check(z.refine(Number.isFinite, 'must be finite'));
const str = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));
const id = str(1, 64);
const paramsSchema = z.record(str(1, 64), finite);

export const curveRequestSchema = z
  .object({
    id: z.optional(id),
    params: z.optional(paramsSchema),
    /** A definition from the user's file (the hover's link for an unmatched custom activation). */
    custom: z.optional(customDefSchema),
  })
  .check(z.refine((r) => r.id !== undefined || r.custom !== undefined, 'needs id or custom'));
/**
 * What the plot command accepts: `{id, params}`, `{custom: {name, expr, params}}`, or an array of
 * them (the hover's command link).
 */
export type CurveRequest = z.infer<typeof curveRequestSchema>;

export const seriesNames = ['f', 'df', 'd2f'] as const;
export type SeriesName = (typeof seriesNames)[number];

export const curveStateSchema = z.object({
  /** Stable per panel (`c1`, `c2`, …): the same activation may be plotted twice with other params. */
  key: str(1, 16),
  id,
  params: paramsSchema,
  /** Set on custom curves (id `custom:<name>`): the definition itself, so a reload can redraw it. */
  custom: z.optional(customDefSchema),
});
export type CurveState = z.infer<typeof curveStateSchema>;

export const plotStateSchema = z
  .object({
    version: z.literal(1),
    curves: z.array(curveStateSchema).check(z.maxLength(MAX_CURVES)),
    xMin: finite,
    xMax: finite,
    /** `null` = fit the data. */
    yMin: z.nullable(finite),
    yMax: z.nullable(finite),
    series: z.object({ f: z.boolean(), df: z.boolean(), d2f: z.boolean() }),
    shade: z.object({ vanish: z.boolean(), explode: z.boolean() }),
    /** Datasets hidden from the legend, as `${curveKey}:${series}`. */
    hidden: z.array(str(0, 32)).check(z.maxLength(MAX_CURVES * 3)),
    /** The curve whose gradient regions are shaded. */
    focus: z.nullable(str(0, 16)),
  })
  .check(
    z.refine((s) => s.xMin < s.xMax, 'xMin must be less than xMax'),
    z.refine(
      (s) => s.yMin === null || s.yMax === null || s.yMin < s.yMax,
      'yMin must be less than yMax',
    ),
  );
export type PlotState = z.infer<typeof plotStateSchema>;

const notice = z.object({
  level: z.enum(['info', 'warning', 'error']),
  message: str(0, 2000),
});
export type Notice = z.infer<typeof notice>;

/** Host → webview. */
export const toWebviewSchema = z.discriminatedUnion('type', [
  /** Replace the whole state (first load, a command added or replaced curves). */
  z.object({ type: z.literal('setState'), state: plotStateSchema }),
  z.object({ type: z.literal('notice'), notice }),
  z.object({
    type: z.literal('exportResult'),
    kind: z.enum(['png', 'csv']),
    ok: z.boolean(),
    message: str(0, 2000),
  }),
]);
export type ToWebviewMessage = z.infer<typeof toWebviewSchema>;

/** A 4k PNG of a line chart is a few hundred kB; anything far beyond is not ours. */
export const MAX_EXPORT_CHARS = 32 * 1024 * 1024;
const fileName = z
  .string()
  .check(z.minLength(1), z.maxLength(128), z.regex(/^[\w.\- ]+$/, 'plain file name'));

/** Webview → host. */
export const fromWebviewSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  /** The panel's Add button: the host shows the activation picker. */
  z.object({ type: z.literal('pickActivations') }),
  z.object({ type: z.literal('stateChanged'), state: plotStateSchema }),
  z.object({
    type: z.literal('exportPng'),
    dataUrl: z
      .string()
      .check(
        z.maxLength(MAX_EXPORT_CHARS),
        z.regex(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/, 'PNG data URL'),
      ),
    fileName,
  }),
  z.object({
    type: z.literal('exportCsv'),
    csv: z.string().check(z.maxLength(MAX_EXPORT_CHARS)),
    fileName,
  }),
  z.object({
    type: z.literal('log'),
    level: z.enum(['info', 'warn', 'error']),
    message: str(0, 2000),
  }),
]);
export type FromWebviewMessage = z.infer<typeof fromWebviewSchema>;

export type Warn = (message: string) => void;

function parseWith<T>(
  schema: z.ZodMiniType<T>,
  side: string,
  raw: unknown,
  warn: Warn,
): T | undefined {
  // Never throws: a getter, a proxy or a `type` without a string form must not reach the host's
  // message loop as an exception (postMessage's JSON cannot build them; a bug or a test can).
  let problem: string;
  try {
    const r = schema.safeParse(raw);
    if (r.success) return r.data;
    const issue = r.error.issues[0];
    problem = issue
      ? `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`
      : 'invalid';
  } catch {
    problem = 'not plain data';
  }
  warn(`activation-lens: dropped a malformed ${side} message (type '${typeOf(raw)}'): ${problem}`);
  return undefined;
}

function typeOf(raw: unknown): string {
  try {
    const t: unknown = (raw as { type?: unknown } | null)?.type;
    return typeof t === 'string' ? t.slice(0, 40) : '?';
  } catch {
    return '?';
  }
}

/** Validates a message that arrived in the webview; `undefined` (and a warning) when malformed. */
export function parseToWebview(raw: unknown, warn: Warn): ToWebviewMessage | undefined {
  return parseWith(toWebviewSchema, 'host→webview', raw, warn);
}

/** Validates a message that arrived in the host; `undefined` (and a warning) when malformed. */
export function parseFromWebview(raw: unknown, warn: Warn): FromWebviewMessage | undefined {
  return parseWith(fromWebviewSchema, 'webview→host', raw, warn);
}

/** A persisted or restored state; `undefined` when it is not one of ours (or from an old version). */
export function parsePlotState(raw: unknown): PlotState | undefined {
  try {
    const r = plotStateSchema.safeParse(raw);
    return r.success ? r.data : undefined;
  } catch {
    return undefined; // a getter or proxy threw: not a state of ours
  }
}
