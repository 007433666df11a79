/**
 * Data-based conversion aids applied to a trained network before its spiking evaluation, and the diagnosis
 * of a conversion:
 * - `normalizeWeights` (Rueckauer et al. 2017): λ_l = the p-th percentile of layer l's non-zero activations
 *   on training samples (the ANN as trained), `W_l ← W_l · λ_{l−1} / λ_l` (λ of the input = 1), so a
 *   neuron's activation of λ_l becomes one spike per unit of input;
 * - `calibrateMembrane` (Li et al. 2021, the membrane form for event input): layer by layer, with the earlier
 *   layers already calibrated, each channel's initial membrane moves by the difference of the quantized
 *   ANN's and the spiking network's mean activity on the same samples: `v0_c ← v0_c + (ā_c − n̄_c)` (one spike
 *   = one threshold), kept below the threshold;
 * - `diagnose`: per layer the ANN-Q activity beside the spikes, and where accuracy goes.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ConversionDiagnosis, Readout } from '../../protocol/report';
import { isSpikingLayer, isWeightLayer, type ModelFile } from '../model/types';
import { ADDED_OUTPUT_NAME } from '../sim/network';
import { simulateEvents } from '../sim/event-engine';
import type { SpikeInput } from '../sim/input';
import type { ModelWeights } from '../sim/weights';
import { Rng, subSeed } from '../data/rng';
import { snnInput, type RecordingCache, type SampleSet } from './samples';
import { batchTensor } from './evaluate';
import { forward, type TrainNet } from './net';
import { initialMembraneOf, quantize } from './qrelu';
import { silenceWarning } from './silence';
import type { EvalResult } from './types';

/**
 * `count` of the indices 0..n−1 in ascending order: all when n ≤ count, else a subset drawn by a shuffle
 * seeded by (seed, `tag`) — the same subset every time for the same run.
 */
export function seededSubset(n: number, count: number, seed: number, tag: string): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  return n <= count ? all : new Rng(subSeed(seed, tag)).shuffle(all).slice(0, count).sort((a, b) => a - b);
}

/** `count` training samples for normalization and calibration (a seeded subset). */
export function calibrationSamples(set: SampleSet, count: number, seed: number): number[] {
  return seededSubset(set.n, count, seed, 'conversion/samples');
}

/** Each spiking layer of the simulated network (the added output too) with the weight layer that feeds it. */
export function spikingChain(model: ModelFile): { spiking: string; index: number; weight: string }[] {
  const out: { spiking: string; index: number; weight: string }[] = [];
  let weight = '';
  model.layers.forEach((l, i) => {
    if (isWeightLayer(l)) weight = l.name;
    else if (isSpikingLayer(l)) out.push({ spiking: l.name, index: i, weight });
  });
  const last = [...model.layers].reverse().find(isWeightLayer);
  if (model.spikingOutput && last && !isSpikingLayer(model.layers[model.layers.length - 1])) out.push({ spiking: ADDED_OUTPUT_NAME, index: model.layers.length, weight: last.name });
  return out;
}

/** The p-th percentile (0–100) of the positive values of `a` (nearest rank), or 0 when none is positive. */
export function positivePercentile(a: ArrayLike<number>, p: number): number {
  const pos = Float64Array.from(Array.prototype.filter.call(a, (v: number) => v > 0) as number[]).sort();
  if (!pos.length) return 0;
  return pos[Math.min(pos.length - 1, Math.max(0, Math.ceil((p / 100) * pos.length) - 1))];
}

/** Activations of every spiking layer (the added output: the logits) on samples `idx`, `activation` as given. */
async function activations(net: TrainNet, set: SampleSet, idx: number[], activation: 'model' | 'qrelu'): Promise<Map<number, { values: Float32Array; shape: number[] }>> {
  const out = new Map<number, { values: Float32Array; shape: number[] }>();
  const ts = tf.tidy(() => {
    const { logits, emitted } = forward(net, batchTensor(set, idx), { training: false, activation });
    const m: Record<string, tf.Tensor> = {};
    for (const [i, t] of emitted) if (i >= 0) m[i] = t;
    m[net.model.layers.length] = activation === 'qrelu' ? quantize(logits, net.quantizer) : tf.relu(logits);
    return m;
  });
  for (const [i, t] of Object.entries(ts)) { out.set(Number(i), { values: (await t.data()) as Float32Array, shape: t.shape }); t.dispose(); }
  return out;
}

