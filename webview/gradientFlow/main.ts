/**
 * The gradient-flow report webview. Comparison charts of every run on top (gradient norms on a
 * log axis with one tick per decade, activation std/mean with the SELU band, dead units on a
 * 0–100 % axis, the gradient through time of recurrent layers), then the runs stacked, each with
 * its verdict coloured by meaning, "Re-run with the suggestion" and a per-layer table (name,
 * source line — click to jump —, shape, activation, init, figures; repeated blocks collapsed).
 * A new run scrolls into view. Exports go to the host, which owns the reports and the save dialog.
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
  type Scale,
} from 'chart.js';
import { formatNumber, percent as percentText, powerOfTen, PROSE } from '../../src/kernel/format';
import {
  groupRows,
  parseToWebview,
  type FromWebview,
  type ViewLayer,
  type ViewReport,
} from '../../src/gradientFlow/view';
import { currentPalette, observeTheme, type Palette } from '../shared/theme';
import { el } from '../shared/dom';
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
type Key = 'postMean' | 'postStd' | 'deadFraction' | 'weightGradNorm' | 'inputGradRms';
const api = vscodeApi<FromWebview, { reports: ViewReport[] }>();
let reports: ViewReport[] = [];
let palette: Palette = currentPalette();
const charts: Chart[] = [];
/** Which run each dataset draws (tooltips name the run's layer). */
const runOf = new WeakMap<object, ViewReport>();
/** Tables the user opened or closed, by run id (kept across redraws). */
const tableOpen = new Map<string, boolean>();

const fmt = (x: number | null): string =>
  x === null ? 'non-finite' : formatNumber(x, { ...PROSE, digits: 3 });

function points(r: ViewReport, key: Key, positiveOnly = false): Pt[] {
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

/** One tick per power of ten (every 2nd, 3rd, … decade when there are more than 10). */
function decadeTicks(axis: Scale): void {
  const min = axis.min > 0 ? axis.min : 1e-300;
  const max = axis.max > min ? axis.max : min * 10;
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const step = Math.max(1, Math.ceil((hi - lo) / 10));
  const ticks: { value: number }[] = [];
  for (let e = Math.floor(lo / step) * step; e <= hi; e += step) {
    const v = Math.pow(10, e);
    if (v >= min / 1.0001 && v <= max * 1.0001) ticks.push({ value: v });
  }
  if (ticks.length > 0) axis.ticks = ticks;
}

function layerTitle(r: ViewReport | undefined, x: number): string {
  const l = r?.layers.find((m) => m.layer === x);
  const name = l?.name ? ` · ${l.name}` : '';
  const line = l?.line ? ` (line ${l.line})` : '';
  return `layer ${x}${name}${line}`;
}

function lineChart(
  canvas: HTMLCanvasElement,
  title: string,
  datasets: ChartDataset<'line', Pt[]>[],
  y: { type: 'linear' | 'logarithmic'; title: string; min?: number; max?: number },
  x: { title: string; max: number; tooltipTitle: (r: ViewReport | undefined, x: number) => string },
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
        tooltip: {
          callbacks: {
            title: (items) => {
              const it = items[0];
              return it ? x.tooltipTitle(runOf.get(it.dataset), it.parsed.x ?? 0) : '';
            },
            label: (c) =>
              `${c.dataset.label ?? ''}: ${fmt(c.parsed.y)}${y.max === 100 ? ' %' : ''}`,
          },
        },
      },
      scales: {
        x: {
          type: 'linear',
          min: 1,
          max: Math.max(2, x.max),
          title: { display: true, text: x.title, color: palette.foreground },
          grid,
          ticks: { ...ticks, precision: 0 },
        },
        y: {
          type: y.type,
          ...(y.min !== undefined ? { min: y.min } : {}),
          ...(y.max !== undefined ? { max: y.max } : {}),
          title: { display: true, text: y.title, color: palette.foreground },
          grid,
          ...(y.type === 'logarithmic' ? { afterBuildTicks: decadeTicks } : {}),
          ticks:
            y.type === 'logarithmic'
              ? { ...ticks, callback: (v) => powerOfTen(Math.log10(Number(v)), 0) }
              : ticks,
        },
      },
    },
  });
}

function colour(i: number): string {
  return palette.series[i % palette.series.length] ?? '#3794ff';
}

