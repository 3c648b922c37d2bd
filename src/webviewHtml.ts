import { randomBytes } from 'node:crypto';

/**
 * The HTML shell every webview of ours uses (plot panel, gradient-flow report): pure, so the browser
 * tests serve exactly what VS Code shows. Strict CSP: nothing by default, our scripts by nonce,
 * styles (and fonts, where a panel has them) only from our own origin, no inline anything.
 */
export interface WebviewHtmlOptions {
  /** `webview.cspSource` (or the test server's origin). */
  readonly cspSource: string;
  readonly nonce: string;
  readonly title: string;
  readonly scriptUri: string;
  readonly styleUris: readonly string[];
  /** The placeholder inside `<main id="app">` until the script renders (trusted markup). */
  readonly loadingHtml: string;
  /** Allow fonts from our origin (KaTeX's). */
  readonly fonts?: boolean;
  /** Extra nonce'd scripts before the bundle (the browser tests' stub host). */
  readonly preludeScriptUris?: readonly string[];
  /** `data-*` attributes of `<main id="app">`: what the script needs before the host answers. */
  readonly appData?: Readonly<Record<string, string>>;
}

/** The one nonce maker for our webviews: 128 random bits, base64url. */
export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

export function attr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function webviewCsp(cspSource: string, nonce: string, fonts = false): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    ...(fonts ? [`font-src ${cspSource}`] : []),
    `img-src ${cspSource} data:`,
  ].join('; ');
}

export function webviewHtml(o: WebviewHtmlOptions): string {
  const n = attr(o.nonce);
  const data = Object.entries(o.appData ?? {})
    .map(([k, v]) => ` data-${k.replace(/[^a-z0-9-]/g, '')}="${attr(v)}"`)
    .join('');
  const styles = o.styleUris.map((u) => `<link rel="stylesheet" href="${attr(u)}">`).join('\n    ');
  const scripts = [...(o.preludeScriptUris ?? []), o.scriptUri]
    .map((u) => `<script nonce="${n}" src="${attr(u)}"></script>`)
    .join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${attr(webviewCsp(o.cspSource, o.nonce, o.fonts))}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${styles}
    <title>${attr(o.title)}</title>
  </head>
  <body>
    <main id="app" aria-busy="true"${data}>${o.loadingHtml}</main>
    ${scripts}
  </body>
</html>
`;
}
