/**
 * The fine-tuning epochs through time of a run (`through-time.ts`): after the ANN's epochs, `epochs` more on
 * a seeded subset of at most `maxSamples` training samples, each on `bins` coarse time bins, Adam at the
 * fine-tuning learning rate, the run's own objective (CE on the spiking readout + the SynOp term). The loss
 * is checked for NaN/Inf before any weight changes, as in `loop.ts`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelFile } from '../model/types';
import type { Adam } from './adam';
import type { SampleSet } from './samples';
import { accumulate, batchDone, epochMetrics, epochOrder, optimizeStep, optimizeStepParallel, type EpochContext, type EpochSums } from './loop';
import { seededSubset } from './convert';
import { synopsPerConnection, type TrainNet } from './net';
import { initialMembraneOf } from './qrelu';
import { binnedSamples, type BinnedSet } from './time-bins';
import { forwardThroughTime, timeLossParts } from './through-time';
import { synopTermOfTensor, type LossOptions } from './loss';
import { TrainError, type ConversionConfig, type EpochMetrics, type TrainConfig } from './types';

export type FinetuneConfig = Exclude<ConversionConfig['finetune'], false>;

/** The training samples fine-tuning uses: all, or a seeded subset of `maxSamples`, binned in time. */
export async function finetuneData(model: ModelFile, train: SampleSet, ft: FinetuneConfig, seed: number, signal?: AbortSignal): Promise<BinnedSet> {
  return binnedSamples(model, train, seededSubset(train.n, ft.maxSamples, seed, 'finetune/subset'), ft.bins, signal);
}

/**
 * One epoch through time (`epoch` counts on from the ANN's epochs, 1-based overall); with `held`
 * (`heldSynops`) its SynOp term aims there instead of at the run's S0, and the epoch records it.
 */
export async function finetuneEpoch(net: TrainNet, adam: Adam, data: BinnedSet, cfg: TrainConfig, ft: FinetuneConfig, epoch: number, ctx: EpochContext, held?: number): Promise<EpochMetrics> {
  const start = performance.now();
  const loss: LossOptions = held === undefined ? ctx.loss : { ...ctx.loss, objective: { kind: 'target', target: held } };
  const order = epochOrder(data.n, cfg.seed, epoch);
  const bs = ft.batchSize;
  const batches = Math.ceil(data.n / bs);
  const [c, h, w] = data.shape;
  const T = data.bins;
  const frame = c * h * w;
  const nConn = net.connections.length;
  adam.lr = ft.learningRate;
  const sums: EpochSums = { loss: 0, ce: 0, term: 0, s: 0, correct: 0, seen: 0 };
  const perConn = new Float64Array(nConn);
  const varList = [...net.vars.values()];
  const v0 = initialMembraneOf(net.quantizer);
  for (let b = 0; b < batches; b++) {
    if (ctx.signal?.aborted) throw new TrainError('cancelled', `cancelled in epoch ${epoch} (through time), batch ${b + 1} of ${batches}`);
    const idx = order.slice(b * bs, (b + 1) * bs);
    const xb = new Float32Array(idx.length * T * frame);
    idx.forEach((i, k) => xb.set(data.x.subarray(i * T * frame, (i + 1) * T * frame), k * T * frame));
    const labels = Int32Array.from(idx, (i) => data.y[i]);
    const time = { bins: T, readout: ctx.readout ?? 'spikes', v0 } as const;
    const where = `epoch ${epoch} (through time), batch ${b + 1}`;
    const v = ctx.parallel && idx.length > 1
      ? await optimizeStepParallel(net, adam, ctx.parallel, { x: xb, frame: [h, w, c], labels, framesPerSample: T }, { training: true }, loss, where, time)
      : await optimizeStep(net, adam, varList, () => timeLossParts(net, tf.tensor4d(xb, [idx.length * T, h, w, c]), tf.tensor1d(labels, 'int32'), { ...time, batch: idx.length }, loss), where);
    accumulate(sums, perConn, v, idx.length);
    await batchDone(ctx, sums, { epoch, batch: b + 1, batches, v, start });
  }
  return { ...epochMetrics(net, adam, sums, perConn, epoch, start, cfg.countInputSynops), throughTime: { bins: T, samples: data.n, ...(held !== undefined && { target: held }) } };
}

/**
 * The S0 of fine-tuning through time with `synops: "hold"` or `"ann"` and a SynOp target: `recorded` (what a
 * resumed run's first epoch through time aimed at) or what the network spends now on the fine-tuning data:
 * through time (`hold`), or as the quantized ANN on each sample's summed bins (`ann`: one bin of a non-leaky
 * neuron from rest is the ANN's quantizer, QReLU from 0 or QCFS from ½). Undefined otherwise: the run's own
 * objective applies.
 */
export async function heldSynops(net: TrainNet, data: BinnedSet, ft: FinetuneConfig, loss: LossOptions, recorded: number | undefined, signal?: AbortSignal): Promise<number | undefined> {
  if ((ft.synops !== 'hold' && ft.synops !== 'ann') || loss.objective.kind !== 'target') return undefined;
  return recorded ?? synopsThroughTime(net, ft.synops === 'ann' ? collapsed(data) : data, ft, loss.countInput ?? false, signal);
}

/** The first `HOLD_SAMPLES` of `data` with each sample's bins summed into one: the ANN's input frames. */
export function collapsed(data: BinnedSet): BinnedSet {
  const n = Math.min(data.n, HOLD_SAMPLES);
  const [c, h, w] = data.shape;
  const frame = c * h * w;
  const T = data.bins;
  const x = new Float32Array(n * frame);
  for (let i = 0; i < n; i++) {
    const out = x.subarray(i * frame, (i + 1) * frame);
    for (let t = 0; t < T; t++) {
      const bin = data.x.subarray((i * T + t) * frame, (i * T + t + 1) * frame);
      for (let k = 0; k < frame; k++) out[k] += bin[k];
    }
  }
  return { ...data, n, bins: 1, x, y: data.y.subarray(0, n) };
}

/** Samples `synopsThroughTime` measures at most (the first of the seeded fine-tuning subset). */
export const HOLD_SAMPLES = 512;

/**
 * The SynOps per sample the network spends through time on (the first `HOLD_SAMPLES` of) the fine-tuning
 * data, as the SynOp term counts them (the input's only when `countInput`): the target of `synops: "hold"`.
 * Forward only, in batches of the fine-tuning's size.
 */
export async function synopsThroughTime(net: TrainNet, data: BinnedSet, ft: FinetuneConfig, countInput: boolean, signal?: AbortSignal): Promise<number> {
  const n = Math.min(data.n, HOLD_SAMPLES);
  const [c, h, w] = data.shape;
  const T = data.bins;
  const frame = c * h * w;
  const v0 = initialMembraneOf(net.quantizer);
  let sum = 0;
  for (let first = 0; first < n; first += ft.batchSize) {
    if (signal?.aborted) throw new TrainError('cancelled', 'cancelled while measuring the SynOps through time that fine-tuning holds');
    const b = Math.min(ft.batchSize, n - first);
    const s = tf.tidy(() => {
      const x = tf.tensor4d(data.x.subarray(first * T * frame, (first + b) * T * frame), [b * T, h, w, c]);
      const { emitted, counted } = forwardThroughTime(net, x, { batch: b, bins: T, readout: 'membrane', v0 });
      return synopTermOfTensor(net, synopsPerConnection(net, emitted, counted), { objective: { kind: 'none' }, countInput }).synops;
    });
    sum += (await s.data())[0] * b;
    s.dispose();
    await new Promise((r) => setImmediate(r));
  }
  return sum / n;
}
