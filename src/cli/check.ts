/**
 * `activation-lens check` (the gradient-flow check) and `activation-lens selfcheck`.
 *
 * All option parsing lives in `checkOptions` / `toCheckConfig`; other sources of a network (the
 * model check's `--from model.py`) plug in as a CheckSource, which adds its own options and,
 * when its options are present, builds the report instead of the uniform stack.
 */
import { Command, Option } from 'commander';
import {
  GradientFlowInputError,
  INITS,
  VERDICTS,
  formatTable,
  reportToJson,
  resolveCheckConfig,
  resolveThresholds,
  runCheck,
  type CheckConfig,
  type Dtype,
  type GradientFlowReport,
  type Thresholds,
  type Verdict,
} from '../kernel/gradientFlow';
import { runSelfCheck, selfCheckTable } from '../kernel/selfCheck';
import {
  collectParam,
  lookupActivation,
  parseNumber,
  parseParams,
  toJson,
  UsageError,
} from './common';

/** The raw commander options of `check` (strings as typed). */
export interface RawCheckOptions {
  activation?: string;
  param: string[];
  init?: string;
  gain?: string;
  bias?: string;
  depth?: string;
  width?: string;
  batch?: string;
  seed?: string;
  alphaDropout?: string;
  dropout?: string;
  clipNorm?: string;
  dtype?: string;
  norm?: string;
  residual?: boolean;
  arch?: string;
  steps?: string;
  ratioLimit?: string;
  deadWarning?: string;
  json?: boolean;
  failOn?: string;
  [more: string]: unknown;
}

/** Options shared by every source of a network: sampling, precision, clipping. */
export interface CommonRunOptions {
  readonly batch?: number;
  readonly seed?: number;
  readonly dtype?: Dtype;
  readonly clipNorm?: number;
  /** --ratio-limit / --dead-warning, when either is given. */
  readonly thresholds?: Thresholds;
}

/** Another way to get a network to check (e.g. `--from model.py`). */
export interface CheckSource {
  /** [flags, description] pairs added to `check`. */
  readonly options: readonly (readonly [string, string])[];
  /** True when the user asked for this source (e.g. `--from` is present). */
  matches(raw: RawCheckOptions): boolean;
  run(
    raw: RawCheckOptions,
    common: CommonRunOptions,
  ): GradientFlowReport | SourceOutput | Promise<GradientFlowReport | SourceOutput>;
}

/** What a source prints itself when its result is not a gradient-flow report (`--engine torch`). */
export interface SourceOutput {
  readonly json: unknown;
  readonly table: string;
  /** For --fail-on, when the source judges one (the model check does). */
  readonly verdict?: Verdict;
}

function isSourceOutput(r: GradientFlowReport | SourceOutput): r is SourceOutput {
  return 'table' in r && 'json' in r;
}

export function parsePositiveInt(text: string, flag: string): number {
  const t = text.trim();
  if (!/^\+?\d+$/.test(t) || Number(t) <= 0)
    throw new UsageError(`${flag} must be a positive integer, got '${text}'`);
  const n = Number(t);
  if (!Number.isSafeInteger(n)) throw new UsageError(`${flag} is too large: '${text}'`);
  return n;
}

function parsePositive(text: string, flag: string): number {
  const v = parseNumber(text, flag);
  if (!(v > 0 && Number.isFinite(v)))
    throw new UsageError(`${flag} must be a positive number, got '${text}'`);
  return v;
}

export function parseFailOn(text: string | undefined): Verdict[] {
  if (text === undefined) return [];
  const parts = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  // An empty list would silently turn the gate off in a CI script that meant to set it.
  if (parts.length === 0) {
    throw new UsageError('--fail-on: empty (use vanishing, exploding or both, comma-separated)');
  }
  for (const p of parts) {
    if (!(VERDICTS as readonly string[]).includes(p) || p === 'healthy') {
      throw new UsageError(
        `--fail-on: '${p}' is not a verdict (use vanishing, exploding or both, comma-separated)`,
      );
    }
  }
  return parts as Verdict[];
}

