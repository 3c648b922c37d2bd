/**
 * "Check with PyTorch": what python/torch_check.py prints, read and validated; which interpreter
 * runs it; its command line. Pure (no `vscode`, no child processes) so that it is unit-tested as is.
 */
import * as z from 'zod/mini';
import { parseShapeText } from '../model/graphLens';

/** Non-finite numbers arrive as the strings Python's side writes ("NaN", "Infinity", "-Infinity"). */
const num = z.pipe(
  z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]),
  z.transform((v): number =>
    typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : -Infinity,
  ),
);
const shape = z.array(z.int().check(z.gte(0)));

/** One leaf module as PyTorch measured it: the simulation's row fields. */
const rowSchema = z.object({
  module: z.string(),
  kind: z.string(),
  outputShape: shape,
  line: z.nullable(z.int()),
  postMean: z.nullable(num),
  postStd: z.nullable(num),
  weightGradNorm: z.nullable(num),
  biasGradNorm: z.nullable(num),
  inputGradRms: z.nullable(num),
});
export type MeasuredRow = z.infer<typeof rowSchema>;

const okSchema = z.object({
  ok: z.literal(true),
  engine: z.literal('torch'),
  torch: z.string(),
  python: z.string(),
  file: z.string(),
  model: z.string(),
  seed: z.int(),
  dtype: z.enum(['float32', 'float64']),
  layers: z.array(rowSchema),
  inputShape: shape,
  tokens: z.nullable(z.object({ vocab: z.int() })),
  outputShape: shape,
  parameters: z.int(),
  notes: z.array(z.string()),
  /** Leaf modules that ran more than once per forward: the protocol gives them no row. */
  repeated: z.optional(z.array(z.string())),
  // totalMs: wall time seen by the caller (interpreter start and torch import included).
  timing: z.object({ importMs: z.number(), runMs: z.number(), totalMs: z.optional(z.number()) }),
});
export type TorchCheckResult = z.infer<typeof okSchema>;

export const ERROR_KINDS = [
  'no_torch',
  'raised',
  'usage',
  'memory',
  'timeout',
  'cancelled',
  'spawn',
  'crashed',
] as const;
export type TorchErrorKind = (typeof ERROR_KINDS)[number];

const errSchema = z.object({
  ok: z.literal(false),
  error: z.object({
    kind: z.enum(ERROR_KINDS),
    message: z.string(),
    file: z.optional(z.string()),
    line: z.optional(z.int()),
  }),
});

/** Why a check with PyTorch gave no rows. `file`/`line`: where the user's code raised. */
export class TorchCheckError extends Error {
  override name = 'TorchCheckError';
  constructor(
    readonly kind: TorchErrorKind,
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(message);
  }

  /** One line for a terminal or a notification: `model.py:28: RuntimeError: …`. */
  oneLine(): string {
    const where = this.file
      ? `${this.file}${this.line !== undefined ? `:${this.line}` : ''}: `
      : '';
    return `${where}${this.message}`;
  }
}

/** Reads the script's stdout (one JSON object on its last non-empty line). */
export function parseTorchOutput(
  stdout: string,
  exitCode: number | null,
  stderr: string,
): TorchCheckResult {
  const last = stdout.trim().split('\n').pop() ?? '';
  let data: unknown;
  try {
    data = last ? JSON.parse(last) : undefined;
  } catch {
    data = undefined;
  }
  if (data === undefined) {
    const why = lastLine(stderr) ?? `exit code ${exitCode}`;
    throw new TorchCheckError('crashed', `the PyTorch check stopped without a result: ${why}`);
  }
  const err = errSchema.safeParse(data);
  if (err.success) {
    const e = err.data.error;
    throw new TorchCheckError(e.kind, e.message, e.file, e.line);
  }
  const ok = okSchema.safeParse(data);
  if (!ok.success) {
    throw new TorchCheckError(
      'crashed',
      `the PyTorch check printed an unexpected result (${ok.error.issues[0]?.message ?? 'invalid'})`,
    );
  }
  return ok.data;
}

function lastLine(text: string): string | undefined {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.pop();
}

export interface TorchCheckRequest {
  readonly file: string;
  /** A Python expression building the model: `ResNet18()`, `GPT(GPTConfig(n_layer=4))`. */
  readonly model: string;
  readonly inputShape?: readonly number[];
  readonly seed?: number;
  readonly dtype?: 'float32' | 'float64';
  readonly maxBatch?: number;
  readonly memoryMb?: number;
}

/** Arguments after the interpreter: the script and its options. */
export function torchCheckArgs(script: string, req: TorchCheckRequest): string[] {
  const args = [script, '--file', req.file, '--model', req.model];
  if (req.inputShape) args.push('--input-shape', req.inputShape.join(','));
  if (req.seed !== undefined) args.push('--seed', String(req.seed));
  if (req.dtype) args.push('--dtype', req.dtype);
  if (req.maxBatch !== undefined) args.push('--max-batch', String(req.maxBatch));
  if (req.memoryMb !== undefined) args.push('--memory-mb', String(req.memoryMb));
  return args;
}

export type PythonSource = 'python-extension' | 'setting' | 'default';

/** The interpreter: the Python extension's selected one, else the setting, else `python3`. */
export function choosePython(candidates: {
  readonly fromExtension?: string | undefined;
  readonly setting?: string | undefined;
  readonly platform?: NodeJS.Platform;
}): { readonly path: string; readonly source: PythonSource } {
  const ext = candidates.fromExtension?.trim();
  if (ext) return { path: ext, source: 'python-extension' };
  const set = candidates.setting?.trim();
  if (set) return { path: set, source: 'setting' };
  return { path: candidates.platform === 'win32' ? 'python' : 'python3', source: 'default' };
}

/** Parses `8,3,32,32` (also `8x3x32x32`, `(8, 3, 32, 32)`); throws a one-line Error. */
export function parseInputShape(text: string): number[] {
  const shape = parseShapeText(text);
  if (!shape)
    throw new Error(
      `input shape must be positive integers separated by commas (e.g. 8,3,32,32), got '${text}'`,
    );
  return shape;
}
