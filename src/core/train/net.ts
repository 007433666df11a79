/**
 * The trainable network of a model file, in tfjs, channels-last: conv2d kernels `[kH, kW, C_in, C_out]`,
 * linear kernels `[in, out]` (TF.js layouts, so the weights save as a TF.js layers model), no biases.
 * The forward pass is written with tfjs-core ops rather than tfjs-layers so that dropout masks and
 * initialisation are seeded (the same seed gives the same run, which resuming from a checkpoint relies on).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng, subSeed } from '../data/rng';
import { layerStats, type LayerStats } from '../model/shapes';
import { isSpikingLayer, isWeightLayer, kernelSize, type LayerSpec, type ModelFile } from '../model/types';
import { connections, INPUT_INDEX, type Connection } from '../synops/fanout';
import { chwToTensorOrder, type TensorLayout } from './layout';
import { quantize, type Quantizer } from './qrelu';
import { fusedSpikesReady, spikeLayer } from './spike-layer';
import { fusedDropout, fusedDropoutReady } from './dropout';

export interface TrainNet {
  model: ModelFile;
  stats: LayerStats[];
  /** Kernels by layer name, TF.js layout. */
  vars: Map<string, tf.Variable>;
  /** How each layer's output is ordered in its tensor; index -1 (`layouts.get(-1)`) is the input. */
  layouts: Map<number, TensorLayout>;
  /** Emitter → receiver connections with exact fan-out (`synops/fanout.ts`). */
  connections: Connection[];
  /** Per connection: the fan-out map in tensor order, `[1, N]` (N elements per sample), a constant. */
  fanout: tf.Tensor2D[];
  /** Index of a spiking layer with no weight layer after it (the CIFAR net's output ReLU), or -1. */
  outputSpiking: number;
  /** Quantizer of QReLU activations (`training.quantizer` of the model file): `floor(x)` or `floor(x + ½)` of max(x, 0). */
  quantizer: Quantizer;
}

/** Activation used by the forward pass: the model's own, or every spiking layer as QReLU / ReLU. */
export type ActivationMode = 'model' | 'qrelu' | 'relu';

export interface ForwardOptions {
  training: boolean;
  /** Seed of this step's dropout masks (training only). */
  dropoutSeed?: number;
  activation?: ActivationMode;
  /** Skip the output spiking layer (the paper trains the All-ConvNet without its output ReLU). */
  skipOutputActivation?: boolean;
  /**
   * Apply the activation of the spiking output layer that `spikingOutput: true` adds after the last weight
   * layer (ReLU, or QReLU in `qrelu` mode): `training.outputActivation: "spiking"`.
   */
  addedOutputActivation?: boolean;
  /** Extra dropout on the input (CIFAR: 0.2), training only. */
  inputDropout?: number;
  /** This batch is rows `offset …` of a batch of `total` split across threads (`shard.ts`). */
  shard?: Shard;
}

export interface Shard { offset: number; total: number }

export interface ForwardResult {
  logits: tf.Tensor2D;
  /** Output of every emitter (input: -1, spiking layers by index), in tensor layout `[B, …]`, except those in `counted` that a fused pooling consumed. */
  emitted: Map<number, tf.Tensor>;
  /** SynOps per sample of the emitters whose activity a training step counted in its fused kernel (`spike-layer.ts`). */
  counted: Map<number, tf.Scalar>;
}

