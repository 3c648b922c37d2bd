import { describe, expect, it } from 'vitest';
import {
  fromLog10,
  ordersOfMagnitude,
  powerOfTen,
  ratioForPeople,
  scientific,
  superscript,
} from '../../../src/kernel/format';

describe('magnitudes for people', () => {
  it('writes exponents as superscripts, either minus sign', () => {
    expect(superscript('-31')).toBe('⁻³¹');
    expect(superscript('\u22120.3')).toBe('⁻⁰·³');
    expect(superscript('+12')).toBe('⁺¹²');
  });

  it('writes powers of ten with one decimal, no "-0"', () => {
    expect(powerOfTen(-6)).toBe('10⁻⁶');
    expect(powerOfTen(-0.31)).toBe('10⁻⁰·³');
    expect(powerOfTen(-0.04)).toBe('10⁰');
    expect(powerOfTen(19.46)).toBe('10¹⁹·⁵');
    expect(powerOfTen(NaN)).toBe('NaN');
    expect(powerOfTen(-Infinity)).toBe('0');
    expect(powerOfTen(Infinity)).toBe('∞');
  });

  it('reads a log10 as mantissa × power, plain between 10⁻³ and 10⁴', () => {
    expect(fromLog10(-30.8)).toBe('1.6 × 10⁻³¹');
    expect(fromLog10(Math.log10(0.063))).toBe('0.063');
    expect(fromLog10(6)).toBe('1 × 10⁶');
    // 9.96 rounds up to 10: the exponent carries.
    expect(fromLog10(Math.log10(9.96e-8))).toBe('1 × 10⁻⁷');
    // Far below a double's range: still printed.
    expect(fromLog10(-400.5)).toBe('3.2 × 10⁻⁴⁰¹');
  });

  it('formats any number, signs and non-finite values included', () => {
    expect(scientific(0)).toBe('0');
    expect(scientific(-4.5e-7)).toBe('−4.5 × 10⁻⁷');
    expect(scientific(1668.2, 3)).toBe('1670');
    expect(scientific(2.5e5)).toBe('2.5 × 10⁵');
    expect(scientific(Infinity)).toBe('∞');
    expect(scientific(-Infinity)).toBe('−∞');
    expect(scientific(NaN)).toBe('NaN');
  });

  it('counts orders of magnitude and adds them to large ratios only', () => {
    expect(ordersOfMagnitude(-30.8)).toBe('31 orders of magnitude');
    expect(ordersOfMagnitude(1.2)).toBe('1 order of magnitude');
    expect(ordersOfMagnitude(0.2)).toBe('');
    expect(ratioForPeople(-30.8)).toBe('1.6 × 10⁻³¹ (31 orders of magnitude)');
    expect(ratioForPeople(-1.2)).toBe('0.063');
    expect(ratioForPeople(5.7)).toBe('5 × 10⁵ (6 orders of magnitude)');
  });
});
