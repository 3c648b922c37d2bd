/**
 * Magnitudes for people: "1.6 × 10⁻³¹ (31 orders of magnitude)" rather than "10^-30.8". Every
 * place a gradient ratio reaches a reader (verdicts, Problems list, notifications, the report,
 * CodeLens titles, quick-fix titles) goes through here, so the same number reads the same way.
 * Pure; ratios are handled in log10 so that 10^-400 (which underflows a double) still prints.
 */

const SUP: Readonly<Record<string, string>> = {
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
  '-': '⁻',
  '+': '⁺',
  '.': '·',
};

/** "-31" → "⁻³¹"; "−0.3" (either minus) → "⁻⁰·³". */
export function superscript(s: string): string {
  return [...s.replace(/\u2212/g, '-')].map((c) => SUP[c] ?? c).join('');
}

/** Rounds to `digits` decimals and drops a trailing ".0"; never returns "-0". */
function roundTo(x: number, digits: number): string {
  const r = Number(x.toFixed(digits));
  return String(r === 0 ? 0 : r);
}

/**
 * 10 raised to `log10`, written as a power: `powerOfTen(-6)` = "10⁻⁶",
 * `powerOfTen(-0.31)` = "10⁻⁰·³" (one decimal, for figures that are not whole powers).
 */
export function powerOfTen(log10: number, digits = 1): string {
  if (Number.isNaN(log10)) return 'NaN';
  if (log10 === Infinity) return '∞';
  if (log10 === -Infinity) return '0';
  return `10${superscript(roundTo(log10, digits))}`;
}

/** Mantissa (1 ≤ m < 10, rounded to `sig` significant digits) and exponent of 10^log10. */
function split(log10: number, sig: number): { m: string; e: number } {
  let e = Math.floor(log10);
  let m = Number(Math.pow(10, log10 - e).toPrecision(sig));
  if (m >= 10) {
    m /= 10;
    e += 1;
  }
  return { m: String(m), e };
}

/** Plain decimals between 10⁻³ and 10⁴; beyond, "m × 10ᵉ". */
const PLAIN_MIN_LOG10 = -3;
const PLAIN_MAX_LOG10 = 4;

/**
 * A positive quantity given by its log10, e.g. `fromLog10(-30.8)` = "1.6 × 10⁻³¹",
 * `fromLog10(-1.2)` = "0.063", `fromLog10(6)` = "1 × 10⁶".
 */
export function fromLog10(log10: number, sig = 2): string {
  if (Number.isNaN(log10)) return 'NaN';
  if (log10 === Infinity) return '∞';
  if (log10 === -Infinity) return '0';
  if (log10 >= PLAIN_MIN_LOG10 && log10 < PLAIN_MAX_LOG10) {
    return String(Number(Math.pow(10, log10).toPrecision(sig)));
  }
  const { m, e } = split(log10, sig);
  return `${m} × 10${superscript(String(e))}`;
}

/** Any number for people: "0.0123", "-4.5 × 10⁻⁷", "∞", "NaN", "0". */
export function scientific(x: number, sig = 2): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  const s = fromLog10(Math.log10(Math.abs(x)), sig);
  return x < 0 ? `−${s}` : s;
}

/** "31 orders of magnitude" (rounded; "1 order of magnitude"); empty below half an order. */
export function ordersOfMagnitude(log10: number): string {
  if (!Number.isFinite(log10)) return '';
  const n = Math.round(Math.abs(log10));
  if (n === 0) return '';
  return `${n} order${n === 1 ? '' : 's'} of magnitude`;
}

/**
 * A ratio given by its log10, for prose: "1.6 × 10⁻³¹ (31 orders of magnitude)", or just "0.63"
 * when it is within an order of magnitude of 1.
 */
export function ratioForPeople(log10: number, sig = 2): string {
  const orders = ordersOfMagnitude(log10);
  const value = fromLog10(log10, sig);
  return orders && Math.abs(log10) >= 1.5 ? `${value} (${orders})` : value;
}
