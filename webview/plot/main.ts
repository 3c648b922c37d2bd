/**
 * The plot panel's webview. It owns the chart and the controls; curves are computed here from the
 * bundled kernel, so a slider move redraws without a round trip to the extension host. The host
 * only sends whole states (commands) and receives state changes and exports.
 */
import '../shared/zodConfig';
import type { Chart } from 'chart.js';
import type katexLib from 'katex';
import { getActivation, type ActivationDescriptor } from '../../src/kernel/registry';
import { customFormulas, withCustom } from '../../src/plot/custom';
import { buildCsv, curveLabel } from '../../src/plot/csv';
import {
  DEFAULT_POINTS,
  EXPLODE_ABOVE,
  EXPLODE_TOLERANCE,
  VANISH_BELOW,
  readout,
  sampleCurve,
  shadeIntervals,
  toPoints,
  type CurveSamples,
  type Point,
} from '../../src/plot/sampling';
import { normalizeState, reduce, initialState, type PlotAction } from '../../src/plot/state';
import { substituteParams } from '../../src/plot/tex';
import { formatNumber, inputNumber, intervalText, rangeText } from '../../src/kernel/format';
import { computeKeyNumbers, keyNumbers } from '../../src/hover/keyNumbers';
import {
  parsePlotState,
  parseToWebview,
  seriesNames,
  type CurveState,
  type FromWebviewMessage,
  type Notice,
  type PlotState,
  type SeriesName,
} from '../../src/plot/protocol';
import { currentPalette, observeTheme, type Palette } from '../shared/theme';
import { vscodeApi } from '../shared/vscodeApi';
import {
  applyPalette,
  createChart,
  makeDataset,
  seriesLabel,
  styleDataset,
  type Overlay,
  type PlotDataset,
} from './chart';
import { h } from '../shared/dom';

/** Since navigation start: this script starts running (download, parse and compile done). */
const scriptStartMs = performance.now();
const vscode = vscodeApi<FromWebviewMessage, PlotState>();
/** Kernel ids, and custom curves (from the hover) by the definition they carry. */
const lookup = withCustom(getActivation);

function post(m: FromWebviewMessage): void {
  vscode.postMessage(m);
}

function warn(message: string): void {
  console.warn(message);
  post({ type: 'log', level: 'warn', message });
}

// ---------- layout ----------

const app = document.getElementById('app') ?? document.body.appendChild(h('main', { id: 'app' }));
app.replaceChildren();
app.removeAttribute('aria-busy');

const num = (id: string, label: string): [HTMLLabelElement, HTMLInputElement] => {
  const input = h('input', { id, type: 'number', step: 'any', class: 'num' });
  return [h('label', { for: id }, label), input];
};
const check = (id: string, label: string): [HTMLInputElement, HTMLLabelElement] => {
  const input = h('input', { id, type: 'checkbox' });
  return [input, h('label', { for: id }, label)];
};
const button = (label: string, title: string, id?: string): HTMLButtonElement =>
  h('button', { type: 'button', title, 'aria-label': title, ...(id ? { id } : {}) }, label);

const [xMinLabel, xMinInput] = num('x-min', 'x from');
const [xMaxLabel, xMaxInput] = num('x-max', 'to');
const zoomIn = button('+', 'Zoom in (+)', 'zoom-in');
const zoomOut = button('−', 'Zoom out (−)', 'zoom-out');
const resetView = button('Reset', "Reset the view to fit the curves' features (0)", 'reset-view');
const addCurves = button('Add…', 'Add or remove activations (Plot Activations…)', 'add-curves');
const seriesChecks = Object.fromEntries(
  seriesNames.map((s) => [s, check(`series-${s}`, { f: 'f', df: 'f′', d2f: 'f″' }[s])]),
) as Record<SeriesName, [HTMLInputElement, HTMLLabelElement]>;
const vanishCheck = check('shade-vanish', 'near-zero gradient');
const explodeCheck = check('shade-explode', 'growing gradient');
// The shading's colours, beside its toggles: the chart has no legend entry for them.
const vanishSwatch = h('span', { class: 'swatch shade', 'aria-hidden': 'true' });
const explodeSwatch = h('span', { class: 'swatch shade', 'aria-hidden': 'true' });
vanishCheck[1].prepend(vanishSwatch);
explodeCheck[1].prepend(explodeSwatch);
vanishCheck[1].title = `Shade where the gradient is near zero (|f′| < ${VANISH_BELOW}): it vanishes through layers`;
explodeCheck[1].title = `Shade where |f′| > ${EXPLODE_ABOVE} by more than ${EXPLODE_TOLERANCE} (a gradient can grow through layers)`;
const focusSelect = h('select', { id: 'shade-focus' });
const exportPng = button('PNG', 'Export the chart as PNG', 'export-png');
const exportCsv = button('CSV', 'Export the curves as CSV', 'export-csv');

