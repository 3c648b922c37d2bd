/**
 * The gradient-flow report webview: one card per run (verdict, advice, warnings) and three
 * per-layer charts with every run side by side — gradient norms on a log scale, the
 * post-activation std (with the SELU band) and the dead fraction. Exports go to the host, which
 * owns the full-precision reports and the save dialog.
 */
import '../shared/zodConfig';
import {
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Title,
  Tooltip,
  type ChartDataset,
  type Plugin,
} from 'chart.js';
import { parseToWebview, type FromWebview, type ViewReport } from '../../src/gradientFlow/protocol';
import { currentPalette, observeTheme, type Palette } from '../shared/theme';
import { vscodeApi } from '../shared/vscodeApi';

Chart.register(
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  LogarithmicScale,
  Legend,
  Title,
  Tooltip,
);

type Pt = { x: number; y: number };
const api = vscodeApi<FromWebview, { reports: ViewReport[] }>();
let reports: ViewReport[] = [];
let palette: Palette = currentPalette();
const charts: Chart[] = [];

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function fmt(x: number | null): string {
  if (x === null) return 'non-finite';
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? x.toExponential(2) : String(Number(x.toPrecision(4)));
}

function points(
  r: ViewReport,
  key: 'postMean' | 'postStd' | 'deadFraction' | 'weightGradNorm' | 'inputGradRms',
  positiveOnly = false,
): Pt[] {
  const out: Pt[] = [];
  for (const l of r.layers) {
    const y = l[key];
    if (y === null || (positiveOnly && !(y > 0))) continue;
    out.push({ x: l.layer, y: key === 'deadFraction' ? 100 * y : y });
  }
  return out;
}

/** Draws the SELU self-normalisation band (std ∈ [0.8, 1.5]) behind the std chart. */
const bandPlugin: Plugin<'line'> = {
  id: 'seluBand',
  beforeDatasetsDraw(chart) {
    if (!reports.some((r) => r.selfNormalisation.length > 0)) return;
    const { ctx, chartArea, scales } = chart;
    const y = scales['y'];
    if (!y) return;
    const top = y.getPixelForValue(1.5);
    const bottom = y.getPixelForValue(0.8);
    ctx.save();
    ctx.fillStyle = palette.series[2] ?? '#89d185';
    ctx.globalAlpha = palette.shadeAlpha * 1.5;
    ctx.fillRect(
      chartArea.left,
      Math.max(top, chartArea.top),
      chartArea.right - chartArea.left,
      Math.min(bottom, chartArea.bottom) - Math.max(top, chartArea.top),
    );
    ctx.restore();
  },
};

