/**
 * Browser test of the BUILT plot webview (dist/webview) in headless Chromium: served from a
 * loopback server under the panel's own HTML and CSP, with a stub `acquireVsCodeApi` host.
 * Checks: canvas drawn, a slider changes the curve, exports produce data, malformed messages are
 * dropped, theme switch redraws, state survives a reload, 0 CSP violations; prints redraw timing.
 * `npm run test:browser`; `PLOT_BENCH=1` (scripts/bench-plot.mjs) runs only the timing, longer.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { plotHtml } from '../../src/plot/html';
import { activations } from '../../src/kernel/registry';
import { MAX_CURVES, type PlotState } from '../../src/plot/protocol';
import type { CustomDef } from '../../src/plot/custom';
import { bin, fn, num, X } from '../../src/language/custom/expr';

const root = resolve(process.cwd());
const dist = join(root, 'dist', 'webview');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const BENCH = process.env.PLOT_BENCH === '1';

// VS Code's Dark Modern / Light Modern values for the variables the panel reads.
const THEME_CSS = `
body.vscode-dark { --vscode-editor-background:#1f1f1f; --vscode-editor-foreground:#cccccc; --vscode-foreground:#cccccc;
  --vscode-editorWidget-border:#454545; --vscode-widget-border:#313131; --vscode-focusBorder:#0078d4;
  --vscode-descriptionForeground:#9d9d9d; --vscode-input-background:#313131; --vscode-input-foreground:#cccccc;
  --vscode-input-border:#3c3c3c; --vscode-button-background:#0078d4; --vscode-button-secondaryBackground:#313131;
  --vscode-button-secondaryForeground:#cccccc; --vscode-sideBar-background:#181818;
  --vscode-charts-blue:#3794ff; --vscode-charts-red:#f14c4c; --vscode-charts-green:#89d185;
  --vscode-charts-yellow:#cca700; --vscode-charts-orange:#d18616; --vscode-charts-purple:#b180d7; }
body.vscode-light { --vscode-editor-background:#ffffff; --vscode-editor-foreground:#3b3b3b; --vscode-foreground:#3b3b3b;
  --vscode-editorWidget-border:#c8c8c8; --vscode-widget-border:#e5e5e5; --vscode-focusBorder:#005fb8;
  --vscode-descriptionForeground:#616161; --vscode-input-background:#ffffff; --vscode-input-foreground:#3b3b3b;
  --vscode-input-border:#cecece; --vscode-button-background:#005fb8; --vscode-button-secondaryBackground:#e5e5e5;
  --vscode-button-secondaryForeground:#3b3b3b; --vscode-sideBar-background:#f8f8f8;
  --vscode-charts-blue:#1a85ff; --vscode-charts-red:#e51400; --vscode-charts-green:#388a34;
  --vscode-charts-yellow:#bf8803; --vscode-charts-orange:#d18616; --vscode-charts-purple:#652d90; }
`;

function state(
  curves: Array<{ id: string; params?: Record<string, number> }>,
  d2f = false,
): PlotState {
  return {
    version: 1,
    curves: curves.map((c, i) => ({ key: `c${i + 1}`, id: c.id, params: c.params ?? {} })),
    xMin: -5,
    xMax: 5,
    yMin: null,
    yMax: null,
    series: { f: true, df: true, d2f },
    shade: { vanish: true, explode: true },
    hidden: [],
    focus: curves.length ? `c${curves.length}` : null,
  };
}

/** The stub host: records messages, answers 'ready' with the saved (or initial) state. */
function stubJs(initial: PlotState, theme: 'dark' | 'light'): string {
  return `(() => {
  document.body.classList.add('vscode-${theme}');
  const initial = ${JSON.stringify(initial)};
  window.__host = [];
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi called twice');
    acquired = true;
    return {
      postMessage(m) {
        window.__host.push(m);
        if (m && m.type === 'ready') {
          const saved = sessionStorage.getItem('plotState');
          window.postMessage({ type: 'setState', state: saved ? JSON.parse(saved) : initial }, '*');
        }
      },
      getState() { const s = sessionStorage.getItem('plotState'); return s ? JSON.parse(s) : undefined; },
      setState(s) { sessionStorage.setItem('plotState', JSON.stringify(s)); },
    };
  };
})();`;
}