const toolbar = h(
  'header',
  { class: 'toolbar' },
  h('fieldset', {}, h('legend', {}, 'Curves'), addCurves),
  h(
    'fieldset',
    {},
    h('legend', {}, 'Range'),
    xMinLabel,
    xMinInput,
    xMaxLabel,
    xMaxInput,
    zoomIn,
    zoomOut,
    resetView,
  ),
  h('fieldset', {}, h('legend', {}, 'Show'), ...seriesNames.flatMap((s) => seriesChecks[s])),
  h(
    'fieldset',
    {},
    h('legend', {}, 'Shade'),
    ...vanishCheck,
    ...explodeCheck,
    h('label', { for: 'shade-focus' }, 'of'),
    focusSelect,
  ),
  h('fieldset', {}, h('legend', {}, 'Export'), exportPng, exportCsv),
);
const notices = h('div', { class: 'notices', role: 'status', 'aria-live': 'polite' });
const canvas = h('canvas', {
  id: 'chart',
  role: 'img',
  tabindex: 0,
  'aria-label': 'Activation chart. Arrow keys pan, + and − zoom, 0 resets.',
});
const chartWrap = h('section', { class: 'chart-wrap' }, canvas);
const readoutEl = h('table', { class: 'readout', 'aria-label': 'Values at the pointer' });
const empty = h(
  'p',
  { class: 'empty' },
  'No activation plotted yet: Add… one, or run “Activation Lens: Plot Activations…”.',
);
const cards = h('section', { class: 'cards', 'aria-label': 'Curves' });
app.append(toolbar, notices, chartWrap, readoutEl, empty, cards);

// ---------- state ----------

let state: PlotState = initialState();
let palette: Palette = currentPalette();
const samples = new Map<string, CurveSamples>();
const overlay: Overlay = { vanish: [], explode: [], crosshair: null, palette };

let chartInstance: Chart<'line', Point[]> | undefined;
/** The datasets until the chart exists. */
let pendingDatasets: PlotDataset[] = [];
/**
 * Created on the first state with curves, not at load, and with its data and view already in:
 * each Chart.js layout pass costs as much as a redraw, so the constructor's own layout and draw
 * is the first paint (an empty chart first, then an update, measured 30–60 ms more).
 */
function chartOf(): Chart<'line', Point[]> {
  chartInstance ??= createChart(
    canvas,
    overlay,
    {
      onLegendToggle: (k) => dispatch({ type: 'toggleHidden', dataset: k }),
      onViewChanged: (xMin, xMax, yMin, yMax) =>
        dispatch({ type: 'setView', xMin, xMax, yMin, yMax }),
      legendFilter: (k) => state.series[(k.split(':')[1] ?? 'f') as SeriesName] ?? false,
    },
    {
      datasets: pendingDatasets,
      xMin: state.xMin,
      xMax: state.xMax,
      yMin: state.yMin ?? undefined,
      yMax: state.yMax ?? undefined,
    },
  );
  pendingDatasets = [];
  return chartInstance;
}

function showNotice(n: Notice): void {
  const el = h('p', { class: `notice ${n.level}` }, n.message);
  const close = button('×', 'Dismiss');
  close.addEventListener('click', () => el.remove());
  el.append(close);
  notices.append(el);
  while (notices.childElementCount > 4) notices.firstElementChild?.remove();
  setTimeout(() => el.remove(), n.level === 'error' ? 20000 : 8000);
}

