import { liteAdaptor } from 'mathjax-full/js/adaptors/liteAdaptor.js';
import { RegisterHTMLHandler } from 'mathjax-full/js/handlers/html.js';
import { TeX } from 'mathjax-full/js/input/tex.js';
import 'mathjax-full/js/input/tex/ams/AmsConfiguration.js';
import 'mathjax-full/js/input/tex/base/BaseConfiguration.js';
import { mathjax } from 'mathjax-full/js/mathjax.js';
import { SVG } from 'mathjax-full/js/output/svg.js';
import { Lru } from './memo';
import type { ThemeKind } from './plotSvg';

/**
 * TeX → SVG in the extension host with MathJax 3 (mathjax-full: TeX input, SVG output with the
 * TeX fonts as paths, a DOM-less adaptor). The hover embeds the SVG as a `data:` image, since
 * VS Code renders no math in hovers. Built lazily: the first formula pays MathJax's setup.
 */

interface Engine {
  toSvg(tex: string): string;
}

let engine: Engine | undefined;

function setup(): Engine {
  const adaptor = liteAdaptor();
  RegisterHTMLHandler(adaptor);
  // Only what our formulas use: base and ams (cases, operatorname). Importing AllPackages would
  // bundle every TeX extension (1.7 MB minified); autoload/require would load them at run time.
  const tex = new TeX({ packages: ['base', 'ams'] });
  const svg = new SVG({ fontCache: 'local' });
  const doc = mathjax.document('', { InputJax: tex, OutputJax: svg });
  return {
    toSvg(src: string): string {
      const node = doc.convert(src, { display: false, em: 16, ex: 8, containerWidth: 1200 });
      return adaptor.innerHTML(node);
    },
  };
}

/** Text colour per theme, close to VS Code's hover foreground. */
const INK: Readonly<Record<ThemeKind, string>> = {
  dark: '#CCCCCC',
  light: '#1F1F1F',
  highContrast: '#FFFFFF',
  highContrastLight: '#000000',
};

const cache = new Lru<FormulaImage | null>(256);

export interface FormulaImage {
  readonly uri: string;
  /** CSS pixels at the hover's font size, for the image's size hints. */
  readonly width: number;
  readonly height: number;
}

/** MathJax sizes in ex; at a 13 px hover font one ex is about 6 px. */
const PX_PER_EX = 6.2;

/**
 * The formula as an SVG `data:` URI in the theme's ink, cached per (TeX, theme). `undefined`
 * when MathJax cannot typeset it (the hover then keeps the Unicode text).
 */
export function formulaImage(
  tex: string,
  theme: ThemeKind,
  maxWidth = Infinity,
): FormulaImage | undefined {
  return (
    cache.get(`${theme}|${maxWidth}|${tex}`, () => {
      try {
        engine ??= setup();
        let svg = engine.toSvg(tex);
        if (!svg.startsWith('<svg') || svg.includes('data-mjx-error') || svg.includes('merror'))
          return null;
        const w = /width="([\d.]+)ex"/.exec(svg);
        const h = /height="([\d.]+)ex"/.exec(svg);
        // A long formula is scaled down to fit rather than cut off by the hover's width.
        const scale = Math.min(1, maxWidth / (Number(w?.[1] ?? 0) * PX_PER_EX));
        const width = Math.round(Number(w?.[1] ?? 0) * PX_PER_EX * scale);
        const height = Math.round(Number(h?.[1] ?? 0) * PX_PER_EX * scale);
        // Absolute sizes in the SVG itself (an <img> has no font to resolve ex against, and a
        // `|width=` suffix on a data: URI is not understood by every VS Code) and the theme's ink.
        svg = svg
          .replace(/width="[\d.]+ex"/, `width="${width}px"`)
          .replace(/height="[\d.]+ex"/, `height="${height}px"`)
          .replace(/currentColor/g, INK[theme])
          // As a standalone image it needs its namespace once (a second xmlns breaks the XML).
          .replace(/^<svg (?![^>]*\sxmlns="http)/, '<svg xmlns="http://www.w3.org/2000/svg" ');
        if (!width || !height) return null;
        return {
          uri: `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`,
          width,
          height,
        };
      } catch {
        return null;
      }
    }) ?? undefined
  );
}
