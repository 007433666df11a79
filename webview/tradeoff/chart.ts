/**
 * The accuracy-vs-SynOps chart of a sweep (the paper's Fig. 2 left and Fig. 3): one line per strategy
 * through its runs in order of SynOps, the baseline as a single star, SynOps on a log axis, and the dense
 * ANN's MACs per sample as a dashed vertical reference. Hovering shows the run; clicking calls `onOpenRun`.
 */
import Plotly, { type PlotlyHTMLElement } from 'plotly.js-dist-min';
import type { Strategy, TradeoffPayload } from '../../src/protocol/views';
import { formatCount, formatCountShort } from '../../src/protocol/format';
import { formatAccuracy } from '../common/dom';
import { STRATEGIES, targetText } from '../common/strategy';
import { logTicks } from './ticks';
import { axis, baseLayout, PLOT_CONFIG, readTheme, type ChartTheme } from '../common/theme';

function colour(t: ChartTheme, s: Strategy): string {
  switch (s) {
    case 'weight-scaling': return t.orange;
    case 'synop-loss': return t.blue;
    case 'synop-loss-qrelu': return t.green;
    case 'baseline': return t.foreground;
    default: return t.purple;
  }
}

export interface TradeoffChart {
  restyle(): void;
  dispose(): void;
}

export function drawTradeoffChart(el: HTMLElement, payload: TradeoffPayload, onOpenRun?: (runId: string) => void): TradeoffChart {
  let disposed = false;
  const draw = (): void => {
    if (disposed) return;
    const t = readTheme(el);
    // One series per strategy; a reproduction's control (the baseline trained on as long as the chain) is its
    // own series with a diamond, so it never hides under the baseline's star.
    const series = [
      ...STRATEGIES.map(({ id, name }) => ({ id, name, pts: payload.points.filter((p) => p.strategy === id && p.role !== 'control'), symbol: id === 'baseline' ? 'star' : 'circle', control: false })),
      { id: 'baseline' as Strategy, name: 'Baseline (control)', pts: payload.points.filter((p) => p.role === 'control'), symbol: 'diamond', control: true },
    ];
    const data = series.map(({ id, name, pts: unsorted, symbol, control }) => {
      const pts = [...unsorted].sort((a, b) => a.synops - b.synops);
      const c = control ? t.purple : colour(t, id);
      return {
        type: 'scatter',
        name,
        mode: id === 'baseline' || pts.length === 1 ? 'markers' : 'lines+markers',
        x: pts.map((p) => p.synops),
        y: pts.map((p) => 100 * p.accuracy),
        customdata: pts.map((p) => [p.name ?? p.runId, targetText(p) ? `${name}, ${targetText(p)}` : name, formatAccuracy(p.accuracy), formatCount(p.synops), p.label ?? '', p.runId]),
        // The series name goes into the label itself: plotly's side box for it ignores the theme colours.
        hovertemplate: '<b>%{customdata[0]}</b> %{customdata[4]}<br>%{customdata[1]}<br>accuracy %{customdata[2]}<br>%{customdata[3]} SynOps per sample<extra></extra>',
        marker: { color: c, size: id === 'baseline' ? 14 : 9, symbol, line: { color: t.background, width: 1 } },
        line: { color: c, width: 2 },
      };
    }).filter((d) => d.x.length > 0);

    const shapes: unknown[] = [];
    const annotations: unknown[] = [];
    const xs = payload.points.map((p) => p.synops).filter((v) => v > 0);
    if (payload.annMacs !== undefined && payload.annMacs > 0) {
      xs.push(payload.annMacs);
      shapes.push({ type: 'line', xref: 'x', yref: 'paper', x0: payload.annMacs, x1: payload.annMacs, y0: 0, y1: 1, line: { color: t.red, width: 1.5, dash: 'dash' } });
      // Annotations on a log axis take log10 of the position; shapes take the value itself.
      annotations.push({ xref: 'x', yref: 'paper', x: Math.log10(payload.annMacs), y: 0, yanchor: 'bottom', xanchor: 'left', xshift: 4, showarrow: false,
        text: `ANN: ${formatCountShort(payload.annMacs)} MACs`, font: { color: t.red, size: t.fontSize - 1 } });
    }
    // A quarter decade of room either side, so end points and the reference mark are not on the frame.
    const range = xs.length ? [Math.log10(Math.min(...xs)) - 0.25, Math.log10(Math.max(...xs)) + 0.25] : undefined;
    const layout = baseLayout(t, {
      height: 420,
      margin: { l: 64, r: 20, t: 56, b: 52 },
      hovermode: 'closest',
      shapes,
      annotations,
      // Always a legend, even for one series: the reader must know what a star or a line stands for.
      showlegend: true,
      xaxis: axis(t, 'SynOps per sample (log scale)', { type: 'log', range, autorange: range ? false : true, ...(range ? { tickmode: 'array', ...logTicks(range[0], range[1]) } : { dtick: 1, tickformat: '~s', exponentformat: 'SI' }) }),
      yaxis: axis(t, 'accuracy (%)', { ticksuffix: ' %' }),
    });
    void Plotly.react(el, data, layout, PLOT_CONFIG).then((gd: PlotlyHTMLElement) => {
      if (!onOpenRun || disposed) return;
      gd.removeAllListeners('plotly_click');
      gd.on('plotly_click', (e) => {
        const runId = (e.points[0]?.customdata as unknown[] | undefined)?.[5];
        if (typeof runId === 'string') onOpenRun(runId);
      });
    });
  };
  draw();
  return {
    restyle: draw,
    dispose() { disposed = true; Plotly.purge(el); },
  };
}
