/** The Chart.js side of the panel: one line chart, plugins for background, shading and crosshair. */
import {
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  type ChartDataset,
  type LegendItem,
  type Plugin,
} from 'chart.js';
import zoomPlugin from 'chartjs-plugin-zoom';
import type { SeriesName } from '../../src/plot/protocol';
import type { Point } from '../../src/plot/sampling';
import { formatNumber } from '../../src/kernel/format';
import type { Palette } from '../shared/theme';

Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, zoomPlugin);

export type PlotDataset = ChartDataset<'line', Point[]> & {
  datasetKey: string;
  series: SeriesName;
};

export interface Overlay {
  /** Shaded x intervals of the focused curve. */
  vanish: Array<[number, number]>;
  explode: Array<[number, number]>;
  /** Pointer x in data units, or null. */
  crosshair: number | null;
  palette: Palette;
}

const DASH: Record<SeriesName, number[]> = { f: [], df: [7, 4], d2f: [2, 3] };
const SUFFIX: Record<SeriesName, string> = { f: '', df: '′', d2f: '″' };

export function seriesLabel(name: string, s: SeriesName): string {
  return `${name} f${SUFFIX[s]}`;
}

export function styleDataset(ds: PlotDataset, colour: string, p: Palette): void {
  ds.borderColor = colour;
  ds.backgroundColor = colour;
  ds.borderDash = DASH[ds.series];
  ds.borderWidth = ds.series === 'f' ? p.lineWidth : Math.max(1, p.lineWidth - 0.5);
}

export function makeDataset(
  datasetKey: string,
  series: SeriesName,
  label: string,
  data: Point[],
): PlotDataset {
  return {
    type: 'line',
    datasetKey,
    series,
    label,
    data,
    parsing: false,
    normalized: true,
    spanGaps: false,
    pointRadius: 0,
    pointHitRadius: 0,
    tension: 0,
    fill: false,
  };
}

function backgroundPlugin(overlay: Overlay): Plugin<'line'> {
  return {
    id: 'alBackground',
    beforeDraw(chart) {
      const { ctx, width, height } = chart;
      ctx.save();
      ctx.fillStyle = overlay.palette.background;
      ctx.fillRect(0, 0, width, height);
      ctx.restore();
    },
  };
}

function shadingPlugin(overlay: Overlay): Plugin<'line'> {
  return {
    id: 'alShading',
    beforeDatasetsDraw(chart) {
      const { ctx, chartArea: a, scales } = chart;
      const x = scales.x;
      if (!x) return;
      ctx.save();
      ctx.beginPath();
      ctx.rect(a.left, a.top, a.right - a.left, a.bottom - a.top);
      ctx.clip();
      ctx.globalAlpha = overlay.palette.shadeAlpha;
      for (const [ivs, colour] of [
        [overlay.vanish, overlay.palette.vanish],
        [overlay.explode, overlay.palette.explode],
      ] as const) {
        ctx.fillStyle = colour;
        for (const [lo, hi] of ivs) {
          const l = x.getPixelForValue(lo);
          const r = x.getPixelForValue(hi);
          ctx.fillRect(Math.min(l, r), a.top, Math.max(1, Math.abs(r - l)), a.bottom - a.top);
        }
      }
      ctx.restore();
    },
  };
}

function crosshairPlugin(overlay: Overlay): Plugin<'line'> {
  return {
    id: 'alCrosshair',
    afterDatasetsDraw(chart) {
      const x = overlay.crosshair;
      const sx = chart.scales.x;
      if (x === null || !sx) return;
      const px = sx.getPixelForValue(x);
      const a = chart.chartArea;
      if (px < a.left || px > a.right) return;
      const { ctx } = chart;
      ctx.save();
      ctx.strokeStyle = overlay.palette.foreground;
      ctx.globalAlpha = 0.6;
      ctx.lineWidth = 1;
      ctx.setLineDash([3, 3]);
      ctx.beginPath();
      ctx.moveTo(px, a.top);
      ctx.lineTo(px, a.bottom);
      ctx.stroke();
      ctx.restore();
    },
  };
}

