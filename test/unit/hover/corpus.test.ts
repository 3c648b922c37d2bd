import { describe, expect, it } from 'vitest';
import { loadCases, scoreCorpus, table } from './corpus';

/**
 * The hover corpus: real public code (test/corpus/hovers, sources in SOURCES.md), every case run
 * through the recogniser the hover uses. The floor is the measured score; it may only go up.
 */
const FLOOR = 0.98;

describe('hover corpus', () => {
  it('scores at least the measured level, and never hovers a softmax-type function', async () => {
    const cases = loadCases();
    expect(cases.length).toBeGreaterThanOrEqual(150);
    const scored = await scoreCorpus(cases);
    const bad = scored.filter((s) => s.verdict !== 'right');
    console.log(table(scored));
    for (const s of bad)
      console.log(`${s.verdict}: ${s.where} ${JSON.stringify(s.c.token)} → ${s.got}`);
    const right = scored.length - bad.length;
    expect(right / scored.length).toBeGreaterThanOrEqual(FLOOR);
    expect(scored.filter((s) => s.c.expect === 'none' && s.verdict !== 'right')).toEqual([]);
  });
});
