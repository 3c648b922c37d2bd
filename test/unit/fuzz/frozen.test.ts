import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every module of the kernel, so a new exported table cannot slip through unfrozen. */
const KERNEL = join(__dirname, '..', '..', '..', 'src', 'kernel');
const MODULES: Record<string, Record<string, unknown>> = Object.fromEntries(
  await Promise.all(
    readdirSync(KERNEL, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map(async (f) => [f, (await import(join(KERNEL, f))) as Record<string, unknown>] as const),
  ),
);

/** The paths under `v` that are objects or arrays and not frozen ('' when `v` itself). */
function unfrozen(v: unknown, path: string, seen: Set<unknown>, out: string[]): void {
  if (typeof v !== 'object' || v === null || seen.has(v)) return;
  seen.add(v);
  // Typed arrays cannot be frozen; the kernel's tables of numbers are plain arrays or objects.
  if (v instanceof Set) {
    // Object.freeze does not stop Set.prototype.add: the kernel's sets refuse it themselves.
    const before = v.size;
    try {
      v.add('__probe__');
    } catch {
      return;
    }
    if (v.size !== before) v.delete('__probe__');
    out.push(`${path} (a Set that accepts add)`);
    return;
  }
  if (ArrayBuffer.isView(v) || v instanceof Map) {
    out.push(`${path} (${v.constructor.name})`);
    return;
  }
  if (!Object.isFrozen(v)) out.push(path || '(root)');
  for (const [k, x] of Object.entries(v)) unfrozen(x, `${path}.${k}`, seen, out);
}

describe('the kernel exports are frozen', () => {
  it('found the modules', () => {
    expect(Object.keys(MODULES).length).toBeGreaterThan(20);
  });
  for (const [file, mod] of Object.entries(MODULES)) {
    it(file, () => {
      const out: string[] = [];
      for (const [k, v] of Object.entries(mod)) unfrozen(v, k, new Set(), out);
      expect(out).toEqual([]);
    });
  }
});
