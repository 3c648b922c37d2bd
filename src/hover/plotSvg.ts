import type { ActivationDescriptor } from '../kernel';
import type { Params } from '../kernel/types';

/** The colour theme kinds VS Code reports (vscode.ColorThemeKind, mapped by the adapter). */
export type ThemeKind = 'light' | 'dark' | 'highContrast' | 'highContrastLight';

interface Palette {
  f: string;
  df: string;
  axis: string;
  text: string;
}

/** Colours close to VS Code's chart colours, with enough contrast on each theme's hover background. */
const PALETTES: Readonly<Record<ThemeKind, Palette>> = {
  dark: { f: '#4FC1FF', df: '#F48771', axis: '#858585', text: '#CCCCCC' },
  light: { f: '#0065A9', df: '#C72E0F', axis: '#8A8A8A', text: '#3B3B3B' },
  highContrast: { f: '#FFFFFF', df: '#FFD700', axis: '#FFFFFF', text: '#FFFFFF' },
  highContrastLight: { f: '#000000', df: '#8B0000', axis: '#000000', text: '#000000' },
};

const W = 240;
const H = 120;
const PAD = 6;
const SAMPLES = 161;

const fmt = (v: number) => (Math.round(v * 10) / 10).toString();

/**
 * A small SVG of f (solid) and f′ (dashed) on [-5, 5] at the parameters in effect. Pure: a string,
 * theme chosen by the caller. Discontinuities (step, threshold) are drawn as steep segments.
 */
export function plotSvg(
  a: Pick<ActivationDescriptor, 'fBatch' | 'dfBatch'>,
  params: Params,
  theme: ThemeKind,
): string {
  const c = PALETTES[theme];
  const x0 = -5;
  const x1 = 5;
  const xs = new Float64Array(SAMPLES);
  for (let i = 0; i < SAMPLES; i++) xs[i] = x0 + ((x1 - x0) * i) / (SAMPLES - 1);
  const fs = a.fBatch(xs, params);
  const dfs = a.dfBatch(xs, params);
  let lo = 0;
  let hi = 0;
  for (const arr of [fs, dfs]) {
    for (const v of arr) {
      if (!Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  // Clamp so one exploding curve (exponential, relu²) does not flatten the other.
  lo = Math.max(lo, -6);
  hi = Math.min(hi, 6);
  if (hi - lo < 1e-9) hi = lo + 1;
  const span = hi - lo;
  lo -= span * 0.08;
  hi += span * 0.08;
  const px = (x: number) => PAD + ((x - x0) / (x1 - x0)) * (W - 2 * PAD);
  const py = (y: number) => H - PAD - ((y - lo) / (hi - lo)) * (H - 2 * PAD);
  const path = (ys: Float64Array) => {
    let d = '';
    let pen = false;
    for (let i = 0; i < SAMPLES; i++) {
      const y = ys[i] ?? NaN;
      if (!Number.isFinite(y)) {
        pen = false;
        continue;
      }
      const yc = Math.min(Math.max(y, lo), hi);
      d += `${pen ? 'L' : 'M'}${px(xs[i] ?? 0).toFixed(1)} ${py(yc).toFixed(1)}`;
      pen = true;
    }
    return d;
  };
  const zeroY = py(0).toFixed(1);
  const zeroX = px(0).toFixed(1);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
    `<g stroke="${c.axis}" stroke-width="0.6" opacity="0.7">`,
    `<line x1="${PAD}" y1="${zeroY}" x2="${W - PAD}" y2="${zeroY}"/>`,
    `<line x1="${zeroX}" y1="${PAD}" x2="${zeroX}" y2="${H - PAD}"/>`,
    `</g>`,
    `<path d="${path(dfs)}" fill="none" stroke="${c.df}" stroke-width="1.4" stroke-dasharray="4 2"/>`,
    `<path d="${path(fs)}" fill="none" stroke="${c.f}" stroke-width="1.8"/>`,
    `<g font-family="sans-serif" font-size="9" fill="${c.text}">`,
    `<text x="${PAD + 2}" y="${PAD + 8}" fill="${c.f}">f</text>`,
    `<text x="${PAD + 12}" y="${PAD + 8}" fill="${c.df}">f′</text>`,
    `<text x="${W - PAD - 2}" y="${PAD + 8}" text-anchor="end">y ∈ [${fmt(lo)}, ${fmt(hi)}]</text>`,
    `<text x="${PAD}" y="${H - PAD - 2}">−5</text>`,
    `<text x="${W - PAD}" y="${H - PAD - 2}" text-anchor="end">5</text>`,
    `</g>`,
    `</svg>`,
  ].join('');
}

/** The SVG as a `data:` URI usable in a hover's markdown image. */
export function svgDataUri(svg: string): string {
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}
