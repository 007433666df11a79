import type { ModelFile } from '../model/types';
import { IDENTITY_OP, ConvScatter, LinearScatter, PoolScatter, type EventOp } from './event-ops';
import { inputTotals, type SpikeInput } from './input';
import { firesWithoutInput, neuronParams, stepNeuron, type NeuronParams } from './neuron';
import { planNetwork, type NetworkPlan } from './network';
import { argmaxTies, Recorder, synopsFromCounts, type SimResult, type SpikingLayerResult } from './result';
import { sparse, toSparse, type Signal, type Sparse } from './sparse';
import type { ModelWeights } from './weights';

// Local bindings: a call through an imported binding can cost a getter per call in CommonJS output.
const stepNeuronLocal = stepNeuron;
const firesWithoutInputLocal = firesWithoutInput;

/** Options of a simulation run (both engines). */
export interface SimOptions {
  neuron?: Partial<NeuronParams>;
  /** Record up to this many (layer, neuron, step) entries for rasters; 0 or absent: no record. */
  recordCap?: number;
  /** Checked every step; an aborted run throws the signal's reason. */
  signal?: AbortSignal;
}

/** Builds the event op of model layer `i`. */
export function eventOp(plan: NetworkPlan, i: number): EventOp {
  const layer = plan.model.layers[i];
  const st = plan.stats[i];
  switch (layer.type) {
    case 'conv2d': return new ConvScatter(layer, st, plan.weights[layer.name]);
    case 'linear': return new LinearScatter(layer, st, plan.weights[layer.name]);
    case 'avgpool':
    case 'sumpool': return new PoolScatter(layer, st);
    case 'flatten':
    case 'dropout': return IDENTITY_OP;
    default: throw new Error(`layer ${i} "${layer.name}" (${layer.type}) is not a stateless op`);
  }
}

/** The integrate-and-fire state of one spiking layer in the event-driven engine. */
class IafState {
  readonly v: Float64Array;
  readonly stamp: Int32Array;
  readonly out: Sparse;
  pending: Int32Array;
  nPending = 0;
  next: Int32Array;
  nNext = 0;
  readonly result: SpikingLayerResult;

  constructor(info: NetworkPlan['segments'][number]['spiking'], steps: number, private readonly p: NeuronParams,
    private readonly slot: number, private readonly recorder?: Recorder) {
    this.v = new Float64Array(info.size);
    this.stamp = new Int32Array(info.size);
    this.out = sparse(info.size);
    this.pending = new Int32Array(info.size);
    this.next = new Int32Array(info.size);
    this.result = { ...info, counts: new Float64Array(info.size), total: 0, perStep: new Float64Array(steps), maxPerNeuronStep: 0 };
  }

  /** Integrates this step's input currents (only the neurons that receive any) and emits the spikes. */
  step(sig: Signal, t: number): Sparse {
    const stampNow = t + 1;
    this.out.n = 0;
    this.nNext = 0;
    if (sig.kind === 'sparse') {
      for (let k = 0; k < sig.n; k++) this.update(sig.idx[k], sig.val[k], t, stampNow);
    } else {
      const { buf, C, P, pos, mark } = sig;
      for (let k = 0; k < sig.n; k++) {
        const q = pos[k];
        const base = q * C;
        for (let o = 0; o < C; o++) {
          this.update(o * P + q, buf[base + o], t, stampNow);
          buf[base + o] = 0;
        }
        mark[q] = 0;
      }
      sig.n = 0;
    }
    // Neurons left above threshold by a single-spike step fire again without input (Sinabs adds 0).
    for (let k = 0; k < this.nPending; k++) {
      const i = this.pending[k];
      if (this.stamp[i] !== stampNow) this.update(i, 0, t, stampNow);
    }
    const swap = this.pending; this.pending = this.next; this.next = swap;
    this.nPending = this.nNext;
    return this.out;
  }

