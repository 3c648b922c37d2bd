/**
 * `activation-lens check --from model.py [--model Name]`: the plain check's options and output,
 * with the network read from a Python file instead of --activation/--depth/--width.
 */
import { readFile } from 'node:fs/promises';
import type { CheckSource, RawCheckOptions } from '../cli/check';
import { UsageError } from '../cli/common';
import { checkModel, ModelCheckError, type ModelCheckReport } from './check';
import { readModelsInText } from './parse';
import type { ReadModel } from './types';

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
] as const;

/** Picks the model to check: by name, else the only checkable one; UsageError otherwise. */
export function pickModel(models: readonly ReadModel[], file: string, name?: string): ReadModel {
  const list = models
    .map((m) => `${m.name} (line ${m.line}${m.status === 'ok' ? '' : ', not checkable'})`)
    .join(', ');
  if (models.length === 0) {
    throw new UsageError(
      `no model found in ${file} (looked for PyTorch nn.Sequential / nn.Module classes and Keras Sequential models)`,
    );
  }
  if (name !== undefined) {
    const hit =
      models.find((m) => m.name === name) ??
      models.find((m) => m.name.toLowerCase() === name.toLowerCase());
    if (!hit) throw new UsageError(`no model named '${name}' in ${file}; found: ${list}`);
    return hit;
  }
  const ok = models.filter((m) => m.status === 'ok');
  if (ok.length === 1) return ok[0]!;
  if (ok.length === 0 && models.length === 1) return models[0]!;
  if (ok.length === 0) throw new UsageError(`no model in ${file} can be checked: ${list}`);
  throw new UsageError(`${file} has ${ok.length} models; choose one with --model: ${list}`);
}

/** Reads `file`, picks the model and runs the check (UsageError for anything the user can fix). */
export async function checkModelFile(
  file: string,
  name: string | undefined,
  options: Parameters<typeof checkModel>[1] = {},
): Promise<ModelCheckReport> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${file}${code ? ` (${code})` : ''}`);
  }
  const model = pickModel(await readModelsInText(text), file, name);
  try {
    return checkModel(model, { ...options, source: file });
  } catch (e) {
    if (e instanceof ModelCheckError) throw new UsageError(e.message);
    throw e;
  }
}

/** The `--from` / `--model` source for `activation-lens check`. */
export function modelCheckSource(
  warn: (s: string) => void = (s) => process.stderr.write(`${s}\n`),
): CheckSource {
  return {
    options: [
      [
        '--from <file>',
        'read the network from a Python file: PyTorch nn.Sequential / nn.Module, Keras Sequential',
      ],
      ['--model <name>', 'with --from: the model to check when the file has several'],
    ],
    matches: (raw: RawCheckOptions) => raw['from'] !== undefined || raw['model'] !== undefined,
    async run(raw, common) {
      const file = raw['from'];
      if (typeof file !== 'string') throw new UsageError('--model needs --from <file>');
      const model = raw['model'];
      const clash: string[] = STACK_OPTIONS.filter(([k]) => raw[k] !== undefined).map(
        ([, flag]) => flag,
      );
      if (raw.param.length > 0) clash.push('--param');
      if (clash.length > 0) {
        throw new UsageError(`--from reads the layers from the file; drop ${clash.join(', ')}`);
      }
      const report = await checkModelFile(
        file,
        typeof model === 'string' ? model : undefined,
        common,
      );
      // Stdout carries the report (table or JSON); what was assumed goes to stderr.
      for (const n of report.model.notes) warn(`${file}:${n.line}: note: ${n.message}`);
      for (const f of report.findings) warn(`${file}:${f.line}: ${f.severity}: ${f.message}`);
      return report;
    },
  };
}