function dataset(
  r: ViewReport,
  i: number,
  label: string,
  data: Pt[],
  style: Partial<ChartDataset<'line', Pt[]>> = {},
): ChartDataset<'line', Pt[]> {
  const d: ChartDataset<'line', Pt[]> = {
    label,
    data,
    borderColor: colour(i),
    backgroundColor: colour(i),
    borderWidth: palette.lineWidth,
    // A line needs two points: one layer (a recurrent run) shows as a dot.
    pointRadius: data.length <= 2 ? 4 : 0,
    ...style,
  };
  runOf.set(d, r);
  return d;
}

function figureCell(x: number | null, percent = false): HTMLTableCellElement {
  const td = el('td', 'num', x === null ? 'non-finite' : percent ? percentText(x) : fmt(x));
  return td;
}

const NUMERIC_HEADS = new Set([
  '#',
  'line',
  'dead %',
  'std h',
  '‖∂L/∂W‖',
  'rms ∂L/∂h_in',
  'rms ∂L/∂h_in (PyTorch)',
]);

/** Which optional columns a run's table has (a plain check has no names or source lines). */
interface Columns {
  readonly name: boolean;
  readonly line: boolean;
  /** A model's rows: Linear, Conv2d, … (its activations are rows of their own). */
  readonly kind: boolean;
  readonly measured: boolean;
}

function layerRow(r: ViewReport, l: ViewLayer, cols: Columns): HTMLTableRowElement {
  const tr = el('tr', l.flag ? `flag-${l.flag}` : undefined);
  if (l.note) tr.title = l.note;
  tr.append(el('td', 'num', String(l.layer)));
  if (cols.name) tr.append(el('td', 'name', l.name ?? ''));
  const lineCell = el('td', 'num');
  if (l.line !== undefined) {
    if (r.source) {
      const a = el('a', 'line-link', String(l.line));
      a.href = '#';
      a.title = `Reveal line ${l.line}`;
      a.addEventListener('click', (e) => {
        e.preventDefault();
        api.postMessage({ type: 'reveal', id: r.id, line: l.line! });
      });
      lineCell.append(a);
    } else lineCell.textContent = String(l.line);
  }
  if (cols.line) tr.append(lineCell);
  if (cols.kind) tr.append(el('td', undefined, l.kind ?? ''));
  tr.append(
    el('td', undefined, l.shape ?? ''),
    el('td', undefined, l.activation ?? ''),
    el('td', undefined, l.init ?? ''),
    figureCell(l.deadFraction, true),
    figureCell(l.postStd),
    figureCell(l.weightGradNorm),
    figureCell(l.inputGradRms),
  );
  if (cols.measured) tr.append(figureCell(l.measured?.inputGradRms ?? null));
  return tr;
}

function table(r: ViewReport, open: boolean): HTMLElement {
  const details = el('details', 'layers');
  details.open = tableOpen.get(r.id) ?? open;
  const summary = el('summary', undefined, `Layers (${r.layers.length})`);
  // Only the user's clicks are remembered ('toggle' also fires for the initial state).
  summary.addEventListener('click', () => tableOpen.set(r.id, !details.open));
  details.append(summary);
  const cols: Columns = {
    name: r.layers.some((l) => l.name !== undefined),
    line: r.layers.some((l) => l.line !== undefined),
    kind: r.layers.some((l) => l.kind !== undefined),
    measured: r.layers.some((l) => l.measured !== undefined),
  };
  const t = el('table');
  const head = el('tr');
  for (const h of [
    '#',
    ...(cols.name ? ['name'] : []),
    ...(cols.line ? ['line'] : []),
    ...(cols.kind ? ['kind'] : []),
    'shape',
    'activation',
    'init',
    'dead %',
    'std h',
    '‖∂L/∂W‖',
    'rms ∂L/∂h_in',
    ...(cols.measured ? ['rms ∂L/∂h_in (PyTorch)'] : []),
  ])
    head.append(el('th', NUMERIC_HEADS.has(h) ? 'num' : undefined, h));
  const ncols = head.childElementCount;
  const thead = el('thead');
  thead.append(head);
  t.append(thead);
  for (const g of groupRows(r.layers.map((l) => l.name))) {
    const body = el('tbody');
    if (g.type === 'layer') {
      body.append(layerRow(r, r.layers[g.index]!, cols));
    } else {
      body.className = 'block collapsed';
      const members = g.indices.map((i) => r.layers[i]!);
      const worst = members.some((l) => l.flag === 'error')
        ? 'error'
        : members.some((l) => l.flag === 'warning')
          ? 'warning'
          : undefined;
      const sum = el('tr', `block-head${worst ? ` flag-${worst}` : ''}`);
      const cell = el('td');
      cell.colSpan = ncols;
      const btn = el(
        'button',
        'link',
        `▸ ${g.prefix} — Block ×${g.count} (${members.length} layers)`,
      );
      btn.setAttribute('aria-expanded', 'false');
      btn.addEventListener('click', () => {
        const collapsed = body.classList.toggle('collapsed');
        btn.setAttribute('aria-expanded', String(!collapsed));
        btn.textContent = `${collapsed ? '▸' : '▾'} ${g.prefix} — Block ×${g.count} (${members.length} layers)`;
      });
      cell.append(btn);
      sum.append(cell);
      body.append(sum, ...members.map((l) => layerRow(r, l, cols)));
    }
    t.append(body);
  }
  details.append(t);
  return details;
}