let persistTimer: ReturnType<typeof setTimeout> | undefined;
/** getState/setState survives hiding and reloads; the host hears about it a little later. */
function persist(): void {
  clearTimeout(persistTimer);
  // Coalesced: a slider drag fires ~60 inputs a second, each would serialize the whole state.
  persistTimer = setTimeout(flushState, 100);
}
function flushState(): void {
  clearTimeout(persistTimer);
  vscode.setState(state);
  post({ type: 'stateChanged', state });
}
window.addEventListener('pagehide', flushState);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') flushState();
});

function colourOf(index: number): string {
  return palette.series[index % palette.series.length] ?? palette.foreground;
}

// ---------- chart data ----------

function datasetsOf(): PlotDataset[] {
  return chartInstance ? (chartInstance.data.datasets as PlotDataset[]) : pendingDatasets;
}

function resample(curve: CurveState): void {
  const a = lookup(curve.id, curve.custom);
  if (!a) return;
  const s = sampleCurve(a, curve.params, state.xMin, state.xMax, DEFAULT_POINTS);
  samples.set(curve.key, s);
  for (const ds of datasetsOf()) {
    if (!ds.datasetKey.startsWith(curve.key + ':')) continue;
    ds.data = toPoints(s.xs, s[ds.series], ds.data);
  }
}

function updateShading(): void {
  const s = state.focus ? samples.get(state.focus) : undefined;
  const iv = s ? shadeIntervals(s) : { vanish: [], explode: [] };
  overlay.vanish = state.shade.vanish ? iv.vanish : [];
  overlay.explode = state.shade.explode ? iv.explode : [];
}

function applyVisibility(): void {
  for (const ds of datasetsOf())
    ds.hidden = !state.series[ds.series] || state.hidden.includes(ds.datasetKey);
}

function applyScales(): void {
  const sc = chartInstance?.options.scales;
  if (sc?.x) {
    sc.x.min = state.xMin;
    sc.x.max = state.xMax;
  }
  if (sc?.y) {
    sc.y.min = state.yMin ?? undefined;
    sc.y.max = state.yMax ?? undefined;
  }
}

/** Rebuilds every dataset (curves added, removed, restored). */
function rebuildDatasets(): void {
  const ds: PlotDataset[] = [];
  state.curves.forEach((c, i) => {
    const a = lookup(c.id, c.custom);
    if (!a) return;
    for (const s of seriesNames) {
      const d = makeDataset(`${c.key}:${s}`, s, seriesLabel(a.name, s), []);
      styleDataset(d, colourOf(i), palette);
      ds.push(d);
    }
  });
  if (chartInstance) chartInstance.data.datasets = ds;
  else pendingDatasets = ds;
  samples.clear();
  for (const c of state.curves) resample(c);
}

function redraw(): void {
  applyVisibility();
  applyScales();
  updateShading();
  if (chartInstance) chartInstance.update('none');
  else chartOf(); // the constructor lays out and draws once
}

// ---------- curve cards ----------

interface Card {
  el: HTMLElement;
  formulaF: HTMLElement;
  formulaDf: HTMLElement;
  /** Holds the properties table, rebuilt when the parameters move. */
  props: HTMLElement;
  inputs: Map<string, [HTMLInputElement, HTMLInputElement]>;
}
const cardByKey = new Map<string, Card>();

// ---------- formulas (typeset after the curves) ----------

type Katex = typeof katexLib;
/** This script's own element: its nonce lets it add KaTeX's script. */
const ownScript = document.currentScript as HTMLScriptElement | null;
let katex: Katex | undefined;
let katexRequested = false;
/** Since navigation start, when the last pending formula was typeset (for the bench). */
let typesetMs: number | undefined;

/**
 * KaTeX is a separate script (half the panel's code), fetched once the first frame with curves is
 * out, and typesetting runs in idle time a card at a time, so neither first paint nor a slider
 * drag waits for it.
 */
