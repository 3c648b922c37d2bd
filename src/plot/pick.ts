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
      detail: a.summary,
    };
  });
}