function runSection(r: ViewReport, i: number, newest: boolean): HTMLElement {
  const c = el('section', `run tone-${r.tone}`);
  c.id = r.id;
  const h = el('h2');
  const remove = el('button', 'icon', '×');
  remove.title = 'Remove this run';
  remove.setAttribute('aria-label', `Remove ${r.title}`);
  remove.addEventListener('click', () => api.postMessage({ type: 'remove', id: r.id }));
  h.append(el('span', `swatch swatch-${i % 8}`), document.createTextNode(r.title), remove);
  c.append(h);
  const v = el('p', 'verdict');
  v.append(
    el('strong', `badge badge-${r.tone}`, r.label.toUpperCase()),
    document.createTextNode(` ${r.reason}`),
  );
  c.append(v);
  if (r.partial) {
    c.append(
      el(
        'p',
        'partial',
        `Partial check: ${r.partial}. The verdict covers only the simulated layers.`,
      ),
    );
  }
  c.append(el('p', 'advice', r.advice));
  if (r.fixLine !== undefined) {
    const b = el('button', 'rerun', `Show the quick fixes in the file (line ${r.fixLine})`);
    b.title = 'Each fix is titled with its effect, measured before it is applied';
    b.addEventListener('click', () => api.postMessage({ type: 'fixes', id: r.id }));
    c.append(b);
  }
  if (r.suggestion) {
    const b = el('button', 'rerun', `Re-run with the suggestion (${r.suggestion})`);
    b.addEventListener('click', () => api.postMessage({ type: 'rerun', id: r.id }));
    c.append(b);
  }
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
  c.append(facts, table(r, newest));
  return c;
}

function chartBox(grid: HTMLElement, id: string): HTMLCanvasElement {
  const box = el('div', 'chart');
  const canvas = el('canvas');
  canvas.id = `chart-${id}`;
  box.append(canvas);
  grid.append(box);
  return canvas;
}

function exportPng(): void {
  const canvases = charts.map((c) => c.canvas);
  if (canvases.length === 0) return;
  const cols = Math.min(2, canvases.length);
  const w = Math.max(...canvases.map((c) => c.width));
  const h = Math.max(...canvases.map((c) => c.height));
  const rows = Math.ceil(canvases.length / cols);
  const out = el('canvas');
  out.width = cols * w;
  out.height = rows * h;
  const ctx = out.getContext('2d');
  if (!ctx) return;
  ctx.fillStyle = palette.background;
  ctx.fillRect(0, 0, out.width, out.height);
  canvases.forEach((c, i) => ctx.drawImage(c, (i % cols) * w, Math.floor(i / cols) * h));
  api.postMessage({ type: 'exportPng', dataUrl: out.toDataURL('image/png') });
}

function short(r: ViewReport): string {
  return r.title.split(' · ').slice(0, 2).join(' · ');
}

