// Renders the report panel in headless Chromium exactly as VS Code would (same HTML shell, CSP,
// bundle and message schema), with a stub host that answers 'ready' with real reports, counts CSP
// violations and writes a screenshot.
//   node webview/gradientFlow/screenshot.mjs [out.png]      (after `node esbuild.mjs`)
import { build } from 'esbuild';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = path.resolve(process.argv[2] ?? 'gradient-flow-report.png');
const dir = mkdtempSync(path.join(tmpdir(), 'al-gf-shot-'));

// The page data, computed by the real kernel and serialised by the host's own function.
const gen = path.join(dir, 'gen.cjs');
await build({
  stdin: {
    contents: `
      import { runCheck } from './src/kernel/gradientFlow';
      import { toViewReport } from './src/gradientFlow/view';
      import { suggestionFor } from './src/gradientFlow/suggest';
      import { reportHtml } from './src/gradientFlow/html';
      export function make(origin) {
        // RECURRENT=1: a tanh RNN beside an LSTM over 64 steps (the gradient-through-time chart).
        const configs = ${process.env.RECURRENT === '1'}
          ? [
              { activation: 'tanh', arch: 'rnn', steps: 64, width: 64, batch: 64 },
              { activation: 'tanh', arch: 'lstm', steps: 64, width: 64, batch: 64 },
            ]
          : [
              { activation: 'sigmoid', init: 'xavier_normal' },
              { activation: 'relu', init: 'he_normal' },
              { activation: 'selu', init: 'lecun_normal', alphaDropout: 0.1 },
            ];
        const reports = configs.map((c) => runCheck(c)).map((r, i) => {
          const s = suggestionFor(r);
          return toViewReport(r, { id: 'run-' + (i + 1), ...(s ? { suggestion: s.label } : {}) });
        });
        const html = reportHtml({ cspSource: origin, nonce: 'shotnonce123', scriptUri: origin + '/gradientFlow.js',
          styleUri: origin + '/gradientFlow.css', preludeScriptUris: [origin + '/host.js'] });
        return { reports, html };
      }`,
    resolveDir: root,
    loader: 'ts',
  },
  outfile: gen,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  logLevel: 'error',
});
const { make } = (await import(gen)).default;

const server = createServer((req, res) => {
  const files = {
    '/': [page.html, 'text/html'],
    '/host.js': [hostJs, 'text/javascript'],
    '/gradientFlow.js': [
      readFileSync(path.join(root, 'dist/webview/gradientFlow.js')),
      'text/javascript',
    ],
    '/gradientFlow.css': [
      readFileSync(path.join(root, 'dist/webview/gradientFlow.css')),
      'text/css',
    ],
    // Imported by gradientFlow.css: the theme rules both webviews share.
    '/base.css': [readFileSync(path.join(root, 'dist/webview/base.css')), 'text/css'],
  };
  const f = files[req.url ?? '/'];
  if (!f) return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': f[1] }).end(f[0]);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;
const page = make(origin);
const hostJs = `
  window.__posted = [];
  window.acquireVsCodeApi = () => ({
    postMessage(m) {
      window.__posted.push(m);
      if (m.type === 'ready') setTimeout(() => window.postMessage({ type: 'reports', reports: ${JSON.stringify(page.reports)}, focus: 'run-1' }, '*'));
    },
    getState() { return undefined; },
    setState() {},
  });
  document.body && document.body.classList.add(${JSON.stringify(process.env.THEME === 'light' ? 'vscode-light' : 'vscode-dark')});
`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
});
try {
  const tab = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const violations = [];
  tab.on('console', (m) => {
    if (/Content Security Policy/.test(m.text())) violations.push(m.text());
  });
  await tab.goto(origin + '/');
  await tab.waitForSelector('.run');
  await tab.waitForTimeout(300);
  const cards = await tab.$$eval('.run', (els) =>
    els.map((e) => e.querySelector('.badge')?.textContent),
  );
  await tab.screenshot({ path: out, fullPage: true });
  // Export PNG composes the charts into one image and hands it to the host.
  await tab.click('text=Export PNG…');
  const png = await tab.evaluate(() => {
    const m = globalThis.__posted.find((x) => x.type === 'exportPng');
    return m
      ? { prefix: m.dataUrl.slice(0, 22), bytes: Math.round((m.dataUrl.length * 3) / 4) }
      : null;
  });
  if (!png || png.prefix !== 'data:image/png;base64,') throw new Error('Export PNG posted no PNG');
  const posted = await tab.evaluate(() => globalThis.__posted.map((m) => m.type));
  console.log(
    JSON.stringify({ screenshot: out, cards, posted, png, cspViolations: violations.length }),
  );
  if (violations.length) console.error(violations.join('\n'));
} finally {
  await browser.close();
  server.close();
}
