import { isSpikingLayer, type ModelFile, type Shape } from '../model/types';
import { applyOps, Arena, ConvOp, copySparse, IdentityOp, LinearOp, PoolOp, sparseOf, toChannelsFirst, type EventOp, type Layout, type Signal, type Sparse } from './event-ops';
import type { SpikeInput } from './input';
import { modelNeuron, neuronParams, type NeuronParams } from './neuron';
import { outputIsLastSpiking, type NetworkPlan } from './network';
import { finishResult, throwIfCancelled, type SimResult } from './result';
import { layerResults, outputPerStep } from './event-finish';
import { isWasmSimdAvailable } from './wasm-kernel';
import { defaultSimThreads, kernelPool } from './wasm-threads';
import type { ModelWeights } from './weights';
import { CHUNK_COUNTS, LIST_RECORDS } from './event-iaf-params';
import { reserveBooking } from './event-booking';
import { FusingIafLayer } from './event-iaf-fused';
import { Train, layerRecord, mergeRecords, type LayerRecord } from './event-train';
import { initialMembranes } from './membrane';
import { NbCounter } from './nb-counters';
import { clearTouched, runFusedSegment } from './event-fused';
import { INPUT_INDEX } from '../synops/fanout';
import { numel } from '../model/shapes';
import { ScatterStream, streamable } from './event-stream';
import { runStreamedPair } from './event-pairs';
import { cachedPlan } from './plan-cache';
import { StreamChoice } from './stream-choice';
import { STEP_MASK } from './wasm-stream';

/** Options of a simulation run (both engines). */
export interface SimOptions {
  neuron?: Partial<NeuronParams>;
  /** Record up to this many (layer, neuron, step) entries for rasters; 0 or absent: no record. */
  recordCap?: number;
  /** Checked every step; an aborted run throws the signal's reason. */
  signal?: AbortSignal;
  /**
   * Initial membrane potential `v0` by spiking layer name (`SpikingLayerInfo.name`, `spike_output` for the
   * added output layer), in threshold units: one number for every neuron of the layer, or one value per
   * channel (`shape[0]` values; per feature of a flat layer). Finite and below the threshold; absent: 0.
   * See `membrane.ts`.
   */
  initialMembrane?: Record<string, number | ArrayLike<number>>;
  /**
   * Threads for the event-driven engine's large convolution steps: the calling thread and `threads − 1`
   * helpers (`wasm-threads.ts`), same results whatever the count. Default: `defaultSimThreads()` (2 on a
   * machine with two cores or more). The dense engine ignores it.
   */
  threads?: number;
  /**
   * Keep the counters of NeuroBench's metrics (`SimResult.counts`, `nb-counters.ts`): a pass over each layer's
   * spikes after it ran. Measured on the Sinabs fixtures, one thread, CPU time on a loaded machine: +0.5 to
   * +1.4 ms on the MNIST-DVS chunk (≈ 5 ms), +2 to +6 ms on the CIFAR image (≈ 70 ms); so only runs that
   * report them (evaluations, `synops simulate`) ask for it, and `npm run bench` times the engines without.
   */
  counts?: boolean;
}

/** The per-plan part of the event-driven engine: ops, weight layouts, buffers; reused across samples. */
interface Program {
  arena: Arena;
  /**
   * `fuseAt`: the index in `ops` of a gathering conv whose output the spiking layer integrates in the same
   * kernel pass (`event-fused.ts`; the ops after it are identities), or −1.
   */
  segments: { ops: EventOp[]; iaf: FusingIafLayer; fuseAt: number; stream: ScatterStream | null; streamAt: number }[];
  tail: EventOp[];
  /** Layout of the network output (after the tail). */
  outLayout: Layout;
  trains: [Train, Train, Train];
  /** Whether its streamable segments run streamed (`stream-choice.ts`). */
  choice: StreamChoice;
  /** The first layer's input current for a constant (analog) input, computed once per sample, when sparse. */
  cache: Sparse;
}

/**
 * Keeps the first layer's current of step 0 for the steps after it: a copy when it is sparse entries (the
 * op's own arrays, or the input's); a weight layer's output stays where it is, and the spiking layer's
 * steps leave it there (`IafLayer.step`'s `keep`) until the last step, which clears it.
 */
function keepCurrent(prog: Program, sig: Signal): Signal {
  return sig.kind === 'sparse' ? copySparse(sig, prog.cache) : sig;
}


const programs = new WeakMap<NetworkPlan, Program>();

let wasmAllowed = true;

/**
 * Whether the event-driven engine runs the multiply-adds of its weight layers in WebAssembly SIMD here
 * (else in plain typed-array loops; both give the same bits).
 */
export function eventEngineUsesWasm(): boolean {
  return wasmAllowed && isWasmSimdAvailable();
}

let fusionAllowed = true;

