/**
 * Evaluation on the held-out split, twice:
 * - the ANN proxy: forward passes without dropout; accuracy from the argmax of the output, SynOps per
 *   sample `Σ_e a_e · fanout_e` per connection (with QReLU activations these are the spike counts the
 *   converted network would emit if it fired exactly as the ANN computes);
 * - the spiking simulation (`sim/event-engine.ts`) of the saved TF.js model on each test sample's events
 *   binned at `dtMs` (or the image as a constant current): accuracy and measured SynOps per layer.
 */
import * as tf from '@tensorflow/tfjs-core';
import { numel } from '../model/shapes';
import { isSpikingLayer, type ModelFile } from '../model/types';
import type { Readout } from '../../protocol/report';
import { simulateEvents } from '../sim/event-engine';
import { groupSteps } from '../sim/input';
import { NeuroBenchTally } from '../energy/neurobench';
import { argmaxTies, type SimResult } from '../sim/result';
import type { ModelWeights } from '../sim/weights';
import { INPUT_INDEX } from '../synops/fanout';
import { snnInput, type RecordingCache, type SampleSet } from './samples';
import { forward, synopsPerConnection, type ActivationMode, type TrainNet } from './net';
import { quantizeNumber, type Quantizer } from './qrelu';
import { TrainError, type EvalResult, type LayerSynops } from './types';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** A batch `[b, H, W, C]` of samples `idx` of `set` (no augmentation). */
export function batchTensor(set: SampleSet, idx: ArrayLike<number>): tf.Tensor4D {
  const [c, h, w] = set.shape;
  const size = c * h * w;
  const buf = new Float32Array(idx.length * size);
  for (let k = 0; k < idx.length; k++) buf.set(set.x.subarray(idx[k] * size, (idx[k] + 1) * size), k * size);
  return tf.tensor4d(buf, [idx.length, h, w, c]);
}

function summarize(net: TrainNet, perConn: Float64Array, n: number): { perLayer: LayerSynops[]; total: number; hidden: number } {
  const perLayer = net.connections.map((c, k) => ({ emitter: c.emitterName, receiver: c.receiverName, synops: perConn[k] / Math.max(1, n) }));
  const total = perLayer.reduce((a, b) => a + b.synops, 0);
  const hidden = perLayer.reduce((a, b, k) => a + (net.connections[k].emitter === INPUT_INDEX ? 0 : b.synops), 0);
  return { perLayer, total, hidden };
}

/**
 * The spiking readout applied to ANN outputs: each output quantized as a QReLU would (`floor(max(x, 0))`,
 * the spike count the output neuron would emit), the class the unique largest count; a tie for it (all
 * zero = silent included) counts as wrong, as in `evaluateSnn`. `outputs` holds `labels.length` rows of
 * `classes` values.
 */
export function quantizedReadout(outputs: ArrayLike<number>, labels: ArrayLike<number>, classes: number, quantizer: Quantizer = 'floor'): { correct: number; ties: number; silent: number } {
  let correct = 0;
  let ties = 0;
  let silent = 0;
  const counts = new Float64Array(classes);
  for (let k = 0; k < labels.length; k++) {
    for (let c = 0; c < classes; c++) counts[c] = quantizeNumber(outputs[k * classes + c], quantizer);
    const r = argmaxTies(counts);
    if (r.ties.length > 1) { ties++; if (counts[r.predicted] === 0) silent++; } else if (r.predicted === labels[k]) correct++;
  }
  return { correct, ties, silent };
}

/**
 * ANN accuracy and SynOps proxy on `set` (at most `maxSamples`), no dropout, the output activation applied.
 * `readout` scores the same outputs as the spiking network reads its output layer (`quantizedReadout`), so
 * the accuracy lost to the integer readout shows apart from what the simulation in time loses.
 */
