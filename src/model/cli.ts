/**
 * The model check on the command line (the scripting interface; keep it stable):
 *
 *   activation-lens models --from FILE [--json]
 *     {"models": [{"name", "line", "checkable", "reason"?, "framework", "kind", "expr"?,
 *                  "instantiations"}]} — every model class, Sequential and factory found.
 *
 *   activation-lens check --from FILE [--model EXPR] [--input-shape 8,3,32,32] [--seed N]
 *                         [--dtype float32|float64] [--clip-norm C] [--json] [--fail-on …]
 *     `layers`: one row per leaf module in execution order, each with `module`, `kind`,
 *     `outputShape`, `line` and the statistics; `verdict`; `assumptions` (what the reader assumed).
 *     EXPR is a class or factory name or a call with literal arguments (`GPT(GPTConfig(n_layer=4))`);
 *     without it the file's only checkable model is checked. float32 unless --dtype says otherwise.
 *
 * Bad input (unreadable file, unknown model, a model the reader declines): one line, exit 2.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CheckSource, RawCheckOptions, SourceOutput } from '../cli/check';
import { toJson, UsageError } from '../cli/common';
import type { Thresholds } from '../kernel/gradientFlow/verdict';
import { parseInputShape } from '../torch/protocol';
import { checkModelGraph, formatModelTable, type ModelGraphReport } from './graphCheck';
import { fileModuleResolver } from './read/files';
import { buildModel, readModels } from './read/frameworks';
import type { FoundModel } from './read/index';

/** Options of the plain check that describe a uniform stack: meaningless with --from. */
const STACK_OPTIONS = [
  ['activation', '--activation'],
  ['init', '--init'],
  ['gain', '--gain'],
  ['bias', '--bias'],
  ['depth', '--depth'],
  ['width', '--width'],
  ['dropout', '--dropout'],
  ['alphaDropout', '--alpha-dropout'],
  ['norm', '--norm'],
  ['arch', '--arch'],
  ['steps', '--steps'],
] as const;

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${file}${code ? ` (${code})` : ''}`);
  }
}

const listing = (models: readonly FoundModel[]): string =>
  models.map((m) => `${m.name} (line ${m.line}${m.checkable ? '' : ', not checkable'})`).join(', ');

/** The expression to check: the one given, else the only checkable model's. */
export function pickExpression(
  models: readonly FoundModel[],
  file: string,
  given?: string,
): { expr: string; model?: FoundModel } {
  if (given !== undefined) {
    const head = /^\s*([A-Za-z_]\w*)/.exec(given)?.[1];
    const model =
      models.find((m) => m.name === head) ??
      models.find((m) => m.name.toLowerCase() === head?.toLowerCase());
    // A bare name of a model found in the file checks that model as the reader would build it.
    const bare = /^\s*[A-Za-z_]\w*\s*$/.test(given);
    if (bare && !model)
      throw new UsageError(
        `no model named '${given.trim()}' in ${file}; found: ${listing(models) || 'none'}`,
      );
    if (bare && model) return { expr: model.expr ?? model.name, model };
    return { expr: given, ...(model ? { model } : {}) };
  }
  if (models.length === 0) {
    throw new UsageError(
      `no model found in ${file} (looked for PyTorch nn.Module classes, nn.Sequential and factories, Keras models, Flax modules)`,
    );
  }
  const ok = models.filter((m) => m.checkable);
  if (ok.length === 1) return { expr: ok[0]!.expr ?? ok[0]!.name, model: ok[0]! };
  if (ok.length === 0) {
    const only = models.length === 1 ? models[0]! : undefined;
    throw new UsageError(
      only
        ? `${only.name} (line ${only.line}) cannot be checked: ${only.reason ?? 'declined'}`
        : `no model in ${file} can be checked: ${listing(models)}`,
    );
  }
  throw new UsageError(
    `${file} has ${ok.length} checkable models; choose one with --model: ${listing(models)}`,
  );
}

/** Reads the file, builds the expression and runs the check (UsageError for what the user can fix). */
export async function checkModelExpression(
  file: string,
  given: string | undefined,
  options: {
    inputShape?: readonly number[];
    seed?: number;
    dtype?: 'float32' | 'float64';
    clipNorm?: number;
    batch?: number;
    thresholds?: Thresholds;
  },
): Promise<ModelGraphReport> {
  const text = await readText(file);
  // The package's other files (`from ..ops.misc import X`) are read from beside the file.
  const files = { path: file, resolveModule: fileModuleResolver };
  // A call is built as written; a name (or nothing) is looked up among the file's models first.
  const isCall = given !== undefined && !/^\s*[A-Za-z_]\w*\s*$/.test(given);
  const { models, declined } = isCall ? { models: [] } : await readModels(text, files);
  if (declined) throw new UsageError(`${file}: ${declined}`);
  const { expr, model } = isCall
    ? { expr: given, model: undefined }
    : pickExpression(models, file, given);
  const built = await buildModel(text, expr, {
    ...files,
    ...(model ? { framework: model.framework } : {}),
    ...(options.inputShape ? { inputShape: options.inputShape } : {}),
    ...(options.batch !== undefined ? { batch: options.batch } : {}),
  });
  if (!built.ok) throw new UsageError(`${expr} in ${file} cannot be checked: ${built.reason}`);
  const framework = model?.framework ?? built.framework ?? 'pytorch';
  try {
    return checkModelGraph(built, {
      framework,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.dtype ? { dtype: options.dtype } : {}),
      ...(options.clipNorm !== undefined ? { clipNorm: options.clipNorm } : {}),
      ...(options.thresholds ? { thresholds: options.thresholds } : {}),
    });
  } catch (e) {
    // The engine refuses a graph it cannot run (memory limit, a shape it disagrees with): one line.
    throw new UsageError(
      `${expr} in ${file}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
    );
  }
}

