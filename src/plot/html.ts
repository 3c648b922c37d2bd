/** The panel's HTML shell: pure, so the browser test serves exactly what VS Code shows. */
import type { PlotState } from './protocol';
import { webviewCsp, webviewHtml } from '../webviewHtml';

export interface PlotHtmlOptions {
  /** `webview.cspSource` (or the test server's origin). */
  readonly cspSource: string;
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  /** KaTeX's stylesheet and script: loaded by the panel after its first paint. */
  readonly katexStyleUri: string;
  readonly texScriptUri: string;
  /** The state to paint at once, before the host answers 'ready'. */
  readonly initialState?: PlotState;
  /** Extra nonce'd scripts before the bundle (the browser test's stub host). */
  readonly preludeScriptUris?: readonly string[];
  readonly extraStyleUris?: readonly string[];
}

/** The CSP: nothing by default, our scripts by nonce, styles/fonts/images only from our origin. */
export function plotCsp(cspSource: string, nonce: string): string {
  return webviewCsp(cspSource, nonce, true);
}

export function plotHtml(o: PlotHtmlOptions): string {
  return webviewHtml({
    ...o,
    title: 'Activation Plot',
    fonts: true,
    styleUris: [o.styleUri, ...(o.extraStyleUris ?? [])],
    appData: {
      'katex-style': o.katexStyleUri,
      'tex-script': o.texScriptUri,
      ...(o.initialState ? { 'initial-state': JSON.stringify(o.initialState) } : {}),
    },
    loadingHtml: '\n      <p class="loading">Loading the plot…</p>\n    ',
  });
}