export function parseCommon(raw: RawCheckOptions): CommonRunOptions {
  const out: {
    batch?: number;
    seed?: number;
    dtype?: Dtype;
    clipNorm?: number;
    thresholds?: Thresholds;
  } = {};
  if (raw.batch !== undefined) out.batch = parsePositiveInt(raw.batch, '--batch');
  if (raw.seed !== undefined) {
    const t = raw.seed.trim();
    if (!/^\d+$/.test(t) || Number(t) > 0xffffffff)
      throw new UsageError(`--seed must be an integer in [0, 4294967295], got '${raw.seed}'`);
    out.seed = Number(t);
  }
  if (raw.dtype !== undefined) {
    if (raw.dtype !== 'float64' && raw.dtype !== 'float32')
      throw new UsageError(`--dtype must be float64 or float32, got '${raw.dtype}'`);
    out.dtype = raw.dtype;
  }
  if (raw.clipNorm !== undefined) out.clipNorm = parsePositive(raw.clipNorm, '--clip-norm');
  if (raw.ratioLimit !== undefined || raw.deadWarning !== undefined) {
    const t = resolveThresholds(thresholdNumbers(raw));
    if (!t.ok) throw new UsageError(withFlag(t.message));
    out.thresholds = t.thresholds;
  }
  return out;
}

/**
 * resolveCheckConfig's names for the options, as the CLI spells them: its one-line refusals are
 * shown with the flag ("--dropout must be in [0, 1), got 1").
 */
const FLAG_OF: readonly (readonly [string, string])[] = [
  ['alpha dropout', '--alpha-dropout'],
  ['clip norm', '--clip-norm'],
  ['dropout', '--dropout'],
  ['depth', '--depth'],
  ['width', '--width'],
  ['batch', '--batch'],
  ['steps', '--steps'],
  ['seed', '--seed'],
  ['gain', '--gain'],
  ['residual', '--residual'],
  ['ratio limit', '--ratio-limit'],
  ['dead-unit warning', '--dead-warning'],
];

/** --ratio-limit and --dead-warning as numbers (resolveThresholds judges their range). */
function thresholdNumbers(raw: RawCheckOptions): { ratioLimit?: number; deadWarning?: number } {
  return {
    ...(raw.ratioLimit !== undefined
      ? { ratioLimit: parseNumber(raw.ratioLimit, '--ratio-limit') }
      : {}),
    ...(raw.deadWarning !== undefined
      ? { deadWarning: parseNumber(raw.deadWarning, '--dead-warning') }
      : {}),
  };
}

function withFlag(message: string): string {
  for (const [label, flag] of FLAG_OF)
    if (message.startsWith(`${label} `)) return flag + message.slice(label.length);
  return message;
}

/**
 * Turns the typed options into a CheckConfig. The CLI only reads text (numbers, names);
 * resolveCheckConfig, the one validator of a check configuration, judges the values.
 */
export function toCheckConfig(raw: RawCheckOptions): CheckConfig {
  // LSTM and GRU have their own nonlinearities; the activation only matters for the stack and nn.RNN.
  const activation =
    raw.activation ?? (raw.arch === 'lstm' || raw.arch === 'gru' ? 'tanh' : undefined);
  if (activation === undefined)
    throw new UsageError("--activation is required (see 'activation-lens list')");
  const a = lookupActivation(activation);
  const num = (text: string | undefined, flag: string): number | undefined =>
    text === undefined ? undefined : parseNumber(text, flag);
  const numbers = {
    gain: num(raw.gain, '--gain'),
    depth: num(raw.depth, '--depth'),
    width: num(raw.width, '--width'),
    batch: num(raw.batch, '--batch'),
    seed: num(raw.seed, '--seed'),
    dropout: num(raw.dropout, '--dropout'),
    alphaDropout: num(raw.alphaDropout, '--alpha-dropout'),
    clipNorm: num(raw.clipNorm, '--clip-norm'),
    steps: num(raw.steps, '--steps'),
    ...thresholdNumbers(raw),
  };
  // Names pass through as typed; a wrong one is refused below with the list of right ones.
  const names = {
    init: raw.init as CheckConfig['init'],
    bias: raw.bias as CheckConfig['bias'],
    dtype: raw.dtype as CheckConfig['dtype'],
    norm: raw.norm as CheckConfig['norm'],
    arch: raw.arch as CheckConfig['arch'],
  };
  const config: CheckConfig = {
    activation: a.id,
    params: parseParams(a, raw.param),
    ...Object.fromEntries(
      Object.entries({ ...numbers, ...names }).filter(([, v]) => v !== undefined),
    ),
    ...(raw.residual ? { residual: true } : {}),
  };
  try {
    resolveCheckConfig(config);
  } catch (e) {
    if (e instanceof GradientFlowInputError) throw new UsageError(withFlag(e.message));
    throw e;
  }
  return config;
}