function lineChart(
  canvas: HTMLCanvasElement,
  title: string,
  datasets: ChartDataset<'line', Pt[]>[],
  yType: 'linear' | 'logarithmic',
  yTitle: string,
  plugins: Plugin<'line'>[] = [],
): Chart {
  const grid = { color: palette.grid };
  const ticks = { color: palette.foreground };
  return new Chart<'line', Pt[]>(canvas, {
    type: 'line',
    data: { datasets },
    plugins,
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      interaction: { mode: 'nearest', intersect: false },
      plugins: {
        title: { display: true, text: title, color: palette.foreground },
        legend: { labels: { color: palette.foreground, boxHeight: 2 } },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label ?? ''}: ${fmt(c.parsed.y)}` } },
      },
      scales: {
        x: {
          type: 'linear',
          min: 1,
          max: Math.max(2, ...reports.map((r) => r.layers.length)),
          title: { display: true, text: 'layer', color: palette.foreground },
          grid,
          ticks: { ...ticks, precision: 0 },
        },
        y: {
          type: yType,
          title: { display: true, text: yTitle, color: palette.foreground },
          grid,
          // Log axes: label the powers of ten only, as 1e-12 rather than 0.000000000001.
          ticks:
            yType === 'logarithmic'
              ? {
                  ...ticks,
                  callback: (v) =>
                    Number.isInteger(Math.log10(Number(v))) ? Number(v).toExponential(0) : null,
                }
              : ticks,
        },
      },
    },
  });
}

function colour(i: number): string {
  return palette.series[i % palette.series.length] ?? '#3794ff';
}

function card(r: ViewReport, i: number): HTMLElement {
  const c = el('section', `card verdict-${r.verdict}`);
  const h = el('h2');
  const swatch = el('span', `swatch swatch-${i % 8}`);
  h.append(swatch, document.createTextNode(r.title));
  c.append(h);
  const v = el('p', 'verdict');
  v.append(
    el('strong', `badge badge-${r.verdict}`, r.verdict.toUpperCase()),
    document.createTextNode(` ${r.reason}`),
  );
  c.append(v, el('p', 'advice', r.advice));
  const facts = el('ul', 'facts');
  if (r.clipping) {
    facts.append(
      el(
        'li',
        undefined,
        `clip_grad_norm_(max_norm=${fmt(r.clipping.maxNorm)}): total norm ${fmt(r.clipping.totalNormBefore)} → ${fmt(r.clipping.totalNormAfter)}`,
      ),
    );
  } else {
    facts.append(el('li', undefined, `total gradient norm ${fmt(r.totalGradNorm)}`));
  }
  if (r.selfNormalisation.length > 0) {
    const pass = r.selfNormalisation.filter((s) => s.pass).length;
    facts.append(
      el(
        'li',
        pass === r.selfNormalisation.length ? 'ok' : 'warn',
        `SELU band (mean ∈ [−0.1, 0.1], std ∈ [0.8, 1.5]): ${pass} of ${r.selfNormalisation.length} layers in band`,
      ),
    );
  }
  for (const w of r.warnings) facts.append(el('li', 'warn', w));
  if (r.elapsedMs !== null)
    facts.append(el('li', 'muted', `${r.layers.length} layers in ${r.elapsedMs.toFixed(0)} ms`));
  c.append(facts);
  return c;
}

function render(): void {
  for (const ch of charts.splice(0)) ch.destroy();
  const app = document.getElementById('app')!;
  app.replaceChildren();
  app.removeAttribute('aria-busy');
  const bar = el('div', 'toolbar');
  const j = el('button', undefined, 'Export JSON…');
  j.addEventListener('click', () => api.postMessage({ type: 'export', format: 'json' }));
  const m = el('button', undefined, 'Export Markdown…');
  m.addEventListener('click', () => api.postMessage({ type: 'export', format: 'markdown' }));
  bar.append(el('h1', undefined, 'Gradient-flow check'), j, m);
  app.append(bar);
  if (reports.length === 0) {
    app.append(el('p', 'empty', 'No report yet: run “Activation Lens: Run Gradient-Flow Check…”.'));
    return;
  }
  const cards = el('div', 'cards');
  reports.forEach((r, i) => cards.append(card(r, i)));
  app.append(cards);
  const grid = el('div', 'charts');
  const boxes = ['grads', 'std', 'dead'].map((id) => {
    const box = el('div', 'chart');
    const canvas = el('canvas');
    canvas.id = `chart-${id}`;
    box.append(canvas);
    grid.append(box);
    return canvas;
  });
  app.append(grid);
  const many = reports.length > 1;
  const label = (r: ViewReport, what: string): string =>
    many ? `${r.title.split(' · ').slice(0, 2).join(' · ')} ${what}` : what;
  const grads: ChartDataset<'line', Pt[]>[] = reports.flatMap((r, i) => [
    {
      label: label(r, 'rms ∂L/∂h_in'),
      data: points(r, 'inputGradRms', true),
      borderColor: colour(i),
      backgroundColor: colour(i),
      borderWidth: palette.lineWidth,
      pointRadius: 0,
    },
    {
      label: label(r, '‖∂L/∂W‖'),
      data: points(r, 'weightGradNorm', true),
      borderColor: colour(i),
      backgroundColor: colour(i),
      borderDash: [6, 4],
      borderWidth: 1.5,
      pointRadius: 0,
    },
  ]);
  charts.push(
    lineChart(boxes[0]!, 'Gradient norms per layer (log scale)', grads, 'logarithmic', 'norm'),
  );
  const std: ChartDataset<'line', Pt[]>[] = reports.flatMap((r, i) => [
    {
      label: label(r, 'std h'),
      data: points(r, 'postStd'),
      borderColor: colour(i),
      backgroundColor: colour(i),
      borderWidth: palette.lineWidth,
      pointRadius: 0,
    },
    {
      label: label(r, 'mean h'),
      data: points(r, 'postMean'),
      borderColor: colour(i),
      backgroundColor: colour(i),
      borderDash: [2, 3],
      borderWidth: 1.5,
      pointRadius: 0,
    },
  ]);
  const anySelu = reports.some((r) => r.selfNormalisation.length > 0);
  charts.push(
    lineChart(
      boxes[1]!,
      anySelu ? 'Activations per layer (shaded: SELU band std 0.8–1.5)' : 'Activations per layer',
      std,
      'linear',
      'value',
      [bandPlugin],
    ),
  );
  const dead: ChartDataset<'line', Pt[]>[] = reports.map((r, i) => ({
    label: label(r, 'dead %'),
    data: points(r, 'deadFraction'),
    borderColor: colour(i),
    backgroundColor: colour(i),
    borderWidth: palette.lineWidth,
    pointRadius: 0,
  }));
  charts.push(lineChart(boxes[2]!, 'Dead units per layer (%)', dead, 'linear', '% of units'));
}

window.addEventListener('message', (ev: MessageEvent<unknown>) => {
  const m = parseToWebview(ev.data);
  if (!m) return;
  reports = m.reports;
  api.setState({ reports });
  render();
});

observeTheme((p) => {
  palette = p;
  render();
});

const saved = api.getState() as { reports?: unknown } | undefined;
const restored = saved && parseToWebview({ type: 'reports', reports: saved.reports });
if (restored) reports = restored.reports;
render();
api.postMessage({ type: 'ready' });
