/** The CSV export: one x column on a common grid, then f, f′, f″ of every curve. */
import type { ActivationNumerics, Params } from '../kernel/types';
import type { SeriesName } from './protocol';
import { sampleXs } from './sampling';

export interface CsvCurve {
  /** e.g. `leaky_relu(negative_slope=0.2)` */
  readonly label: string;
  readonly activation: Pick<ActivationNumerics, 'fBatch' | 'dfBatch' | 'd2fBatch' | 'kinks'>;
  readonly params: Params;
}

const SUFFIX: Record<SeriesName, string> = { f: 'f', df: "f'", d2f: "f''" };

function field(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** `id(name=value, …)`: what a CSV column header and a legend say about a curve. */
export function curveLabel(id: string, params: Params): string {
  const ps = Object.entries(params).map(([k, v]) => `${k}=${v}`);
  return ps.length ? `${id}(${ps.join(', ')})` : id;
}

/**
 * Every curve on one grid (evenly spaced plus every curve's kinks), full float precision (`String`
 * round-trips), empty fields where a value is not finite. RFC 4180 quoting, CRLF line ends.
 */
export function buildCsv(
  curves: readonly CsvCurve[],
  xMin: number,
  xMax: number,
  n: number,
  series: readonly SeriesName[] = ['f', 'df', 'd2f'],
): string {
  const kinks = curves.flatMap((c) => {
    try {
      return c.activation.kinks(c.params);
    } catch {
      return [];
    }
  });
  const xs = sampleXs(xMin, xMax, n, kinks);
  const cols: Float64Array[] = [];
  const header = ['x'];
  for (const c of curves) {
    for (const s of series) {
      header.push(field(`${c.label} ${SUFFIX[s]}`));
      const batch =
        s === 'f' ? c.activation.fBatch : s === 'df' ? c.activation.dfBatch : c.activation.d2fBatch;
      cols.push(batch(xs, c.params));
    }
  }
  const lines = [header.join(',')];
  for (let i = 0; i < xs.length; i++) {
    let line = String(xs[i]);
    for (const col of cols) {
      const v = col[i] as number;
      line += ',' + (Number.isFinite(v) ? String(v) : '');
    }
    lines.push(line);
  }
  return lines.join('\r\n') + '\r\n';
}
