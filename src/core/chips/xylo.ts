/**
 * Does a model fit on a Xylo (SynSense) chip? The limits are data with their sources; where a limit is not
 * published in the sources below it says so instead of a number.
 *
 * Sources: Rockpool's Xylo mappers, whose design-rule checks are what a network must pass to be deployed —
 * `rockpool/devices/xylo/syns61300/xylo_mapper.py` (Xylo, SYNS61300: at most 16 input channels and 8 output
 * channels, hidden neuron ids 0–999, the network input goes through weights first, neurons take input only
 * from weights, outputs come from neurons, at least two neuron layers) and
 * `rockpool/devices/xylo/syns61201/xylo_mapper.py` (Xylo Audio 2, SYNS61201: `max_hidden_neurons = 1000` and
 * `max_output_neurons = 8` "matching Xylo hardware"; mapped weights `int8`, thresholds `int16`).
 * Xylo computes dense weight matrices (input, recurrent and output weights), not convolutions: a conv layer
 * runs unrolled, each of its output elements a hidden neuron. Xylo IMU and Xylo Audio 3 are not covered.
 */
import { numel, type LayerStats } from '../model/shapes';
import { isSpikingLayer, isWeightLayer, type ModelFile } from '../model/types';
import type { ChipCheck, ChipDiagnostic } from './chip';

export const XYLO = {
  id: 'xylo', name: 'Xylo',
  inputChannels: 16,
  hiddenNeurons: 1000,
  outputNeurons: 8,
  weightBits: 8,
  thresholdBits: 16,
  sources: 'Rockpool (github.com/synsense/rockpool): rockpool/devices/xylo/syns61300/xylo_mapper.py (design rules: ≤ 16 input channels, ≤ 8 output channels, 1,000 hidden neuron ids, ≥ 2 neuron layers) and rockpool/devices/xylo/syns61201/xylo_mapper.py (max_hidden_neurons 1000, max_output_neurons 8, int8 weights, int16 thresholds)',
} as const;

const count = (n: number): string => n.toLocaleString('en-US');

/** Checks `model` (with its `layerStats`) against Xylo's published limits. */
export function checkXylo(model: Pick<ModelFile, 'input' | 'layers' | 'spikingOutput'>, stats: LayerStats[]): ChipCheck {
  const diagnostics: ChipDiagnostic[] = [];
  const add = (layer: number, code: string, message: string): void => { diagnostics.push({ layer, code, message: `${XYLO.name}: ${message}` }); };
  const inputs = numel(model.input.shape);
  if (inputs > XYLO.inputChannels) add(-1, 'chip/input', `the input has ${count(inputs)} elements, each an input channel on Xylo, which takes at most ${XYLO.inputChannels}: use an input of ${XYLO.inputChannels} channels or fewer (a filter bank, not an image)`);
  // Spiking layers in order; the last is the output (the added spiking output when there is one).
  const spiking = model.layers.flatMap((l, i) => (isSpikingLayer(l) ? [{ index: i, name: l.name, size: numel(stats[i].outShape) }] : []));
  const last = model.layers.length - 1;
  const addedOutput = model.spikingOutput && last >= 0 && !isSpikingLayer(model.layers[last]);
  const output = addedOutput ? { index: last, name: model.layers[last].name, size: numel(stats[last].outShape) } : spiking[spiking.length - 1];
  const hidden = addedOutput ? spiking : spiking.slice(0, -1);
  if (!addedOutput && (last < 0 || !isSpikingLayer(model.layers[last]))) add(last, 'chip/output', 'the network output is not a spiking layer; Xylo\'s outputs come from its output neurons: read the class from spikes ("spikingOutput": true)');
  if (spiking.length + (addedOutput ? 1 : 0) < 2) add(last, 'chip/layers', 'Xylo needs at least two neuron layers (hidden and output): add a hidden spiking layer');
  const hiddenTotal = hidden.reduce((a, s) => a + s.size, 0);
  if (hiddenTotal > XYLO.hiddenNeurons) {
    const where = hidden.reduce((acc, s) => (acc.sum <= XYLO.hiddenNeurons ? { sum: acc.sum + s.size, at: s.index } : acc), { sum: 0, at: hidden[0]?.index ?? 0 }).at;
    add(where, 'chip/neurons', `${count(hiddenTotal)} hidden neurons in all (${hidden.map((s) => `${s.name} ${count(s.size)}`).join(', ')}); Xylo has ${count(XYLO.hiddenNeurons)}: use fewer channels or smaller feature maps`);
  }
  if (output && output.size > XYLO.outputNeurons) add(output.index, 'chip/outputs', `${count(output.size)} output neurons; Xylo has ${XYLO.outputNeurons}: use ${XYLO.outputNeurons} classes or fewer`);
  const convs = model.layers.filter((l) => l.type === 'conv2d').map((l) => l.name);
  return {
    id: XYLO.id, name: XYLO.name, fits: diagnostics.length === 0,
    uses: `${count(hiddenTotal)} of ${count(XYLO.hiddenNeurons)} hidden neurons, ${count(output?.size ?? 0)} of ${XYLO.outputNeurons} output neurons, ${count(inputs)} of ${XYLO.inputChannels} input channels`,
    layers: model.layers.flatMap((l, i) => (isWeightLayer(l) ? [{ layer: i, name: l.name }] : [])),
    diagnostics,
    notes: [
      ...(convs.length ? [`Xylo has no convolution: ${convs.join(', ')} run unrolled as dense weight matrices, each output element a hidden neuron (counted above)`] : []),
      `weights run as ${XYLO.weightBits}-bit integers and thresholds as ${XYLO.thresholdBits}-bit (Rockpool's mapper quantizes them)`,
      'Xylo\'s neurons are leaky integrate-and-fire with exponential synapses: an integrate-and-fire network needs the longest time constants; check it in XyloSim',
      'a pooling before a weight layer folds into that layer\'s weights (both are linear)',
    ],
    sources: XYLO.sources,
  };
}