function requestKatex(): void {
  if (katexRequested) return;
  katexRequested = true;
  const done = (): void => {
    katex = (globalThis as unknown as { activationLensKatex?: Katex }).activationLensKatex;
    if (!katex) {
      warn('plot: KaTeX did not load; formulas stay as plain text');
      return;
    }
    for (const c of state.curves) typesetQueue.add(c.key);
    scheduleTypeset();
  };
  document.addEventListener('activation-lens-katex', done, { once: true });
  const style = app.dataset.katexStyle;
  if (style) document.head.append(h('link', { rel: 'stylesheet', href: style }));
  const s = document.createElement('script');
  s.setAttribute('nonce', ownScript?.nonce ?? '');
  s.src = app.dataset.texScript ?? new URL('plotTex.js', ownScript?.src ?? location.href).href;
  s.addEventListener('error', () => warn('plot: could not load plotTex.js'));
  document.body.append(s);
}

const typesetQueue = new Set<string>();
let typesetHandle = 0;
const idle: (cb: (d: IdleDeadline) => void) => number =
  typeof requestIdleCallback === 'function'
    ? (cb) => requestIdleCallback(cb, { timeout: 200 })
    : (cb) => window.setTimeout(() => cb({ didTimeout: true, timeRemaining: () => 8 }), 16);

function scheduleTypeset(key?: string): void {
  if (key) typesetQueue.add(key);
  // Without KaTeX yet the pass still fills in the properties; KaTeX's arrival queues every card again.
  if (typesetHandle || typesetQueue.size === 0) return;
  typesetHandle = idle((deadline) => {
    typesetHandle = 0;
    // One card at least per slice, more while the frame has idle time left.
    do {
      const k = typesetQueue.values().next().value;
      if (k === undefined) break;
      typesetQueue.delete(k);
      const c = state.curves.find((x) => x.key === k);
      if (c) renderFormulas(c);
    } while (deadline.timeRemaining() > 4);
    if (typesetQueue.size) scheduleTypeset();
    else typesetMs = performance.now();
  });
}

function renderTex(el: HTMLElement, tex: string, plain: string): void {
  if (!tex) {
    el.textContent = 'formula not available';
    return;
  }
  if (!katex) {
    // Until KaTeX is in: the formula as plain text, so the card is never empty.
    el.textContent = plain;
    el.classList.add('pending');
    return;
  }
  el.classList.remove('pending');
  // katex.render styles through the CSSOM; renderToString + innerHTML would need 'unsafe-inline'.
  katex.render(tex, el, { throwOnError: false, displayMode: true, output: 'html' });
}

/** The card's formulas (typeset, or plain text until KaTeX is in) and, unless `quick`, its properties. */
function renderFormulas(c: CurveState, quick = false): void {
  const card = cardByKey.get(c.key);
  const a = lookup(c.id, c.custom);
  if (!card || !a) return;
  const sub = (tex: string | undefined): string =>
    tex ? substituteParams(tex, a.paramSpecs, c.params) : '';
  // A custom curve's values go into its expression, which is then simplified and printed.
  const custom = c.custom && customFormulas(c.custom, c.params);
  const f = custom ? custom.f.tex : sub(a.formulas.f?.tex);
  const df = custom ? (custom.df?.tex ?? a.formulas.df.tex) : sub(a.formulas.df?.tex);
  if (!quick) card.props.replaceChildren(propertiesTable(a, c.params));
  renderTex(
    card.formulaF,
    f && `f(x) = ${f}`,
    `f(x) = ${custom?.f.unicode ?? a.formulas.f.unicode}`,
  );
  renderTex(
    card.formulaDf,
    df && `f'(x) = ${df}`,
    `f′(x) = ${custom?.df?.unicode ?? a.formulas.df.unicode}`,
  );
}

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

/**
 * The card's properties at the curve's current parameters, in the hover's notation (the same
 * key numbers, so the card and the hover never disagree).
 */
