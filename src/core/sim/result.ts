import { synopsOf, INPUT_INDEX } from '../synops/fanout';
import type { NetworkPlan, SpikingLayerInfo } from './network';
import { inputTotals, type SpikeInput } from './input';
import type { SimCounts } from './nb-counters';

/** Spike counts of one spiking layer over one sample. */
export interface SpikingLayerResult extends SpikingLayerInfo {
  /** Spikes per neuron over the sample, channels-first row-major, `size` values. */
  counts: Float64Array;
  /** Total spikes of the layer. */
  total: number;
  /** Spikes of the layer in each time step, `steps` values. */
  perStep: Float64Array;
  /** Largest number of spikes one neuron emitted in one step. */
  maxPerNeuronStep: number;
}

/** SynOps of one emitter → receiving weight layer connection, per sample (`Σ_e spikes_e · fanout_e`). */
export interface SynopsEntry {
  emitter: number;
  emitterName: string;
  receiver: number;
  receiverName: string;
  synops: number;
}

/** A sparse record of spikes for rasters: entry k says layer `layer[k]`'s neuron `neuron[k]` fired `count[k]` times in `step[k]`. */
export interface SpikeRecord {
  /** Index in `SimResult.layers`. */
  layer: Int32Array;
  neuron: Int32Array;
  step: Int32Array;
  count: Int32Array;
  n: number;
  cap: number;
  /** Set when more spikes happened than `cap` entries could hold; the record then stops at the cap. */
  truncated: boolean;
  message?: string;
}

export interface SimResult {
  engine: 'event' | 'dense';
  steps: number;
  layers: SpikingLayerResult[];
  /** One entry per connection, in network order; the input's SynOps depend on the data only. */
  synops: SynopsEntry[];
  totalSynops: number;
  /** Sum of the input values (events, or analog current) in total and per step. */
  input: { total: number; perStep: Float64Array };
  output: {
    /** Network output summed over the sample (spike counts of the output layer, or pooled spikes). */
    values: Float64Array;
    /** Output per step, `[steps, outputs]` row-major. */
    perStep: Float64Array;
    /** Index of the largest output (the lowest index among ties). */
    predicted: number;
    /** All indices sharing the largest output; more than one means the class is ambiguous. */
    ties: number[];
    /**
     * The input current into the output layer summed over the sample, same order and length as `values`
     * (for a membrane-potential readout). When the output is a spiking layer (the added `spike_output`, or
     * a last relu/qrelu with nothing after it), `current_j = Σ_t I_j(t)` with `I_j(t) = Σ_i W_ji·s_i(t) + b_j`
     * the weighted input spikes of step t plus bias, as integrated by neuron j (not its spikes; the initial
     * membrane is not part of it). When the output is stateless ops after the last spiking layer, it equals
     * `values` (the summed analog output).
     */
    current: Float64Array;
  };
  record?: SpikeRecord;
  /** Counters for NeuroBench's metrics (`nb-counters.ts`, `energy/neurobench.ts`); both engines set them. */
  counts?: SimCounts;
}

/** Collects spikes up to a cap. */
export class Recorder {
  readonly rec: SpikeRecord;
  constructor(cap: number) {
    this.rec = { layer: new Int32Array(cap), neuron: new Int32Array(cap), step: new Int32Array(cap), count: new Int32Array(cap), n: 0, cap, truncated: false };
  }
  add(layer: number, neuron: number, step: number, count: number): void {
    const r = this.rec;
    if (r.n >= r.cap) {
      if (!r.truncated) {
        r.truncated = true;
        r.message = `spike record stopped at its cap of ${r.cap} entries (step ${step}); counts and SynOps are complete, only the raster is cut; raise the cap to record more`;
      }
      return;
    }
    r.layer[r.n] = layer; r.neuron[r.n] = neuron; r.step[r.n] = step; r.count[r.n] = count; r.n++;
  }
}

/** Argmax with ties: the largest value's indices, ascending. */
export function argmaxTies(values: ArrayLike<number>): { predicted: number; ties: number[] } {
  let best = -Infinity;
  for (let i = 0; i < values.length; i++) best = Math.max(best, values[i]);
  const ties: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] === best) ties.push(i);
  return { predicted: ties[0] ?? -1, ties };
}

/**
 * SynOps of every connection of the plan from spike counts: the input's per-element totals for the input,
 * a spiking layer's counts for that layer (`synops/fanout.ts`, the same numbers as the static report).
 * For analog input the input entry is `Σ_e x_e · fanout_e` with the signed current, as Sinabs reports it.
 */
export function synopsFromCounts(plan: NetworkPlan, inputTotals: Float64Array, layers: SpikingLayerResult[], known?: ReadonlyMap<number, number>): SynopsEntry[] {
  return plan.connections.map((conn) => {
    const given = known?.get(conn.emitter);
    if (given !== undefined) return { emitter: conn.emitter, emitterName: conn.emitterName, receiver: conn.receiver, receiverName: conn.receiverName, synops: given };
    const counts = conn.emitter === INPUT_INDEX ? inputTotals : layers.find((l) => l.index === conn.emitter)?.counts;
    if (!counts) throw new Error(`no spike counts for emitter ${conn.emitterName}`);
    return { emitter: conn.emitter, emitterName: conn.emitterName, receiver: conn.receiver, receiverName: conn.receiverName, synops: synopsOf(conn, counts) };
  });
}

/** Throws what a cancelled run ends with (the signal's reason, or "simulation cancelled"); for the engines' step loops. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new Error('simulation cancelled');
}

/**
 * The `SimResult` of a finished run, whichever engine ran it: input totals per step, SynOps of every
 * connection from the spike counts, the output summed over the steps and its class. `current` is the
 * output layer's summed input current (channels-first), or null when the output is not a spiking layer
 * (then `output.current` is a copy of `output.values`). `known`: SynOps the engine has summed already, by
 * emitter (`synopsOf`'s sum, the same bits).
 */
export function finishResult(engine: SimResult['engine'], plan: NetworkPlan, input: SpikeInput, layers: SpikingLayerResult[],
  outPerStep: Float64Array, current: Float64Array | null, record?: SpikeRecord, known?: ReadonlyMap<number, number>): SimResult {
  const T = input.steps;
  const outSize = T > 0 ? outPerStep.length / T : 0;
  const outValues = new Float64Array(outSize);
  for (let t = 0; t < T; t++) for (let j = 0; j < outSize; j++) outValues[j] += outPerStep[t * outSize + j];
  const inputPerStep = new Float64Array(T);
  for (let t = 0; t < T; t++) for (let k = input.stepStart[t]; k < input.stepStart[t + 1]; k++) inputPerStep[t] += input.value[k];
  const totals = inputTotals(input);
  // A loop, not `reduce` (a callback per element: about 0.1 ms for the MNIST-DVS input's 4,096), in the same order.
  let inputTotal = 0;
  for (let e = 0; e < totals.length; e++) inputTotal += totals[e];
  const synops = synopsFromCounts(plan, totals, layers, known);
  return {
    engine, steps: T, layers, synops,
    totalSynops: synops.reduce((a, s) => a + s.synops, 0),
    input: { total: inputTotal, perStep: inputPerStep },
    output: { values: outValues, perStep: outPerStep, ...argmaxTies(outValues), current: current !== null && T > 0 ? current : outValues.slice() },
    record,
  };
}
