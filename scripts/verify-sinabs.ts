/**
 * `npm run verify:sinabs -- [fixture.json ...] [--model <graph.nir>]`: runs our spiking simulator
 * (event-driven and dense engines) on Sinabs reference fixtures, with the fixture's settings and each of its variants, prints a
 * per-layer comparison (spike counts, SynOps, output, class; ours vs Sinabs) and exits 1 on any
 * difference. Without arguments it checks every fixture in `<shared data>/sinabs-reference/`
 * (`SYNOPS_SHARED_DATA`, default `../shared/data` from the repository root). With `--model`, the network
 * and weights come from a NIR graph (imported as `synops import` does) instead of the fixture's own
 * description, so the comparison checks the import too: `--model ../shared/data/nir/<file>.nir`.
 *
 * What is compared, exactly (integers) unless said otherwise:
 * - per spiking layer: total spikes, spikes per time step, spikes per neuron, max spikes of a neuron in a step;
 * - SynOps per receiving weight layer: Sinabs' per-layer figures (`SNNAnalyzer.get_layer_statistics`).
 *   Two documented exceptions: (1) when a spiking layer feeds a weight layer directly but sits after an
 *   average pooling (the "pool then ReLU" order), Sinabs still multiplies by the pooling factor although
 *   the spikes it counts were never divided; the fixture gives the true count
 *   (`synops_true_event_fanout_numpy`), which is our convention and what we compare with. (2) For an analog
 *   input the first layer's "SynOps" is the signed sum `Σ current · fan-out`, not a count; Sinabs sums it in
 *   float32, so it is compared with a relative tolerance of 1e-6;
 * - output counts per class, per-step output, predicted class and whether the maximum is unique.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { table } from '../src/cli/table';
import { simulateEvents } from '../src/core/sim/event-engine';
import { simulateDense } from '../src/core/sim/dense-engine';
import type { NeuronParams } from '../src/core/sim/neuron';
import type { SimResult } from '../src/core/sim/result';
import type { ModelFile } from '../src/core/model/types';
import type { ModelWeights } from '../src/core/sim/weights';
import { loadFixture, parseModule, type Fixture, type Json } from '../src/io/sim/sinabs-fixture';
import { sharedDataDir } from './shared-data';
import { loadNirModel } from '../src/io/nir/load';

/** One configuration to run: the base settings or a variant, with the reference numbers it must give. */
interface Case {
  label: string;
  model: ModelFile;
  weights: ModelWeights;
  neuron: Partial<NeuronParams>;
  /** Reference per spiking layer key (Sinabs module index or "spike_output"). */
  layers: Record<string, { total: number; perStep?: number[]; perNeuron?: number[]; maxPerStep?: number }>;
  synops: Record<string, { value: number; note?: string; tolerance?: number }>;
  outputCounts: number[];
  outputPerStep?: number[][];
  outputNonzero?: [number, number, number][];
  predicted?: number;
  unique?: boolean;
}

function baseCase(fx: Fixture): Case {
  const snn = fx.json.snn;
  const layers: Case['layers'] = {};
  for (const [k, l] of Object.entries<Json>(snn.layers)) {
    layers[k] = { total: l.total_spikes, perStep: l.spikes_per_timestep, perNeuron: l.spike_counts_per_neuron, maxPerStep: l.max_spikes_per_neuron_per_step };
  }
  const synops: Case['synops'] = {};
  for (const [k, v] of Object.entries<Json>(snn.synops.SNNAnalyzer_get_layer_statistics)) {
    synops[k] = { value: typeof v === 'number' ? v : v.synops };
  }
  analogInputTolerance(fx, synops);
  const out = snn.output ?? {};
  return {
    label: 'base', model: fx.model, weights: fx.weights, neuron: fx.neuron, layers, synops,
    outputCounts: out.spike_counts_per_class ?? snn.output_counts_per_class,
    outputPerStep: snn.output_per_timestep,
    outputNonzero: out.spike_output_per_timestep_nonzero,
    predicted: out.predicted_class ?? snn.predicted_class,
    unique: out.argmax_is_unique ?? snn.argmax_is_unique,
  };
}

/** The analog input layer's SynOps are a signed float32 sum in Sinabs: compare to 1e-6 relative. */
function analogInputTolerance(fx: Fixture, synops: Case['synops']): void {
  if (fx.model.input.kind !== 'image') return;
  const first = fx.model.layers.findIndex((l) => l.type === 'conv2d' || l.type === 'linear');
  const s = synops[String(first)];
  if (s) { s.tolerance = 1e-6; s.note = 'signed analog sum, float32 in Sinabs'; }
}