function propertiesTable(a: ActivationDescriptor, params: CurveState['params']): HTMLTableElement {
  // The memo is keyed by id: two custom definitions may share a name, so theirs is not memoised.
  const k = a.id.startsWith('custom:') ? computeKeyNumbers(a, params) : keyNumbers(a, params);
  let kinks: number[] = [];
  try {
    kinks = a.kinks(params);
  } catch {
    kinks = [];
  }
  const all = k.saturation.map((r) => intervalText(r.lo, r.hi));
  // A periodic f′ (Snake) has a dozen such intervals: the first four and a count, as the hover does.
  const near = all.length > 4 ? [...all.slice(0, 4), `and ${all.length - 4} more`] : all;
  const rows: Array<[string, string]> = [
    ['Range', rangeText(k.range)],
    [`Near-zero gradient (|f′| < ${VANISH_BELOW})`, near.length ? near.join(', ') : 'nowhere'],
    ...k.stationary.map((st): [string, string] => [
      st.smooth ? 'f′ = 0' : 'Kink, f′ changes sign',
      `x = ${formatNumber(st.x)}, the ${st.kind}`,
    ]),
    ['Monotonic', yesNo(k.stationary.length === 0)],
    [
      'Smooth (C¹)',
      kinks.length
        ? `no: kinks at ${kinks.map((x) => `x = ${formatNumber(x)}`).join(', ')}`
        : 'yes',
    ],
    ['Zero-centred', yesNo(k.f0 === 0 && k.range.lo < 0 && k.range.hi > 0)],
    ['Self-normalising', yesNo(a.properties.selfNormalising)],
  ];
  return h(
    'table',
    { class: 'props' },
    h('caption', {}, a.paramSpecs.length ? 'Properties at these parameters' : 'Properties'),
    h(
      'tbody',
      {},
      ...rows.map(([key, v]) => h('tr', {}, h('th', { scope: 'row' }, key), h('td', {}, v))),
    ),
  );
}

function buildCard(c: CurveState, index: number): Card | undefined {
  const a = lookup(c.id, c.custom);
  if (!a) return undefined;
  const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
  swatch.style.backgroundColor = colourOf(index); // CSSOM, allowed by the CSP
  const remove = button('×', `Remove ${a.name}`);
  remove.addEventListener('click', () => dispatch({ type: 'remove', key: c.key }));
  const reset = button('Defaults', `Reset ${a.name}'s parameters`);
  reset.addEventListener('click', () => dispatch({ type: 'resetParams', key: c.key }));
  reset.disabled = a.paramSpecs.length === 0;
  const formulaF = h('div', { class: 'formula' });
  const formulaDf = h('div', { class: 'formula' });
  const props = h('div', { class: 'props-wrap' });
  const inputs = new Map<string, [HTMLInputElement, HTMLInputElement]>();
  const params = h('div', { class: 'params' });
  for (const spec of a.paramSpecs) {
    const base = `p-${c.key}-${spec.name}`;
    const v = String(c.params[spec.name] ?? spec.default);
    const range = h('input', {
      id: base,
      type: 'range',
      min: spec.min,
      max: spec.max,
      step: spec.step,
      value: v,
    });
    const box = h('input', {
      id: `${base}-n`,
      type: 'number',
      min: spec.min,
      max: spec.max,
      step: 'any',
      value: v,
      class: 'num',
      'aria-label': `${spec.name} value`,
    });
    range.addEventListener('input', () => setParam(c.key, spec.name, Number(range.value)));
    box.addEventListener('change', () => {
      const n = box.value.trim() === '' ? NaN : Number(box.value);
      setParam(c.key, spec.name, n);
    });
    inputs.set(spec.name, [range, box]);
    params.append(
      h(
        'label',
        { for: base, title: spec.description },
        h('code', {}, spec.name),
        ` (${spec.min} … ${spec.max})`,
      ),
      range,
      box,
    );
  }
  const el = h(
    'article',
    { class: 'card', 'data-key': c.key },
    h(
      'header',
      {},
      swatch,
      h('h2', {}, a.name),
      h('code', {}, c.id),
      h('span', { class: 'spacer' }),
      reset,
      remove,
    ),
    formulaF,
    formulaDf,
    params.childElementCount ? params : h('p', { class: 'muted' }, 'No parameters.'),
    props,
    a.lesson ? h('p', { class: 'lesson' }, a.lesson) : null,
  );
  return { el, formulaF, formulaDf, props, inputs };
}

