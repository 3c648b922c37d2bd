/**
 * The editor side of the model check, without vscode: the command's options, input shapes typed
 * by the user and the lens titles. Pure.
 */
import type { FoundModel } from './read/index';

/** Options of the graph check command (all optional, checked at the door). */
export interface GraphCheckArgs {
  readonly inputShape?: readonly number[];
  /** Batch size of an inferred input (the reader's default is 8). */
  readonly batch?: number;
  readonly seed?: number;
  readonly dtype?: 'float32' | 'float64';
  readonly silent?: boolean;
}

/** The command's third argument, or a message saying what is wrong with it. */
export function parseGraphCheckArgs(v: unknown): GraphCheckArgs | string {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object') return 'the options must be an object';
  const o = v as Record<string, unknown>;
  const out: {
    inputShape?: number[];
    batch?: number;
    seed?: number;
    dtype?: 'float32' | 'float64';
    silent?: boolean;
  } = {};
  if (o['inputShape'] !== undefined) {
    const s = o['inputShape'];
    if (
      !Array.isArray(s) ||
      s.length === 0 ||
      s.some((d) => !Number.isInteger(d) || (d as number) <= 0)
    ) {
      return 'inputShape must be positive integers, e.g. [8, 3, 32, 32]';
    }
    out.inputShape = s as number[];
  }
  if (o['batch'] !== undefined) {
    if (!Number.isInteger(o['batch']) || (o['batch'] as number) < 1)
      return 'batch must be a positive integer';
    out.batch = o['batch'] as number;
  }
  if (o['seed'] !== undefined) {
    if (!Number.isInteger(o['seed']) || (o['seed'] as number) < 0)
      return 'seed must be a non-negative integer';
    out.seed = o['seed'] as number;
  }
  if (o['dtype'] !== undefined) {
    if (o['dtype'] !== 'float32' && o['dtype'] !== 'float64')
      return "dtype must be 'float32' or 'float64'";
    out.dtype = o['dtype'];
  }
  if (o['silent'] !== undefined) out.silent = o['silent'] === true;
  return out;
}

/** `8, 3, 32, 32` / `8x3x32x32` / `(8, 3, 32, 32)` → numbers, or undefined when not a shape. */
export function parseShapeText(text: string): number[] | undefined {
  const parts = text
    .replace(/[()[\]\s]/g, '')
    .split(/[,x×]/)
    .filter((p) => p !== '');
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p) || Number(p) <= 0)) return undefined;
  return parts.map(Number);
}

/** The lens title of a model only the graph reader checks: the action, or why not. */
export function graphLensTitle(m: FoundModel): string {
  if (m.checkable) return `Check gradient flow (${m.framework})`;
  const why = (m.reason ?? 'declined').replace(/\s+/g, ' ');
  if (/give an input shape/.test(why))
    return `Check gradient flow (${m.framework}, asks for an input shape)`;
  return `Not checkable: ${why.length > 90 ? `${why.slice(0, 87)}…` : why}`;
}
