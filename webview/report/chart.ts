/**
 * The per-layer SynOps bar chart, drawn with plotly. One bar per weight layer, named by the layer that
 * receives the spikes (receiving-layer convention). The bar fed by the input is hatched in another colour
 * and annotated: its SynOps are set by the data (events or pixel intensities), not by the network, so
 * training cannot lower them. When the layers carry the quantized ANN's proxy (`synopsAnn`), or a second
 * report is given for comparison (the paper's Fig. 2, centre: baseline vs. optimized), the chart groups
 * the bars per layer with a legend: SNN and ANN proxy of this report, then of the other.
 *
 * Plotly injects a global `<style>` element and sets inline styles, so the page's CSP needs
 * `style-src … 'unsafe-inline'`; it needs no `unsafe-eval` and loads nothing from the network.
 */
import { readTheme as readCommonTheme, type ChartTheme as CommonTheme } from '../common/theme';
import Plotly from 'plotly.js-dist-min';
import type { LayerRow } from '../../src/protocol/report';
import { formatCount, formatCountShort } from '../../src/protocol/format';

/** The page's theme (VS Code's CSS variables, with fallbacks outside VS Code) and the chart's three bar colours. */
interface ChartTheme extends CommonTheme {
  bar: string;
  inputBar: string;
  compareBar: string;
}

function readTheme(el: Element): ChartTheme {
  const t = readCommonTheme(el);
  return { ...t, bar: t.blue, inputBar: t.orange, compareBar: t.purple };
}

export interface SynOpsChart {
  setLogScale(log: boolean): void;
  /** Re-reads the theme colours (after a VS Code theme change) and redraws. */
  restyle(): void;
  dispose(): void;
}

/** A second report drawn beside the first: its layers are matched by name. */
export interface ChartComparison {
  label: string;
  layers: readonly LayerRow[];
}

/** Width (CSS px) under which the chart lays itself out for a narrow panel. */
const NARROW_PX = 520;

/** Draws the chart into `el`; the returned handle updates or purges it. */
export function drawSynOpsChart(el: HTMLElement, layers: readonly LayerRow[], logScale: boolean, label = 'this model', compare?: ChartComparison): SynOpsChart {
  const rows = layers.filter((l) => l.synops !== undefined);
  let log = logScale;
  let disposed = false;
  const grouped = compare !== undefined || rows.some((r) => r.synopsAnn !== undefined);

  // Below NARROW_PX wide (a panel beside another), the legend goes in a column under the chart and the
  // margins shrink, so the plot keeps most of the width instead of collapsing under a legend wider than it.
  let narrow = el.clientWidth > 0 && el.clientWidth < NARROW_PX;
  const draw = (): void => {
    if (disposed) return;
    const t = readTheme(el);
    const fromInput = rows.map((r) => r.emitter === 'input');
    const x = rows.map((r) => r.name);
    const y = rows.map((r) => r.synops ?? 0);
    const data = [{
      type: 'bar',
      x,
      y,
      text: y.map(formatCountShort),
      textposition: 'outside',
      cliponaxis: false,
      textfont: { color: t.foreground },
      customdata: rows.map((r) => [r.emitter ?? '', formatCount(r.synops)]),
      hovertemplate: '<b>%{x}</b><br>%{customdata[1]} SynOps per sample<br>spikes from %{customdata[0]}<extra></extra>',
      marker: {
        color: fromInput.map((i) => (i ? t.inputBar : t.bar)),
        line: { color: fromInput.map((i) => (i ? t.inputBar : t.bar)), width: 1 },
        pattern: { shape: fromInput.map((i) => (i ? '/' : '')), fillmode: 'overlay', fgcolor: t.foreground, fgopacity: 0.6, size: 8, solidity: 0.2 },
      },
    }];
    const series = grouped ? groupedSeries(t, rows, fromInput, label, compare) : data;
    const inputIndex = fromInput.indexOf(true);
    const annotations = inputIndex < 0 ? [] : [{
      x: x[inputIndex],
      y: 1,
      xref: 'x',
      yref: 'paper',
      yanchor: 'bottom',
      text: narrow ? 'fixed by<br>the data' : 'fed by the input:<br>fixed by the data',
      showarrow: false,
      font: { color: t.inputBar, size: t.fontSize - 1 },
    }];
    // On the log axis, start at the decade below the smallest bar so every bar has a labelled floor.
    const positive = series.flatMap((d) => d.y as number[]).filter((v) => v > 0);
    const logRange = positive.length
      ? [Math.floor(Math.log10(Math.min(...positive))), Math.log10(Math.max(...positive)) + 0.3]
      : undefined;
    const legendRows = grouped ? series.length : 0;
    const layout = {
      autosize: true,
      height: narrow ? 300 + 22 * legendRows : grouped ? 340 : 300,
      margin: narrow ? { l: 52, r: 8, t: 40, b: 48 + 22 * legendRows } : { l: 64, r: 16, t: grouped ? 72 : 40, b: 40 },
      paper_bgcolor: 'rgba(0,0,0,0)',
      plot_bgcolor: 'rgba(0,0,0,0)',
      font: { family: t.fontFamily, size: t.fontSize, color: t.foreground },
      hoverlabel: { bgcolor: t.hoverBackground, bordercolor: t.grid, font: { color: t.foreground, family: t.fontFamily } },
      bargap: grouped ? 0.25 : 0.35,
      bargroupgap: 0.05,
      barmode: 'group',
      showlegend: grouped,
      legend: narrow
        ? { orientation: 'v', x: 0, xanchor: 'left', y: 0, yref: 'container', yanchor: 'bottom', font: { color: t.foreground } }
        : { orientation: 'h', x: 0, y: 1.14, yanchor: 'bottom', font: { color: t.foreground } },
      annotations,
      xaxis: { title: { text: 'receiving layer', font: { size: t.fontSize } }, color: t.muted, linecolor: t.grid, tickfont: { color: t.foreground }, fixedrange: true },
      yaxis: {
        title: { text: 'SynOps per sample', font: { size: t.fontSize } },
        type: log ? 'log' : 'linear',
        range: log ? logRange : undefined,
        autorange: log && logRange ? false : true,
        color: t.muted,
        gridcolor: t.grid,
        zerolinecolor: t.grid,
        // One tick per decade on the log axis; plotly's default adds unlabelled 2 and 5 ticks.
        dtick: log ? 1 : undefined,
        tickformat: '~s',
        exponentformat: 'SI',
        fixedrange: true,
        rangemode: 'tozero',
      },
    };
    // No mode bar: its download button cannot save from a webview, and zooming four bars helps nobody.
    void Plotly.react(el, series, layout, { displayModeBar: false, responsive: true, displaylogo: false });
  };

  draw();
  // Plotly's `responsive` resizes the plot; the layout itself changes when the width crosses NARROW_PX.
  const resized = new ResizeObserver(() => {
    const now = el.clientWidth > 0 && el.clientWidth < NARROW_PX;
    if (now !== narrow) { narrow = now; draw(); }
  });
  resized.observe(el);
  return {
    setLogScale(value) { log = value; draw(); },
    restyle: draw,
    dispose() { disposed = true; resized.disconnect(); Plotly.purge(el); },
  };
}