function rebuildCards(): void {
  cardByKey.clear();
  const els: HTMLElement[] = [];
  state.curves.forEach((c, i) => {
    const card = buildCard(c, i);
    if (!card) return;
    cardByKey.set(c.key, card);
    els.push(card.el);
    // Plain text now (no KaTeX, no key numbers before the first paint), the rest in idle time.
    renderFormulas(c, !katex);
    if (!katex) typesetQueue.add(c.key);
  });
  scheduleTypeset();
  cards.replaceChildren(...els);
  empty.hidden = state.curves.length > 0;
  focusSelect.replaceChildren(
    ...state.curves.map((c) =>
      h(
        'option',
        { value: c.key, selected: c.key === state.focus },
        curveLabel(lookup(c.id, c.custom)?.name ?? c.id, c.params),
      ),
    ),
  );
  focusSelect.disabled = state.curves.length === 0;
}

/** The "of …" selector names each curve with its current parameters (a slider renames it). */
function syncFocusLabel(c: CurveState): void {
  for (const o of focusSelect.options) {
    if (o.value !== c.key) continue;
    const label = curveLabel(lookup(c.id, c.custom)?.name ?? c.id, c.params);
    if (o.textContent !== label) o.textContent = label;
  }
}

function syncInputs(c: CurveState): void {
  const card = cardByKey.get(c.key);
  if (!card) return;
  for (const [name, [range, box]] of card.inputs) {
    const v = String(c.params[name]);
    if (range.value !== v) range.value = v;
    if (document.activeElement !== box || box.value !== v) box.value = v;
  }
}

function syncToolbar(): void {
  if (document.activeElement !== xMinInput) xMinInput.value = inputNumber(state.xMin);
  if (document.activeElement !== xMaxInput) xMaxInput.value = inputNumber(state.xMax);
  for (const s of seriesNames) seriesChecks[s][0].checked = state.series[s];
  vanishCheck[0].checked = state.shade.vanish;
  explodeCheck[0].checked = state.shade.explode;
  if (state.focus) focusSelect.value = state.focus;
}

// ---------- read-out ----------

function renderReadout(x: number | null): void {
  const head = h(
    'tr',
    {},
    h('th', { scope: 'col' }, x === null ? 'x (point at the chart)' : `x = ${formatNumber(x)}`),
    h('th', { scope: 'col' }, 'f'),
    h('th', { scope: 'col' }, 'f′'),
    h('th', { scope: 'col' }, 'f″'),
  );
  const rows = state.curves.map((c, i) => {
    const a = lookup(c.id, c.custom);
    const r = a && x !== null ? readout(a, c.params, x) : { f: null, df: null, d2f: null };
    const sw = h('span', { class: 'swatch', 'aria-hidden': 'true' });
    sw.style.backgroundColor = colourOf(i);
    return h(
      'tr',
      {},
      h('th', { scope: 'row' }, sw, curveLabel(a?.name ?? c.id, c.params)),
      h('td', {}, formatNumber(r.f)),
      h('td', {}, formatNumber(r.df)),
      h('td', {}, formatNumber(r.d2f)),
    );
  });
  readoutEl.replaceChildren(h('thead', {}, head), h('tbody', {}, ...rows));
  readoutEl.hidden = state.curves.length === 0;
}

let pointerFrame = 0;
canvas.addEventListener('mousemove', (e) => {
  const sx = chartInstance?.scales.x;
  if (!sx) return;
  const x = sx.getValueForPixel(e.offsetX);
  cancelAnimationFrame(pointerFrame);
  pointerFrame = requestAnimationFrame(() => {
    overlay.crosshair = x !== undefined && Number.isFinite(x) ? x : null;
    renderReadout(overlay.crosshair);
    chartInstance?.draw();
  });
});
canvas.addEventListener('mouseleave', () => {
  cancelAnimationFrame(pointerFrame);
  overlay.crosshair = null;
  renderReadout(null);
  chartInstance?.draw();
});

// ---------- actions ----------

type Change = 'all' | 'view' | 'style' | { param: string };

function classify(a: PlotAction): Change {
  switch (a.type) {
    case 'setParam':
    case 'resetParams':
      return { param: a.key };
    case 'setRange':
    case 'setView':
    case 'zoom':
    case 'pan':
    case 'resetView':
      return 'view';
    case 'toggleSeries':
    case 'toggleShade':
    case 'toggleHidden':
    case 'focus':
      return 'style';
    default:
      return 'all';
  }
}

