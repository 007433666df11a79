import * as tf from '@tensorflow/tfjs-core';
import { type ModelFile, type Shape } from '../model/types';
import { numel } from '../model/shapes';
import type { SimOptions } from './event-engine';
import { toFrames, type SpikeInput } from './input';
import { modelNeuron, neuronParams, type NeuronParams } from './neuron';
import { initialMembranes } from './membrane';
import { outputIsLastSpiking, planNetwork, type NetworkPlan } from './network';
import { finishResult, Recorder, throwIfCancelled, type SimResult, type SpikingLayerResult } from './result';
import type { ModelWeights } from './weights';
import { NbCounter } from './nb-counters';
import { INPUT_INDEX } from '../synops/fanout';

/**
 * For a channels-last layout of `shape` (`[H, W, C]` for a `[C, H, W]` shape), the channels-first index of
 * each channels-last element: `(y·W + x)·C + c ↦ (c·H + y)·W + x`. A flat shape maps to itself.
 */
export function channelsFirstIndex(shape: Shape): Int32Array {
  const n = numel(shape);
  const map = new Int32Array(n);
  if (shape.length !== 3) { for (let i = 0; i < n; i++) map[i] = i; return map; }
  const [c, h, w] = shape;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) map[(y * w + x) * c + ch] = (ch * h + y) * w + x;
  return map;
}

/** Tensor shape of a batch of `b` samples of a channels-first `shape`, channels-last as tfjs wants it. */
function nhwc(b: number, shape: Shape): number[] {
  return shape.length === 3 ? [b, shape[1], shape[2], shape[0]] : [b, ...shape];
}

/** tfjs weight tensors of the plan, built once per run. */
function weightTensors(plan: NetworkPlan): Map<number, { w: tf.Tensor; b?: tf.Tensor }> {
  const out = new Map<number, { w: tf.Tensor; b?: tf.Tensor }>();
  plan.model.layers.forEach((layer, i) => {
    if (layer.type !== 'conv2d' && layer.type !== 'linear') return;
    const lw = plan.weights[layer.name];
    let w: tf.Tensor;
    if (layer.type === 'conv2d') {
      const [o, c, kh, kw] = lw.shape;
      w = tf.tidy(() => tf.transpose(tf.tensor4d(lw.weight, [o, c, kh, kw]), [2, 3, 1, 0]));
    } else {
      w = tf.tidy(() => tf.transpose(tf.tensor2d(lw.weight, [lw.shape[0], lw.shape[1]])));
    }
    out.set(i, { w, b: lw.bias ? tf.tensor1d(lw.bias) : undefined });
  });
  return out;
}

/** Applies the stateless layers `ops` to a batch `x` (channels-last), as the ANN would. */
function applyOps(plan: NetworkPlan, ops: number[], x: tf.Tensor, wts: Map<number, { w: tf.Tensor; b?: tf.Tensor }>): tf.Tensor {
  return tf.tidy(() => {
    let y = x;
    for (const i of ops) {
      const layer = plan.model.layers[i];
      switch (layer.type) {
        case 'conv2d': {
          const { w, b } = wts.get(i)!;
          const p = layer.padding ?? 0;
          const pad: 'valid' | [[number, number], [number, number], [number, number], [number, number]] = p === 0 ? 'valid' : [[0, 0], [p, p], [p, p], [0, 0]];
          y = tf.conv2d(y as tf.Tensor4D, w as tf.Tensor4D, layer.stride ?? 1, pad);
          if (b) y = tf.add(y, b);
          break;
        }
        case 'linear': {
          const { w, b } = wts.get(i)!;
          y = tf.matMul(y as tf.Tensor2D, w as tf.Tensor2D);
          if (b) y = tf.add(y, b);
          break;
        }
        case 'avgpool':
          y = tf.avgPool(y as tf.Tensor4D, layer.kernel, layer.stride ?? layer.kernel, 'valid');
          break;
        case 'sumpool': {
          const c = y.shape[3]!;
          y = tf.depthwiseConv2d(y as tf.Tensor4D, tf.ones([layer.kernel, layer.kernel, c, 1]) as tf.Tensor4D, layer.stride ?? layer.kernel, 'valid');
          break;
        }
        case 'flatten':
          if (y.rank === 4) y = tf.reshape(tf.transpose(y, [0, 3, 1, 2]), [y.shape[0], -1]);
          break;
        case 'dropout':
          break;
        default:
          throw new Error(`layer ${i} "${layer.name}" (${layer.type}) is not a stateless op`);
      }
    }
    return y;
  });
}

