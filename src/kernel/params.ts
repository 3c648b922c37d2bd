/**
 * Which parameter values an activation accepts: the one check used by the CLI, the commands, the
 * gradient-flow configuration, the model reader and the hover. A ParamSpec's min/max are the
 * slider's range, narrower than what the function is defined for (`nn.Hardtanh(0, 20)` is real
 * code), so this checks the function's own domain, and refuses what PyTorch itself refuses.
 */
import type { ActivationNumerics, Params } from './types';

type Rule = (p: Params) => string | null;

const positive =
  (name: string): Rule =>
  (p) =>
    p[name]! > 0 ? null : `${name} must be > 0, got ${p[name]}`;
const nonNegative =
  (name: string): Rule =>
  (p) =>
    p[name]! >= 0 ? null : `${name} must be ≥ 0, got ${p[name]}`;

/** Beyond finiteness. The messages follow PyTorch's where PyTorch refuses the value. */
const RULES: Readonly<Record<string, readonly Rule[]>> = {
  // PyTorch: "ZeroDivisionError from celu calculation, make sure alpha is not zero"; a negative α
  // flips the branch's sign, which no one means.
  celu: [positive('alpha')],
  // β = 0 divides by zero; PyTorch computes a negative β but nothing in practice uses one.
  softplus: [positive('beta')],
  softshrink: [nonNegative('lambd')],
  hardshrink: [nonNegative('lambd')],
  squareplus: [nonNegative('b')],
  hardtanh: [
    (p) =>
      p.max_val! > p.min_val!
        ? null
        : `max_val must be greater than min_val (PyTorch refuses Hardtanh(${p.min_val}, ${p.max_val}))`,
  ],
  rrelu: [
    (p) =>
      p.lower! <= p.upper!
        ? null
        : `lower must be ≤ upper (PyTorch refuses RReLU(${p.lower}, ${p.upper}))`,
  ],
};

/**
 * Merges `given` over the defaults and checks them: unknown names, non-finite values and values
 * outside the function's domain. Returns the parameters in effect, or the first problem as one line.
 */
export function checkParams(
  a: Pick<ActivationNumerics, 'id' | 'paramSpecs'>,
  given: Partial<Params> | undefined,
): { ok: true; params: Params } | { ok: false; message: string } {
  const params: Record<string, number> = {};
  for (const s of a.paramSpecs) params[s.name] = s.default;
  for (const [name, value] of Object.entries(given ?? {})) {
    if (!a.paramSpecs.some((s) => s.name === name)) {
      const known = a.paramSpecs.map((s) => s.name).join(', ') || 'none';
      return { ok: false, message: `${a.id} has no parameter '${name}' (parameters: ${known})` };
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return { ok: false, message: `${a.id}: ${name} must be a finite number, got ${String(value)}` };
    }
    params[name] = value;
  }
  for (const rule of RULES[a.id] ?? []) {
    const problem = rule(params);
    if (problem) return { ok: false, message: `${a.id}: ${problem}` };
  }
  return { ok: true, params: Object.freeze(params) };
}
