/**
 * Pure DOM rendering of a `RasterPayload` (one DVS chunk through the network), shared by the raster panel
 * and the notebook renderer: the paper's Fig. 1A (accumulated frame), 1C (per-bin frames with a time
 * scrubber) and 1B (events over time), then the network's per-layer spike rasters, spikes per step and
 * the output counts with the predicted class.
 *
 * Element ids (`#input-frame`, `#step-frame`, `#time-scrubber`, `#frame-time`, `#input-raster`,
 * `#layer-raster`, `#raster-note`, `#per-step-chart`, `#output-class`, …) are the contract with the tests.
 */
import type { RasterPayload } from '../../src/protocol/views';
import type { RasterSelection } from '../../src/protocol/panels';
import { formatCount } from '../../src/protocol/format';
import { h, scrollTable, th } from '../common/dom';
import Plotly from 'plotly.js-dist-min';
import { readTheme } from '../common/theme';
import { binInput, frame, layoutRaster, neuronCount } from './data';
import { drawFrame, updateFrame, drawInputRaster, drawLayerRaster, drawOutput, drawPerStep, moveCursor, drawRate } from './charts';
import { chunkPicker, outputSummary, rasterNote } from './parts';

/** SVG points per scatter raster; beyond this the raster is decimated and the view says so. */
export const MAX_RASTER_POINTS = 20_000;

export interface RasterOptions {
  /** The time bin the scrubber starts at (a restored panel). */
  step?: number;
  onStepChange?(step: number): void;
  /** When given with `onSelect`, a chunk (and recording) picker is shown. */
  selection?: RasterSelection;
  onSelect?(chunk: number, sample?: string): void;
  /** With `selection.canSimulate`, a button asks the host to simulate the chunk with a trained run. */
  onSimulate?(chunk: number): void;
}

export interface RasterView {
  readonly step: number;
  setStep(step: number): void;
  restyle(): void;
  dispose(): void;
}

const ms = (v: number): string => `${Number(v.toFixed(3))} ms`;

