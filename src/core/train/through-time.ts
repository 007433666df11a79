/**
 * Training the converted network through time (hybrid conversion, Rathi et al. 2020): the trained ANN's
 * weights run as the spiking network does — non-leaky integrate-and-fire neurons, threshold 1, several
 * spikes per step, subtract reset, no lower bound — on `T` coarse time bins per sample (`time-bins.ts`), and
 * the loss of the spiking readout is backpropagated through the bins with a straight-through surrogate.
 *
 * Per spiking layer, per bin t (v starts at v0: 0, or ½ for the `round` quantizer):
 *   v ← v + I_t;   s_t = floor(max(v, 0))  (= ⌊v/θ⌋ spikes when v > 0, θ = 1);   v ← v − s_t
 * The spike function's gradient is the ReLU's, `∂s/∂v = [v > 0]` (QReLU's straight-through rule), and the
 * reset is detached, so `∂v_t/∂I_τ = 1` for every τ ≤ t (the non-leaky membrane sums its input).
 * The stateless ops (conv, linear, pooling, flatten) run on all bins of a batch at once, `[B·T, …]`
 * sample-major; dropout is off (the spiking network has none).
 *
 * Readout: `membrane` — the output layer's input current summed over the bins (for a linear output layer
 * this is W·Σ_t s_t, the ANN's logit of the summed spikes); `spikes` — the output layer's spike counts.
 * SynOps: `Σ_e (Σ_t s_t,e) · fanout_e` per connection, as the ANN proxy counts activations (`net.ts`).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Readout } from '../../protocol/report';
import { INPUT_INDEX } from '../synops/fanout';
import { fusedIafReady, iafLayer } from './iaf-layer';
import { crossEntropy, synopTermOfTensor, type LossOptions } from './loss';
import { statelessOp, synopsPerConnection, type TrainNet } from './net';

export interface TimeForwardOptions {
  /** Samples in the batch; the input holds `batch · bins` frames. */
  batch: number;
  bins: number;
  readout: Readout;
  /** Initial membrane of every spiking neuron (the quantizer's: 0 or ½). */
  v0: number;
}

export interface TimeForwardResult {
  /** `[B, classes]`: summed output current (`membrane`) or output spike counts (`spikes`). */
  logits: tf.Tensor2D;
  /** Per emitter, spikes summed over the bins in the layout `forward` uses (`[B, …]`); the input's summed events. Not those in `counted`. */
  emitted: Map<number, tf.Tensor>;
  /** SynOps per sample of the emitters whose spikes the fused kernel counted (`iaf-layer.ts`, on wasm). */
  counted: Map<number, tf.Scalar>;
}

/**
 * The IAF recurrence over the bins of `current` `[B·T, …]`; returns the spikes `[B·T, …]` (same shape).
 * One pass over the array each way instead of ~8 tensor ops per bin (and their gradients): the forward
 * loop runs the recurrence above per neuron; the backward is its straight-through gradient,
 * `∂L/∂I_τ = Σ_{t ≥ τ} ∂L/∂s_t · [v_t > 0]`, a reverse cumulative sum over the bins (v_t before its reset).
 * `test/unit/train-through-time.test.ts` holds it to the op-by-op unrolling on random shapes. On the wasm
 * backend the fused kernels of `iaf-layer.ts` run instead (with the SynOp count and the pooling after them);
 * this is their reference there and the path of the other backends.
 */
