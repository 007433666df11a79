/**
 * The training monitor's charts, one per quantity the trainer reports after each epoch: the loss and its
 * two parts, the accuracy, and the SynOps per layer with the target S₀. The epoch axis spans the planned
 * run from the first epoch on, so new points extend the lines instead of rescaling the charts; updates go
 * through `Plotly.react` on the same element, which redraws in place without a blank frame.
 */
import Plotly from 'plotly.js-dist-min';
import type { TrainingPayload } from '../../src/protocol/views';
import { axis, baseLayout, palette, PLOT_CONFIG, type ChartTheme } from '../common/theme';

/** Whether the run's loss has a SynOp term: the SynOp-loss strategies (a baseline's is cross-entropy alone). */
export function hasSynopTerm(p: TrainingPayload): boolean {
  return p.strategy === 'synop-loss' || p.strategy === 'synop-loss-qrelu';
}

function epochAxis(t: ChartTheme, p: TrainingPayload): Record<string, unknown> {
  const last = Math.max(p.epochs, ...p.history.map((e) => e.epoch), 1);
  return axis(t, 'epoch', { range: [0.7, last + 0.3], dtick: last <= 20 ? 1 : undefined, zeroline: false, fixedrange: true });
}

const line = (name: string, x: number[], y: Array<number | null>, color: string, extra: Record<string, unknown> = {}) => ({
  type: 'scatter', mode: 'lines+markers', name, x, y, connectgaps: false,
  line: { color, width: 2 }, marker: { color, size: 6 }, ...extra,
});

/** The loss: total, cross-entropy and the SynOp term on its own axis; a baseline (no SynOp term) draws its cross-entropy alone. */
export function drawLoss(el: HTMLElement, t: ChartTheme, p: TrainingPayload): void {
  const x = p.history.map((e) => e.epoch);
  const term = hasSynopTerm(p);
  const data = term ? [
    line('total', x, p.history.map((e) => e.loss), t.foreground, { hovertemplate: 'epoch %{x}: loss %{y:.4f}<extra></extra>' }),
    line('cross-entropy', x, p.history.map((e) => e.ce), t.blue, { hovertemplate: 'epoch %{x}: CE %{y:.4f}<extra></extra>' }),
    // The SynOp term ((S − S₀)/S₀)² has its own scale: right axis, dashed.
    line('SynOp term (right axis)', x, p.history.map((e) => e.synopTerm), t.orange, { yaxis: 'y2', line: { color: t.orange, width: 2, dash: 'dash' }, hovertemplate: 'epoch %{x}: SynOp term %{y:.4g}<extra></extra>' }),
  ] : [line('cross-entropy', x, p.history.map((e) => e.ce), t.blue, { hovertemplate: 'epoch %{x}: CE %{y:.4f}<extra></extra>' })];
  const layout = baseLayout(t, {
    height: 280,
    margin: { l: 56, r: term ? 56 : 16, t: 40, b: 44 },
    hovermode: 'closest',
    xaxis: epochAxis(t, p),
    yaxis: axis(t, term ? 'loss' : 'cross-entropy loss', { rangemode: 'tozero', fixedrange: true }),
    ...(term ? { yaxis2: axis(t, 'SynOp term', { overlaying: 'y', side: 'right', rangemode: 'tozero', showgrid: false, fixedrange: true, tickformat: '.2~g' }) } : {}),
  });
  void Plotly.react(el, data, layout, PLOT_CONFIG);
}

export function drawAccuracy(el: HTMLElement, t: ChartTheme, p: TrainingPayload): void {
  const x = p.history.map((e) => e.epoch);
  const data = [
    line('training', x, p.history.map((e) => 100 * e.accuracy), t.blue, { hovertemplate: 'epoch %{x}: %{y:.2f} % (training)<extra></extra>' }),
    line('held-out', x, p.history.map((e) => (e.valAccuracy === undefined ? null : 100 * e.valAccuracy)), t.green, { hovertemplate: 'epoch %{x}: %{y:.2f} % (held-out)<extra></extra>' }),
  ];
  const layout = baseLayout(t, {
    height: 280,
    margin: { l: 56, r: 16, t: 40, b: 44 },
    xaxis: epochAxis(t, p),
    yaxis: axis(t, 'accuracy (%)', { ticksuffix: ' %', fixedrange: true }),
  });
  void Plotly.react(el, data, layout, PLOT_CONFIG);
}

/** Per-layer SynOps as stacked areas (they add up to the total, the top line), and the target as a dashed line. */
export function drawSynOps(el: HTMLElement, t: ChartTheme, p: TrainingPayload): void {
  const x = p.history.map((e) => e.epoch);
  const colours = palette(t);
  const layers: string[] = [];
  for (const e of p.history) for (const k of Object.keys(e.synopsPerLayer)) if (!layers.includes(k)) layers.push(k);
  const data = layers.map((name, i) => ({
    type: 'scatter', mode: 'lines', name, x, y: p.history.map((e) => e.synopsPerLayer[name] ?? 0), stackgroup: 'layers',
    line: { color: colours[i % colours.length], width: 1 }, hovertemplate: `epoch %{x}: %{y:,.0f} SynOps into ${name}<extra></extra>`,
  }));
  const total = line('total', x, p.history.map((e) => e.synops), t.foreground, { hovertemplate: 'epoch %{x}: %{y:,.0f} SynOps per sample<extra></extra>' });
  const shapes = p.target === undefined ? [] : [{ type: 'line', xref: 'paper', yref: 'y', x0: 0, x1: 1, y0: p.target, y1: p.target, line: { color: t.red, width: 1.5, dash: 'dash' } }];
  const annotations = p.target === undefined ? [] : [{ xref: 'paper', yref: 'y', x: 1, y: p.target, xanchor: 'right', yanchor: 'bottom', showarrow: false, text: 'target S₀', font: { color: t.red, size: t.fontSize - 1 } }];
  const layout = baseLayout(t, {
    height: 280,
    margin: { l: 64, r: 16, t: 40, b: 44 },
    hovermode: 'x unified',
    // Stacked traces list top-down by default; keep the network's order, as in the table.
    legend: { font: { color: t.foreground }, orientation: 'h', x: 0, y: 1.02, yanchor: 'bottom', traceorder: 'normal' },
    shapes,
    annotations,
    xaxis: epochAxis(t, p),
    yaxis: axis(t, 'SynOps per sample (ANN proxy)', { rangemode: 'tozero', tickformat: '~s', fixedrange: true }),
  });
  void Plotly.react(el, [...data, total], layout, PLOT_CONFIG);
}