export function registerCheck(
  program: Command,
  print: (s: string) => void,
  sources: readonly CheckSource[] = [],
): void {
  const check = program
    .command('check')
    .description(
      'Simulate a deep stack (or a model) and report per-layer gradient flow: the verdict, SELU self-normalisation, dead units',
    )
    .option('-a, --activation <id>', 'activation kernel id (see `list`)')
    .option(
      '-p, --param <name=value>',
      'activation parameter, repeatable',
      collectParam,
      [] as string[],
    )
    .addOption(
      new Option(
        '--init <init>',
        `weight init: ${INITS.join(', ')} (default: he_normal for the ReLU family, lecun_normal for selu, else xavier_normal)`,
      ),
    )
    .option('--gain <g>', 'multiply the init scale, as torch.nn.init gain (default 1)')
    .option('--bias <init>', 'bias: none (default), zeros, pytorch_default (U(±1/√fan_in))')
    .option('--depth <L>', 'number of layers (default 32; stacked recurrent layers, default 1)')
    .option('--width <N>', 'units per layer (default 256)')
    .option('--batch <B>', 'rows of the input batch (default 256)')
    .option('--seed <S>', 'random seed, integer (default 0)')
    .option('--alpha-dropout <p>', 'AlphaDropout rate after each activation, training mode')
    .option('--dropout <p>', 'inverted dropout rate after each activation, training mode')
    .option(
      '--clip-norm <c>',
      'clip all gradients to this global L2 norm (clip_grad_norm_) and report the norm before and after',
    )
    .option('--dtype <dtype>', 'float64 (default) or float32')
    .option(
      '--norm <norm>',
      'after each linear map: none (default), batch (BatchNorm1d), layer (LayerNorm)',
    )
    .option('--residual', "add each layer's input to its output (h = act(…) + h_prev)")
    .option(
      '--arch <arch>',
      'mlp (default), or a recurrent net over --steps: rnn (tanh or relu), lstm, gru',
    )
    .option('--steps <T>', 'time steps of a recurrent net (default 32)')
    .option(
      '--ratio-limit <orders>',
      'orders of magnitude of first-to-last gradient ratio beyond which the verdict is vanishing or exploding (default 3)',
    )
    .option(
      '--dead-warning <fraction>',
      'warn about a layer from this fraction of dead units on (default 0.05)',
    )
    .option('--json', 'print the report as JSON')
    .option('--fail-on <verdicts>', 'exit 1 when the verdict is one of these: vanishing,exploding');
  // Two sources may share a flag (--input-shape): the first one declares it.
  for (const s of sources)
    for (const [flags, desc] of s.options) {
      const long = /--[\w-]+/.exec(flags)?.[0];
      if (!check.options.some((o) => o.long === long)) check.option(flags, desc);
    }
  check.action(async (raw: RawCheckOptions) => {
    const failOn = parseFailOn(raw.failOn);
    let report: GradientFlowReport;
    try {
      const source = sources.find((s) => s.matches(raw));
      const result = source
        ? await source.run(raw, parseCommon(raw))
        : runCheck(toCheckConfig(raw));
      if (isSourceOutput(result)) {
        print(raw.json ? toJson(result.json) : result.table);
        if (result.verdict && failOn.includes(result.verdict)) process.exitCode = 1;
        return;
      }
      report = result;
    } catch (e) {
      if (e instanceof GradientFlowInputError) throw new UsageError(withFlag(e.message));
      throw e;
    }
    print(raw.json ? toJson(reportToJson(report)) : formatTable(report));
    if (failOn.includes(report.verdict)) process.exitCode = 1;
  });

  program
    .command('selfcheck')
    .description(
      "Check every kernel's f′ and f″ against numeric derivatives; time each relative to ReLU",
    )
    .option('--json', 'print the results as JSON')
    .action((opts: { json?: boolean }) => {
      const r = runSelfCheck();
      print(opts.json ? toJson(r) : selfCheckTable(r));
      if (!r.pass) process.exitCode = 1;
    });
}