/** Applies a change to the chart, touching only what it invalidates. */
function render(change: Change): void {
  if (!chartInstance && state.curves.length === 0) {
    rebuildCards();
    syncToolbar();
    renderReadout(null);
    return;
  }
  if (change === 'all') {
    rebuildDatasets();
    rebuildCards();
  } else if (change === 'view') {
    for (const c of state.curves) resample(c);
  } else if (typeof change === 'object') {
    const c = state.curves.find((x) => x.key === change.param);
    if (c) {
      resample(c);
      syncInputs(c);
      syncFocusLabel(c);
      scheduleTypeset(c.key);
    }
  }
  syncToolbar();
  redraw();
  if (typeof change === 'object') scheduleReadout();
  else renderReadout(overlay.crosshair);
}

let readoutFrame = 0;
/** The read-out follows the slider once per frame, outside the redraw being timed. */
function scheduleReadout(): void {
  cancelAnimationFrame(readoutFrame);
  readoutFrame = requestAnimationFrame(() => renderReadout(overlay.crosshair));
}

function dispatch(action: PlotAction): void {
  const r = reduce(state, action, lookup);
  for (const n of r.notes) showNotice({ level: 'warning', message: n });
  if (r.state === state) {
    syncToolbar();
    for (const c of state.curves) syncInputs(c);
    return;
  }
  state = r.state;
  render(classify(action));
  persist();
}

function setParam(key: string, name: string, value: number): void {
  const t0 = performance.now();
  dispatch({ type: 'setParam', key, name, value });
  lastRedrawMs = performance.now() - t0;
}
let lastRedrawMs = 0;

/** Since navigation start: the first state with curves arrives, and its render is done. */
let stateMs: number | undefined;
let renderedMs: number | undefined;

function load(next: PlotState): void {
  if (stateMs === undefined && next.curves.length) stateMs = performance.now();
  // The host's answer to 'ready' repeats the state the page started with: nothing to redo.
  if (chartInstance && JSON.stringify(next) === JSON.stringify(state)) return;
  const r = normalizeState(next, lookup);
  for (const n of r.notes) showNotice({ level: 'warning', message: n });
  state = r.state;
  render('all');
  persist();
  if (renderedMs === undefined && state.curves.length) renderedMs = performance.now();
  if (firstPaintMs === undefined && state.curves.length) {
    requestAnimationFrame(() => {
      firstPaintMs ??= performance.now();
      // After this frame is out: KaTeX then typesets in idle time.
      setTimeout(requestKatex, 0);
    });
  }
}
/** Since navigation start, for the browser test. */
let firstPaintMs: number | undefined;

xMinInput.addEventListener('change', () =>
  dispatch({ type: 'setRange', xMin: Number(xMinInput.value), xMax: state.xMax }),
);
xMaxInput.addEventListener('change', () =>
  dispatch({ type: 'setRange', xMin: state.xMin, xMax: Number(xMaxInput.value) }),
);
zoomIn.addEventListener('click', () => dispatch({ type: 'zoom', factor: 0.8 }));
zoomOut.addEventListener('click', () => dispatch({ type: 'zoom', factor: 1.25 }));
resetView.addEventListener('click', () => dispatch({ type: 'resetView' }));
addCurves.addEventListener('click', () => post({ type: 'pickActivations' }));
for (const s of seriesNames)
  seriesChecks[s][0].addEventListener('change', () =>
    dispatch({ type: 'toggleSeries', series: s }),
  );
vanishCheck[0].addEventListener('change', () => dispatch({ type: 'toggleShade', which: 'vanish' }));
explodeCheck[0].addEventListener('change', () =>
  dispatch({ type: 'toggleShade', which: 'explode' }),
);
focusSelect.addEventListener('change', () => dispatch({ type: 'focus', key: focusSelect.value }));
canvas.addEventListener('keydown', (e) => {
  const actions: Record<string, PlotAction> = {
    ArrowLeft: { type: 'pan', fraction: -0.1 },
    ArrowRight: { type: 'pan', fraction: 0.1 },
    '+': { type: 'zoom', factor: 0.8 },
    '=': { type: 'zoom', factor: 0.8 },
    '-': { type: 'zoom', factor: 1.25 },
    '0': { type: 'resetView' },
  };
  const a = actions[e.key];
  if (a) {
    e.preventDefault();
    dispatch(a);
  }
});