function render(focus?: string): void {
  for (const ch of charts.splice(0)) ch.destroy();
  const app = document.getElementById('app')!;
  app.replaceChildren();
  app.removeAttribute('aria-busy');
  const bar = el('div', 'toolbar');
  bar.append(el('h1', undefined, 'Gradient-flow check'));
  const buttons: [string, () => void][] = [
    ['Export PNG…', exportPng],
    ['Export JSON…', () => api.postMessage({ type: 'export', format: 'json' })],
    ['Export Markdown…', () => api.postMessage({ type: 'export', format: 'markdown' })],
  ];
  for (const [text, onClick] of buttons) {
    const b = el('button', undefined, text);
    b.disabled = reports.length === 0;
    b.addEventListener('click', onClick);
    bar.append(b);
  }
  app.append(bar);
  if (reports.length === 0) {
    app.append(el('p', 'empty', 'No report yet: run “Activation Lens: Run Gradient-Flow Check…”.'));
    return;
  }
  const grid = el('div', 'charts');
  app.append(grid);
  const many = reports.length > 1;
  const label = (r: ViewReport, what: string): string => (many ? `${short(r)} ${what}` : what);
  const maxLayer = Math.max(2, ...reports.map((r) => r.layers.length));
  const xLayers = { title: 'layer', max: maxLayer, tooltipTitle: layerTitle };

  const grads = reports.flatMap((r, i) => [
    dataset(r, i, label(r, 'rms ∂L/∂h_in'), points(r, 'inputGradRms', true)),
    dataset(r, i, label(r, '‖∂L/∂W‖'), points(r, 'weightGradNorm', true), {
      borderDash: [6, 4],
      borderWidth: 1.5,
    }),
    ...(r.layers.some((l) => l.measured)
      ? [
          dataset(
            r,
            i,
            label(r, 'rms ∂L/∂h_in (PyTorch)'),
            r.layers.flatMap((l) =>
              l.measured?.inputGradRms ? [{ x: l.layer, y: l.measured.inputGradRms }] : [],
            ),
            { borderDash: [1, 3], pointRadius: 2, borderWidth: 1 },
          ),
        ]
      : []),
  ]);
  charts.push(
    lineChart(
      chartBox(grid, 'grads'),
      'Gradient norms per layer',
      grads,
      { type: 'logarithmic', title: 'norm (log scale)' },
      xLayers,
    ),
  );
  const std = reports.flatMap((r, i) => [
    dataset(r, i, label(r, 'std h'), points(r, 'postStd')),
    dataset(r, i, label(r, 'mean h'), points(r, 'postMean'), {
      borderDash: [2, 3],
      borderWidth: 1.5,
    }),
  ]);
  const anySelu = reports.some((r) => r.selfNormalisation.length > 0);
  charts.push(
    lineChart(
      chartBox(grid, 'std'),
      anySelu ? 'Activations per layer (shaded: SELU band std 0.8–1.5)' : 'Activations per layer',
      std,
      { type: 'linear', title: 'value' },
      xLayers,
      [bandPlugin],
    ),
  );
  const dead = reports.map((r, i) => dataset(r, i, label(r, 'dead %'), points(r, 'deadFraction')));
  charts.push(
    lineChart(
      chartBox(grid, 'dead'),
      'Dead units per layer',
      dead,
      { type: 'linear', title: '% of units', min: 0, max: 100 },
      xLayers,
    ),
  );
  const stepPoints = (steps: NonNullable<ViewReport['steps']>): Pt[] =>
    steps.flatMap((s) =>
      s.inputGradRms !== null && s.inputGradRms > 0 ? [{ x: s.step, y: s.inputGradRms }] : [],
    );
  const recurrent = reports.flatMap((r, i) => [
    ...(r.steps ? [dataset(r, i, short(r), stepPoints(r.steps))] : []),
    ...r.layers
      .filter((l) => l.steps && l.steps.length > 0)
      .map((l) =>
        dataset(
          r,
          i,
          `${many ? `${short(r)} ` : ''}${l.name ?? `layer ${l.layer}`}${l.kind ? ` (${l.kind})` : ''}`,
          stepPoints(l.steps!),
        ),
      ),
  ]);
  if (recurrent.length > 0) {
    const maxStep = Math.max(
      2,
      ...reports.flatMap((r) => [
        ...(r.steps ?? []).map((s) => s.step),
        ...r.layers.flatMap((l) => (l.steps ?? []).map((s) => s.step)),
      ]),
    );
    charts.push(
      lineChart(
        chartBox(grid, 'steps'),
        'Gradient through time (recurrent layers)',
        recurrent,
        { type: 'logarithmic', title: 'rms ∂L/∂x_t (log scale)' },
        {
          title: 'time step',
          max: maxStep,
          tooltipTitle: (r, x) => `step ${x}${r ? ` · ${short(r)}` : ''}`,
        },
      ),
    );
  }
  const runs = el('div', 'runs');
  const newest = reports[reports.length - 1]?.id;
  reports.forEach((r, i) => runs.append(runSection(r, i, r.id === newest)));
  app.append(runs);
  if (focus) document.getElementById(focus)?.scrollIntoView({ block: 'start' });
}

window.addEventListener('message', (ev: MessageEvent<unknown>) => {
  const m = parseToWebview(ev.data);
  if (!m) return;
  reports = m.reports;
  api.setState({ reports });
  render(m.focus);
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
