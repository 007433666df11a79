/**
 * The plotly charts of the raster view (the paper's Fig. 1A–C and the network's response): event frames as
 * heatmaps, the input events and the layer spikes over time as scatter rasters, spikes per time step, and
 * the output counts. Every time chart carries a vertical cursor at the scrubber's time 
 * SVG traces only: plotly's WebGL scatter would need `unsafe-eval` in the CSP (see `../common/theme`).
 */
import Plotly, { type PlotlyHTMLElement } from 'plotly.js-dist-min';
import type { RasterPayload } from '../../src/protocol/views';
import { formatCount } from '../../src/protocol/format';
import { axis, baseLayout, palette, PLOT_CONFIG, type ChartTheme } from '../common/theme';
import { neuronCount, neuronPosition, type BinnedInput, type RasterLayout } from './data';

/**
 * Moves the time cursor over a time chart. The cursor is an element of the page laid over the chart's plot
 * area, not a plotly shape: relayouting a chart of 15,000 points for every scrubber step took most of a
 * second, moving an element takes nothing. The x axes of the time charts span `[0, spanMs]` exactly.
 */
export function moveCursor(chart: HTMLElement, cursorEl: HTMLElement, ms: number, spanMs: number): void {
  const area = chart.querySelector('.nsewdrag');
  cursorEl.dataset.ms = String(ms);
  if (!area || !(spanMs > 0)) { cursorEl.hidden = true; return; }
  const x = Number(area.getAttribute('x'));
  const width = Number(area.getAttribute('width'));
  cursorEl.hidden = false;
  cursorEl.style.left = `${x + width * Math.min(1, Math.max(0, ms / spanMs))}px`;
  cursorEl.style.top = `${area.getAttribute('y')}px`;
  cursorEl.style.height = `${area.getAttribute('height')}px`;
}

/** Replaces the counts of a frame drawn by `drawFrame` (a scrubber step): cheaper than drawing it anew. */
export function updateFrame(el: HTMLElement, z: number[][]): Promise<PlotlyHTMLElement> {
  return Plotly.restyle(el, { z: [z] }, 0);
}

/** An event frame: counts per pixel, `y` down as on the sensor's image, one pixel per cell. */
export function drawFrame(el: HTMLElement, t: ChartTheme, z: number[][], zmax: number, what: string): Promise<PlotlyHTMLElement> {
  const data = [{
    type: 'heatmap',
    z,
    zmin: 0,
    zmax: Math.max(1, zmax),
    zsmooth: false,
    colorscale: [[0, t.background], [1, t.foreground]],
    colorbar: { thickness: 10, outlinewidth: 0, tickfont: { color: t.muted }, title: { text: 'events', side: 'right', font: { color: t.muted } } },
    hovertemplate: `x %{x}, y %{y}: %{z} ${what}<extra></extra>`,
  }];
  const layout = baseLayout(t, {
    height: 300,
    margin: { l: 40, r: 10, t: 8, b: 32 },
    xaxis: axis(t, '', { constrain: 'domain', showgrid: false, zeroline: false, fixedrange: true }),
    yaxis: axis(t, '', { autorange: 'reversed', scaleanchor: 'x', constrain: 'domain', showgrid: false, zeroline: false, fixedrange: true }),
  });
  return Plotly.react(el, data, layout, PLOT_CONFIG);
}

/** Fig. 1B in two dimensions: every `every`-th input event at its time and pixel (row-major), ON and OFF apart. */
export function drawInputRaster(el: HTMLElement, t: ChartTheme, p: RasterPayload, b: BinnedInput, every: number): Promise<PlotlyHTMLElement> {
  const n = b.step.length;
  const data = [1, 0].map((pol) => {
    const idx: number[] = [];
    for (let i = 0; i < n; i += every) if ((p.input.p?.[i] ?? 1) === 1 ? pol === 1 : pol === 0) idx.push(i);
    return {
      type: 'scatter',
      mode: 'markers',
      name: pol ? 'ON events' : 'OFF events',
      x: idx.map((i) => p.input.t[i] / 1000),
      y: idx.map((i) => p.input.y[i] * b.width + p.input.x[i]),
      customdata: idx.map((i) => [p.input.x[i], p.input.y[i]]),
      hovertemplate: `%{x:.3f} ms, pixel x %{customdata[0]}, y %{customdata[1]}<extra>${pol ? 'ON' : 'OFF'}</extra>`,
      marker: { color: pol ? t.blue : t.orange, size: 3, opacity: 0.7 },
    };
  });
  const layout = baseLayout(t, {
    height: 240,
    margin: { l: 64, r: 16, t: 30, b: 40 },
    xaxis: axis(t, 'time (ms)', { range: [0, p.steps * p.dtMs], zeroline: false }),
    yaxis: axis(t, 'pixel (row-major)', { autorange: 'reversed', zeroline: false, tickformat: '~s' }),
  });
  return Plotly.react(el, data, layout, PLOT_CONFIG);
}