/** He/Kaiming-uniform init: U(−b, b), `b = √(6 / fan_in)`, fan_in = C_in·kH·kW (conv) or in (linear). */
export function kaimingUniform(shape: number[], fanIn: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const b = Math.sqrt(6 / fanIn);
  const n = shape.reduce((a, c) => a * c, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (2 * rng.next() - 1) * b;
  return out;
}

/** TF.js shape of a weight layer's kernel. */
export function kernelShape(model: ModelFile, stats: LayerStats[], i: number): number[] {
  const l = model.layers[i];
  const inShape = stats[i].inShape;
  if (l.type === 'conv2d') return [...kernelSize(l), inShape[0], l.outChannels];
  if (l.type === 'linear') return [inShape[0], l.outFeatures];
  throw new Error(`layer ${i} has no kernel`);
}

/** Builds the network with Kaiming-uniform kernels seeded by `seed` (each layer from `subSeed(seed, name)`). */
export function buildNet(model: ModelFile, seed: number): TrainNet {
  const stats = layerStats(model);
  const vars = new Map<string, tf.Variable>();
  const layouts = new Map<number, TensorLayout>();
  let layout: TensorLayout = { kind: 'image', chw: model.input.shape };
  layouts.set(INPUT_INDEX, layout);
  model.layers.forEach((l, i) => {
    if ('bias' in l && l.bias) throw new Error(`layer "${l.name}" has a bias; training supports bias-free layers only (as the paper's networks)`);
    if (isWeightLayer(l)) {
      const shape = kernelShape(model, stats, i);
      const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
      // Unnamed: tfjs refuses two live variables of one name, and a warm-started chain holds two nets at once.
      vars.set(l.name, tf.variable(tf.tensor(kaimingUniform(shape, fanIn, subSeed(seed, `init/${l.name}`)), shape), true));
    }
    if (l.type === 'linear') layout = { kind: 'flat', features: l.outFeatures };
    else if (l.type === 'flatten') layout = layout.kind === 'image' ? { kind: 'flat', features: stats[i].outShape[0], from: layout.chw } : layout;
    else if (layout.kind === 'image') layout = { kind: 'image', chw: stats[i].outShape };
    layouts.set(i, layout);
  });
  const conns = connections(model, stats);
  const fanout = conns.map((c) => tf.tensor2d(chwToTensorOrder(c.fanout, layouts.get(c.emitter)!), [1, c.fanout.length]));
  const receivers = new Set(conns.map((c) => c.emitter));
  const spiking = model.layers.flatMap((l, i) => (isSpikingLayer(l) ? [i] : []));
  const last = spiking[spiking.length - 1];
  const outputSpiking = last !== undefined && !receivers.has(last) ? last : -1;
  return { model, stats, vars, layouts, connections: conns, fanout, outputSpiking, quantizer: model.training?.quantizer ?? 'floor' };
}

export function disposeNet(net: TrainNet): void {
  for (const v of net.vars.values()) v.dispose();
  for (const f of net.fanout) f.dispose();
}

/** Copies `from`'s weights into `into` (the same model), each layer ×`factor(name)` where that is not 1. */
export function assignWeights(into: TrainNet, from: TrainNet, factor: (name: string) => number = () => 1): void {
  for (const [name, v] of into.vars) {
    const src = from.vars.get(name);
    if (!src) throw new Error(`no weights for layer ${name} to copy`);
    const f = factor(name);
    if (f === 1) v.assign(src);
    else tf.tidy(() => v.assign(tf.mul(src, f)));
  }
}

/**
 * Seeded dropout. A shard of a data-parallel step draws the whole batch's mask and keeps its own rows, so a
 * step's masks do not depend on how many threads share the batch. On wasm one kernel (`dropout.ts`) draws only
 * the shard's rows, with another generator.
 */
function dropout(x: tf.Tensor, rate: number, seed: number, shard?: Shard): tf.Tensor {
  if (rate <= 0) return x;
  if (x.dtype === 'float32' && fusedDropoutReady()) return fusedDropout(x, rate, seed, (shard?.offset ?? 0) * (x.size / x.shape[0]));
  const u = shard
    ? tf.slice(tf.randomUniform([shard.total, ...x.shape.slice(1)], 0, 1, 'float32', seed), shard.offset, x.shape[0])
    : tf.randomUniform(x.shape, 0, 1, 'float32', seed);
  const keep = tf.greaterEqual(u, rate);
  return tf.mul(x, tf.mul(tf.cast(keep, 'float32'), 1 / (1 - rate)));
}

/** A conv2d, linear, pooling or flatten layer applied to `h` (NHWC or `[B, F]`); anything else passes `h` through. */
export function statelessOp(net: TrainNet, l: LayerSpec, h: tf.Tensor): tf.Tensor {
  switch (l.type) {
    case 'conv2d': {
      const p = l.padding ?? 0;
      return tf.conv2d(h as tf.Tensor4D, net.vars.get(l.name) as tf.Variable<tf.Rank.R4>, l.stride ?? 1, p === 0 ? 'valid' : p);
    }
    case 'linear': return tf.matMul(h as tf.Tensor2D, net.vars.get(l.name) as tf.Variable<tf.Rank.R2>);
    case 'avgpool':
    case 'sumpool': {
      const y = tf.avgPool(h as tf.Tensor4D, l.kernel, l.stride ?? l.kernel, 'valid');
      return l.type === 'sumpool' ? tf.mul(y, l.kernel * l.kernel) : y;
    }
    case 'flatten': return tf.reshape(h, [h.shape[0], -1]);
    default: return h;
  }
}

/**
 * Forward pass of a batch `x` `[B, H, W, C]` (the model input in NHWC). Returns the logits `[B, classes]`
 * (the last layer's output, flattened) and what each emitter emitted, for the SynOp count.
 */
export function forward(net: TrainNet, x: tf.Tensor4D, opts: ForwardOptions): ForwardResult {
  const emitted = new Map<number, tf.Tensor>();
  const counted = new Map<number, tf.Scalar>();
  const mode = opts.activation ?? 'model';
  // A training step on wasm fuses each spiking layer with its SynOp count and the pooling after it.
  const fuse = opts.training && fusedSpikesReady();
  let consumed = -1;
  let h: tf.Tensor = x;
  if (opts.training && opts.inputDropout) h = dropout(h, opts.inputDropout, subSeed(opts.dropoutSeed ?? 0, 'input'), opts.shard);
  emitted.set(INPUT_INDEX, h);
  net.model.layers.forEach((l, i) => {
    if (i === consumed) return;
    switch (l.type) {
      case 'relu':
      case 'qrelu': {
        if (i === net.outputSpiking && opts.skipOutputActivation) break;
        const q = mode === 'qrelu' || (mode === 'model' && l.type === 'qrelu');
        const conn = fuse ? net.connections.findIndex((c) => c.emitter === i) : -1;
        if (conn >= 0) {
          const next = net.model.layers[i + 1];
          const pool = next?.type === 'avgpool' && (next.stride ?? next.kernel) === next.kernel && h.rank === 4 ? next.kernel : 0;
          const r = spikeLayer(h, net.fanout[conn], pool, q ? net.quantizer : 'relu');
          counted.set(i, r.s);
          h = r.out;
          if (pool) consumed = i + 1;
          else emitted.set(i, h);
          break;
        }
        h = q ? quantize(h, net.quantizer) : tf.relu(h);
        emitted.set(i, h);
        break;
      }
      case 'dropout':
        if (opts.training) h = dropout(h, l.rate, subSeed(opts.dropoutSeed ?? 0, l.name), opts.shard);
        break;
      default: h = statelessOp(net, l, h);
    }
  });
  if (opts.addedOutputActivation && net.model.spikingOutput) h = mode === 'qrelu' ? quantize(h, net.quantizer) : tf.relu(h);
  const logits = (h.rank === 2 ? h : tf.reshape(h, [h.shape[0], -1])) as tf.Tensor2D;
  return { logits, emitted, counted };
}

/**
 * SynOps per sample of every connection, batch-averaged: `s_l = (1/B) Σ_b Σ_e a_{b,e} · fanout_e`
 * (eq. 1 with the exact fan-out), as a `[connections]` tensor in `net.connections` order. The input entry is
 * the data's own SynOps; spiking layers skipped by `skipOutputActivation` have no connection anyway. Emitters
 * in `counted` (`forward`'s fused training path) take that figure, the same sum.
 */
export function synopsPerConnection(net: TrainNet, emitted: Map<number, tf.Tensor>, counted?: Map<number, tf.Scalar>): tf.Tensor1D {
  const per = net.connections.map((c, k) => {
    const done = counted?.get(c.emitter);
    if (done) return done;
    const a = emitted.get(c.emitter);
    if (!a) throw new Error(`no activity for emitter ${c.emitterName}`);
    // Σ_b Σ_e a·fanout / B as a broadcast product and one sum: a [B, N] × [N, 1] matMul and its outer-product
    // gradient were 16 % of a wasm training step.
    const flat = tf.reshape(a, [a.shape[0], -1]) as tf.Tensor2D;
    return tf.div(tf.sum(tf.mul(flat, net.fanout[k])), a.shape[0]);
  });
  return tf.stack(per) as tf.Tensor1D;
}