/**
 * Allows or forbids integrating a gathering conv's rows in its own kernel pass (`event-fused.ts`); for
 * tests and benchmarks, which compare the two (the same results).
 */
export function setFusedIntegration(allowed: boolean): void {
  fusionAllowed = allowed;
}

let streamAllowed: boolean | 'auto' = 'auto';

/**
 * Streams a scattering conv's segment to a helper thread (`event-stream.ts`; event input, helper threads)
 * always (true), never (false), or where its runs have been faster (`'auto'`, the default: `stream-choice.ts`);
 * for tests and benchmarks, which compare the forms (the same results).
 */
export function setStreamedScatter(allowed: boolean | 'auto'): void {
  streamAllowed = allowed;
}

/** Allows or forbids the WebAssembly kernel (for tests and for hosts that disallow WebAssembly). */
export function setEventEngineWasm(allowed: boolean): void {
  wasmAllowed = allowed;
}

function buildOp(plan: NetworkPlan, i: number, inLayout: Layout, arena: Arena): EventOp {
  const layer = plan.model.layers[i];
  const st = plan.stats[i];
  switch (layer.type) {
    // A conv fed by the input scatters in input order (an analog input's sums keep that order); one that
    // follows a spiking layer may gather (see `ConvOp`).
    case 'conv2d': return new ConvOp(layer, st, plan.weights[layer.name], inLayout, arena, plan.model.layers.slice(0, i).some(isSpikingLayer));
    case 'linear': return new LinearOp(layer, st, plan.weights[layer.name], inLayout, arena);
    case 'avgpool':
    case 'sumpool': return new PoolOp(layer, st, inLayout);
    case 'flatten':
    case 'dropout': return new IdentityOp(inLayout, st);
    default: throw new Error(`layer ${i} "${layer.name}" (${layer.type}) is not a stateless op`);
  }
}

function programOf(plan: NetworkPlan): Program {
  const useWasm = eventEngineUsesWasm();
  const known = programs.get(plan);
  if (known && known.arena.usesWasm === useWasm) return known;
  const arena = new Arena();
  let layout: Layout = { shape: [...plan.model.input.shape], perm: null };
  const maxSize = Math.max(1, ...plan.segments.map((s) => s.spiking.size));
  const candAt = arena.reserveI32(4 * maxSize);
  const countsAt = arena.reserveI32(CHUNK_COUNTS);
  const booking = reserveBooking(arena, maxSize);
  const segments = plan.segments.map((s) => {
    const ops = s.ops.map((i) => { const op = buildOp(plan, i, layout, arena); layout = op.out; return op; });
    // Event input: a scattering conv's ring of output slots, for the steps streamed to a helper thread.
    const streamAt = useWasm && plan.model.input.kind === 'events' ? streamable(ops) : -1;
    const st = streamAt >= 0 ? plan.stats[s.ops[streamAt]] : null;
    const stream = st ? new ScatterStream(ops[streamAt] as ConvOp, numel(st.inShape), st.outShape[0], st.outShape[1] * st.outShape[2], arena) : null;
    const iaf = new FusingIafLayer(s.spiking, layout, arena, candAt, countsAt, booking);
    layout = iaf.out;
    return { ops, iaf, fuseAt: -1, stream, streamAt };
  });
  const tail = plan.tail.map((i) => { const op = buildOp(plan, i, layout, arena); layout = op.out; return op; });
  arena.finish(LIST_RECORDS, useWasm);
  for (const op of [...segments.flatMap((s) => s.ops), ...tail]) if (op instanceof ConvOp || op instanceof LinearOp) op.prepare();
  for (const s of segments) {
    s.iaf.bind();
    const st = s.stream;
    if (st && arena.kernel && s.iaf.streams(st.conv.out.shape[0])) st.bind();
    else s.stream = null;
    s.ops.forEach((op, j) => { const next = s.ops[j + 1]; if (op instanceof PoolOp && next instanceof ConvOp && next.scattersInWasm) op.feeds = next; });
    let k = s.ops.length - 1;
    while (k >= 0 && s.ops[k] instanceof IdentityOp) k--;
    const op = s.ops[k];
    if (op instanceof ConvOp && s.iaf.fusesWith(op)) s.fuseAt = k;
  }
  const first = plan.segments[0]?.spiking.size ?? 1;
  const program: Program = { arena, segments, tail, outLayout: layout, trains: [new Train(4 * maxSize), new Train(4 * maxSize), new Train(4 * maxSize)], choice: new StreamChoice(), cache: sparseOf(first) };
  programs.set(plan, program);
  return program;
}

