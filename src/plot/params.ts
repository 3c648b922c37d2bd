import { formatNumber } from '../kernel/format';
import { checkParams } from '../kernel/params';
import type { ParamSpec } from '../kernel/types';

export interface Clamped {
  readonly value: number;
  /** Set when the value was changed or refused: shown to the user. */
  readonly note?: string;
}

const fmt = (v: number): string => formatNumber(v, { digits: 6 });

/**
 * A parameter value the kernel can plot: inside the spec's range, never NaN. A non-finite value is
 * refused (the fallback is kept), an out-of-range one clamped; either way the note says so.
 */
export function clampParam(
  spec: ParamSpec,
  value: unknown,
  fallback: number = spec.default,
): Clamped {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return {
      value: fallback,
      note: `${spec.name}: '${String(value)}' is not a number; kept ${fmt(fallback)}.`,
    };
  }
  if (value < spec.min)
    return {
      value: spec.min,
      note: `${spec.name} = ${fmt(value)} is below ${fmt(spec.min)}; clamped.`,
    };
  if (value > spec.max)
    return {
      value: spec.max,
      note: `${spec.name} = ${fmt(value)} is above ${fmt(spec.max)}; clamped.`,
    };
  return { value };
}

export interface NormalizedParams {
  readonly params: Record<string, number>;
  readonly notes: string[];
}

/**
 * Fills defaults for missing parameters, clamps the given ones and drops unknown names (with a
 * note), so every curve carries exactly its activation's parameters.
 */
export function normalizeParams(
  specs: readonly ParamSpec[],
  given: Readonly<Record<string, unknown>> | undefined,
  label: string,
  /** The activation's kernel id: clamped values the function itself refuses (RReLU lower >
   * upper, Hardtanh min ≥ max) fall back to the defaults, with the kernel's reason. */
  id?: string,
): NormalizedParams {
  const params: Record<string, number> = {};
  const notes: string[] = [];
  for (const spec of specs) {
    if (given && Object.prototype.hasOwnProperty.call(given, spec.name)) {
      const c = clampParam(spec, given[spec.name]);
      params[spec.name] = c.value;
      if (c.note) notes.push(`${label}: ${c.note}`);
    } else {
      params[spec.name] = spec.default;
    }
  }
  for (const name of Object.keys(given ?? {})) {
    if (!specs.some((s) => s.name === name))
      notes.push(`${label}: unknown parameter '${name}' ignored.`);
  }
  if (id !== undefined) {
    const checked = checkParams({ id, paramSpecs: specs }, params);
    if (!checked.ok) {
      for (const spec of specs) params[spec.name] = spec.default;
      notes.push(`${label}: ${checked.message}; defaults shown.`);
    }
  }
  return { params, notes };
}
