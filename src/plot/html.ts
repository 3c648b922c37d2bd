/** The panel's HTML shell: pure, so the browser test serves exactly what VS Code shows. */

export interface PlotHtmlOptions {
  /** `webview.cspSource` (or the test server's origin). */
  readonly cspSource: string;
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly katexStyleUri: string;
  /** Extra nonce'd scripts before the bundle (the browser test's stub host). */
  readonly preludeScriptUris?: readonly string[];
  readonly extraStyleUris?: readonly string[];
}

function attr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** The CSP: nothing by default, our scripts by nonce, styles/fonts/images only from our origin. */
export function plotCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

/** A 128-bit nonce in base64url from caller-supplied random bytes (crypto in the adapter). */
export function nonceFrom(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function plotHtml(o: PlotHtmlOptions): string {
  const n = attr(o.nonce);
  const styles = [o.katexStyleUri, o.styleUri, ...(o.extraStyleUris ?? [])]
    .map((u) => `<link rel="stylesheet" href="${attr(u)}">`)
    .join('\n    ');
  const scripts = [...(o.preludeScriptUris ?? []), o.scriptUri]
    .map((u) => `<script nonce="${n}" src="${attr(u)}"></script>`)
    .join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${attr(plotCsp(o.cspSource, o.nonce))}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${styles}
    <title>Activation Plot</title>
  </head>
  <body>
    <main id="app" aria-busy="true">
      <p class="loading">Loading the plot…</p>
    </main>
    ${scripts}
  </body>
</html>
`;
}