/**
 * Time-stepped dense simulation with tfjs (the reference engine; also the fast path for analog input on
 * the wasm backend). Because the network is feed-forward and each spiking layer's state depends only on
 * its own input sequence, it goes layer by layer: the synaptic ops of a layer run on all time steps at once
 * as one batch (as Sinabs' `IAFSqueeze` does with `(T·B, C, H, W)` tensors), then the neurons are stepped
 * through time with the neuron rule of `neuron.ts` (`iafScan`), as in the event-driven engine. This gives
 * exactly the per-step semantics (each layer sees the previous layer's spikes of the same step). Steps in which a layer gets no
 * spikes are left out of its batch when it has no bias; for an analog image the first layer's current is
 * computed once. Currents are float32 (tfjs); membrane potentials float64, starting at 0 or at
 * `opts.initialMembrane` (`membrane.ts`). When the output is the last spiking layer, its per-step input
 * currents are also summed over the steps (`SimResult.output.current`).
 * Uses the current tfjs backend (`tf.setBackend('wasm')` for speed, `cpu` in tests).
 */
export async function simulateDense(model: Pick<ModelFile, 'input' | 'layers' | 'spikingOutput'> & Partial<Pick<ModelFile, 'conversion'>>, weights: ModelWeights, input: SpikeInput, opts: SimOptions = {}): Promise<SimResult> {
  const plan = planNetwork(model, weights);
  const p = neuronParams({ ...modelNeuron(model), ...opts.neuron });
  const v0 = initialMembranes(plan, opts.initialMembrane, p);
  const T = input.steps;
  const recorder = opts.recordCap ? new Recorder(opts.recordCap) : undefined;
  const wts = weightTensors(plan);
  const nb = opts.counts ? new NbCounter(plan, T) : null;
  nb?.emitSteps(INPUT_INDEX, input.index, input.value, input.stepStart, T, null);
  try {
    // Spikes (or input values) of the current emitter, channels-last, [T, ...shape].
    let shape: Shape = [...plan.model.input.shape];
    let values = channelsLast(toFrames(input), shape, T);
    let active = stepsWithInput(input);
    const layers: SpikingLayerResult[] = [];
    let outCurrent: Float64Array | null = null;
    for (const [slot, seg] of plan.segments.entries()) {
      throwIfCancelled(opts.signal);
      const info = seg.spiking;
      const hasBias = seg.ops.some((i) => { const l = plan.model.layers[i]; return (l.type === 'conv2d' || l.type === 'linear') && !!l.bias; });
      const size = info.size;
      const inSize = numel(shape);
      let current: Float32Array;
      let rowOf: Int32Array;
      if (slot === 0 && input.constant && T > 0) {
        current = await runBatch(plan, seg.ops, values.subarray(0, inSize), 1, shape, wts);
        rowOf = new Int32Array(T);
      } else {
        const steps = hasBias ? [...Array(T).keys()] : active;
        let batch = values.subarray(0, T * inSize);
        if (steps.length < T) {
          batch = new Float32Array(steps.length * inSize);
          steps.forEach((t, k) => batch.set(values.subarray(t * inSize, (t + 1) * inSize), k * inSize));
        }
        current = steps.length ? await runBatch(plan, seg.ops, batch, steps.length, shape, wts) : new Float32Array(0);
        rowOf = new Int32Array(T).fill(-1);
        steps.forEach((t, k) => { rowOf[t] = k; });
      }
      // Step the neurons through time, channels-last (the layout of the currents and of the next batch).
      const map = channelsFirstIndex(info.shape);
      const spikes = new Float32Array(T * size);
      const counts = new Float64Array(size);
      const perStep = new Float64Array(T);
      const v = new Float64Array(size);
      const start = v0[slot];
      if (start) for (let j = 0; j < size; j++) v[j] = start[map[j]];
      const maxN = iafScan(current, rowOf, T, v, p, spikes, counts, perStep, recorder ? (t, j, n) => recorder.add(slot, map[j], t, n) : null);
      if (slot === plan.segments.length - 1 && outputIsLastSpiking(plan)) {
        // Σ_t I(t) per neuron, channels-first; steps without a row had no current.
        outCurrent = new Float64Array(size);
        for (let t = 0; t < T; t++) if (rowOf[t] >= 0) for (let j = 0; j < size; j++) outCurrent[map[j]] += current[rowOf[t] * size + j];
      }
      const res: SpikingLayerResult = { ...info, counts: new Float64Array(size), total: 0, perStep, maxPerNeuronStep: maxN };
      for (let j = 0; j < size; j++) res.counts[map[j]] = counts[j];
      const nextActive: number[] = [];
      for (let t = 0; t < T; t++) { res.total += perStep[t]; if (perStep[t] > 0) nextActive.push(t); }
      layers.push(res);
      if (nb) for (let t = 0; t < T; t++) nb.emitDense(info.index, spikes.subarray(t * size, (t + 1) * size), map);
      values = spikes;
      active = nextActive;
      shape = info.shape;
    }
    // The output: the tail ops applied to the last emitter's spikes, per step.
    const outShape = plan.outputShape;
    const outSize = numel(outShape);
    const perStep = new Float64Array(T * outSize);
    const inSize = numel(shape);
    if (active.length) {
      const batch = new Float32Array(active.length * inSize);
      active.forEach((t, k) => batch.set(values.subarray(t * inSize, (t + 1) * inSize), k * inSize));
      const out = await runBatch(plan, plan.tail, batch, active.length, shape, wts);
      const map = channelsFirstIndex(outShape);
      active.forEach((t, k) => { for (let j = 0; j < outSize; j++) perStep[t * outSize + map[j]] += out[k * outSize + j]; });
    }
    const result = finishResult('dense', plan, input, layers, perStep, outCurrent, recorder?.rec);
    if (nb) result.counts = nb.result();
    return result;
  } finally {
    for (const { w, b } of wts.values()) { w.dispose(); b?.dispose(); }
  }
}