const MIME: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.html': 'text/html',
};

interface Page0 {
  initial: PlotState;
  theme: 'dark' | 'light';
}

function serve(cfg: { current: Page0 }): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const origin = `http://${req.headers.host}`;
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        plotHtml({
          cspSource: origin,
          nonce: 'dGVzdC1ub25jZS0xMjM0NQ',
          scriptUri: `${origin}/dist/plot.js`,
          styleUri: `${origin}/dist/plot.css`,
          katexStyleUri: `${origin}/dist/katex/katex.min.css`,
          texScriptUri: `${origin}/dist/plotTex.js`,
          // As the panel does: the page carries its state and paints before 'ready' is answered.
          initialState: cfg.current.initial,
          preludeScriptUris: [`${origin}/stub.js`],
          extraStyleUris: [`${origin}/theme.css`],
        }),
      );
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (url.pathname === '/stub.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(stubJs(cfg.current.initial, cfg.current.theme));
      return;
    }
    if (url.pathname === '/theme.css') {
      res.writeHead(200, { 'content-type': 'text/css' });
      res.end(THEME_CSS);
      return;
    }
    if (url.pathname.startsWith('/dist/')) {
      const file = normalize(join(dist, decodeURIComponent(url.pathname.slice('/dist/'.length))));
      if (file.startsWith(dist) && existsSync(file)) {
        res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
        res.end(readFileSync(file));
        return;
      }
    }
    res.writeHead(404).end();
  });
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      ok({ server, origin: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}` });
    }),
  );
}

type HostMessage = { type: string; [k: string]: unknown };

interface Ctx {
  page: Page;
  csp: string[];
  errors: string[];
}

async function openPage(
  browser: Browser,
  origin: string,
  cfg: { current: Page0 },
  p: Page0,
): Promise<Ctx> {
  cfg.current = p;
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const csp: string[] = [];
  const errors: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) csp.push(m.text());
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  await page.goto(origin + '/');
  await page.waitForFunction(
    () => (window as unknown as { activationLensPlot?: unknown }).activationLensPlot !== undefined,
  );
  // Formulas are typeset after the first paint (KaTeX loads in idle time): wait for them.
  await page.waitForFunction(() => {
    const api = (
      window as unknown as {
        activationLensPlot: { typesetMs(): number | undefined; state(): PlotState };
      }
    ).activationLensPlot;
    return (
      typeof api.typesetMs !== 'function' ||
      api.state().curves.length === 0 ||
      api.typesetMs() !== undefined
    );
  });
  await page.waitForFunction(() => document.fonts.status === 'loaded');
  return { page, csp, errors };
}

/** Number of canvas pixels that differ from the top-left (background) pixel, and a hash. */
async function canvasStats(page: Page): Promise<{ drawn: number; hash: number; bg: number[] }> {
  return page.evaluate(() => {
    const c = document.querySelector('canvas') as HTMLCanvasElement;
    const ctx = c.getContext('2d') as CanvasRenderingContext2D;
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    const bg = [d[0] ?? 0, d[1] ?? 0, d[2] ?? 0];
    let drawn = 0;
    let hash = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i] !== bg[0] || d[i + 1] !== bg[1] || d[i + 2] !== bg[2]) drawn++;
      hash = (Math.imul(hash, 31) + (d[i] ?? 0) + (d[i + 1] ?? 0) * 7 + (d[i + 2] ?? 0) * 13) | 0;
    }
    return { drawn, hash, bg };
  });
}

const host = (page: Page): Promise<HostMessage[]> =>
  page.evaluate(() => (window as unknown as { __host: HostMessage[] }).__host);
const plotState = (page: Page): Promise<PlotState> =>
  page.evaluate(() =>
    (
      window as unknown as { activationLensPlot: { state(): PlotState } }
    ).activationLensPlot.state(),
  );

async function moveSlider(page: Page, selector: string, value: number): Promise<number> {
  return page.evaluate(
    ([sel, v]) => {
      const el = document.querySelector(sel) as HTMLInputElement;
      el.value = String(v);
      el.dispatchEvent(new Event('input', { bubbles: true }));
      return (
        window as unknown as { activationLensPlot: { lastRedrawMs(): number } }
      ).activationLensPlot.lastRedrawMs();
    },
    [selector, value] as const,
  );
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}

/** Slider redraws with 4 curves × 2000 points × (f, f′, f″), each a full reduce → resample → chart.update('none'). */
interface Timing {
  p10: number;
  median: number;
  p95: number;
  max: number;
  /** chart.update('none') alone, median: the drawing share of a redraw. */
  chartMedian: number;
  points: number;
}

/**
 * Slider redraws with 4 curves × 2000 points × (f, f′, f″): each a full reduce → resample →
 * chart.update('none') → synchronous draw, timed inside the page around the input handler.
 */
async function timeRedraws(page: Page, reps: number): Promise<Timing> {
  const st = await plotState(page);
  const withParam = st.curves.find((c) => Object.keys(c.params).length > 0);
  if (!withParam) throw new Error('no curve with a parameter to move');
  const name = Object.keys(withParam.params)[0] as string;
  const sel = `#p-${withParam.key}-${name}`;
  const [min, max] = await page.evaluate((s) => {
    const el = document.querySelector(s) as HTMLInputElement;
    return [Number(el.min), Number(el.max)];
  }, sel);
  const times: number[] = [];
  for (let i = 0; i < reps + 5; i++) {
    const t = await moveSlider(page, sel, min + ((max - min) * ((i * 7) % 20)) / 20);
    if (i >= 5) times.push(t); // the first few warm up the JIT
  }
  const chart = await page.evaluate((n) => {
    const api = (window as unknown as { activationLensPlot: { timeChartUpdate(): number } })
      .activationLensPlot;
    const ts: number[] = [];
    for (let i = 0; i < n; i++) ts.push(api.timeChartUpdate());
    return ts;
  }, reps);
  const points = await page.evaluate(() =>
    (
      window as unknown as { activationLensPlot: { pointCount(): number } }
    ).activationLensPlot.pointCount(),
  );
  return {
    p10: quantile(times, 0.1),
    median: quantile(times, 0.5),
    p95: quantile(times, 0.95),
    max: Math.max(...times),
    chartMedian: quantile(chart, 0.5),
    points,
  };
}