/**
 * λ per spiking layer, the factor `λ_{l−1}/λ_l` per weight layer, and the normalized weights (a copy;
 * `weights` is left as it is).
 */
export async function normalizeWeights(net: TrainNet, weights: ModelWeights, train: SampleSet, o: { percentile: number; samples: number; seed: number; readout: Readout }): Promise<{ weights: ModelWeights; lambdas: Record<string, number>; factors: Record<string, number> }> {
  const acts = await activations(net, train, calibrationSamples(train, o.samples, o.seed), 'model');
  const out: ModelWeights = { ...weights };
  const lambdas: Record<string, number> = {};
  const factors: Record<string, number> = {};
  let prev = 1;
  for (const { spiking, index, weight } of spikingChain(net.model)) {
    const a = acts.get(index);
    // The membrane readout reads currents: the output layer keeps its scale (λ = 1), only λ_{l−1} is undone.
    const lambda = spiking === ADDED_OUTPUT_NAME && o.readout === 'membrane' ? 1 : a ? positivePercentile(a.values, o.percentile) : 0;
    const l = lambda > 0 ? lambda : prev; // a layer that never fired keeps the previous scale (no division by 0)
    lambdas[spiking] = l;
    factors[weight] = (factors[weight] ?? 1) * (prev / l); // compounded, as the weights below are
    const w = out[weight];
    if (w) out[weight] = { ...w, weight: w.weight.map((v) => Math.fround((v * prev) / l)) };
    prev = l;
  }
  return { weights: out, lambdas, factors };
}

/** Per-channel means of a channels-last activation `[B, …, C]` (or `[B, F]`: per feature). */
function channelMeansNhwc(values: ArrayLike<number>, channels: number): Float64Array {
  const sums = new Float64Array(channels);
  for (let k = 0; k < values.length; k++) sums[k % channels] += values[k];
  const per = values.length / channels;
  return sums.map((v) => v / Math.max(1, per));
}

/**
 * Initial membranes per channel of every spiking layer, calibrated on `samples` training samples (see the
 * module comment). Starts from the quantizer's own start (0 or ½); returns plain arrays by layer name.
 */
export async function calibrateMembrane(net: TrainNet, weights: ModelWeights, train: SampleSet, o: { samples: number; seed: number; readout: Readout }): Promise<Record<string, number[]>> {
  const model = net.model;
  const idx = calibrationSamples(train, o.samples, o.seed);
  const ann = await activations(net, train, idx, 'qrelu');
  const recordings: RecordingCache = {};
  const inputs: SpikeInput[] = [];
  for (const i of idx) inputs.push(await snnInput(model, train, i, recordings));
  const targets: Record<string, Float64Array> = {};
  for (const c of spikingChain(model)) {
    const a = ann.get(c.index);
    if (a) targets[c.spiking] = channelMeansNhwc(a.values, a.shape[a.shape.length - 1]);
  }
  // The membrane readout does not read the output layer's spikes: nothing to calibrate there.
  if (o.readout === 'membrane') delete targets[ADDED_OUTPUT_NAME];
  return calibrateOn(model, weights, inputs, targets, initialMembraneOf(net.quantizer));
}

/**
 * The calibration itself: for each spiking layer in network order that has a target (the ANN-Q's mean
 * activity per channel), simulate `inputs` with the starts found so far and move each channel's start by
 * target − mean spikes per neuron, kept below the threshold (0.999).
 */
export function calibrateOn(model: ModelFile, weights: ModelWeights, inputs: SpikeInput[], targets: Record<string, ArrayLike<number>>, base: number): Record<string, number[]> {
  const v0: Record<string, number[]> = {};
  for (const c of spikingChain(model)) {
    const target = targets[c.spiking];
    if (!target) continue;
    const channels = target.length;
    v0[c.spiking] = Array.from({ length: channels }, () => base);
    const got = new Float64Array(channels);
    let positions = 1;
    for (const input of inputs) {
      const layer = simulateEvents(model, weights, input, { initialMembrane: v0 }).layers.find((l) => l.name === c.spiking)!;
      positions = layer.counts.length / channels; // channels-first: channel ch holds counts[ch·P … (ch+1)·P)
      for (let q = 0; q < layer.counts.length; q++) got[Math.floor(q / positions)] += layer.counts[q];
    }
    v0[c.spiking] = v0[c.spiking].map((v, ch) => Math.min(0.999, v + (target[ch] - got[ch] / (inputs.length * positions))));
  }
  return v0;
}

