/** Smaller pieces of the raster view: what was dropped, the predicted class, the chunk picker. */
import type { RasterPayload } from '../../src/protocol/views';
import type { RasterSelection } from '../../src/protocol/panels';
import { formatCount } from '../../src/protocol/format';
import { h } from '../common/dom';
import type { RasterLayout } from './data';

/**
 * `#raster-note`: says plainly what is not on screen: entries the payload left out (per layer), entries
 * thinned out here to keep the chart responsive, and input events outside the chunk's time bins.
 */
export function rasterNote(p: RasterPayload, r: RasterLayout, late: number, inputEvery: number): HTMLElement {
  const parts: string[] = [];
  if (r.payloadDropped > 0) {
    const which = p.layers.filter((l) => l.dropped > 0).map((l) => `${l.name} ${formatCount(l.dropped)}`).join(', ');
    parts.push(`The recording left out ${formatCount(r.payloadDropped)} (neuron, step) entries to stay small (${which}); spike totals and spikes per step still count them.`);
  }
  if (r.stride > 1) {
    parts.push(`Drawn: ${formatCount(r.drawn)} of ${formatCount(r.entries)} entries, one in ${r.stride} of each layer (the output layer whole); spikes per step below count every entry.`);
  }
  if (inputEvery > 1) parts.push(`Input events over time: one in ${inputEvery} drawn; the frames show every event.`);
  if (p.input.dropped > 0) parts.push(`${formatCount(p.input.dropped)} of ${formatCount(p.input.total)} input events were left out of the payload.`);
  if (late > 0) parts.push(`${formatCount(late)} input events fall outside the ${formatCount(p.steps)} time bins (or the sensor) and are not in the frames.`);
  const note = h('p', { id: 'raster-note', class: 'note raster-note', 'data-dropped': String(r.payloadDropped), 'data-stride': String(r.stride) },
    parts.length ? parts.join(' ') : 'Every spike is drawn. Marker size grows with the spikes a neuron emits in one step.');
  if (parts.length) note.classList.add('warn');
  return note;
}

/** `#output-class` with the predicted class, and `#output-detail` with its spikes, ties and the label. */
export function outputSummary(out: NonNullable<RasterPayload['output']>): HTMLElement {
  const spikes = out.counts[out.predicted] ?? 0;
  const others = out.ties.filter((c) => c !== out.predicted);
  const detail = [
    `${formatCount(spikes)} output spike${spikes === 1 ? '' : 's'}`,
    others.length ? `tied with class ${others.join(', ')} (the lowest index wins)` : '',
    out.label !== undefined ? `label ${out.label}: ${out.label === out.predicted ? 'correct' : 'wrong'}` : '',
  ].filter(Boolean).join(' · ');
  return h('p', { class: 'output-summary' },
    'Predicted class ', h('strong', { id: 'output-class', class: 'figure' }, String(out.predicted)),
    ' ', h('span', { id: 'output-detail', class: 'note' }, detail));
}

/** `#chunk-picker`: the recording (when there are several) and the chunk, with previous/next buttons. */
export function chunkPicker(sel: RasterSelection, onSelect: (chunk: number, sample?: string) => void): HTMLElement {
  const last = Math.max(0, sel.chunkCount - 1);
  const chunk = h('input', { id: 'chunk-input', type: 'number', min: '1', max: String(last + 1), step: '1', value: String(sel.chunk + 1), class: 'synops-input', 'aria-label': `Chunk number, 1 to ${last + 1}` });
  const prev = h('button', { type: 'button', class: 'synops-button', id: 'chunk-prev', 'aria-label': 'Previous chunk' }, '‹');
  const next = h('button', { type: 'button', class: 'synops-button', id: 'chunk-next', 'aria-label': 'Next chunk' }, '›');
  prev.disabled = sel.chunk <= 0;
  next.disabled = sel.chunk >= last;
  let sample = sel.sample;
  const pick = (c: number): void => {
    const n = Math.min(Math.max(0, Math.round(c)), last);
    if (Number.isFinite(n)) onSelect(n, sample);
  };
  prev.addEventListener('click', () => pick(sel.chunk - 1));
  next.addEventListener('click', () => pick(sel.chunk + 1));
  chunk.addEventListener('change', () => pick(Number(chunk.value) - 1));
  const parts: HTMLElement[] = [];
  if (sel.samples && sel.samples.length > 1) {
    const select = h('select', { id: 'sample-select', class: 'synops-select' }, ...sel.samples.map((s) => {
      const o = h('option', { value: s }, s);
      o.selected = s === sel.sample;
      return o;
    }));
    select.addEventListener('change', () => { sample = select.value; onSelect(0, sample); });
    parts.push(h('label', { class: 'picker-label' }, h('span', {}, 'Recording'), select));
  }
  parts.push(h('div', { class: 'picker-label' }, h('span', {}, 'Chunk'), h('span', { class: 'picker-row' }, prev, chunk, next, h('span', { class: 'note' }, `of ${formatCount(sel.chunkCount)}`))));
  return h('div', { id: 'chunk-picker', class: 'picker' }, ...parts);
}
