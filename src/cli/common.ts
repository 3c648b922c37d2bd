import { InvalidArgumentError } from 'commander';
import { checkParams, getActivation, type ActivationDescriptor } from '../kernel';

/** A problem with what the user typed: printed as one line, exit code 2. */
export class UsageError extends Error {}

/** JSON with non-finite numbers as the strings "NaN", "Infinity", "-Infinity". */
export function toJson(value: unknown, indent = 2): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v),
    indent,
  );
}

/** Parses a number the way a user means it: 1e-3, -2, Infinity, -inf, nan. */
export function parseNumber(text: string, what: string): number {
  const t = text.trim().toLowerCase();
  if (t === 'nan') return NaN;
  if (t === 'inf' || t === 'infinity' || t === '+inf' || t === '+infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  if (t === '' || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) {
    throw new UsageError(`${what}: '${text}' is not a number`);
  }
  return Number(t);
}

export function lookupActivation(id: string): ActivationDescriptor {
  const a = getActivation(id);
  if (!a) throw new UsageError(`unknown activation '${id}' (see 'activation-lens list')`);
  return a;
}

/** commander collector for repeated `--param name=value`. */
export function collectParam(value: string, previous: string[]): string[] {
  if (!/^[A-Za-z_][A-Za-z0-9_]*=.+$/.test(value)) {
    throw new InvalidArgumentError(`expected name=value, got '${value}'`);
  }
  return [...previous, value];
}

/** Turns `name=value` pairs into params for `a`, refusing unknown names and values outside the
 * function's domain (src/kernel/params.ts). Returns only the parameters given. */
export function parseParams(
  a: ActivationDescriptor,
  pairs: readonly string[],
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    out[name] = parseNumber(pair.slice(eq + 1), `--param ${name}`);
  }
  const checked = checkParams(a, out);
  if (!checked.ok) throw new UsageError(checked.message);
  return out;
}