/** Per-layer spike rasters: one band per layer (network order, top down), its neurons spread over the band. */
export function drawLayerRaster(el: HTMLElement, t: ChartTheme, p: RasterPayload, r: RasterLayout): Promise<PlotlyHTMLElement> {
  const colours = palette(t);
  const data = r.traces.map(({ layer, band, kept }) => {
    const n = Math.max(1, neuronCount(layer.shape));
    return {
      type: 'scatter',
      mode: 'markers',
      name: layer.name,
      showlegend: false,
      x: kept.map((i) => layer.steps[i] * p.dtMs),
      y: kept.map((i) => band + 0.05 + 0.9 * (layer.neurons[i] + 0.5) / n),
      customdata: kept.map((i) => [neuronPosition(layer.neurons[i], layer.shape), layer.counts[i]]),
      hovertemplate: `${layer.name} %{customdata[0]} at %{x} ms: %{customdata[1]} spike(s)<extra></extra>`,
      marker: { color: colours[band % colours.length], size: kept.map((i) => Math.min(7, 2 + layer.counts[i])), opacity: 0.75, line: { width: 0 } },
    };
  });
  const bands = r.traces.length;
  const separators = r.traces.slice(1).map((_, i) => ({ type: 'line', xref: 'paper', yref: 'y', x0: 0, x1: 1, y0: i + 1, y1: i + 1, line: { color: t.grid, width: 1 } }));
  const layout = baseLayout(t, {
    height: Math.max(220, 90 * bands + 60),
    margin: { l: 90, r: 16, t: 10, b: 40 },
    hovermode: 'closest',
    shapes: separators,
    xaxis: axis(t, 'time (ms)', { range: [0, p.steps * p.dtMs], zeroline: false }),
    yaxis: axis(t, '', {
      range: [bands, 0], tickvals: r.traces.map((x) => x.band + 0.5), ticktext: r.traces.map((x) => x.layer.name),
      showgrid: false, zeroline: false, fixedrange: true,
    }),
  });
  return Plotly.react(el, data, layout, PLOT_CONFIG);
}

/** Spikes per time step of every layer, and the input events per step, over the chunk. */
export function drawPerStep(el: HTMLElement, t: ChartTheme, p: RasterPayload, b: BinnedInput): Promise<PlotlyHTMLElement> {
  const colours = palette(t);
  const x = Array.from({ length: p.steps }, (_, s) => s * p.dtMs);
  const data = [
    { type: 'scatter', mode: 'lines', name: 'input events', x, y: b.perStep, line: { color: t.muted, width: 1, dash: 'dot' }, hovertemplate: '%{x} ms: %{y} input events<extra></extra>' },
    ...p.layers.map((l, i) => ({
      type: 'scatter', mode: 'lines', name: l.name, x, y: l.perStep, line: { color: colours[i % colours.length], width: 1.5 },
      hovertemplate: `%{x} ms: %{y} spikes of ${l.name}<extra></extra>`,
    })),
  ];
  const layout = baseLayout(t, {
    height: 260,
    margin: { l: 64, r: 16, t: 36, b: 40 },
    hovermode: 'x unified',
    xaxis: axis(t, 'time (ms)', { range: [0, p.steps * p.dtMs], zeroline: false }),
    yaxis: axis(t, 'spikes per step', { rangemode: 'tozero', tickformat: '~s' }),
  });
  return Plotly.react(el, data, layout, PLOT_CONFIG);
}

/** Output spike counts per class; the predicted class in green, the label (when known) marked. */
export function drawOutput(el: HTMLElement, t: ChartTheme, out: NonNullable<RasterPayload['output']>): Promise<PlotlyHTMLElement> {
  const x = out.counts.map((_, i) => String(i));
  const data = [{
    type: 'bar',
    x,
    y: out.counts,
    marker: { color: out.counts.map((_, i) => (i === out.predicted ? t.green : out.ties.includes(i) ? t.yellow : t.blue)) },
    text: out.counts.map((c) => formatCount(c)),
    textposition: 'outside',
    cliponaxis: false,
    textfont: { color: t.foreground },
    hovertemplate: 'class %{x}: %{y} spikes<extra></extra>',
  }];
  const annotations = out.label === undefined ? [] : [{
    x: String(out.label), y: 0, xref: 'x', yref: 'y', yanchor: 'top', yshift: -22, showarrow: false, text: '▲ label', font: { color: t.muted, size: t.fontSize - 2 },
  }];
  const layout = baseLayout(t, {
    height: 220,
    margin: { l: 48, r: 16, t: 24, b: 52 },
    showlegend: false,
    bargap: 0.3,
    annotations,
    xaxis: axis(t, '', { type: 'category', fixedrange: true }),
    yaxis: axis(t, 'output spikes', { rangemode: 'tozero', fixedrange: true }),
  });
  return Plotly.react(el, data, layout, PLOT_CONFIG);
}

/** The whole recording's event rate, the shown chunk's span shaded (the event-file viewer). */
export function drawRate(el: HTMLElement, t: ChartTheme, rate: NonNullable<RasterPayload['rate']>): Promise<PlotlyHTMLElement> {
  const x = rate.counts.map((_, i) => (i * rate.binMs) / 1000);
  const y = rate.counts.map((c) => c / (rate.binMs / 1000));
  const shapes = rate.chunkStartMs !== undefined && rate.chunkEndMs !== undefined
    ? [{ type: 'rect', xref: 'x', yref: 'paper', x0: rate.chunkStartMs / 1000, x1: rate.chunkEndMs / 1000, y0: 0, y1: 1, fillcolor: t.blue, opacity: 0.15, line: { width: 0 } }]
    : [];
  const data = [{ type: 'scatter', mode: 'lines', x, y, line: { color: t.orange, width: 1.5 }, hovertemplate: '%{x:.2f} s: %{y:,.0f} events/s<extra></extra>' }];
  const layout = baseLayout(t, {
    height: 200, margin: { l: 64, r: 16, t: 16, b: 40 }, shapes, showlegend: false,
    xaxis: axis(t, 'time in the recording (s)', { zeroline: false }),
    yaxis: axis(t, 'events/s', { rangemode: 'tozero', tickformat: '~s' }),
  });
  return Plotly.react(el, data, layout, PLOT_CONFIG);
}