/**
 * Event-driven simulation of one sample. The network is feed-forward and a spiking layer's state depends
 * only on its own input sequence, so it runs layer by layer: each segment (the stateless ops up to a
 * spiking layer, then that layer) goes through all time steps before the next one starts, reading the
 * spikes its predecessor emitted in each step — the same per-step semantics (each layer sees the
 * previous layer's spikes of the same step) with one layer's weights and buffers in cache at a time.
 * Per step, only the input's non-zero entries go through the ops (conv/linear as scatter or gather,
 * pooling as scatter into pooled units) and only neurons that receive a current (or were left above
 * threshold) are updated. The cost grows with the SynOps, not with the network size. State starts at zero,
 * or at `opts.initialMembrane` (`membrane.ts`; below threshold, so a neuron without input still never fires).
 * The multiply-adds and the integration run in WebAssembly SIMD where available (`wasm-kernel.ts`), else
 * in plain loops with the same results; weight layouts, tables and buffers are built once per plan. Large
 * gather and integration steps are shared with helper threads (`opts.threads`, `wasm-threads.ts`), each
 * row computed by one thread in the same order: the same results for any number of threads.
 *
 * Precision: weights are the float32 values, membrane potentials float64. A conv that gathers (one after
 * a spiking layer with at least 32 channels, `ConvOp`) sums each neuron's input current of a step in
 * float32, as Sinabs' and tfjs' float32 convolutions do (in a fixed order of its own: tap by tap in
 * (ky, kx) order, input by input within a tap; float32 runs four lanes per SIMD instruction where float64
 * runs two), then adds it to the float64 potential. Every other weight layer sums in float64: with event
 * counts as input every term is exact there, and so is the sum unless the weights' magnitudes span more
 * than 53 bits can hold. A float32 sum of N terms is within about N·2⁻²⁴ of the exact sum, relative to
 * the terms' magnitudes, so a spike count can differ from an exact run only where a potential lands that
 * close to a threshold; Sinabs' own float32 and float64 runs of its reference networks give the same
 * counts, and so does this engine (`npm run verify:sinabs`). For an analog image the input current is the
 * float32 value of `x / steps` (see `imageInput`); the first layer sums its products in float64, in input
 * order, tap by tap.
 */
export function simulateEvents(model: Pick<ModelFile, 'input' | 'layers' | 'spikingOutput'> & Partial<Pick<ModelFile, 'conversion'>>, weights: ModelWeights, input: SpikeInput, opts: SimOptions = {}): SimResult {
  // The model file's spike and reset rules (`conversion.spike` / `.reset`) unless the caller gives its own.
  return runEventPlan(cachedPlan(model, weights), input, { ...opts, neuron: { ...modelNeuron(model), ...opts.neuron } });
}

/**
 * `simulateEvents` on an already planned network. Reuse a plan across samples: weight layouts, tap
 * tables and buffers are built once per plan (the plan's weights must not change in place afterwards).
 */
