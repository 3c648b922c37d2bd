import { describe, expect, it } from 'vitest';
import {
  formatNumber,
  inputNumber,
  intervalText,
  percent,
  PROSE,
  rangeText,
  TABLE,
} from '../../../src/kernel/format';

describe('numbers and intervals for people', () => {
  it('prints significant digits, a true minus, ∞ and e-notation outside [0.001, 1e6)', () => {
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(-0)).toBe('0');
    expect(formatNumber(-0.7517916)).toBe('−0.7518');
    expect(formatNumber(1.23456e-7)).toBe('1.235e−7');
    expect(formatNumber(2e-7)).toBe('2e−7');
    expect(formatNumber(123456789)).toBe('1.235e8');
    expect(formatNumber(-Infinity)).toBe('−∞');
    expect(formatNumber(NaN)).toBe('NaN');
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(3e-13, { zeroBelow: 1e-12 })).toBe('0');
    expect(formatNumber(Math.PI, { digits: 6 })).toBe('3.14159');
  });

  it('gives number inputs parseable text', () => {
    expect(inputNumber(-4.8329101)).toBe('-4.83291');
    expect(Number(inputNumber(1e-9))).toBe(1e-9);
    expect(inputNumber(-0)).toBe('0');
  });

  it('writes intervals and ranges as the hover does', () => {
    expect(intervalText(-Infinity, Infinity)).toBe('everywhere');
    expect(intervalText(-Infinity, -3)).toBe('x < −3');
    expect(intervalText(6, Infinity)).toBe('x > 6');
    expect(intervalText(-0.7763, -0.7301)).toBe('−0.7763 < x < −0.7301');
    expect(intervalText(0.50001, 0.50002)).toBe('x = 0.5');
    const r = { lo: 0, hi: 6, loAttained: true, hiAttained: true, exact: true };
    expect(rangeText(r)).toBe('[0, 6]');
    expect(rangeText({ ...r, lo: -1, hi: Infinity, loAttained: false })).toBe('(−1, ∞)');
    expect(rangeText({ ...r, lo: -0.17, hi: Infinity, exact: false })).toBe('≈ [−0.17, ∞)');
  });

  it('writes each view its style from the one formatter', () => {
    // The hover: 4 digits, 3 in exponent form, noise below 1e-12 shown as 0.
    const hover = { digits: 4, expDigits: 3, zeroBelow: 1e-12 };
    expect(formatNumber(-1.23456e-7, hover)).toBe('−1.23e−7');
    expect(formatNumber(1e-13, hover)).toBe('0');
    // A measured difference keeps its measured zeros.
    expect(formatNumber(1.1e-16, { ...hover, zeroBelow: 0, keepZeros: true })).toBe('1.10e−16');
    // Prose: × 10ⁿ from 10⁴ on.
    expect(formatNumber(-4.5e-7, PROSE)).toBe('−4.5 × 10⁻⁷');
    expect(formatNumber(12345, PROSE)).toBe('1.235 × 10⁴');
    expect(formatNumber(1668.2, { ...PROSE, digits: 3 })).toBe('1670');
    // Tables: ASCII, 3 digits with their zeros so that columns line up and paste as numbers.
    expect(formatNumber(6, TABLE)).toBe('6.00');
    expect(formatNumber(-1.2e-7, TABLE)).toBe('-1.20e-7');
    expect(formatNumber(123456, TABLE)).toBe('1.23e5');
    expect(formatNumber(1234, TABLE)).toBe('1230');
    expect(formatNumber(-Infinity, TABLE)).toBe('-Infinity');
    expect(formatNumber(null, TABLE)).toBe('—');
    // TeX: the exponent as a power, ASCII minus.
    expect(formatNumber(-1.5e-5, { exponent: 'tex' })).toBe('-1.5 \\times 10^{-5}');
    expect(percent(0.3125)).toBe('31.3');
    expect(percent(0.3125, 0)).toBe('31');
  });
});
