/**
 * Pure DOM rendering of a `TradeoffPayload`, shared by the trade-off panel and the notebook renderer: the
 * accuracy-vs-SynOps chart and a table of every run. When `onOpenRun` is given, clicking a point or a run
 * id asks for that run's report; the table's buttons make the same action keyboard operable.
 *
 * Element ids (`#tradeoff-chart`, `#tradeoff-table`) are the view's contract with the tests; rows are
 * `tr[data-run="<id>"]` with cells `td[data-col="strategy|target|accuracy|synops|…"]`.
 */
import type { TradeoffPayload, TradeoffPoint } from '../../src/protocol/views';
import { formatCount, formatCountShort, formatRatio } from '../../src/protocol/format';
import { formatAccuracy, h, scrollTable, th } from '../common/dom';
import { STRATEGIES, strategyName, targetText } from '../common/strategy';
import { drawTradeoffChart } from './chart';
import { makeSortable, type SortState } from './sort';

export interface TradeoffOptions {
  /** When given, points and run ids open the run's report. */
  onOpenRun?(runId: string): void;
  /** The table's sort to apply (a restored choice), and where to report a new one. */
  sort?: SortState;
  onSort?(sort: SortState): void;
}

export interface TradeoffView {
  restyle(): void;
  dispose(): void;
}

const order = (p: TradeoffPoint): number => STRATEGIES.findIndex((s) => s.id === p.strategy);

function runTable(payload: TradeoffPayload, options: TradeoffOptions): HTMLTableElement {
  const withAnn = payload.points.some((p) => p.accuracyAnn !== undefined || p.synopsAnn !== undefined);
  const macs = payload.annMacs;
  const points = [...payload.points].sort((a, b) => order(a) - order(b) || a.synops - b.synops);
  const rows = points.map((p) => {
    const run = options.onOpenRun
      ? h('button', { type: 'button', class: 'link', title: `Open the energy report of run ${p.runId}` }, p.name ?? p.runId)
      : p.name ?? p.runId;
    if (typeof run !== 'string') run.addEventListener('click', () => options.onOpenRun?.(p.runId));
    return h('tr', { 'data-run': p.runId, 'data-strategy': p.strategy, ...(p.rho !== undefined ? { 'data-rho': String(p.rho) } : {}), ...(p.role ? { 'data-role': p.role } : {}) },
      h('th', { scope: 'row', 'data-col': 'run', title: p.label }, run),
      h('td', { 'data-col': 'strategy' }, p.role === 'control' ? `${strategyName(p.strategy)} (control)` : strategyName(p.strategy)),
      h('td', { 'data-col': 'target', title: p.target !== undefined ? `${formatCount(p.target)} SynOps per sample` : undefined }, targetText(p)),
      h('td', { 'data-col': 'accuracy', class: 'num' }, formatAccuracy(p.accuracy)),
      h('td', { 'data-col': 'synops', class: 'num' }, formatCount(p.synops)),
      ...(macs ? [h('td', { 'data-col': 'synops-per-mac', class: 'num' }, formatRatio(p.synops, macs))] : []),
      ...(withAnn ? [
        h('td', { 'data-col': 'accuracy-ann', class: 'num' }, formatAccuracy(p.accuracyAnn)),
        h('td', { 'data-col': 'synops-ann', class: 'num' }, formatCount(p.synopsAnn)),
      ] : []));
  });
  const col = (cell: HTMLTableCellElement, name: string): HTMLTableCellElement => { cell.dataset.col = name; return cell; };
  const table = h('table', { id: 'tradeoff-table' },
    h('thead', {}, h('tr', {},
      col(th('Run'), 'run'), col(th('Strategy'), 'strategy'), col(th('Target', { title: 'SynOp-loss target S₀ per sample, or the first-layer weight scale ρ' }), 'target'),
      col(th('Accuracy', { num: true, title: 'Spiking network, held-out split' }), 'accuracy'),
      col(th('SynOps', { num: true, title: 'Per sample, measured in the spiking simulation' }), 'synops'),
      ...(macs ? [col(th('SynOps ÷ MAC', { num: true, title: `SynOps relative to the dense ANN’s ${formatCount(macs)} MACs per sample` }), 'synops-per-mac')] : []),
      ...(withAnn ? [
        col(th('ANN accuracy', { num: true, title: 'The quantized (QReLU) ANN' }), 'accuracy-ann'),
        col(th('ANN SynOps', { num: true, title: 'Proxy: QReLU activations × fan-out, per sample' }), 'synops-ann'),
      ] : []))),
    h('tbody', {}, ...rows));
  makeSortable(table, rows.map((tr, i) => ({ tr, point: points[i] })), macs, options.sort, options.onSort);
  return table;
}

