/**
 * The training monitor, shared DOM rendering: status, three charts and a table of epochs. It is built once
 * and then `update`d in place with every payload the host sends (new rows are appended, changed rows
 * rewritten, charts redrawn with `Plotly.react`), so a live run never flickers.
 *
 * Element ids: `#training-status` (its `data-status` the run's state), `#training-progress`, `#training-stop`,
 * `#training-resume` (a stopped run that can resume), `#training-open`, `#loss-chart`,
 * `#accuracy-chart`, `#synops-epoch-chart`, `#epoch-table` with rows `tr[data-epoch="N"]`.
 */
import Plotly from 'plotly.js-dist-min';
import type { EpochMetrics, TrainingPayload } from '../../src/protocol/views';
import { formatCount, formatCountShort } from '../../src/protocol/format';
import { formatAccuracy, h, scrollTable, th } from '../common/dom';
import { readTheme } from '../common/theme';
import { strategyName } from '../common/strategy';
import { drawAccuracy, drawLoss, drawSynOps, hasSynopTerm } from './charts';

/** While a run trains, its charts are redrawn at most this often (ms). */
export const CHART_INTERVAL_MS = 500;

export interface TrainingOptions {
  onCancel?(runId: string): void;
  onOpenRun?(runId: string): void;
  onResume?(runId: string): void;
}

export interface TrainingView {
  update(payload: TrainingPayload): void;
  restyle(): void;
  dispose(): void;
}

/**
 * The payload to draw after `next` arrives: for the same run, epochs merged by number (the later entry
 * wins) and sorted, so a host that sends only new epochs and one that sends the full history both work.
 */
export function mergeTraining(prev: TrainingPayload | undefined, next: TrainingPayload): TrainingPayload {
  const byEpoch = new Map<number, EpochMetrics>();
  if (prev && prev.runId === next.runId) for (const e of prev.history) byEpoch.set(e.epoch, e);
  for (const e of next.history) byEpoch.set(e.epoch, e);
  return { ...next, history: [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch) };
}

/** The state in words: a cancelled run says whether Resume can continue it, and from which epoch. */
function stateText(p: TrainingPayload, lastEpoch: number): string {
  switch (p.status) {
    case 'running': return 'Training';
    case 'done': return 'Finished';
    case 'failed': return 'Failed';
    case 'cancelled': return p.resumable ? `Cancelled — Resume continues from epoch ${lastEpoch + 1}` : 'Cancelled';
    default: return String(p.status);
  }
}

/**
 * Where the run is: while it runs, the epoch in progress (as the status bar and the notification count it)
 * with its steps, or what it does between epochs; once stopped, the last finished epoch.
 */
function whereText(p: TrainingPayload, last: number): string {
  if (p.status !== 'running') return `epoch ${last} of ${p.epochs}`;
  if (p.current) return `epoch ${p.current.epoch} of ${p.epochs}, step ${p.current.step} of ${p.current.steps}`;
  if (p.activity) return `${p.activity} (${last ? `epoch ${last} of ${p.epochs} done` : `epoch 1 of ${p.epochs} next`})`;
  return last ? `epoch ${last} of ${p.epochs} done` : `epoch 1 of ${p.epochs} starting`;
}

function statusText(p: TrainingPayload): string {
  const last = p.history.at(-1);
  const parts = [
    `${stateText(p, last?.epoch ?? 0)}: ${whereText(p, last?.epoch ?? 0)}`,
    p.target !== undefined ? `${strategyName(p.strategy)}, S₀ = ${formatCountShort(p.target)}` : strategyName(p.strategy),
    `backend ${p.backend}`,
  ];
  return parts.join(' · ') + (p.message ? `. ${p.message}` : '');
}

/** The tooltip of an epoch's SynOps: each counted layer, then the input's SynOps S leaves out. */
function synopsTitle(e: EpochMetrics): string {
  return [...Object.entries(e.synopsPerLayer).map(([k, v]) => `${k}: ${formatCount(v)}`),
    ...Object.entries(e.uncountedSynops ?? {}).map(([k, v]) => `${k} from the input: ${formatCount(v)} (not in S)`)].join('\n');
}