export function runEventPlan(plan: NetworkPlan, input: SpikeInput, opts: SimOptions = {}): SimResult {
  const p = neuronParams(opts.neuron);
  const v0 = initialMembranes(plan, opts.initialMembrane, p);
  const threads = opts.threads ?? defaultSimThreads();
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new Error(`threads must be a whole number from 1 to 64, got ${threads}`);
  const prog = programOf(plan);
  prog.arena.pool = prog.arena.kernel && isShared(prog.arena.kernel.memory) ? kernelPool(threads) : null;
  const T = input.steps;
  const cap = opts.recordCap ?? 0;
  const records: (LayerRecord | null)[] = prog.segments.map(() => (cap > 0 ? layerRecord(cap) : null));
  const inView: Sparse = { kind: 'sparse', idx: input.index, val: input.value, lo: 0, hi: 0 };
  let start = input.stepStart;
  const perSteps: Float64Array[] = [];
  // The output layer's input current summed over the steps (internal indices), when it is the output.
  const last = prog.segments.length - 1;
  const current = outputIsLastSpiking(plan) ? new Float64Array(prog.segments[last].iaf.size) : null;
  const nb = opts.counts ? new NbCounter(plan, T) : null;
  nb?.emitSteps(INPUT_INDEX, input.index, input.value, input.stepStart, T, null);

  const pool = prog.arena.pool;
  const n = prog.segments.length;
  const t0 = performance.now();
  // A stream counts its steps in 20 bits (`wasm-stream.ts`): more than a million steps run unstreamed.
  const canStream = pool !== null && T <= STEP_MASK && prog.segments.some((g) => g.stream !== null);
  const streaming = canStream && (streamAllowed === 'auto' ? prog.choice.next() : streamAllowed);
  // Whether segment s can be streamed to a helper (`event-stream.ts`), and whether this thread can run it
  // step by step beside one (`event-pairs.ts`): not an analog input's first layer, whose current is kept.
  const plainable = (s: number) => s < n && !(s === 0 && input.constant);
  const streams = (s: number) => streaming && plainable(s) && prog.segments[s].stream !== null && !(current !== null && s === last);
  const begin = (s: number) => {
    const train = prog.trains[s % 3];
    train.reset(T);
    prog.segments[s].iaf.resetState(v0[s], p.minVMem);
    return { train, rec: records[s], perStep: new Float64Array(T), current: s === last ? current : null };
  };
  const finish = (s: number, train: Train, perStep: Float64Array) => {
    const { iaf } = prog.segments[s];
    perSteps.push(perStep);
    nb?.emitSteps(iaf.info.index, train.idx, train.val, train.start, T, iaf.perm);
    inView.idx = train.idx; inView.val = train.val;
    start = train.start;
  };
  for (let s = 0; s < n;) {
    // A streamed segment with the one before it (this thread runs that one meanwhile), else with the one after it, else alone.
    const pair = streams(s + 1) && plainable(s) ? 'before' : streams(s) ? (plainable(s + 1) && !streams(s + 1) ? 'after' : 'alone') : null;
    if (pair !== null) {
      const group = pair === 'alone' ? [s] : [s, s + 1];
      const runs = group.map(begin);
      const k = pair === 'before' ? 1 : 0;
      const st = prog.segments[group[k]];
      const part = { seg: { ops: st.ops, at: st.streamAt, stream: st.stream!, iaf: st.iaf }, ...runs[k] };
      const other = group[1 - k];
      const plain = other === undefined ? null : { ops: prog.segments[other].ops, iaf: prog.segments[other].iaf, ...runs[1 - k] };
      // This thread pools, books and runs the neighbour; no other kernel call takes the helpers meanwhile.
      prog.arena.pool = null;
      try {
        runStreamedPair(part, plain, pair === 'before' ? 'before' : 'after', pool!, { idx: inView.idx, val: inView.val, start }, T, p, cap, opts.signal);
      } finally {
        prog.arena.pool = pool;
      }
      group.forEach((g, i) => finish(g, runs[i].train, runs[i].perStep));
      s += group.length;
      continue;
    }
    const { ops, iaf, fuseAt } = prog.segments[s];
    const { train, rec, perStep } = begin(s);
    const constant = s === 0 && input.constant;
    // With helper threads, the conv's sums integrated in its kernel pass and the steps pipelined (so the
    // calling thread builds a step's groups while the helpers start on the previous step), unless the conv's
    // output is also needed as it is: kept for the next steps (an analog input's first layer) or summed as
    // the output current. On one thread the two passes are as fast (measured alternating, `bench:sim-ab`).
    const fuse = fusionAllowed && pool !== null && fuseAt >= 0 && !constant && !(current !== null && s === last) ? ops[fuseAt] as ConvOp : null;
    let kept: Signal | null = null;
    if (fuse !== null) runFusedSegment({ ops, fuseAt, conv: fuse, iaf }, inView, start, T, p, train, rec, cap, perStep, opts.signal);
    else try {
      for (let t = 0; t < T; t++) {
        throwIfCancelled(opts.signal);
        let sig: Signal;
        if (kept !== null) {
          sig = kept;
        } else {
          inView.lo = start[t]; inView.hi = start[t + 1];
          sig = applyOps(ops, inView);
          // The same analog current every step: keep the first layer's input current.
          if (constant) sig = kept = keepCurrent(prog, sig);
        }
        if (current !== null && s === last) iaf.addCurrent(sig, current);
        const keep = kept !== null && kept.kind === 'touched' && t < T - 1;
        perStep[t] = iaf.step(sig, p, train, rec, cap, t, keep);
        if (!keep && kept?.kind === 'touched') kept = null; // the last step cleared it
      }
    } finally {
      // A run stopped early (cancelled, or a helper thread failed) leaves the kept output to clear.
      if (kept !== null && kept.kind === 'touched') clearTouched(kept);
    }
    finish(s, train, perStep);
    s++;
  }

  // The output: the tail ops applied to the last emitter's spikes, per step; the layers' results.
  const outSize = numelOf(plan.outputShape);
  const outPerStep = outputPerStep(prog.tail, prog.outLayout.perm, outSize, { idx: inView.idx, val: inView.val, start }, T,
    prog.cache.idx.length >= outSize ? prog.cache : sparseOf(outSize));
  const { layers, known } = layerResults(plan, prog.segments.map((g) => g.iaf), perSteps);
  const outCurrent = current === null ? null : toChannelsFirst(current, prog.segments[last].iaf.info.shape, prog.segments[last].iaf.perm);
  if (canStream && streamAllowed === 'auto') prog.choice.record(streaming, performance.now() - t0);
  const result = finishResult('event', plan, input, layers, outPerStep, outCurrent,
    cap > 0 ? mergeRecords(records as LayerRecord[], prog.segments.map((s) => s.iaf.perm), T, cap) : undefined, known);
  if (nb) result.counts = nb.result();
  return result;
}

function isShared(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

function numelOf(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}
