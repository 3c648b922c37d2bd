/**
 * Numbers as people read them, for every view that shows one: the plot panel, the hover, the
 * gradient-flow report and its webview, the CLI tables, the Problems list and notifications. One
 * pure module (in the kernel, so the kernel's own verdicts and the webview bundles can import it),
 * one formatter with a style per use rather than a helper per view, so that the same number reads
 * the same way everywhere it appears. Machine-readable text (number inputs) uses `inputNumber`.
 */

export interface NumberStyle {
  /** Significant digits (default 4: the plot; the hover also uses 4, tables 3). */
  readonly digits?: number;
  /** Significant digits once in exponent form (default `digits`). */
  readonly expDigits?: number;
  /** Magnitudes below this print as 0 (default: none; the hover's key numbers use 1e-12). */
  readonly zeroBelow?: number;
  /** Plain decimals from 10⁻³ up to (not including) this magnitude (default 10⁶). */
  readonly plainBelow?: number;
  /**
   * How an exponent is written: `e` "1.2e−7" (default: compact, for charts and hovers), `times`
   * "1.2 × 10⁻⁷" (prose: reports, notifications), `tex` "1.2 \times 10^{-7}" (typeset formulas).
   */
  readonly exponent?: 'e' | 'times' | 'tex';
  /**
   * Keep trailing zeros ("6.00", "1.10e−16"): table columns line up, and a measured error's last
   * digits were measured, so they are shown (the hover's max |Δ|, the terminal tables).
   */
  readonly keepZeros?: boolean;
  /** ASCII "-", "e-7", "Infinity": text for terminals, spreadsheets and TeX (default false). */
  readonly ascii?: boolean;
}

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

/** Mantissa and exponent texts, the exponent without a "+". */
function withExponent(m: string, e: number, style: NumberStyle): string {
  switch (style.exponent ?? 'e') {
    case 'times':
      return `${m} × 10${style.ascii ? `^${e}` : superscript(String(e))}`;
    case 'tex':
      return `${m} \\times 10^{${e}}`;
    default:
      return `${m}e${e}`;
  }
}

/**
 * `v` with `digits` significant digits, −0 → 0, a true minus sign, ∞, and exponent form outside
 * [10⁻³, `plainBelow`). `null`/`undefined` (a value that was never measured) prints as "—".
 */
export function formatNumber(v: number | null | undefined, style: NumberStyle = {}): string {
  const digits = style.digits ?? 4;
  const ascii = style.ascii === true || style.exponent === 'tex';
  const minus = ascii ? '-' : '−';
  if (v === null || v === undefined) return '—';
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return ascii ? 'Infinity' : '∞';
  if (v === -Infinity) return ascii ? '-Infinity' : '−∞';
  const a = Math.abs(v);
  if (a === 0 || a < (style.zeroBelow ?? 0)) return '0';
  let s: string;
  if (a >= 1e-3 && a < (style.plainBelow ?? 1e6)) {
    const p = a.toPrecision(digits);
    s = style.keepZeros && !p.includes('e') ? p : String(Number(p));
  } else {
    const [m = '', e = '0'] = a.toExponential((style.expDigits ?? digits) - 1).split('e');
    s = withExponent(style.keepZeros ? m : m.replace(/\.?0+$/, ''), Number(e), { ...style, ascii });
  }
  return v < 0 ? minus + s.replace(/-/g, minus) : s.replace(/-/g, minus);
}

/** A value for an `<input type="number">`: parseable, six significant digits, no `-0`. */
export function inputNumber(v: number): string {
  return v === 0 ? '0' : String(Number(v.toPrecision(6)));
}

/** A percentage of a fraction: `percent(0.3125)` = "31.3", `percent(0.3125, 0)` = "31". */
export function percent(fraction: number, decimals = 1): string {
  return (100 * fraction).toFixed(decimals);
}

/** An x interval: `everywhere`, `x < 2`, `x > −1`, `x = 0.5` or `−0.776 < x < −0.73`. */
export function intervalText(lo: number, hi: number, style: NumberStyle = {}): string {
  const f = (v: number): string => formatNumber(v, style);
  if (lo === -Infinity && hi === Infinity) return 'everywhere';
  if (lo === -Infinity) return `x < ${f(hi)}`;
  if (hi === Infinity) return `x > ${f(lo)}`;
  if (f(lo) === f(hi)) return `x = ${f(lo)}`;
  return `${f(lo)} < x < ${f(hi)}`;
}

export interface RangeOfF {
  readonly lo: number;
  readonly hi: number;
  readonly loAttained: boolean;
  readonly hiAttained: boolean;
  /** From the kernel's exact properties, not from sampling (else prefixed with ≈). */
  readonly exact: boolean;
}

/** The range of f in interval notation: `[0, 6]`, `(−1, ∞)`, `≈ [−0.17, ∞)`. */
export function rangeText(r: RangeOfF, style: NumberStyle = {}): string {
  const open = r.lo === -Infinity || !r.loAttained ? '(' : '[';
  const close = r.hi === Infinity || !r.hiAttained ? ')' : ']';
  return `${r.exact ? '' : '≈ '}${open}${formatNumber(r.lo, style)}, ${formatNumber(r.hi, style)}${close}`;
}

// Magnitudes for people: "1.6 × 10⁻³¹ (31 orders of magnitude)" rather than "10^-30.8". Every place
// a gradient ratio reaches a reader (verdicts, Problems list, notifications, the report, CodeLens
// and quick-fix titles) goes through these. Ratios are handled in log10 so that 10^-400 (which
// underflows a double) still prints.

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

/** Prose (reports, notifications): plain decimals between 10⁻³ and 10⁴; beyond, "m × 10ᵉ". */
export const PROSE: NumberStyle = Object.freeze({ exponent: 'times', plainBelow: 1e4 });

/**
 * Terminal and Markdown tables: 3 significant digits, ASCII ("1.20e-7", "-0.5", "Infinity") so
 * that a column pastes into Python or a spreadsheet as numbers.
 */
export const TABLE: NumberStyle = Object.freeze({
  digits: 3,
  plainBelow: 1e4,
  ascii: true,
  keepZeros: true,
});

/**
 * A positive quantity given by its log10, e.g. `fromLog10(-30.8)` = "1.6 × 10⁻³¹",
 * `fromLog10(-1.2)` = "0.063", `fromLog10(6)` = "1 × 10⁶".
 */
export function fromLog10(log10: number, sig = 2): string {
  if (Number.isNaN(log10)) return 'NaN';
  if (log10 === Infinity) return '∞';
  if (log10 === -Infinity) return '0';
  // Within a double's range the one formatter does it; beyond (10^-400), mantissa and exponent
  // are split by hand so that the figure still prints.
  if (log10 > -300 && log10 < 300)
    return formatNumber(Math.pow(10, log10), { ...PROSE, digits: sig });
  let e = Math.floor(log10);
  let m = Number(Math.pow(10, log10 - e).toPrecision(sig));
  if (m >= 10) {
    m /= 10;
    e += 1;
  }
  return withExponent(String(m), e, PROSE);
}

/** Any number in prose: "0.0123", "−4.5 × 10⁻⁷", "∞", "NaN", "0" (`sig` significant digits). */
export function scientific(x: number, sig = 2): string {
  return formatNumber(x, { ...PROSE, digits: sig });
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
