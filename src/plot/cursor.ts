/**
 * Finding the activation named at the cursor, for "Plot Activation at Cursor". A plain dotted-name
 * match against the kernel's spellings and ids; when the language recogniser (src/language) can
 * say more (parameters from the call), the adapter passes its result instead.
 */
import type { ActivationDescriptor } from '../kernel/registry';
import type { CurveRequest } from './protocol';

type Matchable = Pick<ActivationDescriptor, 'id'> & {
  readonly spellings: ReadonlyArray<{ readonly qualifiedName: string }>;
};

/** The dotted identifier (`torch.nn.functional.gelu`, `nn.GELU`) covering `offset`, if any. */
export function dottedNameAt(line: string, offset: number): string | undefined {
  const re = /[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    if (offset >= m.index && offset <= m.index + m[0].length) return m[0];
  }
  return undefined;
}

/**
 * The activation a dotted name refers to: a spelling whose qualified name ends with the name on
 * its dotted boundaries (`F.gelu` ↔ `torch.nn.functional.gelu` via the last part `gelu`, `nn.GELU`
 * ↔ `torch.nn.GELU`), else a kernel id. Longest suffix match wins; ties go to the first listed.
 */
export function activationForName(name: string, all: readonly Matchable[]): string | undefined {
  const parts = name.split('.');
  let best: { id: string; score: number } | undefined;
  for (const a of all) {
    for (const s of a.spellings) {
      const q = s.qualifiedName.split('.');
      let k = 0;
      while (
        k < parts.length &&
        k < q.length &&
        parts[parts.length - 1 - k] === q[q.length - 1 - k]
      )
        k++;
      if (k > 0 && (!best || k > best.score)) best = { id: a.id, score: k };
    }
  }
  if (best) return best.id;
  const last = parts[parts.length - 1];
  return all.find((a) => a.id === last)?.id;
}

/** The curve to plot for the text at a cursor, or `undefined` when nothing there is an activation. */
export function curveAtCursor(
  line: string,
  offset: number,
  all: readonly Matchable[],
): CurveRequest | undefined {
  const name = dottedNameAt(line, offset);
  const id = name && activationForName(name, all);
  return id ? { id, params: {} } : undefined;
}
