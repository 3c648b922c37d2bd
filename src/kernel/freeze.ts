/**
 * Freezing the kernel's shared data. The kernel is one module instance for every caller of
 * dist/kernel.js (and of the extension): a caller editing `DEFAULT_CHECK`, `INITS` or a formula must
 * not change what another caller sees.
 */

/** Freezes plain data all the way down (not functions). */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** A Set whose add/delete/clear throw: Object.freeze does not stop a Set's own methods. */
export function frozenSet<T>(values: Iterable<T>): ReadonlySet<T> {
  const s = new Set(values);
  const refuse = (): never => {
    throw new TypeError('activation-lens kernel: this set is read-only');
  };
  Object.defineProperties(s, {
    add: { value: refuse },
    delete: { value: refuse },
    clear: { value: refuse },
  });
  return Object.freeze(s);
}