/** The variants the fixtures describe, recognised by their key; an unknown variant is an error. */
function variantCase(fx: Fixture, key: string, v: Json): Case {
  const c: Case = { label: key, model: fx.model, weights: fx.weights, neuron: { ...fx.neuron }, layers: {}, synops: {}, outputCounts: [] };
  if (/^min_v_mem_(-?[\d.]+)/.test(key)) c.neuron.minVMem = Number(/^min_v_mem_(-?[\d.]+)/.exec(key)![1]);
  else if (/^SingleSpike/.test(key)) { c.neuron.spike = 'single'; if (/min_v_mem None/.test(key)) c.neuron.minVMem = null; }
  else if (/^pool_then_relu/.test(key)) {
    // Same layers and weights, in the order the variant lists: take conv/linear/pool specs from the base model in order.
    const base = fx.model.layers;
    const queue = (t: string): Json[] => base.filter((l) => l.type === t);
    const specs: Record<string, Json[]> = { Conv2d: queue('conv2d'), Linear: queue('linear'), AvgPool2d: queue('avgpool') };
    const weights: ModelWeights = {};
    const layers = (v.module_names as string[]).filter((m) => !m.startsWith('spike_output')).map((m) => {
      const [idx, type] = m.split(':');
      const from = specs[type]?.shift();
      if (!from) return parseModule(m);
      if (fx.weights[from.name]) weights[idx] = fx.weights[from.name];
      return { ...from, name: idx };
    });
    c.model = { ...fx.model, layers };
    c.weights = weights;
    if (/min_v_mem None/.test(key)) c.neuron.minVMem = null;
  } else if (/^raw_kaiming_no_first_layer_scaling/.test(key)) {
    // The stored conv1 weights are the Kaiming weights × 5 (settings.weight_init); undo the scaling.
    const factor = Number(/weight \*= ([\d.]+)/.exec(fx.json.settings.weight_init)?.[1] ?? NaN);
    if (!(factor > 0)) throw new Error('cannot find the first-layer scale factor in settings.weight_init');
    const first = fx.model.layers.find((l) => l.type === 'conv2d')!.name;
    c.weights = { ...fx.weights, [first]: { ...fx.weights[first], weight: fx.weights[first].weight.map((w) => Math.fround(w / factor)) } };
  } else throw new Error(`variant "${key}" is not known to this script; add how to build it in variantCase()`);
  for (const [k, n] of Object.entries<number>(v.layers_total_spikes)) c.layers[k] = { total: n };
  const trueSynops = v.synops_true_event_fanout_numpy as Record<string, number> | undefined;
  for (const [k, n] of Object.entries<number>(v.synops_SNNAnalyzer)) {
    c.synops[k] = trueSynops ? { value: trueSynops[k], note: trueSynops[k] !== n ? `SNNAnalyzer ${n} (×pool factor)` : undefined } : { value: n };
  }
  analogInputTolerance(fx, c.synops);
  const out = v.output ?? {};
  c.outputCounts = out.spike_counts_per_class ?? v.output_counts_per_class;
  c.outputNonzero = out.spike_output_per_timestep_nonzero;
  c.predicted = out.predicted_class;
  c.unique = out.argmax_is_unique;
  return c;
}

const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.from(a).every((x, i) => x === b[i]);
const diffCount = (a: ArrayLike<number>, b: ArrayLike<number>): number => a.length !== b.length ? Math.max(a.length, b.length) : Array.from(a).filter((x, i) => x !== b[i]).length;

/** Compares one engine's result with the reference; returns the table rows and whether all match. */
function compare(c: Case, r: SimResult): { rows: string[][]; ok: boolean } {
  const rows: string[][] = [];
  let ok = true;
  const row = (what: string, ours: string, ref: string, good: boolean, note = ''): void => {
    ok &&= good;
    rows.push([r.engine, what, ours, ref, good ? 'ok' : 'DIFF', note]);
  };
  for (const [key, ref] of Object.entries(c.layers)) {
    const l = r.layers.find((x) => (key === 'spike_output' ? x.added : String(x.index) === key && !x.added));
    if (!l) { row(`layer ${key}`, 'missing', String(ref.total), false); continue; }
    row(`layer ${key} spikes`, String(l.total), String(ref.total), l.total === ref.total);
    if (ref.perStep) row(`layer ${key} per step`, `${diffCount(l.perStep, ref.perStep)} steps differ`, `${ref.perStep.length} steps`, same(l.perStep, ref.perStep));
    if (ref.perNeuron) row(`layer ${key} per neuron`, `${diffCount(l.counts, ref.perNeuron)} neurons differ`, `${ref.perNeuron.length} neurons`, same(l.counts, ref.perNeuron));
    if (ref.maxPerStep !== undefined) row(`layer ${key} max/neuron/step`, String(l.maxPerNeuronStep), String(ref.maxPerStep), l.maxPerNeuronStep === ref.maxPerStep);
  }
  for (const [key, ref] of Object.entries(c.synops)) {
    const s = r.synops.find((x) => String(x.receiver) === key);
    const ours = s?.synops ?? NaN;
    const good = ref.tolerance ? Math.abs(ours - ref.value) <= ref.tolerance * Math.abs(ref.value) : ours === ref.value;
    row(`SynOps → ${key}`, String(ours), String(ref.value), good, ref.note ?? '');
  }
  row('output counts', `[${[...r.output.values].join(',')}]`, `[${c.outputCounts.join(',')}]`, same(r.output.values, c.outputCounts));
  const k = r.output.values.length;
  if (c.outputPerStep) {
    const flat = c.outputPerStep.flat();
    row('output per step', `${diffCount(r.output.perStep, flat)} values differ`, `${c.outputPerStep.length}×${k}`, same(r.output.perStep, flat));
  }
  if (c.outputNonzero) {
    const ours: [number, number, number][] = [];
    for (let t = 0; t < r.steps; t++) for (let j = 0; j < k; j++) if (r.output.perStep[t * k + j]) ours.push([t, j, r.output.perStep[t * k + j]]);
    row('output spikes (t, class, n)', JSON.stringify(ours), JSON.stringify(c.outputNonzero), JSON.stringify(ours) === JSON.stringify(c.outputNonzero));
  }
  const refClass = c.predicted ?? argmax(c.outputCounts);
  row('class', `${r.output.predicted}${r.output.ties.length > 1 ? ` (tie ${r.output.ties.join('/')})` : ''}`, String(refClass), r.output.predicted === refClass);
  if (c.unique !== undefined) row('class unique', String(r.output.ties.length === 1), String(c.unique), (r.output.ties.length === 1) === c.unique);
  return { rows, ok };
}

