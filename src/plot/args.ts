/** What the plot commands accept as arguments, validated (commands are callable by anyone). */
import * as z from 'zod/mini';
import { MAX_CURVES, curveRequestSchema, type CurveRequest } from './protocol';

const oneOrMany = z.union([
  z.pipe(
    z.string().check(z.minLength(1), z.maxLength(64)),
    z.transform((id: string): CurveRequest[] => [{ id }]),
  ),
  z.pipe(
    curveRequestSchema,
    z.transform((c: CurveRequest): CurveRequest[] => [c]),
  ),
  z.array(curveRequestSchema).check(z.minLength(1), z.maxLength(MAX_CURVES * 4)),
]);

interface IssueLike {
  readonly code?: string;
  readonly message: string;
  readonly path: readonly PropertyKey[];
  readonly errors?: readonly (readonly IssueLike[])[];
}

/**
 * The custom definition's own complaint ('nested deeper than 64', 'unknown function') from inside
 * the union's alternatives, which zod otherwise sums up as 'Invalid input'.
 */
function customIssue(issues: readonly IssueLike[]): IssueLike | undefined {
  for (const i of issues) {
    if (i.code === 'custom') return i;
    for (const alt of i.errors ?? []) {
      const found = customIssue(alt);
      if (found) return { ...found, path: [...i.path, ...found.path] };
    }
  }
  return undefined;
}

export type PlotArgs =
  | { kind: 'none' }
  | { kind: 'curves'; curves: CurveRequest[] }
  | { kind: 'invalid'; message: string };

/**
 * `executeCommand('activationLens.plot', {id, params})`, a command link's `[{id, params}]`
 * (which VS Code spreads into the first argument), a bare id, or nothing (then the quick pick).
 * Extra arguments that VS Code passes from menus (the editor's URI) are ignored.
 */
export function parsePlotArgs(args: readonly unknown[]): PlotArgs {
  const first = args[0];
  if (first === undefined || first === null) return { kind: 'none' };
  // From the editor context menu VS Code passes the resource URI: not a curve request.
  if (typeof first === 'object' && !Array.isArray(first) && 'scheme' in first && 'path' in first)
    return { kind: 'none' };
  const r = oneOrMany.safeParse(first);
  if (r.success) return { kind: 'curves', curves: r.data };
  const issue = customIssue(r.error.issues) ?? r.error.issues[0];
  return {
    kind: 'invalid',
    message: `Activation Lens: the plot command expects {id, params} or a list of them${issue ? ` (${issue.path.join('.') || 'argument'}: ${issue.message})` : ''}.`,
  };
}