export async function evaluateAnn(net: TrainNet, set: SampleSet, opts: { activation: ActivationMode; batchSize?: number; maxSamples?: number; signal?: AbortSignal }): Promise<EvalResult> {
  const start = performance.now();
  const n = Math.min(set.n, opts.maxSamples ?? Infinity);
  const bs = opts.batchSize ?? 256;
  const perConn = new Float64Array(net.connections.length);
  let correct = 0;
  const readout = { correct: 0, ties: 0, silent: 0 };
  // Hidden spiking layers (the emitters the forward pass reports; a skipped output layer is not among them).
  const spiking = net.model.layers.flatMap((l, i) => (isSpikingLayer(l) && i !== net.outputSpiking ? [i] : []));
  const actSums = new Float64Array(2 * spiking.length);
  for (let s = 0; s < n; s += bs) {
    if (opts.signal?.aborted) throw new TrainError('cancelled', 'evaluation cancelled');
    const idx = Array.from({ length: Math.min(bs, n - s) }, (_, k) => s + k);
    const labels = set.y.subarray(s, s + idx.length);
    const [pc, out, act] = tf.tidy(() => {
      const x = batchTensor(set, idx);
      const { logits, emitted } = forward(net, x, { training: false, activation: opts.activation });
      // Per spiking layer: Σ activation and Σ zero-activation neurons over the batch.
      const per = spiking.map((i) => { const e = emitted.get(i)!; return tf.stack([tf.sum(e), tf.sum(tf.cast(tf.lessEqual(e, 0), 'float32'))]); });
      return [tf.mul(synopsPerConnection(net, emitted), idx.length), logits, per.length ? tf.concat(per) : tf.zeros([0])];
    });
    const [a, o, ac] = await Promise.all([pc.data(), out.data(), act.data()]);
    const classes = out.shape[1];
    pc.dispose(); out.dispose(); act.dispose();
    for (let k = 0; k < ac.length; k++) actSums[k] += ac[k];
    for (let k = 0; k < a.length; k++) perConn[k] += a[k];
    // The outputs are read back for the readout anyway: the argmax (lowest index among equal values, as
    // tf.argMax) comes from them too.
    for (let k = 0; k < labels.length; k++) if (argmaxTies(o.subarray(k * classes, (k + 1) * classes)).predicted === labels[k]) correct++;
    const r = quantizedReadout(o, labels, classes, net.quantizer);
    readout.correct += r.correct; readout.ties += r.ties; readout.silent += r.silent;
    await tick();
  }
  const sum = summarize(net, perConn, n);
  return {
    kind: 'ann', activation: opts.activation, samples: n, accuracy: n ? correct / n : 0, synopsPerLayer: sum.perLayer, totalSynops: sum.total, hiddenSynops: sum.hidden,
    readout: { accuracy: n ? readout.correct / n : 0, ties: readout.ties, silent: readout.silent }, seconds: (performance.now() - start) / 1000,
    layers: spiking.map((i, k) => {
      const neurons = numel(net.stats[i].outShape);
      return { layer: net.model.layers[i].name, neurons, spikes: actSums[2 * k] / Math.max(1, n), silent: actSums[2 * k + 1] / Math.max(1, n * neurons) };
    }),
  };
}

/** How the spiking evaluation converts and reads the network. */
export interface SnnOptions {
  maxSamples?: number;
  signal?: AbortSignal;
  onSample?: (done: number, total: number) => void;
  /** `spikes` (default): the output with most spikes; `membrane`: the largest summed input current of the output layer. */
  readout?: Readout;
  /** Initial membrane per spiking layer (a number, or one per channel), as `SimOptions.initialMembrane`. */
  initialMembrane?: Record<string, number | ArrayLike<number>>;
  /** Each sample's steps summed into this many (`groupSteps`), to see what the network owes to time resolution; absent: its own steps. */
  bins?: number;
}

/**
 * The class of one simulated sample. `spikes`: the output with the most spikes; `membrane`: the output with
 * the largest input current summed over the sample (`output.current`, what its membrane would hold with no
 * threshold). Either way a tie for the largest value counts as wrong (an all-zero output included: no spike
 * out, or no current in); `silent` says the output had nothing at all.
 */
export function readClass(r: SimResult, readout: Readout): { predicted: number; tie: boolean; silent: boolean; ties: number[] } {
  const values = readout === 'membrane' ? r.output.current : r.output.values;
  const a = argmaxTies(values);
  return { predicted: a.predicted, tie: a.ties.length > 1, silent: values.every((v) => v === 0), ties: a.ties };
}

/**
 * Spiking simulation of test samples with `weights` (as read by `sim/tfjs-weights.ts`): accuracy and SynOps
 * per layer, averaged per sample, and per hidden spiking layer the mean spikes and silent fraction. The class
 * comes from the `readout` (`readClass`); a tie for the largest output (a silent output included) counts as
 * wrong and is reported in `ties` — taking the lowest index would score a silent network as "class 0"
 * correct. With `maxSamples` below the set size, the samples are spread evenly over the whole test set
 * (which is ordered by label), never its first few.
 */