/**
 * The integrate-and-fire neurons of one layer, starting from the potentials `v` (channels-last; updated in
 * place), through `T` steps: step `t` integrates row `rowOf[t]` of
 * `current` (none when −1), fires, resets and bounds every neuron as `stepNeuron` (`neuron.ts`) does,
 * written out inline: whether a neuron fires is `v/θ ≥ 1` for multi-spike (`trunc(v/θ) ≥ 1`; `v ≥ 1` for
 * θ = 1) and `v ≥ θ` for single-spike (`v − θ ≥ 0`); one that does not keeps `v`, or `relu(v − m) + m`
 * with a lower bound. Writes the spikes per step into `spikes`, adds them to `counts` and `perStep`;
 * returns the largest number of spikes of one neuron in one step.
 */
function iafScan(current: Float32Array, rowOf: Int32Array, T: number, v: Float64Array, p: NeuronParams, spikes: Float32Array,
  counts: Float64Array, perStep: Float64Array, record: ((t: number, j: number, n: number) => void) | null): number {
  const size = v.length;
  const th = p.threshold;
  const multi = p.spike === 'multi';
  const useDiv = multi && th !== 1;
  const subtract = p.reset === 'subtract';
  const hasMin = p.minVMem !== null;
  const m = p.minVMem ?? 0;
  let maxN = 0;
  for (let t = 0; t < T; t++) {
    const row = rowOf[t];
    const base = row * size;
    const sb = t * size;
    let sum = 0;
    for (let j = 0; j < size; j++) {
      let vm = v[j] + (row >= 0 ? current[base + j] : 0);
      if (useDiv ? vm > 0 && vm / th >= 1 : vm >= th) {
        const n = multi ? Math.trunc(vm / th) : 1;
        vm = subtract ? vm - n * th : 0;
        spikes[sb + j] = n;
        counts[j] += n;
        sum += n;
        if (n > maxN) maxN = n;
        if (record !== null) record(t, j, n);
      }
      if (hasMin) { const d = vm - m; vm = (d > 0 ? d : 0) + m; }
      v[j] = vm;
    }
    perStep[t] = sum;
  }
  return maxN;
}

/** Channels-first frames `[T, ...shape]` to channels-last. */
function channelsLast(frames: Float32Array, shape: Shape, T: number): Float32Array {
  if (shape.length !== 3) return frames;
  const n = numel(shape);
  const map = channelsFirstIndex(shape);
  const out = new Float32Array(frames.length);
  for (let t = 0; t < T; t++) for (let j = 0; j < n; j++) out[t * n + j] = frames[t * n + map[j]];
  return out;
}

function stepsWithInput(input: SpikeInput): number[] {
  const steps: number[] = [];
  for (let t = 0; t < input.steps; t++) if (input.stepStart[t + 1] > input.stepStart[t]) steps.push(t);
  return steps;
}

/** Runs `ops` on a channels-last batch of `b` samples of `shape`; returns the channels-last result. */
async function runBatch(plan: NetworkPlan, ops: number[], data: Float32Array, b: number, shape: Shape, wts: Map<number, { w: tf.Tensor; b?: tf.Tensor }>): Promise<Float32Array> {
  const x = tf.tensor(data, nhwc(b, shape));
  const y = applyOps(plan, ops, x, wts);
  const out = (await y.data()) as Float32Array;
  if (y !== x) y.dispose();
  x.dispose();
  return out;
}