export function renderRaster(root: HTMLElement, p: RasterPayload, options: RasterOptions = {}): RasterView {
  const binned = binInput(p);
  // The per-bin frame shows what the network's input receives: the model's pixels when a model was simulated.
  const seen: RasterPayload = p.networkInput ? { ...p, input: p.networkInput } : p;
  const binnedSeen = p.networkInput ? binInput(seen) : binned;
  const hasLayers = p.layers.length > 0;
  const raster = layoutRaster(p.layers, MAX_RASTER_POINTS);
  let step = Math.min(Math.max(0, Math.round(options.step ?? 0)), Math.max(0, p.steps - 1));
  let disposed = false;
  let timer: ReturnType<typeof setInterval> | undefined;

  const el = {
    inputFrame: h('div', { id: 'input-frame', class: 'chart frame', role: 'img', 'aria-label': 'Accumulated frame of the chunk’s input events' }),
    stepFrame: h('div', { id: 'step-frame', class: 'chart frame', role: 'img', 'aria-label': 'Input events of the selected time bin' }),
    inputRaster: h('div', { id: 'input-raster', class: 'chart' }),
    layerRaster: h('div', { id: 'layer-raster', class: 'chart' }),
    perStep: h('div', { id: 'per-step-chart', class: 'chart' }),
    output: h('div', { id: 'output-chart', class: 'chart' }),
    rate: h('div', { id: 'event-rate-chart', class: 'chart' }),
  };
  const simulate = h('button', { id: 'simulate-with-run', type: 'button', class: 'synops-button' }, 'Simulate this chunk with a run…');
  simulate.addEventListener('click', () => options.onSimulate?.(options.selection?.chunk ?? 0));
  // The time charts sit in a wrapper that also holds their cursor, an element laid over the plot area.
  const timeCharts = [el.inputRaster, el.layerRaster, el.perStep].map((chart) => {
    const cursor = h('div', { class: 'time-cursor', 'aria-hidden': 'true' });
    cursor.hidden = true;
    return { chart, cursor, wrap: h('div', { class: 'time-chart' }, chart, cursor) };
  });
  const spanMs = p.steps * p.dtMs;
  const inputEvery = Math.max(1, Math.ceil(binned.step.length / MAX_RASTER_POINTS));
  const scrubber = h('input', {
    id: 'time-scrubber', type: 'range', min: '0', max: String(Math.max(0, p.steps - 1)), step: '1', value: String(step),
    'aria-label': `Time bin (${ms(p.dtMs)} each)`,
  });
  const frameTime = h('output', { id: 'frame-time', for: 'time-scrubber', 'aria-live': 'polite' });
  const frameEvents = h('span', { id: 'frame-events', class: 'note' });
  const play = h('button', { id: 'play-frames', type: 'button', class: 'synops-button', 'aria-pressed': 'false' }, 'Play');

  const facts = [
    `${formatCount(p.input.total)} input events on ${p.input.width}×${p.input.height} pixels`,
    ...(p.networkInput ? [`network input ${p.networkInput.width}×${p.networkInput.height}`] : []),
    `${formatCount(p.steps)} steps of ${ms(p.dtMs)}`,
    // Without a run there are no layers to count: the view says what to do instead of "0 spiking layers".
    ...(hasLayers ? [`${p.layers.length} spiking layer${p.layers.length === 1 ? '' : 's'}`] : []),
  ];
  const seenCaption = p.networkInput
    ? ` · as the spiking network sees it: its ${p.networkInput.width}×${p.networkInput.height} input, ${p.networkInput.block.join('×')} sensor pixels summed`
    : ` · on the ${p.input.width}×${p.input.height} sensor`;
  const layerRows = p.layers.map((l) => {
    const n = neuronCount(l.shape);
    return h('tr', { 'data-layer': l.name },
      h('th', { scope: 'row', 'data-col': 'name' }, l.name),
      h('td', { 'data-col': 'shape' }, l.shape.join('×')),
      h('td', { 'data-col': 'neurons', class: 'num' }, formatCount(n)),
      h('td', { 'data-col': 'spikes', class: 'num' }, formatCount(l.total)),
      h('td', { 'data-col': 'per-neuron', class: 'num' }, n > 0 ? (l.total / n).toFixed(2) : ''),
      h('td', { 'data-col': 'peak', class: 'num', title: 'The most spikes of the layer in one time step' }, formatCount(Math.max(0, ...l.perStep))));
  });

  const view = h('div', { id: 'synops-raster', class: 'synops-report synops-raster' },
    h('header', { class: 'report-header' },
      h('h1', { id: 'raster-title' }, p.title),
      h('p', { id: 'raster-facts', class: 'note' }, facts.join(' · ')),
      ...(p.note ? [h('p', { class: 'basis' }, p.note)] : []),
      ...(options.selection && options.onSelect ? [chunkPicker(options.selection, options.onSelect)] : []),
      ...(options.selection?.canSimulate && options.onSimulate ? [simulate] : [])),
    ...(p.rate ? [h('section', { class: 'chart-section' }, h('h2', {}, 'Event rate over the recording'), el.rate)] : []),
    h('section', { class: 'frames' },
      h('figure', { class: 'frame-figure' },
        h('figcaption', {}, h('strong', {}, 'Accumulated frame'), ` · all ${formatCount(binned.order.length)} events on the ${p.input.width}×${p.input.height} sensor, polarity ignored`),
        el.inputFrame),
      h('figure', { class: 'frame-figure' },
        h('figcaption', { id: 'step-frame-caption' }, h('strong', {}, 'One time bin'), seenCaption),
        el.stepFrame,
        h('div', { class: 'scrubber' }, play, scrubber, frameTime, frameEvents))),
    h('section', { class: 'chart-section' }, h('h2', {}, 'Input events over time'), timeCharts[0].wrap),
    hasLayers
      ? h('section', { class: 'chart-section' },
        h('h2', {}, 'Spikes by layer'),
        rasterNote(p, raster, binned.late, inputEvery),
        timeCharts[1].wrap,
        scrollTable(h('table', { id: 'layer-summary' },
          h('thead', {}, h('tr', {}, th('Layer'), th('Shape'), th('Neurons', { num: true }), th('Spikes', { num: true }),
            th('Per neuron', { num: true }), th('Peak per step', { num: true }))),
          h('tbody', {}, ...layerRows))))
      : h('section', { id: 'no-layers', class: 'chart-section' },
        h('h2', {}, 'Spikes by layer'),
        h('p', { class: 'note' }, options.selection?.canSimulate && options.onSimulate
          ? 'No network yet: this shows the input events only. Pick a trained run with “Simulate this chunk with a run…” above to see its spiking layers and output.'
          : 'No network yet: this shows the input events only. Simulate the chunk with a trained run (SynOps: Show Spike Raster from a run in the Runs view) to see its spiking layers.')),
    h('section', { class: 'chart-section' }, h('h2', {}, 'Spikes per time step'), timeCharts[2].wrap),
    ...(p.output ? [h('section', { class: 'chart-section' }, h('h2', {}, 'Output'), outputSummary(p.output), el.output)] : []));

  root.replaceChildren(view);

  const showStep = (update = false): void => {
    const t = readTheme(view);
    frameTime.textContent = ms(step * p.dtMs);
    const events = binned.perStep[step] ?? 0;
    frameEvents.textContent = `${formatCount(events)} event${events === 1 ? '' : 's'}`;
    scrubber.setAttribute('aria-valuetext', `${ms(step * p.dtMs)}, ${events} events`);
    const z = frame(seen, binnedSeen, step, step);
    void (update && el.stepFrame.querySelector('.main-svg')
      ? updateFrame(el.stepFrame, z)
      : drawFrame(el.stepFrame, t, z, binnedSeen.maxPerStepPixel, 'events in this bin'));
  };
  const draw = (): void => {
    if (disposed) return;
    const t = readTheme(view);
    const all = frame(p, binned, 0, p.steps - 1);
    void drawFrame(el.inputFrame, t, all, Math.max(0, ...all.map((r) => Math.max(...r))), 'events');
    showStep();
    const drawn = [
      drawInputRaster(el.inputRaster, t, p, binned, inputEvery),
      hasLayers ? drawLayerRaster(el.layerRaster, t, p, raster) : undefined,
      drawPerStep(el.perStep, t, p, binned),
    ];
    drawn.forEach((plot, i) => void plot?.then((gd) => {
      const { chart, cursor } = timeCharts[i];
      if (disposed) return;
      moveCursor(chart, cursor, step * p.dtMs, spanMs);
      // Plotly redraws by itself when the page resizes; the cursor follows the new plot area.
      gd.removeAllListeners('plotly_afterplot');
      gd.on('plotly_afterplot', () => moveCursor(chart, cursor, step * p.dtMs, spanMs));
    }));
    if (p.output) void drawOutput(el.output, t, p.output);
    if (p.rate) void drawRate(el.rate, t, p.rate);
  };
  const setStep = (s: number, notify: boolean): void => {
    const next = Math.min(Math.max(0, Math.round(s)), Math.max(0, p.steps - 1));
    if (next === step && scrubber.value === String(next)) return;
    step = next;
    scrubber.value = String(step);
    showStep(true);
    for (const c of timeCharts) moveCursor(c.chart, c.cursor, step * p.dtMs, spanMs);
    if (notify) options.onStepChange?.(step);
  };
  const stop = (): void => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
    play.textContent = 'Play';
    play.setAttribute('aria-pressed', 'false');
  };

  scrubber.addEventListener('input', () => setStep(Number(scrubber.value), true));
  play.addEventListener('click', () => {
    if (timer !== undefined) { stop(); return; }
    if (step >= p.steps - 1) setStep(0, true);
    play.textContent = 'Pause';
    play.setAttribute('aria-pressed', 'true');
    // About 30 bins a second: slow enough to follow a digit's motion in 1 ms bins.
    timer = setInterval(() => (step >= p.steps - 1 ? stop() : setStep(step + 1, true)), 33);
  });
  draw();

  return {
    get step() { return step; },
    setStep: (s) => setStep(s, false),
    restyle: draw,
    dispose() {
      disposed = true;
      stop();
      for (const c of [...Object.values(el)]) Plotly.purge(c);
      view.remove();
    },
  };
}

/** Checks that a value from outside (a notebook output, restored state) is a version-1 raster. */
export function rasterProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'the output is not a JSON object';
  const r = value as Partial<RasterPayload>;
  if (r.schemaVersion !== 1) return `raster schema version ${JSON.stringify(r.schemaVersion)} is not supported: this SynOps Studio reads version 1. Update SynOps Studio, or re-run the cell to write the output again`;
  if (typeof r.title !== 'string' || !(typeof r.dtMs === 'number' && r.dtMs > 0) || !(typeof r.steps === 'number' && r.steps >= 0)) return 'the raster is incomplete (missing title, a positive dtMs or steps)';
  const i = r.input;
  if (typeof i !== 'object' || i === null || !Array.isArray(i.x) || !Array.isArray(i.y) || !Array.isArray(i.t) || !(i.width > 0) || !(i.height > 0)) return 'the raster’s input events are incomplete (width, height, x, y, t)';
  if (!Array.isArray(r.layers) || r.layers.some((l) => !Array.isArray(l?.neurons) || !Array.isArray(l.steps) || !Array.isArray(l.counts) || !Array.isArray(l.perStep) || !Array.isArray(l.shape))) return 'a layer of the raster lacks shape, neurons, steps, counts or perStep';
  return undefined;
}
