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

function attr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** Nothing by default, our scripts by nonce, styles only from our origin. */
export function reportCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

export function reportHtml(o: ReportHtmlOptions): string {
  const n = attr(o.nonce);
  const scripts = [...(o.preludeScriptUris ?? []), o.scriptUri]
    .map((u) => `<script nonce="${n}" src="${attr(u)}"></script>`)
    .join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${attr(reportCsp(o.cspSource, o.nonce))}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <link rel="stylesheet" href="${attr(o.styleUri)}">
    <title>Gradient-Flow Check</title>
  </head>
  <body>
    <main id="app" aria-busy="true"><p class="muted">Loading the report…</p></main>
    ${scripts}
  </body>
</html>
`;
}