/** The `--from` / `--model` source for `activation-lens check`. */
export function modelCheckSource(): CheckSource {
  return {
    options: [
      ['--from <file>', 'check the model read from a Python file (PyTorch, Keras, Flax)'],
      [
        '--model <expr>',
        "with --from: the model to build, e.g. ResNet18() or 'GPT(GPTConfig(n_layer=4))'",
      ],
      ['--input-shape <dims>', 'input shape, e.g. 8,3,32,32 (default: from the first layer)'],
    ],
    matches: (raw: RawCheckOptions) => raw['from'] !== undefined || raw['model'] !== undefined,
    async run(raw, common): Promise<SourceOutput> {
      const file = raw['from'];
      if (typeof file !== 'string') throw new UsageError('--model needs --from <file>');
      const clash: string[] = STACK_OPTIONS.filter(([k]) => raw[k] !== undefined).map(
        ([, flag]) => flag,
      );
      if (raw.param.length > 0) clash.push('--param');
      if (clash.length > 0)
        throw new UsageError(`--from reads the layers from the file; drop ${clash.join(', ')}`);
      const shapeText = raw['inputShape'];
      let inputShape: number[] | undefined;
      if (typeof shapeText === 'string') {
        try {
          inputShape = parseInputShape(shapeText);
        } catch (e) {
          throw new UsageError(`--input-shape: ${(e as Error).message}`);
        }
      }
      const model = raw['model'];
      const report = await checkModelExpression(
        file,
        typeof model === 'string' ? model : undefined,
        {
          ...(inputShape ? { inputShape } : {}),
          ...(common.seed !== undefined ? { seed: common.seed } : {}),
          ...(common.dtype ? { dtype: common.dtype } : {}),
          ...(common.clipNorm !== undefined ? { clipNorm: common.clipNorm } : {}),
          ...(common.batch !== undefined ? { batch: common.batch } : {}),
          ...(common.thresholds ? { thresholds: common.thresholds } : {}),
        },
      );
      return {
        json: { file, ...report },
        table: formatModelTable(report, file),
        verdict: report.verdict,
      };
    },
  };
}

/** `activation-lens models --from FILE [--json]`. */
export function registerModels(program: Command, print: (s: string) => void): void {
  program
    .command('models')
    .description(
      'List the models of a Python file (PyTorch, Keras, Flax), checkable or not, with why not',
    )
    .requiredOption('--from <file>', 'the Python file')
    .option('--json', 'print {"models": [...]} as JSON')
    .action(async (raw: { from: string; json?: boolean }) => {
      const text = await readText(raw.from);
      const { models, declined } = await readModels(text, {
        path: raw.from,
        resolveModule: fileModuleResolver,
      });
      if (declined) throw new UsageError(`${raw.from}: ${declined}`);
      if (raw.json) {
        print(toJson({ models }));
        return;
      }
      if (models.length === 0) {
        print(`no model found in ${raw.from}`);
        return;
      }
      for (const m of models) {
        const what = m.checkable
          ? `checkable as ${m.expr ?? m.name}`
          : `not checkable: ${m.reason ?? 'declined'}`;
        print(`${raw.from}:${m.line}: ${m.name} (${m.framework} ${m.kind}) ${what}`);
      }
    });
}
