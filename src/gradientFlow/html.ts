import { webviewHtml } from '../webviewHtml';

/** The report panel's HTML shell: pure, so the browser screenshot page serves exactly what VS Code shows. */
export interface ReportHtmlOptions {
  /** `webview.cspSource` (or the test server's origin). */
  readonly cspSource: string;
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  /** Extra nonce'd scripts before the bundle (the browser page's stub host). */
  readonly preludeScriptUris?: readonly string[];
}

export function reportHtml(o: ReportHtmlOptions): string {
  return webviewHtml({
    ...o,
    title: 'Gradient-Flow Check',
    styleUris: [o.styleUri],
    loadingHtml: '<p class="muted">Loading the report…</p>',
  });
}
