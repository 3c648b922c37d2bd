/** Quick-pick items for "Plot Activation…" and "Compare Activations…" (pure; the adapter shows them). */
import type { ActivationDescriptor } from '../kernel/registry';

export interface ActivationPickItem {
  readonly id: string;
  readonly label: string;
  /** The framework spellings, so typing `nn.GELU` or `jax.nn.gelu` finds the entry. */
  readonly description: string;
  /** The one-line summary. */
  readonly detail: string;
}

type Pickable = Pick<ActivationDescriptor, 'id' | 'name' | 'summary'> & {
  readonly spellings: ReadonlyArray<{ readonly qualifiedName: string }>;
};

const SUPERSCRIPT: Readonly<Record<string, string>> = Object.fromEntries(
  [...'0123456789+-−()xnαβ'].map((c, i) => [c, '⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁽⁾ˣⁿᵅᵝ'[i] ?? c]),
);

/**
 * A summary as plain text for a quick pick, which shows no TeX: `e^{−x}` → e⁻ˣ, and a
 * superscript with no Unicode form (`e^{x/α}`) → e^(x/α).
 */
export function plainText(s: string): string {
  return s.replace(/\^\{([^{}]*)\}/g, (_m, body: string) => {
    const chars = [...body];
    return chars.every((c) => c in SUPERSCRIPT)
      ? chars.map((c) => SUPERSCRIPT[c]).join('')
      : `^(${body})`;
  });
}

/**
 * One item per activation (not per spelling: seven near-identical rows per function would bury
 * the list), searchable by every spelling through the description.
 */
export function activationPickItems(all: readonly Pickable[]): ActivationPickItem[] {
  return all.map((a) => {
    const names = [...new Set(a.spellings.map((s) => s.qualifiedName))];
    return {
      id: a.id,
      label: a.name,
      description: [a.id, ...names].join(' · '),
      detail: plainText(a.summary),
    };
  });
}

/**
 * The ids in the order the user ticked them: a quick pick reports its selection in list order,
 * so each change is diffed against the previous order (kept ids stay where they were, new ones
 * go last, unticked ones leave).
 */
export function pickOrder(previous: readonly string[], selected: readonly string[]): string[] {
  const now = new Set(selected);
  const kept = previous.filter((id) => now.has(id));
  const seen = new Set(kept);
  return [...kept, ...selected.filter((id) => !seen.has(id))];
}