/** The diagnosis of a spiking evaluation beside the quantized ANN's on the same samples. */
export function diagnose(annQ: EvalResult, snn: EvalResult, readout: Readout): ConversionDiagnosis {
  const ann = new Map((annQ.layers ?? []).map((l) => [l.layer, l]));
  const layers = (snn.layers ?? []).map((l) => {
    const a = ann.get(l.layer);
    return { layer: l.layer, neurons: l.neurons, annSpikes: a?.spikes ?? NaN, snnSpikes: l.spikes, annSilent: a?.silent ?? NaN, snnSilent: l.silent };
  });
  const annReadout = readout === 'spikes' ? annQ.readout?.accuracy ?? annQ.accuracy : annQ.accuracy;
  const silentOutputs = snn.silent ?? 0;
  // A layer gone quiet in conversion: under a quarter of the quantized ANN's activity. (Per-sample silence
  // alone is no sign: most first-layer neurons of a sparse event chunk see no event, in the ANN as well.)
  const deadLayer = layers.find((l) => l.annSpikes > 0 && l.snnSpikes < 0.25 * l.annSpikes);
  const warning = silenceWarning(silentOutputs, snn.samples, readout, deadLayer && { layer: deadLayer.layer, ratio: deadLayer.snnSpikes / deadLayer.annSpikes });
  return { readout, samples: snn.samples, layers, accuracy: { annArgmax: annQ.accuracy, annReadout, snn: snn.accuracy }, silentOutputs, ...(warning ? { warning } : {}) };
}

/** What the spiking evaluation of a run uses: the (normalized) weights, initial membranes and what was applied. */
export interface Converted {
  weights: ModelWeights;
  initialMembrane?: Record<string, number | number[]>;
  /** λ per spiking layer when normalized; initial membranes when calibrated (or the quantizer's ½). */
  applied: { lambdas?: Record<string, number>; initialMembrane?: Record<string, number | number[]> };
}

const CALIBRATION_SAMPLES = 256;

/**
 * Applies the run's data-based aids to `weights`, in order: normalization (the net's kernels are scaled alike
 * while the calibration runs, then restored), then calibration of the initial membranes, else the quantizer's
 * own start (½ for `round`). `weights` and the net are left as they were.
 */
export async function convertForSimulation(net: TrainNet, weights: ModelWeights, train: SampleSet, conv: { readout: Readout; normalize: { percentile: number } | false; calibrate: { samples: number } | false }, seed: number): Promise<Converted> {
  let w = weights;
  const applied: Converted['applied'] = {};
  const restore: [tf.Variable, tf.Tensor][] = [];
  try {
    if (conv.normalize) {
      const n = await normalizeWeights(net, weights, train, { percentile: conv.normalize.percentile, samples: CALIBRATION_SAMPLES, seed, readout: conv.readout });
      w = n.weights;
      applied.lambdas = n.lambdas;
      // The same factors on the net's kernels, so that the calibration's ANN is the normalized one.
      if (conv.calibrate) {
        for (const [name, f] of Object.entries(n.factors)) {
          const v = net.vars.get(name);
          if (v) { restore.push([v, v.clone()]); tf.tidy(() => v.assign(tf.mul(v, f))); }
        }
      }
    }
    let v0: Record<string, number | number[]> | undefined;
    const base = initialMembraneOf(net.quantizer);
    if (conv.calibrate) v0 = await calibrateMembrane(net, w, train, { samples: conv.calibrate.samples, seed, readout: conv.readout });
    else if (base !== 0) v0 = Object.fromEntries(spikingChain(net.model).map((c) => [c.spiking, base]));
    if (v0) applied.initialMembrane = v0;
    return { weights: w, initialMembrane: v0, applied };
  } finally {
    for (const [v, orig] of restore) { v.assign(orig); orig.dispose(); }
  }
}
