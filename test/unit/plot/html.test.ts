import { describe, expect, it } from 'vitest';
import { plotCsp, plotHtml } from '../../../src/plot/html';
import { newNonce } from '../../../src/webviewHtml';
import { parsePlotState } from '../../../src/plot/protocol';
import { initialState } from '../../../src/plot/state';

const html = plotHtml({
  cspSource: 'https://x.vscode-cdn.net',
  nonce: 'abc123',
  scriptUri: 'https://x.vscode-cdn.net/plot.js',
  styleUri: 'https://x.vscode-cdn.net/plot.css',
  katexStyleUri: 'https://x.vscode-cdn.net/katex/katex.min.css',
  texScriptUri: 'https://x.vscode-cdn.net/plotTex.js',
  initialState: { ...initialState(), curves: [{ key: 'c1', id: 'elu', params: { alpha: 1 } }] },
});

describe('plot panel HTML and CSP', () => {
  it("denies by default, allows scripts only by nonce, and has no 'unsafe-*'", () => {
    const csp = plotCsp('https://x.vscode-cdn.net', 'abc123');
    expect(csp).toMatch(
      /^default-src 'none'; script-src 'nonce-abc123'; style-src https:\/\/x.vscode-cdn.net; font-src https:\/\/x.vscode-cdn.net; img-src https:\/\/x.vscode-cdn.net data:$/,
    );
    expect(html).toContain(`content="${csp}"`);
    expect(html).not.toMatch(/unsafe-/);
  });

  it('puts the nonce on every script and has no inline style or script', () => {
    const scripts = html.match(/<script[^>]*>/g) ?? [];
    expect(scripts).toHaveLength(1);
    for (const s of scripts) expect(s).toMatch(/nonce="abc123" src="/);
    expect(html).not.toMatch(/\sstyle="/);
    expect(html).not.toMatch(/<style/);
    expect(html).not.toMatch(/<script[^>]*>[^<]/);
  });

  it('escapes URIs into attributes', () => {
    const h = plotHtml({
      cspSource: 'o',
      nonce: 'n',
      scriptUri: 'a"b',
      styleUri: 's',
      katexStyleUri: 'k',
      texScriptUri: 't"<',
    });
    expect(h).toContain('src="a&quot;b"');
    expect(h).toContain('data-tex-script="t&quot;&lt;"');
  });

  it('carries the state to paint at once, and KaTeX for later, on <main>', () => {
    const main = /<main id="app"[^>]*>/.exec(html)?.[0] ?? '';
    expect(main).toContain('data-tex-script="https://x.vscode-cdn.net/plotTex.js"');
    expect(main).toContain('data-katex-style="https://x.vscode-cdn.net/katex/katex.min.css"');
    const raw = /data-initial-state="([^"]*)"/.exec(main)?.[1] ?? '';
    const json = raw
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&amp;/g, '&');
    expect(parsePlotState(JSON.parse(json))?.curves[0]?.id).toBe('elu');
    // KaTeX's stylesheet is not render-blocking any more.
    expect(html).not.toMatch(/<link[^>]*katex/);
  });

  it('makes base64url nonces of 128 random bits, a new one each time', () => {
    const a = newNonce();
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(newNonce()).not.toBe(a);
  });
});
