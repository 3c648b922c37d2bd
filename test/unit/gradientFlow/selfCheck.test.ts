import { describe, expect, it } from 'vitest';
import { activations, getActivation } from '../../../src/kernel';
import { runSelfCheck, selfCheckTable } from '../../../src/kernel/selfCheck';

describe('kernel self-check', () => {
  it('passes every activation in the registry, f′ and f″', () => {
    const r = runSelfCheck({ timingMs: 0 });
    expect(r.rows.map((x) => x.id)).toEqual(activations.map((a) => a.id));
    const failing = r.rows
      .filter((x) => !x.pass)
      .map(
        (x) =>
          `${x.id}: f′ ${x.df.worstError} at ${x.df.worstAt}, f″ ${x.d2f.worstError} at ${x.d2f.worstAt}`,
      );
    expect(failing).toEqual([]);
    for (const row of r.rows) expect(row.points).toBeGreaterThan(100);
  });

  it('catches a derivative that is wrong, and says where', () => {
    const tanh = getActivation('tanh')!;
    // A plausible slip: sech instead of sech².
    const broken = { ...tanh, id: 'tanh_broken', df: (x: number) => 1 / Math.cosh(x) };
    const [row] = runSelfCheck({ timingMs: 0, activations: [broken] }).rows;
    expect(row!.pass).toBe(false);
    expect(row!.df.pass).toBe(false);
    expect(row!.df.worstError).toBeGreaterThan(0.1);
    expect(Math.abs(row!.df.worstAt)).toBeLessThan(3);
  });

  it('measures cost per evaluation relative to ReLU', () => {
    const list = ['relu', 'tanh', 'gelu'].map((id) => getActivation(id)!);
    const r = runSelfCheck({ timingMs: 5, activations: list });
    expect(r.rows[0]!.costVsRelu).toBe(1);
    for (const row of r.rows) {
      expect(row.nsPerEval).toBeGreaterThan(0);
      expect(Number.isFinite(row.costVsRelu)).toBe(true);
    }
    expect(selfCheckTable(r)).toMatch(/^activation\s+f′ vs numeric/);
    expect(selfCheckTable(r, true)).toMatch(/^\| activation \|/);
  });
});