  private update(i: number, input: number, t: number, stampNow: number): void {
    this.stamp[i] = stampNow;
    const n = stepNeuronLocal(this.v, i, input, this.p);
    if (n > 0) {
      const r = this.result;
      this.out.idx[this.out.n] = i; this.out.val[this.out.n] = n; this.out.n++;
      r.counts[i] += n; r.total += n; r.perStep[t] += n;
      if (n > r.maxPerNeuronStep) r.maxPerNeuronStep = n;
      this.recorder?.add(this.slot, i, t, n);
    }
    if (firesWithoutInputLocal(this.v, i, this.p)) this.next[this.nNext++] = i;
  }
}

/**
 * Event-driven simulation of one sample: per time step, the input's non-zero entries are scattered
 * through each segment's ops (conv/linear as scatter, pooling as scatter into pooled units), and only
 * neurons that receive a current (or were left above threshold) are updated. The cost grows with the
 * SynOps, not with the network size. State starts at zero. Within a step each spiking layer sees the
 * spikes its predecessor emitted in the same step.
 *
 * Precision: currents and membrane potentials are float64, weights are the float32 values. With event
 * counts as input, every current is a sum of float32 weights times small integers (or quarters after an
 * average pooling), which float64 holds without rounding, so the result does not depend on summation order
 * and equals an exact-arithmetic run — hence Sinabs' float32 and float64 runs, whose counts agree. For an
 * analog image the input current is the float32 value of `x / steps` (see `imageInput`).
 */
export function simulateEvents(model: Pick<ModelFile, 'input' | 'layers' | 'spikingOutput'>, weights: ModelWeights, input: SpikeInput, opts: SimOptions = {}): SimResult {
  const plan = planNetwork(model, weights);
  return runEventPlan(plan, input, opts);
}

/** `simulateEvents` on an already planned network (reuse a plan across samples). */
export function runEventPlan(plan: NetworkPlan, input: SpikeInput, opts: SimOptions = {}): SimResult {
  const p = neuronParams(opts.neuron);
  const steps = input.steps;
  const recorder = opts.recordCap ? new Recorder(opts.recordCap) : undefined;
  const segOps = plan.segments.map((s) => s.ops.map((i) => eventOp(plan, i)));
  const iafs = plan.segments.map((s, slot) => new IafState(s.spiking, steps, p, slot, recorder));
  const tailOps = plan.tail.map((i) => eventOp(plan, i));
  const outSize = plan.outputShape.reduce((a, b) => a * b, 1);
  const outValues = new Float64Array(outSize);
  const outPerStep = new Float64Array(outSize * steps);
  const inputPerStep = new Float64Array(steps);
  const outScratch = sparse(outSize);
  let cached: Sparse | undefined;

  for (let t = 0; t < steps; t++) {
    if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('simulation cancelled');
    const a = input.stepStart[t];
    const b = input.stepStart[t + 1];
    const inSig: Sparse = { kind: 'sparse', idx: input.index.subarray(a, b), val: input.value.subarray(a, b), n: b - a };
    for (let k = 0; k < inSig.n; k++) inputPerStep[t] += inSig.val[k];
    let sig: Signal = inSig;
    for (let s = 0; s < iafs.length; s++) {
      if (s === 0 && input.constant && cached) sig = cached;
      else {
        for (const op of segOps[s]) sig = op.apply(sig);
        if (s === 0 && input.constant) {
          // The same analog current every step: keep the first layer's input current.
          const size = plan.segments[0].spiking.size;
          cached = toSparse(sig, { kind: 'sparse', idx: new Int32Array(size), val: new Float64Array(size), n: 0 });
          sig = cached;
        }
      }
      sig = iafs[s].step(sig, t);
    }
    for (const op of tailOps) sig = op.apply(sig);
    const out = toSparse(sig, outScratch);
    for (let k = 0; k < out.n; k++) {
      outValues[out.idx[k]] += out.val[k];
      outPerStep[t * outSize + out.idx[k]] += out.val[k];
    }
  }
  const layers = iafs.map((s) => s.result);
  const totals = inputTotals(input);
  const synops = synopsFromCounts(plan, totals, layers);
  return {
    engine: 'event',
    steps,
    layers,
    synops,
    totalSynops: synops.reduce((a, s) => a + s.synops, 0),
    input: { total: totals.reduce((a, b) => a + b, 0), perStep: inputPerStep },
    output: { values: outValues, perStep: outPerStep, ...argmaxTies(outValues) },
    record: recorder?.rec,
  };
}