/**
 * The grouped bars: SNN measurement and ANN proxy of this report, then of the compared one, per receiving
 * layer. Bars fed by the input are hatched in every series; lighter bars are the ANN proxy.
 */
function groupedSeries(t: ChartTheme, rows: readonly LayerRow[], fromInput: boolean[], label: string, compare?: ChartComparison): Array<Record<string, unknown>> {
  const x = rows.map((r) => r.name);
  const other = new Map((compare?.layers ?? []).map((l) => [l.name, l]));
  const bar = (name: string, values: Array<number | undefined>, color: string, opacity: number, what: string) => ({
    type: 'bar',
    name,
    x,
    y: values.map((v) => v ?? null),
    customdata: values.map((v, i) => [formatCount(v), rows[i].emitter ?? '']),
    hovertemplate: `<b>%{x}</b><br>%{customdata[0]} SynOps per sample (${what})<br>spikes from %{customdata[1]}<extra>${name}</extra>`,
    marker: {
      color,
      opacity,
      line: { color, width: 1 },
      pattern: { shape: fromInput.map((i) => (i ? '/' : '')), fillmode: 'overlay', fgcolor: t.foreground, fgopacity: 0.6, size: 8, solidity: 0.2 },
    },
  });
  const out = [bar(`${label}: SNN`, rows.map((r) => r.synops), t.bar, 1, 'SNN')];
  if (rows.some((r) => r.synopsAnn !== undefined)) out.push(bar(`${label}: ANN proxy`, rows.map((r) => r.synopsAnn), t.bar, 0.45, 'ANN proxy'));
  if (compare) {
    const c = rows.map((r) => other.get(r.name));
    out.push(bar(`${compare.label}: SNN`, c.map((l) => l?.synops), t.compareBar, 1, 'SNN'));
    if (c.some((l) => l?.synopsAnn !== undefined)) out.push(bar(`${compare.label}: ANN proxy`, c.map((l) => l?.synopsAnn), t.compareBar, 0.45, 'ANN proxy'));
  }
  return out;
}
