/**
 * `activation-lens check --from FILE --model EXPR --engine torch [--python PATH] [--input-shape …]`:
 * the same rows as the simulation, measured by PyTorch in the given interpreter.
 */
import { resolve, dirname } from 'node:path';
import type { CheckSource, RawCheckOptions, SourceOutput } from '../cli/check';
import { UsageError } from '../cli/common';
import { formatNumber, TABLE } from '../kernel/format';
import { parseInputShape, TorchCheckError, type TorchCheckResult } from './protocol';
import { readFile } from 'node:fs/promises';
import { sideBySideMarkdown, sideBySideReport } from './report';
import { DEFAULT_TIMEOUT_MS, runTorchCheck } from './run';
import { readForTorch, type Reading } from './simulate';

const ENGINES = ['simulate', 'torch'] as const;

function str(raw: RawCheckOptions, key: string): string | undefined {
  const v = raw[key];
  return typeof v === 'string' ? v : undefined;
}

/** Fixed-width table of the measured rows. */
export function formatTorchTable(r: TorchCheckResult): string {
  const g = (v: number | null): string => formatNumber(v, TABLE);
  const header = ['module', 'kind', 'output', 'postStd', 'weightGrad', 'inputGradRms', 'line'];
  const body = r.layers.map((l) => [
    l.module || '(model)',
    l.kind,
    l.outputShape.join('×'),
    g(l.postStd),
    g(l.weightGradNorm),
    g(l.inputGradRms),
    l.line === null ? '' : String(l.line),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const head = [
    `${r.model} in ${r.file}: PyTorch ${r.torch} (${r.python}), ${r.dtype}, seed ${r.seed}, input ${r.inputShape.join('×')}${r.tokens ? ` token ids < ${r.tokens.vocab}` : ''}`,
    ...r.notes.map((n) => `note: ${n}`),
    '',
  ];
  return [...head, line(header), ...body.map(line)].join('\n');
}

/** The `--engine torch` source for `activation-lens check`. */
export function torchCheckSource(): CheckSource {
  return {
    options: [
      ['--engine <engine>', 'simulate (default) or torch: run the model with PyTorch in --python'],
      ['--python <path>', 'with --engine torch: the Python interpreter (default python3)'],
      ['--input-shape <dims>', 'input shape, e.g. 8,3,32,32 (default: from the first layer)'],
      ['--timeout <seconds>', 'with --engine torch: stop the run after this long (default 60)'],
      [
        '--compare',
        'with --engine torch: also simulate the model and print both columns, with where they differ',
      ],
    ],
    matches(raw) {
      const engine = str(raw, 'engine');
      if (engine !== undefined && !(ENGINES as readonly string[]).includes(engine))
        throw new UsageError(`--engine must be simulate or torch, got '${engine}'`);
      if (
        engine !== 'torch' &&
        (raw['python'] !== undefined ||
          raw['timeout'] !== undefined ||
          raw['compare'] !== undefined)
      )
        throw new UsageError('--python, --timeout and --compare need --engine torch');
      return engine === 'torch';
    },
    async run(raw, common): Promise<SourceOutput> {
      const file = str(raw, 'from');
      const model = str(raw, 'model');
      if (file === undefined || model === undefined)
        throw new UsageError(
          "--engine torch needs --from FILE and --model EXPR (e.g. --model 'ResNet18()')",
        );
      if (common.clipNorm !== undefined)
        throw new UsageError('--clip-norm is not available with --engine torch');
      if (common.batch !== undefined)
        throw new UsageError('with --engine torch give the batch in --input-shape');
      let inputShape: number[] | undefined;
      const shapeText = str(raw, 'inputShape');
      if (shapeText !== undefined) {
        try {
          inputShape = parseInputShape(shapeText);
        } catch (e) {
          throw new UsageError(`--input-shape: ${(e as Error).message}`);
        }
      }
      let timeoutMs = DEFAULT_TIMEOUT_MS;
      const t = str(raw, 'timeout');
      if (t !== undefined) {
        const s = Number(t);
        if (!(s > 0 && Number.isFinite(s)))
          throw new UsageError(`--timeout must be a positive number of seconds, got '${t}'`);
        timeoutMs = s * 1000;
      }
      const path = resolve(file);
      const seed = common.seed ?? 0;
      const dtype = common.dtype ?? 'float32';
      let reading: Reading | undefined;
      if (raw['compare'] === true) {
        let text: string;
        try {
          text = await readFile(path, 'utf8');
        } catch (e) {
          throw new UsageError(
            `cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
          );
        }
        // The reader's inferred input goes to PyTorch too, so both columns see the same batch.
        reading = await readForTorch(text, model, {
          ...(inputShape ? { inputShape } : {}),
          seed,
          dtype,
        });
        inputShape = reading.inputShape ? [...reading.inputShape] : inputShape;
      }
      try {
        const measured = runTorchCheck(
          { file: path, model, ...(inputShape ? { inputShape } : {}), seed, dtype },
          { python: str(raw, 'python') ?? 'python3', timeoutMs, cwd: dirname(path) },
        );
        // The engine runs while the interpreter starts.
        const simulated = reading?.simulate();
        const result = await measured;
        if (simulated) {
          const report = sideBySideReport(result, simulated);
          return { json: report, table: sideBySideMarkdown(report) };
        }
        return { json: result, table: formatTorchTable(result) };
      } catch (e) {
        if (e instanceof TorchCheckError) throw new UsageError(e.oneLine());
        throw e;
      }
    },
  };
}
