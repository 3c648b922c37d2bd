/**
 * Numbers and intervals as people read them, for every view that shows them (plot panel, hover):
 * `digits` significant digits, −0 → 0, a true minus sign, ∞, and e-notation outside
 * [0.001, 10⁶). Machine-readable text (number inputs, CSV) uses `inputNumber` / `String`.
 */

export interface NumberStyle {
  /** Significant digits (default 4). */
  readonly digits?: number;
  /** Magnitudes below this print as 0 (default: none; the hover's key numbers use 1e-12). */
  readonly zeroBelow?: number;
}

export function formatNumber(v: number | null | undefined, style: NumberStyle = {}): string {
  const digits = style.digits ?? 4;
  if (v === null || v === undefined) return '—';
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '∞';
  if (v === -Infinity) return '−∞';
  const a = Math.abs(v);
  if (a === 0 || a < (style.zeroBelow ?? 0)) return '0';
  const s =
    a >= 1e-3 && a < 1e6
      ? String(Number(v.toPrecision(digits)))
      : v
          .toExponential(digits - 1)
          .replace(/\.?0+e/, 'e')
          .replace('e+', 'e');
  return s.replace(/-/g, '−');
}

/** A value for an `<input type="number">`: parseable, six significant digits, no `-0`. */
export function inputNumber(v: number): string {
  return v === 0 ? '0' : String(Number(v.toPrecision(6)));
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