export async function evaluateSnn(model: ModelFile, weights: ModelWeights, set: SampleSet, opts: SnnOptions): Promise<EvalResult> {
  const start = performance.now();
  const n = Math.min(set.n, opts.maxSamples ?? Infinity);
  const readout = opts.readout ?? 'spikes';
  let correct = 0;
  let ties = 0;
  let silent = 0;
  let tiedTrue = 0;
  let steps = 0;
  const names: { emitter: string; receiver: string }[] = [];
  let perConn = new Float64Array(0);
  let hiddenMask: boolean[] = [];
  let act = new Float64Array(0);
  let layerInfo: { layer: string; neurons: number }[] = [];
  const spikeRead = { correct: 0, ties: 0, silent: 0 };
  const recordings: RecordingCache = {};
  const neurobench = new NeuroBenchTally(model, weights);
  for (let k = 0; k < n; k++) {
    const i = Math.floor((k * set.n) / n);
    if (opts.signal?.aborted) throw new TrainError('cancelled', 'simulation cancelled');
    const raw = await snnInput(model, set, i, recordings);
    const input = opts.bins ? groupSteps(raw, opts.bins) : raw;
    const r = simulateEvents(model, weights, input, { signal: opts.signal, initialMembrane: opts.initialMembrane, counts: true });
    // Hidden layers: every spiking layer but the output (the added one, or a last one nothing receives).
    const hidden = r.layers.filter((l) => r.synops.some((c) => c.emitter === l.index));
    if (k === 0) {
      perConn = new Float64Array(r.synops.length);
      r.synops.forEach((s) => names.push({ emitter: s.emitterName, receiver: s.receiverName }));
      hiddenMask = r.synops.map((s) => s.emitter !== INPUT_INDEX);
      layerInfo = hidden.map((l) => ({ layer: l.name, neurons: l.size }));
      act = new Float64Array(2 * hidden.length);
    }
    r.synops.forEach((s, k) => { perConn[k] += s.synops; });
    neurobench.add(r);
    hidden.forEach((l, j) => {
      act[2 * j] += l.total;
      let zeros = 0;
      for (let q = 0; q < l.counts.length; q++) if (l.counts[q] === 0) zeros++;
      act[2 * j + 1] += zeros;
    });
    if (readout === 'membrane') {
      // The same simulation read by spike counts, as a chip like Speck would read it.
      const sp = readClass(r, 'spikes');
      if (sp.tie) { spikeRead.ties++; if (sp.silent) spikeRead.silent++; } else if (sp.predicted === set.y[i]) spikeRead.correct++;
    }
    const c = readClass(r, readout);
    if (c.tie) {
      ties++;
      if (c.silent) silent++;
      if (c.ties.includes(set.y[i])) tiedTrue++;
    } else if (c.predicted === set.y[i]) correct++;
    steps += r.steps;
    opts.onSample?.(k + 1, n);
    if (k % 4 === 3) await tick();
  }
  const perLayer = names.map((nm, k) => ({ ...nm, synops: perConn[k] / Math.max(1, n) }));
  return {
    kind: 'snn', samples: n, accuracy: n ? correct / n : 0, synopsPerLayer: perLayer,
    totalSynops: perLayer.reduce((a, b) => a + b.synops, 0),
    hiddenSynops: perLayer.reduce((a, b, k) => a + (hiddenMask[k] ? b.synops : 0), 0),
    ties, silent, tiedTrue, meanSteps: n ? steps / n : 0, readoutKind: readout,
    ...(readout === 'membrane' ? { spikeReadout: { accuracy: n ? spikeRead.correct / n : 0, ties: spikeRead.ties, silent: spikeRead.silent } } : {}),
    layers: layerInfo.map((l, j) => ({ ...l, spikes: act[2 * j] / Math.max(1, n), silent: act[2 * j + 1] / Math.max(1, n * l.neurons) })),
    ...(n ? { neurobench: neurobench.report() } : {}),
    seconds: (performance.now() - start) / 1000,
  };
}

/** A copy of `weights` with layer `name`'s weights ×ρ (weight scaling of the first layer). */
export function scaleLayer(weights: ModelWeights, name: string, rho: number): ModelWeights {
  const w = weights[name];
  if (!w) throw new Error(`no layer "${name}" to scale`);
  return { ...weights, [name]: { ...w, weight: w.weight.map((v) => v * rho) } };
}
