import { NUMERICS } from './activations';
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

/** Freezes plain data all the way down (not functions): the kernel is shared by every caller of
 * dist/kernel.js, and one caller editing `paramSpecs` or a formula must not change another's. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

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

export const activations: readonly ActivationDescriptor[] = Object.freeze(NUMERICS.map(describe));

const byId = new Map(activations.map((a) => [a.id, a]));

/** The activation with this kernel id, or `undefined`. */
export function getActivation(id: string): ActivationDescriptor | undefined {
  return byId.get(id);
}
