import { NUMERICS } from './activations';
import * as CONSTANTS from './activations/constants';
import { deepFreeze } from './freeze';
import { FORMULAS } from './formulas';
import { SPELLINGS, type Spelling } from './spellings';
import type { ActivationNumerics, Formulas, Params } from './types';

/** Everything the product knows about one activation: numerics, formulas and spellings. */
export interface ActivationDescriptor extends ActivationNumerics {
  /** The default parameters, keyed by PyTorch's names. */
  readonly params: Params;
  readonly formulas: Formulas;
  readonly spellings: readonly Spelling[];
}

export { deepFreeze };

function describe(n: ActivationNumerics): ActivationDescriptor {
  const formulas = FORMULAS[n.id];
  if (!formulas) throw new Error(`activation-lens kernel: no formulas for '${n.id}'`);
  const params: Record<string, number> = {};
  for (const p of n.paramSpecs) params[p.name] = p.default;
  return deepFreeze({
    ...n,
    params,
    formulas,
    spellings: SPELLINGS[n.id] ?? [],
  });
}

// The tables themselves too: their modules are importable on their own (the bundle's tree, tests).
deepFreeze(NUMERICS);
deepFreeze(FORMULAS);
deepFreeze(SPELLINGS);
for (const table of Object.values(CONSTANTS)) deepFreeze(table); // generated: series, segments

export const activations: readonly ActivationDescriptor[] = Object.freeze(NUMERICS.map(describe));

const byId = new Map(activations.map((a) => [a.id, a]));

/** The activation with this kernel id, or `undefined`. */
export function getActivation(id: string): ActivationDescriptor | undefined {
  return byId.get(id);
}