export function iafThroughTime(current: tf.Tensor, batch: number, bins: number, v0: number): tf.Tensor {
  const per = current.size / (batch * bins);
  const op = tf.customGrad(((x: tf.Tensor) => {
    const input = x.dataSync() as Float32Array;
    const spikes = new Float32Array(input.length);
    const mask = new Uint8Array(input.length);
    const v = new Float32Array(per);
    for (let b = 0; b < batch; b++) {
      v.fill(v0);
      for (let t = 0; t < bins; t++) {
        const o = (b * bins + t) * per;
        for (let k = 0; k < per; k++) {
          const u = v[k] + input[o + k];
          const s = u >= 1 ? Math.floor(u) : 0;
          mask[o + k] = u > 0 ? 1 : 0;
          spikes[o + k] = s;
          v[k] = u - s;
        }
      }
    }
    return {
      value: tf.tensor(spikes, x.shape),
      gradFunc: (dy: tf.Tensor) => {
        const g = dy.dataSync() as Float32Array;
        const out = new Float32Array(g.length);
        const acc = new Float32Array(per);
        for (let b = 0; b < batch; b++) {
          acc.fill(0);
          for (let t = bins - 1; t >= 0; t--) {
            const o = (b * bins + t) * per;
            for (let k = 0; k < per; k++) {
              if (mask[o + k]) acc[k] += g[o + k];
              out[o + k] = acc[k];
            }
          }
        }
        return tf.tensor(out, dy.shape);
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;
  return op(current);
}

/** Sum over the bins: `[B·T, …]` → `[B, …]`. */
function sumBins(x: tf.Tensor, batch: number, bins: number): tf.Tensor {
  const rest = x.shape.slice(1);
  return tf.sum(tf.reshape(x, [batch, bins, ...rest]), 1);
}

/** Forward pass of `x` `[B·T, H, W, C]` (sample-major: frame `b·T + t`) through time. */
export function forwardThroughTime(net: TrainNet, x: tf.Tensor4D, o: TimeForwardOptions): TimeForwardResult {
  const emitted = new Map<number, tf.Tensor>();
  const counted = new Map<number, tf.Scalar>();
  const fuse = fusedIafReady();
  emitted.set(INPUT_INDEX, sumBins(x, o.batch, o.bins));
  let h: tf.Tensor = x;
  let logits: tf.Tensor | undefined;
  // The fused kernel pools the spikes when an average pooling follows (kernel = stride): that layer is consumed.
  let consumed = -1;
  net.model.layers.forEach((l, i) => {
    if (logits || i === consumed) return;
    if (l.type !== 'relu' && l.type !== 'qrelu') { h = statelessOp(net, l, h); return; } // dropout: off
    if (i === net.outputSpiking && o.readout === 'membrane') { logits = sumBins(h, o.batch, o.bins); return; }
    const conn = fuse && i !== net.outputSpiking ? net.connections.findIndex((c) => c.emitter === i) : -1;
    if (conn >= 0) {
      const next = net.model.layers[i + 1];
      const pool = next?.type === 'avgpool' && (next.stride ?? next.kernel) === next.kernel && h.rank === 4 ? next.kernel : 0;
      const r = iafLayer(h, o.batch, o.bins, o.v0, net.fanout[conn], pool);
      h = r.spikes;
      counted.set(i, r.s);
      if (pool) consumed = i + 1;
      return;
    }
    h = iaf(h, o, fuse);
    if (i === net.outputSpiking) logits = sumBins(h, o.batch, o.bins);
    else emitted.set(i, sumBins(h, o.batch, o.bins));
  });
  if (!logits) {
    const out = h.rank === 2 ? h : tf.reshape(h, [h.shape[0], -1]);
    // The spiking output layer `spikingOutput: true` adds, or (no spiking output) the summed analog output.
    logits = net.model.spikingOutput && o.readout === 'spikes' ? sumBins(iaf(out, o, fuse), o.batch, o.bins) : sumBins(out, o.batch, o.bins);
  }
  return { logits: logits as tf.Tensor2D, emitted, counted };
}

/** The spikes of `current` without a SynOp count: the fused kernel where it runs, else `iafThroughTime`. */
function iaf(current: tf.Tensor, o: TimeForwardOptions, fuse: boolean): tf.Tensor {
  return fuse ? iafLayer(current, o.batch, o.bins, o.v0).spikes : iafThroughTime(current, o.batch, o.bins, o.v0);
}

/** Loss parts of one batch through time: CE on the readout plus the run's SynOp term (as `lossParts`). */
export function timeLossParts(net: TrainNet, x: tf.Tensor4D, labels: tf.Tensor1D, fwd: TimeForwardOptions, opts: LossOptions) {
  const { logits, emitted, counted } = forwardThroughTime(net, x, fwd);
  const ce = crossEntropy(logits, labels);
  const perConnection = synopsPerConnection(net, emitted, counted);
  const { synops, synopTerm } = synopTermOfTensor(net, perConnection, opts);
  const total = tf.add(ce, synopTerm) as tf.Scalar;
  // A tie for the largest readout (an all-silent output included) counts wrong, as in the spiking evaluation.
  const max = tf.max(logits, 1, true);
  const unique = tf.equal(tf.sum(tf.cast(tf.equal(logits, max), 'float32'), 1), 1);
  const hit = tf.logicalAnd(unique, tf.equal(tf.argMax(logits, 1), tf.cast(labels, 'int32')));
  const correct = tf.sum(tf.cast(hit, 'float32')) as tf.Scalar;
  return { total, ce, synopTerm, perConnection, synops, correct };
}