/** Builds the trade-off view into `root` (replacing its content). */
export function renderTradeoff(root: HTMLElement, payload: TradeoffPayload, options: TradeoffOptions = {}): TradeoffView {
  const facts = [
    `${payload.points.length} run${payload.points.length === 1 ? '' : 's'}`,
    payload.dataset,
    payload.annMacs !== undefined ? `dense ANN: ${formatCountShort(payload.annMacs)} MACs per sample` : undefined,
  ].filter((s): s is string => !!s);
  const chartEl = h('div', { id: 'tradeoff-chart', class: 'chart tall', role: 'img', 'aria-label': 'Accuracy against SynOps per sample, one series per strategy' });
  const view = h('div', { id: 'synops-tradeoff', class: 'synops-report synops-tradeoff' },
    h('header', { class: 'report-header' },
      h('h1', { id: 'tradeoff-title' }, payload.title),
      h('p', { id: 'tradeoff-facts', class: 'note' }, facts.join(' · ')),
      ...(payload.verdict ? [h('p', { id: 'tradeoff-verdict', class: payload.verdict.met ? 'basis measured' : 'warn', 'data-met': String(payload.verdict.met) }, payload.verdict.text)] : [])),
    h('section', { class: 'chart-section' },
      h('div', { class: 'section-head' }, h('h2', {}, 'Accuracy against SynOps')),
      chartEl,
      h('p', { class: 'note' }, [
        'Each line is one strategy, its runs in order of SynOps; the star is the unoptimized baseline, the diamond its control (trained on as long, without the SynOp term).',
        payload.annMacs !== undefined ? 'The dashed line marks the dense ANN’s MACs per sample.' : '',
        options.onOpenRun ? 'Click a point, or a run below, to open its energy report.' : '',
      ].filter(Boolean).join(' '))),
    h('section', { class: 'table-section' }, h('h2', {}, 'Runs'), scrollTable(runTable(payload, options))));
  root.replaceChildren(view);
  // Plotly measures its container, so it draws after the view is in the document.
  const chart = drawTradeoffChart(chartEl, payload, options.onOpenRun);
  return {
    restyle: () => chart.restyle(),
    dispose() { chart.dispose(); view.remove(); },
  };
}

/** Checks that a value from outside (a notebook output, restored state) is a version-1 trade-off. */
export function tradeoffProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'the output is not a JSON object';
  const t = value as Partial<TradeoffPayload>;
  if (t.schemaVersion !== 1) return `trade-off schema version ${JSON.stringify(t.schemaVersion)} is not supported: this SynOps Studio reads version 1. Update SynOps Studio, or re-run the cell to write the output again`;
  if (typeof t.title !== 'string' || !Array.isArray(t.points)) return 'the trade-off is incomplete (missing title or points)';
  const bad = t.points.findIndex((p) => typeof p !== 'object' || p === null || typeof p.runId !== 'string' || typeof p.accuracy !== 'number' || typeof p.synops !== 'number');
  if (bad >= 0) return `point ${bad} of the trade-off lacks a run id, an accuracy or a SynOps figure`;
  return undefined;
}
