import { isSpikingLayer, isWeightLayer, type ModelFile, type Shape } from '../model/types';
import { layerStats, numel, type LayerStats } from '../model/shapes';
import { connections, type Connection } from '../synops/fanout';
import { checkWeights, type ModelWeights } from './weights';

/** A spiking layer of the simulated network: a relu/qrelu of the model, or the added spiking output. */
export interface SpikingLayerInfo {
  /** Index in `model.layers`; the added output layer has index `model.layers.length`. */
  index: number;
  name: string;
  /** Neuron shape, channels-first `[C, H, W]` or `[F]`. */
  shape: Shape;
  size: number;
  /** True for the spiking output added by `spikingOutput: true` (Sinabs' `add_spiking_output`). */
  added: boolean;
}

/**
 * A model cut at its spiking layers: each segment is the stateless ops (conv2d, linear, pooling, flatten,
 * dropout; as `model.layers` indices) from the previous emitter (input or spiking layer) to a spiking
 * layer; `tail` holds the ops after the last spiking layer, whose result is the network output.
 */
export interface NetworkPlan {
  model: Pick<ModelFile, 'input' | 'layers' | 'spikingOutput'>;
  stats: LayerStats[];
  weights: ModelWeights;
  segments: { ops: number[]; spiking: SpikingLayerInfo }[];
  tail: number[];
  /** Shape of the network output (`[classes]` for a classifier). */
  outputShape: Shape;
  /** Emitter → receiving weight layer connections with exact fan-out (`synops/fanout.ts`). */
  connections: Connection[];
}

/** Name Sinabs gives the spiking layer `add_spiking_output` appends; used for the added output layer. */
export const ADDED_OUTPUT_NAME = 'spike_output';

/** Cuts `model` into segments and checks `weights` against it; throws on a shape or weight mismatch. */
export function planNetwork(model: Pick<ModelFile, 'input' | 'layers' | 'spikingOutput'>, weights: ModelWeights): NetworkPlan {
  const stats = layerStats(model);
  checkWeights(model, stats, weights);
  const segments: NetworkPlan['segments'] = [];
  let ops: number[] = [];
  model.layers.forEach((layer, i) => {
    if (isSpikingLayer(layer)) {
      const shape = stats[i].outShape;
      segments.push({ ops, spiking: { index: i, name: layer.name, shape, size: numel(shape), added: false } });
      ops = [];
    } else ops.push(i);
  });
  const last = model.layers.length - 1;
  const outputShape = last >= 0 ? stats[last].outShape : [...model.input.shape];
  if (model.spikingOutput && last >= 0 && !isSpikingLayer(model.layers[last])) {
    segments.push({ ops, spiking: { index: model.layers.length, name: ADDED_OUTPUT_NAME, shape: outputShape, size: numel(outputShape), added: true } });
    ops = [];
  }
  if (ops.some((i) => isWeightLayer(model.layers[i])) && !model.spikingOutput) {
    // Allowed: the output is then the summed analog output of the last weight layer.
  }
  return { model, stats, weights, segments, tail: ops, outputShape, connections: connections(model, stats) };
}

/**
 * Whether the network output is the last spiking layer itself (the added `spike_output`, or a model ending
 * in relu/qrelu with no op after it): then `SimResult.output.current` is that layer's summed input current.
 */
export function outputIsLastSpiking(plan: NetworkPlan): boolean {
  return plan.segments.length > 0 && plan.tail.length === 0;
}
