/**
 * VS Code theme colours for canvases. A canvas cannot use CSS variables, so we read the computed
 * `--vscode-*` values and redraw when VS Code swaps the theme (it changes `body`'s class).
 */

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export interface Palette {
  readonly kind: ThemeKind;
  readonly foreground: string;
  readonly background: string;
  readonly grid: string;
  readonly focus: string;
  /** Distinct series colours, in order; curve i uses `series[i % length]`. */
  readonly series: readonly string[];
  /** |f′| small: gradients vanish. */
  readonly vanish: string;
  /** |f′| > 1: gradients can grow. */
  readonly explode: string;
  /** Line width for the main curve (wider in high contrast). */
  readonly lineWidth: number;
  /** Alpha for shaded regions (stronger in high contrast, where fills must still read). */
  readonly shadeAlpha: number;
}

export function themeKind(body: { classList: { contains(c: string): boolean } }): ThemeKind {
  if (body.classList.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (body.classList.contains('vscode-high-contrast')) return 'high-contrast';
  if (body.classList.contains('vscode-light')) return 'light';
  return 'dark';
}

// VS Code's own defaults for the chart colours, used when a variable is missing (older hosts,
// the browser test page without a theme sheet).
const FALLBACK: Record<'light' | 'dark', Record<string, string>> = {
  dark: {
    fg: '#cccccc',
    bg: '#1e1e1e',
    grid: '#454545',
    focus: '#007fd4',
    blue: '#3794ff',
    red: '#f14c4c',
    green: '#89d185',
    yellow: '#cca700',
    orange: '#d18616',
    purple: '#b180d7',
    cyan: '#29b8db',
    magenta: '#d670d6',
  },
  light: {
    fg: '#616161',
    bg: '#ffffff',
    grid: '#c8c8c8',
    focus: '#0090f1',
    blue: '#1a85ff',
    red: '#e51400',
    green: '#388a34',
    yellow: '#bf8803',
    orange: '#d18616',
    purple: '#652d90',
    cyan: '#0598bc',
    magenta: '#bc05bc',
  },
};

/** Reads the palette from computed styles (`get` returns '' for an unset variable). */
export function readPalette(get: (name: string) => string, kind: ThemeKind): Palette {
  const fb = FALLBACK[kind === 'light' || kind === 'high-contrast-light' ? 'light' : 'dark'];
  const v = (names: string[], fallback: string): string => {
    for (const n of names) {
      const s = get(n).trim();
      if (s) return s;
    }
    return fallback;
  };
  const hc = kind === 'high-contrast' || kind === 'high-contrast-light';
  const fg = v(['--vscode-editor-foreground', '--vscode-foreground'], fb.fg as string);
  return {
    kind,
    foreground: fg,
    background: v(['--vscode-editor-background'], fb.bg as string),
    grid: hc
      ? v(['--vscode-contrastBorder'], fg)
      : v(['--vscode-editorWidget-border', '--vscode-panel-border'], fb.grid as string),
    focus: v(['--vscode-focusBorder'], fb.focus as string),
    series: [
      v(['--vscode-charts-blue'], fb.blue as string),
      v(['--vscode-charts-orange'], fb.orange as string),
      v(['--vscode-charts-green'], fb.green as string),
      v(['--vscode-charts-purple'], fb.purple as string),
      v(['--vscode-charts-red'], fb.red as string),
      v(['--vscode-charts-yellow'], fb.yellow as string),
      v(['--vscode-terminal-ansiCyan'], fb.cyan as string),
      v(['--vscode-terminal-ansiMagenta'], fb.magenta as string),
    ],
    vanish: v(['--vscode-charts-blue'], fb.blue as string),
    explode: v(['--vscode-charts-red'], fb.red as string),
    lineWidth: hc ? 3 : 2,
    shadeAlpha: hc ? 0.22 : 0.1,
  };
}

/** The palette of the document right now. */
export function currentPalette(doc: Document = document): Palette {
  const cs = getComputedStyle(doc.body);
  return readPalette((n) => cs.getPropertyValue(n), themeKind(doc.body));
}

/** Calls `onChange` with the new palette whenever VS Code changes the theme; returns a disposer. */
export function observeTheme(onChange: (p: Palette) => void, doc: Document = document): () => void {
  const mo = new MutationObserver(() => onChange(currentPalette(doc)));
  mo.observe(doc.body, {
    attributes: true,
    attributeFilter: ['class', 'data-vscode-theme-id', 'style'],
  });
  return () => mo.disconnect();
}
