import { describe, expect, it } from 'vitest';
import { buildCsv, curveLabel } from '../../../src/plot/csv';
import { blowup, leaky } from './fixtures';

describe('plot CSV export', () => {
  it('has an x column and one column per curve and series, on one grid including kinks', () => {
    const csv = buildCsv(
      [
        {
          label: curveLabel('test_leaky', { negative_slope: 0.2 }),
          activation: leaky,
          params: { negative_slope: 0.2 },
        },
      ],
      -1,
      1,
      5,
    );
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      'x,"test_leaky(negative_slope=0.2) f","test_leaky(negative_slope=0.2) f\'","test_leaky(negative_slope=0.2) f\'\'"'.replace(
        /"/g,
        '',
      ),
    );
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(1, -1)).toHaveLength(5 + 2); // two neighbours of the kink at 0 (0 is on the grid too)
    expect(lines[1]).toBe('-1,-0.2,0.2,0');
  });

  it('writes full-precision numbers that parse back, and empty fields where a value is not finite', () => {
    const csv = buildCsv([{ label: 'b', activation: blowup, params: {} }], -30, 30, 7, ['f']);
    const rows = csv
      .trim()
      .split('\r\n')
      .slice(1)
      .map((l) => l.split(','));
    expect(rows[0]).toEqual(['-30', '']);
    const mid = rows.find((r) => r[0] === '0');
    expect(mid?.[1]).toBe('1');
    const r10 = rows.find((r) => r[0] === '10');
    expect(Number(r10?.[1])).toBe(Math.exp(100));
  });

  it('quotes labels that contain commas (several params)', () => {
    const label = curveLabel('x', { a: 1, b: 2 });
    expect(label).toBe('x(a=1, b=2)');
    const csv = buildCsv([{ label, activation: leaky, params: {} }], 0, 1, 2, ['f']);
    expect(csv.split('\r\n')[0]).toBe('x,"x(a=1, b=2) f"');
  });
});