/**
 * Tick labels through our own formatter: Chart.js's default builds and calls Intl.NumberFormat for
 * every tick of every layout (a measurable share of the first paint), and writes −0.5 with a hyphen.
 */
function tickLabel(v: string | number): string {
  return formatNumber(typeof v === 'number' ? v : Number(v));
}

export interface ChartCallbacks {
  onLegendToggle(datasetKey: string): void;
  onViewChanged(xMin: number, xMax: number, yMin: number, yMax: number): void;
  legendFilter(datasetKey: string): boolean;
}

/** What the chart starts with, so that its constructor's one layout and draw is the first paint. */
export interface ChartStart {
  datasets: PlotDataset[];
  xMin: number;
  xMax: number;
  yMin: number | undefined;
  yMax: number | undefined;
}

export function createChart(
  canvas: HTMLCanvasElement,
  overlay: Overlay,
  cb: ChartCallbacks,
  start: ChartStart,
): Chart<'line', Point[]> {
  const p = overlay.palette;
  const viewChanged = ({ chart }: { chart: Chart }): void => {
    const { x, y } = chart.scales;
    if (x && y) cb.onViewChanged(x.min, x.max, y.min, y.max);
  };
  return new Chart<'line', Point[]>(canvas, {
    type: 'line',
    data: { datasets: start.datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      events: ['mousemove', 'mouseout', 'click', 'touchstart', 'touchmove'],
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: {
          type: 'linear',
          min: start.xMin,
          max: start.xMax,
          grid: { color: p.grid },
          border: { color: p.grid },
          ticks: { color: p.foreground, maxTicksLimit: 11, callback: tickLabel },
          title: { display: true, text: 'x', color: p.foreground },
        },
        y: {
          type: 'linear',
          min: start.yMin,
          max: start.yMax,
          grid: { color: p.grid },
          border: { color: p.grid },
          ticks: { color: p.foreground, callback: tickLabel },
        },
      },
      plugins: {
        decimation: { enabled: false },
        tooltip: { enabled: false },
        legend: {
          position: 'top',
          labels: {
            color: p.foreground,
            usePointStyle: false,
            boxWidth: 24,
            boxHeight: 2,
            filter: (item: LegendItem, data) => {
              const ds = data.datasets[item.datasetIndex ?? -1] as PlotDataset | undefined;
              return ds ? cb.legendFilter(ds.datasetKey) : false;
            },
          },
          onClick: (_e, item, legend) => {
            const ds = legend.chart.data.datasets[item.datasetIndex ?? -1] as
              PlotDataset | undefined;
            if (ds) cb.onLegendToggle(ds.datasetKey);
          },
        },
        zoom: {
          zoom: {
            wheel: { enabled: true },
            pinch: { enabled: true },
            mode: 'xy',
            onZoomComplete: viewChanged,
          },
          pan: { enabled: true, mode: 'xy', onPanComplete: viewChanged },
        },
      },
    },
    plugins: [backgroundPlugin(overlay), shadingPlugin(overlay), crosshairPlugin(overlay)],
  });
}

/** Applies a new palette to axes and legend (datasets are restyled by the caller). */
export function applyPalette(chart: Chart<'line', Point[]>, p: Palette): void {
  const o = chart.options;
  for (const axis of ['x', 'y'] as const) {
    const s = o.scales?.[axis];
    if (!s) continue;
    s.grid = { ...s.grid, color: p.grid };
    s.border = { ...s.border, color: p.grid };
    s.ticks = { ...s.ticks, color: p.foreground };
    if ('title' in s && s.title) s.title = { ...s.title, color: p.foreground };
  }
  const legend = o.plugins?.legend;
  if (legend?.labels) legend.labels.color = p.foreground;
}