function fileStem(): string {
  // custom:snake → custom-snake: export file names are plain.
  const ids = [...new Set(state.curves.map((c) => c.id.replace(/[^\w.-]/g, '-')))].slice(0, 4);
  return ids.length ? ids.join('-') : 'activation-plot';
}

exportPng.addEventListener('click', () => {
  post({
    type: 'exportPng',
    dataUrl: chartOf().toBase64Image('image/png', 1),
    fileName: `${fileStem()}.png`,
  });
});
exportCsv.addEventListener('click', () => {
  const curves = state.curves.flatMap((c) => {
    const a = lookup(c.id, c.custom);
    return a ? [{ label: curveLabel(c.id, c.params), activation: a, params: c.params }] : [];
  });
  const shown = seriesNames.filter((s) => state.series[s]);
  const csv = buildCsv(
    curves,
    state.xMin,
    state.xMax,
    DEFAULT_POINTS,
    shown.length ? shown : ['f'],
  );
  post({ type: 'exportCsv', csv, fileName: `${fileStem()}.csv` });
});

// ---------- theme ----------

function applyTheme(p: Palette): void {
  palette = p;
  overlay.palette = p;
  if (chartInstance) {
    applyPalette(chartInstance, p);
    datasetsOf().forEach((ds) => {
      const i = state.curves.findIndex((c) => ds.datasetKey.startsWith(c.key + ':'));
      styleDataset(ds, colourOf(i), p);
    });
  }
  vanishSwatch.style.backgroundColor = p.vanish;
  explodeSwatch.style.backgroundColor = p.explode;
  cardByKey.forEach((card, key) => {
    const sw = card.el.querySelector<HTMLElement>('.swatch');
    if (sw) sw.style.backgroundColor = colourOf(state.curves.findIndex((c) => c.key === key));
  });
  if (chartInstance) redraw();
  renderReadout(overlay.crosshair);
}
observeTheme(applyTheme);
vanishSwatch.style.backgroundColor = palette.vanish;
explodeSwatch.style.backgroundColor = palette.explode;

// ---------- host messages ----------

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const m = parseToWebview(e.data, warn);
  if (!m) return;
  switch (m.type) {
    case 'setState':
      load(m.state);
      break;
    case 'notice':
      showNotice(m.notice);
      break;
    case 'exportResult':
      showNotice({ level: m.ok ? 'info' : 'error', message: m.message });
      break;
  }
});

/** For the browser test and the benchmark: the last slider redraw and a timed re-run. */
(window as unknown as { activationLensPlot: unknown }).activationLensPlot = {
  state: () => state,
  firstPaintMs: () => firstPaintMs,
  /** The way to the first paint, each since navigation start. */
  phases: () => ({ scriptStartMs, stateMs, renderedMs, firstPaintMs }),
  /** When every formula was typeset (undefined while some wait for KaTeX). */
  typesetMs: () => (typesetQueue.size || (!katex && state.curves.length) ? undefined : typesetMs),
  lastRedrawMs: () => lastRedrawMs,
  datasetCount: () => chartOf().data.datasets.length,
  /** Times a full chart.update('none') alone (no sampling), for the benchmark. */
  timeChartUpdate: () => {
    const t0 = performance.now();
    chartOf().update('none');
    return performance.now() - t0;
  },
  pointCount: () => datasetsOf().reduce((n, d) => n + (d.hidden ? 0 : d.data.length), 0),
};

/** The page carries the host's state, so the curves paint before the 'ready' round trip. */
function embeddedState(): PlotState | undefined {
  const raw = app.dataset.initialState;
  if (!raw) return undefined;
  try {
    return parsePlotState(JSON.parse(raw));
  } catch {
    return undefined;
  }
}

const restored = parsePlotState(vscode.getState()) ?? embeddedState();
if (restored) load(restored);
else render('all');
post({ type: 'ready' });