/**
 * The fixture with the NIR graph's network and weights in place of its own; the graph's neuron settings
 * (threshold, reset) must agree with the fixture's conversion settings, which stay in force.
 */
function withNetwork(fx: Fixture, nir: Awaited<ReturnType<typeof loadNirModel>> | undefined): Fixture {
  if (!nir) return fx;
  for (const k of ['threshold', 'reset', 'spike'] as const) {
    if (nir.neuron[k] !== undefined && fx.neuron[k] !== undefined && nir.neuron[k] !== fx.neuron[k]) throw new Error(`the NIR graph's ${k} is ${nir.neuron[k]}, the fixture's ${fx.neuron[k]}: not the network of this fixture`);
  }
  return { ...fx, model: { ...nir.model, input: fx.model.input }, weights: nir.weights };
}

function argmax(v: number[]): number { return v.indexOf(Math.max(...v)); }

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const m = args.indexOf('--model');
  const nirFile = m >= 0 ? args.splice(m, 2)[1] : undefined;
  if (m >= 0 && !nirFile) throw new Error('--model needs a .nir file');
  const nir = nirFile ? await loadNirModel(nirFile) : undefined;
  if (nir) console.log(`network and weights from ${nirFile}: ${nir.model.layers.length} layers${nir.model.spikingOutput ? ' + spiking output' : ''}; ${nir.notes.join('; ')}`);
  const files = args.length ? args : readdirSync(join(sharedDataDir(), 'sinabs-reference')).filter((f) => f.endsWith('.json')).map((f) => join(sharedDataDir(), 'sinabs-reference', f));
  await tf.setBackend('wasm');
  await tf.ready();
  let allOk = true;
  const summary: string[][] = [];
  for (const file of files) {
    const fx = withNetwork(loadFixture(file), nir);
    const cases = [baseCase(fx), ...Object.entries<Json>(fx.json.variants ?? {}).map(([k, v]) => variantCase(fx, k, v))];
    for (const c of cases) {
      const ev = simulateEvents(c.model, c.weights, fx.input, { neuron: c.neuron });
      const de = await simulateDense(c.model, c.weights, fx.input, { neuron: c.neuron });
      const a = compare(c, ev);
      const b = compare(c, de);
      console.log(`\n${file.split('/').pop()} — ${c.label}  (neuron ${JSON.stringify(c.neuron)})`);
      console.log(table(['engine', 'what', 'ours', 'sinabs', '', 'note'], [...a.rows, ...b.rows].map((r) => r.map((x) => (x.length > 60 ? `${x.slice(0, 57)}...` : x))), [false, false, true, true, false, false]));
      summary.push([file.split('/').pop()!, c.label.slice(0, 50), a.ok ? 'exact' : 'DIFF', b.ok ? 'exact' : 'DIFF']);
      allOk &&= a.ok && b.ok;
    }
  }
  console.log(`\n${table(['fixture', 'case', 'event engine', 'dense engine'], summary, [false, false, false, false])}`);
  console.log(allOk ? '\nverify:sinabs: all exact' : '\nverify:sinabs: DIFFERENCES (see DIFF rows)');
  return allOk ? 0 : 1;
}

main().then((code) => { process.exitCode = code; }, (e: unknown) => { console.error(e); process.exitCode = 2; });