function epochCells(e: EpochMetrics): HTMLElement[] {
  return [
    h('th', { scope: 'row', 'data-col': 'epoch' }, String(e.epoch)),
    h('td', { 'data-col': 'loss', class: 'num' }, e.loss.toFixed(4)),
    h('td', { 'data-col': 'ce', class: 'num' }, e.ce.toFixed(4)),
    h('td', { 'data-col': 'synop-term', class: 'num' }, e.synopTerm.toPrecision(3)),
    h('td', { 'data-col': 'accuracy', class: 'num' }, formatAccuracy(e.accuracy)),
    h('td', { 'data-col': 'val-accuracy', class: 'num' }, formatAccuracy(e.valAccuracy)),
    h('td', { 'data-col': 'synops', class: 'num', title: synopsTitle(e) }, formatCount(e.synops)),
    h('td', { 'data-col': 'seconds', class: 'num' }, e.seconds.toFixed(1)),
  ];
}

export function renderTraining(root: HTMLElement, first: TrainingPayload, options: TrainingOptions = {}): TrainingView {
  let payload = first;
  let disposed = false;
  const title = h('h1', { id: 'training-title' });
  const status = h('p', { id: 'training-status', role: 'status', 'aria-live': 'polite' });
  const progress = h('progress', { id: 'training-progress' });
  const stop = h('button', { id: 'training-stop', type: 'button', class: 'synops-button secondary' }, 'Stop');
  const open = h('button', { id: 'training-open', type: 'button', class: 'synops-button' }, 'Open report');
  const resume = h('button', { id: 'training-resume', type: 'button', class: 'synops-button' }, 'Resume');
  stop.addEventListener('click', () => { stop.disabled = true; options.onCancel?.(payload.runId); });
  resume.addEventListener('click', () => { resume.disabled = true; options.onResume?.(payload.runId); });
  open.addEventListener('click', () => options.onOpenRun?.(payload.runId));
  const charts = {
    loss: h('div', { id: 'loss-chart', class: 'chart' }),
    accuracy: h('div', { id: 'accuracy-chart', class: 'chart' }),
    synops: h('div', { id: 'synops-epoch-chart', class: 'chart' }),
  };
  const lossCaption = h('figcaption', { id: 'loss-caption' });
  const synopsCaption = h('figcaption', { id: 'synops-caption' });
  const body = h('tbody');
  const rows = new Map<number, { row: HTMLTableRowElement; data: EpochMetrics }>();
  const view = h('div', { id: 'synops-training', class: 'synops-report synops-training' },
    h('header', { class: 'report-header' }, title,
      h('div', { class: 'training-bar' }, status, progress, ...(options.onCancel ? [stop] : []), ...(options.onResume ? [resume] : []), ...(options.onOpenRun ? [open] : []))),
    h('section', { class: 'training-charts' },
      h('figure', {}, lossCaption, charts.loss),
      h('figure', {}, h('figcaption', {}, 'Accuracy'), charts.accuracy),
      h('figure', {}, synopsCaption, charts.synops)),
    h('section', { class: 'table-section' }, h('h2', {}, 'Epochs'),
      scrollTable(h('table', { id: 'epoch-table' },
        h('thead', {}, h('tr', {}, th('Epoch'), th('Loss', { num: true }), th('CE', { num: true }), th('SynOp term', { num: true, title: '((S − S₀)/S₀)²' }),
          th('Accuracy', { num: true }), th('Held-out', { num: true }), th('SynOps', { num: true, title: 'ANN proxy per sample; per layer in the tooltip' }), th('Seconds', { num: true }))),
        body))));
  root.replaceChildren(view);

  // Charts redraw when their data changes, not with every step report.
  let drawn = '';
  const drawCharts = (force = true): void => {
    if (disposed) return;
    const key = JSON.stringify([payload.history, payload.epochs, payload.strategy, payload.target]);
    if (!force && key === drawn) return;
    drawn = key;
    const t = readTheme(view);
    drawLoss(charts.loss, t, payload);
    drawAccuracy(charts.accuracy, t, payload);
    drawSynOps(charts.synops, t, payload);
  };
  // A tiny model trains several epochs a second: three charts redrawn per epoch kept the page so busy that a
  // click on Stop waited many seconds (39 s in a UI check at epoch 200). While the run trains the charts follow
  // at most every CHART_INTERVAL_MS; once it stops they are drawn at once. The status and the table stay live.
  let lastCharts = 0;
  let chartTimer: ReturnType<typeof setTimeout> | undefined;
  const chartsNow = (): void => { chartTimer = undefined; lastCharts = Date.now(); drawCharts(false); };
  const chartsSoon = (): void => {
    const wait = payload.status === 'running' ? lastCharts + CHART_INTERVAL_MS - Date.now() : 0;
    if (wait <= 0) { clearTimeout(chartTimer); chartsNow(); } else chartTimer ??= setTimeout(chartsNow, wait);
  };
  const update = (p: TrainingPayload): void => {
    payload = p;
    title.textContent = `Training ${p.modelName} (${p.runId})`;
    status.textContent = statusText(p);
    lossCaption.textContent = hasSynopTerm(p) ? 'Loss: total = cross-entropy + SynOp term' : 'Loss: cross-entropy (this strategy has no SynOp term)';
    const uncounted = Object.keys(p.history.at(-1)?.uncountedSynops ?? {});
    synopsCaption.textContent = 'SynOps per sample by receiving layer: the stack adds up to the total S'
      + (uncounted.length ? ` (the input's SynOps into ${uncounted.join(', ')} are not in S, nor drawn)` : '');
    status.dataset.status = p.status;
    progress.max = Math.max(1, p.epochs);
    const done = p.history.at(-1)?.epoch ?? 0;
    progress.value = p.current ? p.current.epoch - 1 + p.current.step / Math.max(1, p.current.steps) : done;
    progress.hidden = p.status !== 'running';
    stop.hidden = p.status !== 'running';
    open.hidden = p.status !== 'done';
    resume.hidden = !(p.status !== 'running' && p.status !== 'done' && p.resumable);
    if (p.status !== 'running') stop.disabled = false;
    else resume.disabled = false;
    // Rows are kept by epoch: unchanged ones stay as they are, so the table does not flash.
    for (const e of p.history) {
      const known = rows.get(e.epoch);
      if (known && JSON.stringify(known.data) === JSON.stringify(e)) continue;
      const row = h('tr', { 'data-epoch': String(e.epoch) }, ...epochCells(e));
      if (known) known.row.replaceWith(row);
      else {
        const after = [...rows.entries()].filter(([n]) => n > e.epoch).sort((a, b) => a[0] - b[0])[0];
        body.insertBefore(row, after ? after[1].row : null);
      }
      rows.set(e.epoch, { row, data: e });
    }
    for (const [n, r] of rows) if (!p.history.some((e) => e.epoch === n)) { r.row.remove(); rows.delete(n); }
    chartsSoon();
  };
  update(first);

  return {
    update,
    restyle: () => drawCharts(),
    dispose() {
      disposed = true;
      clearTimeout(chartTimer);
      for (const c of Object.values(charts)) Plotly.purge(c);
      view.remove();
    },
  };
}

/** Checks that a value from outside (restored state, a message) is a version-1 training payload. */
export function trainingProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'the payload is not a JSON object';
  const p = value as Partial<TrainingPayload>;
  if (p.schemaVersion !== 1) return `training schema version ${JSON.stringify(p.schemaVersion)} is not supported: this SynOps Studio reads version 1`;
  if (typeof p.runId !== 'string' || !Array.isArray(p.history) || typeof p.epochs !== 'number') return 'the training payload is incomplete (missing run id, epochs or history)';
  return undefined;
}
