// The kernel against test/reference/activations.json: mpmath truth rounded once to float64.
import { describe, expect, it } from 'vitest';
import { NUMERICS } from '../../../src/kernel/activations';
import { ulpDistance } from '../../../src/kernel/ulp';
import { dfExempt, loadReference, type ReferenceCase } from './reference';

const cases = loadReference();
const byId = new Map(NUMERICS.map((a) => [a.id, a]));
const MAX_ULP = 4;

interface Score {
  f: number;
  df: number;
  fAt: number;
  dfAt: number;
  torchF: number;
  torchDf: number;
}

function score(c: ReferenceCase): Score {
  const a = byId.get(c.id);
  if (!a) throw new Error(`no activation ${c.id}`);
  const s: Score = {
    f: 0,
    df: 0,
    fAt: NaN,
    dfAt: NaN,
    torchF: c.torch_f ? 0 : NaN,
    torchDf: c.torch_df ? 0 : NaN,
  };
  c.x.forEach((x, i) => {
    if (!Number.isFinite(x)) return;
    const uf = ulpDistance(a.f(x, c.params), c.f[i] as number);
    if (uf > s.f) [s.f, s.fAt] = [uf, x];
    if (c.torch_f)
      s.torchF = Math.max(s.torchF, ulpDistance(c.torch_f[i] as number, c.f[i] as number));
    const tdf = c.df[i];
    if (tdf === null || tdf === undefined || dfExempt(c.id, x)) return;
    const udf = ulpDistance(a.df(x, c.params), tdf);
    if (udf > s.df) [s.df, s.dfAt] = [udf, x];
    if (c.torch_df) s.torchDf = Math.max(s.torchDf, ulpDistance(c.torch_df[i] as number, tdf));
  });
  return s;
}

const label = (c: ReferenceCase) =>
  c.id +
  (Object.keys(c.params).length
    ? `(${Object.entries(c.params)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')})`
    : '');

describe('reference values (activations.json)', () => {
  it('has every id of the reference file', () => {
    const missing = [...new Set(cases.map((c) => c.id))].filter((id) => !byId.has(id));
    expect(missing).toEqual([]);
  });

  it(`is within ${MAX_ULP} ulp for f and f′ on every case (table printed)`, () => {
    const rows = cases.map((c) => ({ c, s: score(c) }));
    const fmt = (n: number) => (n === Infinity ? '∞' : n !== n ? '—' : String(n));
    const lines = [
      'case                          ulp f   ulp f′ | torch f  torch f′ | worst x (f, f′)',
      ...rows.map(
        ({ c, s }) =>
          `${label(c).padEnd(28)} ${fmt(s.f).padStart(6)} ${fmt(s.df).padStart(8)} | ${fmt(s.torchF).padStart(7)} ${fmt(s.torchDf).padStart(9)} | ${s.fAt}, ${s.dfAt}`,
      ),
    ];
    const within = rows.filter(({ s }) => s.f <= MAX_ULP && s.df <= MAX_ULP).length;
    const torchWithin = rows.filter(({ s }) => s.torchF <= MAX_ULP && s.torchDf <= MAX_ULP).length;
    lines.push(
      `within ${MAX_ULP} ulp: ours ${within}/${rows.length}, torch ${torchWithin}/${rows.length}`,
    );
    console.log(lines.join('\n'));
    for (const { c, s } of rows) {
      expect.soft(s.f, `${label(c)} f at x=${s.fAt}`).toBeLessThanOrEqual(MAX_ULP);
      expect.soft(s.df, `${label(c)} f′ at x=${s.dfAt}`).toBeLessThanOrEqual(MAX_ULP);
    }
  });

  it('gets every special value exactly: signed zeros, infinities and NaN (also f″ of NaN)', () => {
    const bad: string[] = [];
    for (const c of cases) {
      const a = byId.get(c.id);
      if (!a) continue;
      c.x.forEach((x, i) => {
        const tf = c.f[i] as number;
        const tdf = c.df[i];
        const special = (v: number) => v === 0 || !Number.isFinite(v);
        if (special(tf) && !Object.is(a.f(x, c.params), tf))
          bad.push(
            `${label(c)} f(${x}) = ${a.f(x, c.params)}, want ${Object.is(tf, -0) ? '-0' : tf}`,
          );
        if (
          tdf !== null &&
          tdf !== undefined &&
          special(tdf) &&
          !Object.is(a.df(x, c.params), tdf)
        ) {
          bad.push(
            `${label(c)} f′(${x}) = ${a.df(x, c.params)}, want ${Object.is(tdf, -0) ? '-0' : tdf}`,
          );
        }
        if (x !== x && !Number.isNaN(a.d2f(x, c.params)))
          bad.push(`${label(c)} f″(NaN) is not NaN`);
      });
    }
    expect(bad).toEqual([]);
  });
});