function timingLine(r: Timing): string {
  return `p10 ${r.p10.toFixed(2)} ms, median ${r.median.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms, max ${r.max.toFixed(2)} ms; chart.update alone median ${r.chartMedian.toFixed(2)} ms (${r.points} points drawn; load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores)`;
}

/** Snake as the hover's link sends it: x + sin²(αx)/α, α = 1 as written. */
const SNAKE: CustomDef = {
  name: 'Snake',
  expr: bin(
    'add',
    X,
    bin('div', bin('pow', fn('sin', bin('mul', { k: 'sym', name: 'alpha' }, X)), num(2)), {
      k: 'sym',
      name: 'alpha',
    }),
  ),
  params: { alpha: 1 },
};

const FIRST_PAINT_LOADS = 7;

const FOUR = [
  { id: 'gelu' },
  { id: 'leaky_relu', params: { negative_slope: 0.1 } },
  { id: 'elu' },
  { id: 'silu' },
];

async function main(): Promise<number> {
  if (!existsSync(join(dist, 'plot.js')))
    throw new Error('dist/webview/plot.js missing: run `npm run build` first');
  const cfg = { current: { initial: state([]), theme: 'dark' as const } as Page0 };
  const { server, origin } = await serve(cfg);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  let passed = 0;
  let failed = 0;
  const results: string[] = [];
  const test = async (name: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
      passed++;
      results.push(`  ✓ ${name}`);
    } catch (e) {
      failed++;
      results.push(`  ✗ ${name}\n      ${e instanceof Error ? e.message : String(e)}`);
    }
    console.log(results[results.length - 1]);
  };
  const assert = (ok: unknown, msg: string): void => {
    if (!ok) throw new Error(msg);
  };
  const allCsp: string[] = [];
  try {
    if (BENCH) {
      const ctx = await openPage(browser, origin, cfg, {
        initial: state(FOUR, true),
        theme: 'dark',
      });
      // First paint over several fresh pages (one load is at the mercy of the machine's load).
      const phases: Record<string, number[]> = {};
      for (let i = 0; i < FIRST_PAINT_LOADS; i++) {
        const p = await openPage(browser, origin, cfg, {
          initial: state(FOUR, true),
          theme: 'dark',
        });
        const t = await p.page.evaluate(() => {
          const api = (
            window as unknown as {
              activationLensPlot: {
                phases?(): Record<string, number | undefined>;
                firstPaintMs(): number | undefined;
                typesetMs?(): number | undefined;
              };
            }
          ).activationLensPlot;
          const bundle = performance
            .getEntriesByType('resource')
            .find((e) => e.name.endsWith('/plot.js')) as PerformanceResourceTiming | undefined;
          return {
            'plot.js downloaded': bundle?.responseEnd,
            ...api.phases?.(),
            firstPaintMs: api.firstPaintMs(),
            'formulas typeset': api.typesetMs?.(),
          };
        });
        for (const [k, v] of Object.entries(t)) (phases[k] ??= []).push(v ?? NaN);
        await p.page.close();
      }
      const paints = phases.firstPaintMs ?? [];
      console.log(
        `first paint, 4 curves, ${FIRST_PAINT_LOADS} fresh loads, ms since navigation start (median / min):`,
      );
      for (const [k, v] of Object.entries(phases))
        console.log(
          `  ${k.padEnd(20)} ${quantile(v, 0.5).toFixed(0).padStart(5)} / ${Math.min(...v).toFixed(0)}`,
        );
      console.log('');
      const r = await timeRedraws(ctx.page, 200);
      console.log(
        '| curves × points × series | points drawn | p10 ms | median ms | p95 ms | max ms | chart.update median ms |',
      );
      console.log('|---|---:|---:|---:|---:|---:|---:|');
      console.log(
        `| 4 × 2000 × 3 | ${r.points} | ${r.p10.toFixed(2)} | ${r.median.toFixed(2)} | ${r.p95.toFixed(2)} | ${r.max.toFixed(2)} | ${r.chartMedian.toFixed(2)} |`,
      );
      console.log(
        `load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores (timings include contention)`,
      );
      await ctx.page.close();
      // A benchmark reports; the browser test is what fails.
      console.log(
        `targets: first paint median < 300 ms ${quantile(paints, 0.5) < 300 ? 'met' : 'NOT met'}; redraw p95 ≤ 16 ms ${r.p95 <= 16 ? 'met' : 'NOT met'}`,
      );
      return 0;
    }

    const one = await openPage(browser, origin, cfg, {
      initial: state([{ id: 'leaky_relu', params: { negative_slope: 0.05 } }]),
      theme: 'dark',
    });
    const paint = await one.page.evaluate(() =>
      (
        window as unknown as { activationLensPlot: { firstPaintMs(): number | undefined } }
      ).activationLensPlot.firstPaintMs(),
    );
    console.log(
      `first paint (navigation start → first frame with the curve): ${paint?.toFixed(0)} ms`,
    );

    await test('the canvas is drawn (non-background pixels)', async () => {
      const s = await canvasStats(one.page);
      assert(s.drawn > 2000, `only ${s.drawn} non-background pixels`);
      const st = await plotState(one.page);
      assert(
        st.curves.length === 1 && st.curves[0]?.id === 'leaky_relu',
        'state not loaded from host',
      );
    });

    await test('KaTeX typesets f and f′ through the DOM', async () => {
      const n = await one.page.evaluate(() => document.querySelectorAll('.formula .katex').length);
      assert(n === 2, `${n} KaTeX formulas`);
    });

    await test('moving a slider changes the curve, the formula and the state', async () => {
      const before = await canvasStats(one.page);
      const texBefore = await one.page.evaluate(
        () => document.querySelector('.formula')?.textContent ?? '',
      );
      await moveSlider(one.page, '#p-c1-negative_slope', 0.5);
      await one.page.evaluate(
        () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
      );
      const after = await canvasStats(one.page);
      const texAfter = await one.page.evaluate(
        () => document.querySelector('.formula')?.textContent ?? '',
      );
      const st = await plotState(one.page);
      assert(
        st.curves[0]?.params.negative_slope === 0.5,
        `param is ${st.curves[0]?.params.negative_slope}`,
      );
      assert(before.hash !== after.hash, 'canvas unchanged');
      assert(
        texBefore !== texAfter && texAfter.includes('0.5'),
        `formula did not follow: ${texAfter}`,
      );
      const box = await one.page.inputValue('#p-c1-negative_slope-n');
      assert(box === '0.5', `number box shows ${box}`);
      // The shading's "of …" selector names the curve with its new parameter, not the old one.
      const option = await one.page.evaluate(
        () => (document.querySelector('#shade-focus') as HTMLSelectElement).options[0]?.text ?? '',
      );
      assert(option.includes('0.5'), `"of" selector still reads ${option}`);
      // The card's properties are those of the current parameters, in the hover's notation.
      await one.page.waitForFunction(() =>
        /Properties at these parameters/.test(document.querySelector('.props')?.textContent ?? ''),
      );
      const props = await one.page.evaluate(() => document.querySelector('.props')?.textContent);
      assert(/Range(≈ )?\(−∞, ∞\)/.test(props ?? ''), `properties: ${props}`);
    });

    await test('the Add… button asks the host for the activation picker', async () => {
      await one.page.click('#add-curves');
      const sent = await host(one.page);
      assert(
        sent.some((m) => m.type === 'pickActivations'),
        `host got ${sent.map((m) => m.type).join(', ')}`,
      );
    });

    await test('an out-of-range number is clamped with a visible message, never NaN', async () => {
      await one.page.fill('#p-c1-negative_slope-n', '1e9');
      await one.page.press('#p-c1-negative_slope-n', 'Enter');
      const st = await plotState(one.page);
      const v = st.curves[0]?.params.negative_slope;
      assert(v !== undefined && Number.isFinite(v) && v < 1e9, `value ${v}`);
      const notice = await one.page.textContent('.notices');
      assert(/clamped/.test(notice ?? ''), `no notice: ${notice}`);
      // A number input holding non-numeric text reports '' (what a user typing 'abc' produces).
      await one.page.evaluate(() => {
        const el = document.querySelector('#p-c1-negative_slope-n') as HTMLInputElement;
        el.value = '';
        el.dispatchEvent(new Event('change', { bubbles: true }));
      });
      const st2 = await plotState(one.page);
      assert(st2.curves[0]?.params.negative_slope === v, 'a non-number changed the value');
    });

    await test('export PNG sends a PNG data URL to the host', async () => {
      await one.page.click('#export-png');
      const m = (await host(one.page)).find((x) => x.type === 'exportPng');
      assert(
        m && typeof m.dataUrl === 'string' && m.dataUrl.startsWith('data:image/png;base64,'),
        'no PNG message',
      );
      assert((m?.dataUrl as string).length > 5000, 'PNG suspiciously small');
    });

    await test('export CSV sends header and 2000+ rows to the host', async () => {
      await one.page.click('#export-csv');
      const m = (await host(one.page)).find((x) => x.type === 'exportCsv');
      const lines = String(m?.csv ?? '')
        .trim()
        .split('\r\n');
      assert(lines[0]?.startsWith('x,leaky_relu(negative_slope='), `header ${lines[0]}`);
      assert(lines.length >= 2001, `${lines.length} lines`);
      assert(!/NaN/.test(String(m?.csv)), 'NaN in CSV');
    });

    await test('the crosshair read-out shows f, f′, f″ at the pointer', async () => {
      const box = await one.page.locator('canvas').boundingBox();
      assert(box, 'no canvas box');
      await one.page.mouse.move(
        (box?.x ?? 0) + (box?.width ?? 0) * 0.3,
        (box?.y ?? 0) + (box?.height ?? 0) / 2,
      );
      await one.page.waitForFunction(() =>
        /x = /.test(document.querySelector('.readout')?.textContent ?? ''),
      );
      const cells = await one.page.$$eval('.readout tbody td', (tds) =>
        tds.map((t) => t.textContent),
      );
      assert(cells.length === 3 && cells.every((c) => c && c !== '—'), `cells ${cells.join('|')}`);
    });

    await test('keyboard zoom and reset on the focused chart', async () => {
      await one.page.focus('canvas');
      await one.page.keyboard.press('+');
      const z = await plotState(one.page);
      assert(z.xMax - z.xMin < 10, `range ${z.xMin}..${z.xMax}`);
      await one.page.keyboard.press('0');
      const r = await plotState(one.page);
      assert(r.xMin === -5 && r.xMax === 5, 'reset failed');
    });

    await test('10k malformed messages are dropped with warnings and the panel keeps working', async () => {
      const warnings = await one.page.evaluate(async () => {
        const junk: unknown[] = [
          null,
          1,
          'x',
          [],
          {},
          { type: 'setState' },
          { type: 'setState', state: { version: 2 } },
          { type: 'notice', notice: { level: 'loud' } },
          { type: 'exportResult', kind: 'gif' },
        ];
        let seed = 7;
        const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
        for (let i = 0; i < 10000; i++) {
          const base = junk[i % junk.length];
          const m =
            i % 3 === 0
              ? {
                  type: 'setState',
                  state: {
                    version: 1,
                    curves: [{ key: 'c1', id: 'gelu', params: { a: rnd() > 0.5 ? 'NaN' : null } }],
                  },
                }
              : base;
          window.postMessage(m, '*');
        }
        await new Promise((r) => setTimeout(r, 300));
        return (window as unknown as { __host: Array<{ type: string }> }).__host.filter(
          (m) => m.type === 'log',
        ).length;
      });
      assert(warnings >= 9000, `${warnings} warnings logged to host`);
      const before = await canvasStats(one.page);
      await moveSlider(one.page, '#p-c1-negative_slope', 0.2);
      const after = await canvasStats(one.page);
      assert(before.hash !== after.hash, 'panel stopped redrawing');
    });

    await test('theme change (body class) re-reads colours and redraws', async () => {
      const dark = await canvasStats(one.page);
      await one.page.evaluate(() => {
        document.body.classList.replace('vscode-dark', 'vscode-light');
      });
      await one.page.waitForTimeout(100);
      const light = await canvasStats(one.page);
      assert(
        light.bg.join() === '255,255,255',
        `background ${light.bg.join()} (was ${dark.bg.join()})`,
      );
      await one.page.evaluate(() => document.body.classList.replace('vscode-light', 'vscode-dark'));
    });

    await test('state survives a reload (getState/setState)', async () => {
      await moveSlider(one.page, '#p-c1-negative_slope', 0.3);
      await one.page.reload();
      await one.page.waitForFunction(
        () =>
          (window as unknown as { activationLensPlot?: unknown }).activationLensPlot !== undefined,
      );
      const st = await plotState(one.page);
      assert(
        st.curves[0]?.params.negative_slope === 0.3,
        `restored ${st.curves[0]?.params.negative_slope}`,
      );
      const v = await one.page.inputValue('#p-c1-negative_slope');
      assert(v === '0.3', `slider shows ${v}`);
    });
    allCsp.push(
      ...one.csp,
      ...(await one.page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)),
    );
    await test('no page errors', async () => {
      const real = one.errors.filter((e) => !/Content Security Policy/.test(e));
      assert(real.length === 0, real.join('\n'));
    });
    await one.page.close();

    const four = await openPage(browser, origin, cfg, {
      initial: state(FOUR, true),
      theme: 'dark',
    });
    await test('four curves × (f, f′, f″) are drawn', async () => {
      const n = await four.page.evaluate(() =>
        (
          window as unknown as { activationLensPlot: { datasetCount(): number } }
        ).activationLensPlot.datasetCount(),
      );
      assert(n === 12, `${n} datasets`);
      const s = await canvasStats(four.page);
      assert(s.drawn > 5000, `${s.drawn} pixels`);
    });
    await test('slider redraws 4 curves × 2000 points × (f, f′, f″); timing printed', async () => {
      // Speed is judged by `npm run bench` (scripts/bench-plot.mjs), not by a timed test: wall time
      // here depends on what else the machine runs. The test prints it and checks the redraws ran.
      const r = await timeRedraws(four.page, 60);
      console.log(`    redraw after a slider move: ${timingLine(r)}`);
      assert(r.points >= 4 * 2000 * 3, `${r.points} points drawn`);
      assert(Number.isFinite(r.median) && r.median > 0, `median ${r.median} ms`);
    });
    allCsp.push(
      ...four.csp,
      ...(await four.page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)),
    );
    await four.page.close();

    // A custom definition from the user's file (the hover's 'Plot Snake' link) beside GELU.
    const snakeState = (): PlotState => {
      const st = state([{ id: 'gelu' }]);
      return {
        ...st,
        shade: { vanish: false, explode: false },
        curves: [
          ...st.curves,
          { key: 'c2', id: 'custom:Snake', params: { alpha: 1 }, custom: SNAKE },
        ],
        focus: 'c2',
      };
    };
    const snake = await openPage(browser, origin, cfg, { initial: snakeState(), theme: 'dark' });
    await test('a custom Snake curve is plotted beside GELU, typeset, with an alpha slider', async () => {
      const n = await snake.page.evaluate(() =>
        (
          window as unknown as { activationLensPlot: { datasetCount(): number } }
        ).activationLensPlot.datasetCount(),
      );
      assert(n === 6, `${n} datasets (2 curves × f, f′, f″)`);
      const card = await snake.page.evaluate(() => {
        const el = document.querySelector('.card[data-key="c2"]');
        const slider = document.querySelector('#p-c2-alpha') as HTMLInputElement | null;
        return {
          title: el?.querySelector('h2')?.textContent ?? '',
          katex: el?.querySelectorAll('.formula .katex').length ?? 0,
          errors: el?.querySelectorAll('.katex-error').length ?? -1,
          text: el?.textContent ?? '',
          slider: slider && [slider.min, slider.max, slider.value],
        };
      });
      assert(card.title === 'Snake', `card title '${card.title}'`);
      assert(card.katex === 2 && card.errors === 0, `formulas ${JSON.stringify(card)}`);
      assert(/sin/.test(card.text), `the card shows the formula: ${card.text.slice(0, 200)}`);
      assert(
        JSON.stringify(card.slider) === JSON.stringify(['0.01', '4', '1']),
        `slider ${JSON.stringify(card.slider)}`,
      );
      const before = await canvasStats(snake.page);
      assert(before.drawn > 3000, `${before.drawn} pixels`);
      await moveSlider(snake.page, '#p-c2-alpha', 3);
      const after = await canvasStats(snake.page);
      assert(after.hash !== before.hash, 'moving alpha did not redraw');
      const st = await plotState(snake.page);
      assert(st.curves[1]?.params.alpha === 3, `alpha ${st.curves[1]?.params.alpha}`);
    });
    await test('the custom curve survives a reload (getState/setState)', async () => {
      await snake.page.reload();
      await snake.page.waitForFunction(
        () =>
          (window as unknown as { activationLensPlot?: unknown }).activationLensPlot !== undefined,
      );
      const st = await plotState(snake.page);
      assert(
        st.curves[1]?.id === 'custom:Snake' && st.curves[1].params.alpha === 3,
        `restored ${JSON.stringify(st.curves[1]?.params)}`,
      );
      assert(
        JSON.stringify(st.curves[1]?.custom) === JSON.stringify(SNAKE),
        'the definition came back',
      );
    });
    await test('custom curve: no page errors', async () => {
      const real = snake.errors.filter((e) => !/Content Security Policy/.test(e));
      assert(real.length === 0, real.join('\n'));
    });
    allCsp.push(
      ...snake.csp,
      ...(await snake.page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)),
    );
    await snake.page.close();

    // Screenshots for the eye (git-ignored): one and four curves, light and dark.
    mkdirSync(join(root, 'screenshots'), { recursive: true });
    for (const theme of ['dark', 'light'] as const) {
      for (const [n, curves] of [
        [1, [{ id: 'gelu' }]],
        [4, FOUR],
      ] as const) {
        const s = await openPage(browser, origin, cfg, { initial: state([...curves]), theme });
        await s.page.waitForTimeout(150);
        await s.page.screenshot({
          path: join(root, 'screenshots', `plot-${n}-${theme}.png`),
          fullPage: true,
        });
        allCsp.push(
          ...s.csp,
          ...(await s.page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)),
        );
        await s.page.close();
      }
      const s = await openPage(browser, origin, cfg, { initial: snakeState(), theme });
      await s.page.waitForTimeout(150);
      await s.page.screenshot({
        path: join(root, 'screenshots', `plot-custom-snake-${theme}.png`),
        fullPage: true,
      });
      await s.page.close();
    }

    await test('every activation in the catalogue typesets with the shipped KaTeX fonts only', async () => {
      const ids = activations.map((a) => a.id);
      assert(ids.length > 10, `${ids.length} activations`);
      const missing: string[] = [];
      const bad: string[] = [];
      for (let i = 0; i < ids.length; i += MAX_CURVES) {
        const group = ids.slice(i, i + MAX_CURVES);
        cfg.current = { initial: state(group.map((id) => ({ id }))), theme: 'light' };
        const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
        page.on('response', (r) => {
          if (r.status() >= 400) missing.push(`${r.status()} ${new URL(r.url()).pathname}`);
        });
        await page.goto(origin + '/');
        await page.waitForFunction(() => document.querySelectorAll('.card').length > 0);
        await page.waitForFunction(
          () =>
            (
              window as unknown as { activationLensPlot: { typesetMs(): number | undefined } }
            ).activationLensPlot.typesetMs() !== undefined,
        );
        await page.evaluate(() => document.fonts.ready);
        const r = await page.evaluate(() => ({
          cards: document.querySelectorAll('.card').length,
          katex: document.querySelectorAll('.formula .katex').length,
          errors: [...document.querySelectorAll('.katex-error')].map((e) => e.textContent ?? ''),
        }));
        if (r.cards !== group.length || r.katex !== 2 * group.length || r.errors.length)
          bad.push(`${group.join(',')}: ${JSON.stringify(r)}`);
        await page.close();
      }
      assert(missing.length === 0, `requests failed: ${[...new Set(missing)].join(', ')}`);
      assert(bad.length === 0, bad.join('\n'));
    });

    await test('0 CSP violations (listener + console)', async () => {
      assert(allCsp.length === 0, allCsp.join('\n'));
    });
  } finally {
    await browser.close();
    server.close();
  }
  console.log(`\n${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
