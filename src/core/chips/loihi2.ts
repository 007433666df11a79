/**
 * Does a model fit on a Loihi 2 (Intel) chip? Only chip-level capacities are published as numbers; the
 * limits Intel does not publish are marked so (null), not guessed.
 *
 * Source: Intel Labs, "Taking Neuromorphic Computing to the Next Level with Loihi 2", technology brief (2021):
 * 128 neuromorphic cores and 6 embedded microprocessor cores per chip, up to 1 million neurons and up to
 * 120 million synapses per chip, graded spikes (an integer payload per spike). The project's energy notes
 * (../shared/ENERGY.md) record that Loihi 2 has no published energy per synaptic operation.
 * Not published as fixed numbers: neurons and synapses per core (each core's memory is partitioned by the
 * compiler), the weight precision a mapping uses, kernel, stride and channel limits of convolutions.
 */
import { numel, type LayerStats } from '../model/shapes';
import { isSpikingLayer, isWeightLayer, type ModelFile } from '../model/types';
import type { ChipCheck, ChipDiagnostic } from './chip';

export const LOIHI2 = {
  id: 'loihi2', name: 'Loihi 2',
  cores: 128,
  neurons: 1_000_000,
  synapses: 120_000_000,
  gradedSpikes: true,
  /** Not published as fixed numbers in the source. */
  neuronsPerCore: null,
  synapsesPerCore: null,
  weightBits: null,
  sources: 'Intel Labs, "Taking Neuromorphic Computing to the Next Level with Loihi 2", technology brief (2021): 128 neuromorphic cores, up to 1 million neurons and 120 million synapses per chip, graded spikes',
} as const;

const count = (n: number): string => n.toLocaleString('en-US');

/** Checks `model` (with its `layerStats`) against Loihi 2's published per-chip capacities. */
export function checkLoihi2(model: Pick<ModelFile, 'input' | 'layers' | 'spikingOutput'>, stats: LayerStats[]): ChipCheck {
  const diagnostics: ChipDiagnostic[] = [];
  const add = (layer: number, code: string, message: string): void => { diagnostics.push({ layer, code, message: `${LOIHI2.name}: ${message}` }); };
  const last = model.layers.length - 1;
  let neurons = 0;
  model.layers.forEach((l, i) => { if (isSpikingLayer(l)) neurons += numel(stats[i].outShape); });
  if (model.spikingOutput && last >= 0 && !isSpikingLayer(model.layers[last])) neurons += numel(stats[last].outShape);
  if (neurons > LOIHI2.neurons) add(last, 'chip/neurons', `${count(neurons)} neurons; a Loihi 2 chip holds up to ${count(LOIHI2.neurons)}: use fewer channels or smaller feature maps, or several chips`);
  // Synapses: every connection of every weight layer (what a mapping without weight sharing stores), and the
  // distinct weights (what no mapping can go below).
  let connections = 0;
  let weights = 0;
  model.layers.forEach((l, i) => { if (isWeightLayer(l)) { connections += stats[i].macs; weights += stats[i].params; } });
  if (weights > LOIHI2.synapses) add(last, 'chip/synapses', `${count(weights)} weights; a Loihi 2 chip holds up to ${count(LOIHI2.synapses)} synapses: use fewer channels, or several chips`);
  const notes = [
    `${count(connections)} connections in all; as separate synapses ${connections > LOIHI2.synapses ? 'more than' : 'within'} the ${count(LOIHI2.synapses)} a chip holds${connections > LOIHI2.synapses ? ' — it fits only where the mapping shares convolution weights' : ''}`,
    'graded spikes carry an integer payload: several spikes of one neuron in one step can travel as one',
    'neurons and synapses per core, weight precision and convolution limits are not published as fixed numbers; the compiler (Lava) decides them',
  ];
  return {
    id: LOIHI2.id, name: LOIHI2.name, fits: diagnostics.length === 0,
    uses: `${count(neurons)} of ${count(LOIHI2.neurons)} neurons, ${count(weights)} weights (${count(connections)} connections) of ${count(LOIHI2.synapses)} synapses`,
    layers: model.layers.flatMap((l, i) => (isWeightLayer(l) ? [{ layer: i, name: l.name }] : [])),
    diagnostics, notes, sources: LOIHI2.sources,
  };
}
