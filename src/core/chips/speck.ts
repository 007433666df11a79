/**
 * Does a model fit on a Speck / DYNAP-CNN chip? Pure: the chip's limits are data (`SPECK`, with their
 * sources), the check maps the model's layers onto the chip's cores the way Sinabs' DYNAP-CNN backend does
 * and returns one diagnostic per broken limit, on the layer that breaks it, saying what to change.
 *
 * How a model maps: each weight layer (conv2d, or linear — a convolution whose kernel covers its flattened
 * input) with the spiking layer and pooling after it is one chip layer on one core; a pooling is a sum
 * pooling on the way to the next core (an average pooling becomes one, with the next layer's weights ÷ k²,
 * as Sinabs converts it). Per-core memory (Sinabs' DYNAP-CNN documentation, "memory constraints"):
 *   kernel memory = C_in · 2^(⌈log₂(kH·kW)⌉ + ⌈log₂ C_out⌉),  neuron memory = C_out · 2^(⌈log₂ H_out⌉ + ⌈log₂ W_out⌉)
 * and each layer needs a core whose memories hold both (cores differ; a matching assigns them).
 */
import { windowOut, type LayerStats } from '../model/shapes';
import { kernelSize, type ModelFile } from '../model/types';

export interface ChipLimits {
  id: string;
  name: string;
  cores: number;
  /** Kernel (weight) memory of each core, in weights. */
  kernelMemory: number[];
  /** Neuron (state) memory of each core, in neurons. */
  neuronMemory: number[];
  maxInputSide: number;
  maxFeatureSide: number;
  maxChannels: number;
  maxKernel: number;
  strides: number[];
  maxPadding: number;
  pooling: number[];
  maxDestinations: number;
  weightBits: number;
  stateBits: number;
  sources: string;
}

const Ki = 1024;

/** Speck (and DYNAP-CNN, the same cores). */
export const SPECK: ChipLimits = {
  id: 'speck', name: 'Speck / DYNAP-CNN', cores: 9,
  kernelMemory: [16, 16, 16, 32, 32, 64, 64, 16, 16].map((k) => k * Ki),
  neuronMemory: [64, 64, 64, 32, 32, 16, 16, 16, 16].map((k) => k * Ki),
  maxInputSide: 128, maxFeatureSide: 64, maxChannels: 1024, maxKernel: 16, strides: [1, 2, 4, 8], maxPadding: 7,
  pooling: [1, 2, 4], maxDestinations: 2, weightBits: 8, stateBits: 16,
  sources: 'SynSense Speck / DYNAP-CNN documentation via Sinabs (sinabs.backend.dynapcnn: chip constraints, per-core memories in DynapcnnConfigBuilder.get_constraints, the memory formula of the "memory constraints" page and utils.validate_memory_mapping_speck)',
};

export interface ChipDiagnostic {
  /** The model layer it concerns, or -1 for the input. */
  layer: number;
  code: string;
  message: string;
}

export interface ChipLayer { layer: number; name: string; kernelMemory: number; neuronMemory: number; core?: number }

export interface ChipFit {
  chip: ChipLimits;
  fits: boolean;
  layers: ChipLayer[];
  diagnostics: ChipDiagnostic[];
  /** What the check assumes or cannot see from the model file alone. */
  notes: string[];
}

const log2up = (n: number): number => Math.ceil(Math.log2(Math.max(1, n)));
const count = (n: number): string => n.toLocaleString('en-US');
const ki = (n: number): string => (n % Ki === 0 ? `${n / Ki}Ki` : count(n));

/** Checks `model` (with its `layerStats`) against `chip`. */
export function checkChipFit(model: Pick<ModelFile, 'input' | 'layers' | 'spikingOutput'>, stats: LayerStats[], chip: ChipLimits = SPECK): ChipFit {
  const diagnostics: ChipDiagnostic[] = [];
  const add = (layer: number, code: string, message: string): void => { diagnostics.push({ layer, code, message: `${chip.name}: ${message}` }); };
  const [, ih, iw] = model.input.shape;
  if (ih > chip.maxInputSide || iw > chip.maxInputSide) add(-1, 'chip/input', `the input is ${ih}×${iw}, the chip takes at most ${chip.maxInputSide}×${chip.maxInputSide}; downsample the sensor (a smaller "input.shape")`);
  const layers: ChipLayer[] = [];
  let pool = 1; // pooling on the way into the current chip layer
  model.layers.forEach((l, i) => {
    const s = stats[i];
    if (l.type === 'avgpool' || l.type === 'sumpool') {
      const k = l.kernel;
      const stride = l.stride ?? k;
      if (stride !== k) add(i, 'chip/pooling', `pooling ${k}×${k} with stride ${stride}; the chip pools with stride = kernel: use stride ${k}`);
      pool *= k;
      if (!chip.pooling.includes(pool)) add(i, 'chip/pooling', `pooling by ${pool} in all between two layers; the chip pools by ${chip.pooling.join(', ')}: use a kernel that makes ${chip.pooling.filter((p) => p > 1).join(' or ')}`);
      return;
    }
    if (l.type !== 'conv2d' && l.type !== 'linear') return;
    pool = 1;
    const inShape = l.type === 'linear' ? flatSource(model, stats, i) : s.inShape;
    const cin = inShape[0];
    const cout = s.outShape[0];
    let kh: number; let kw: number; let oh: number; let ow: number;
    if (l.type === 'conv2d') {
      [kh, kw] = kernelSize(l);
      const stride = l.stride ?? 1;
      const pad = l.padding ?? 0;
      if (kh !== kw) add(i, 'chip/kernel', `kernel ${kh}×${kw} is not square; the chip's kernels are k×k`);
      if (!chip.strides.includes(stride)) add(i, 'chip/stride', `stride ${stride}; the chip strides by ${chip.strides.join(', ')}`);
      if (pad > chip.maxPadding) add(i, 'chip/padding', `padding ${pad}; the chip pads by 0 to ${chip.maxPadding}`);
      oh = windowOut(s.inShape[1], kh, stride, pad);
      ow = windowOut(s.inShape[2], kw, stride, pad);
    } else {
      // A linear layer runs as a convolution whose kernel covers its (flattened) input.
      kh = inShape[1] ?? 1; kw = inShape[2] ?? 1; oh = 1; ow = 1;
    }
    if (Math.max(kh, kw) > chip.maxKernel) add(i, 'chip/kernel', `${l.type === 'linear' ? `as a convolution over its ${kh}×${kw} input, the` : 'the'} kernel is ${kh}×${kw}; the chip's kernels are at most ${chip.maxKernel}×${chip.maxKernel}${l.type === 'linear' ? ': pool more before the flatten' : ''}`);
    if (cin > chip.maxChannels) add(i, 'chip/channels', `${count(cin)} input channels; the chip takes at most ${count(chip.maxChannels)}`);
    if (cout > chip.maxChannels) add(i, 'chip/channels', `${count(cout)} output channels; the chip takes at most ${count(chip.maxChannels)}: use fewer`);
    if (oh > chip.maxFeatureSide || ow > chip.maxFeatureSide) add(i, 'chip/feature-map', `its output is ${oh}×${ow}; a core holds feature maps of at most ${chip.maxFeatureSide}×${chip.maxFeatureSide}: use a stride of 2 or a smaller input`);
    if (l.bias) add(i, 'chip/bias', 'has a bias, which the chip applies as a constant leak every clock tick (not per time step): train without bias ("bias": false)');
    const kernelMemory = cin * 2 ** (log2up(kh * kw) + log2up(cout));
    const neuronMemory = cout * 2 ** (log2up(oh) + log2up(ow));
    layers.push({ layer: i, name: l.name, kernelMemory, neuronMemory });
  });
  const last = model.layers.length - 1;
  if (!model.spikingOutput && layers.length && layers[layers.length - 1].layer === last) add(last, 'chip/output', 'the last layer gives currents, but every layer on the chip spikes: read the class from its spikes ("spikingOutput": true)');
  if (layers.length > chip.cores) add(layers[chip.cores].layer, 'chip/cores', `${layers.length} weight layers; the chip has ${chip.cores} cores, one layer each: merge or drop ${layers.length - chip.cores} layer(s)`);
  const maxK = Math.max(...chip.kernelMemory);
  const maxN = Math.max(...chip.neuronMemory);
  for (const c of layers) {
    if (c.kernelMemory > maxK) add(c.layer, 'chip/kernel-memory', `kernel memory ${ki(c.kernelMemory)}; the largest core holds ${ki(maxK)}: use fewer channels or a smaller kernel`);
    if (c.neuronMemory > maxN) add(c.layer, 'chip/neuron-memory', `neuron memory ${ki(c.neuronMemory)}; the largest core holds ${ki(maxN)}: use fewer channels or a smaller feature map`);
  }
  if (layers.length <= chip.cores && !diagnostics.some((d) => d.code.endsWith('-memory'))) {
    const assigned = assignCores(layers, chip);
    if (assigned) layers.forEach((c, k) => { c.core = assigned[k]; });
    else add(layers[0]?.layer ?? -1, 'chip/memory', `each layer fits some core, but not all at once (cores hold ${chip.kernelMemory.map(ki).join('/')} kernel and ${chip.neuronMemory.map(ki).join('/')} neuron memory): shrink the largest layers`);
  }
  const notes = [
    `weights run as ${chip.weightBits}-bit integers and the membrane as ${chip.stateBits}-bit (Sinabs discretizes on export); check the quantized network`,
    'the chip emits at most one spike per neuron per input event: simulate with --single-spike to see it',
    'average pooling becomes sum pooling on the chip, with the next layer\'s weights divided by k²',
    `a chain of layers uses 1 of the ${chip.maxDestinations} destinations each core has`,
  ];
  return { chip, fits: diagnostics.length === 0, layers, diagnostics, notes };
}

/** The `[C, H, W]` a linear layer's flattened input came from, or its flat shape as `[features, 1, 1]`. */
function flatSource(model: Pick<ModelFile, 'layers'>, stats: LayerStats[], index: number): number[] {
  for (let j = index - 1; j >= 0; j--) {
    const l = model.layers[j];
    if (l.type === 'flatten') return stats[j].inShape.length === 3 ? stats[j].inShape : [stats[j].outShape[0], 1, 1];
    if (l.type !== 'dropout' && l.type !== 'relu' && l.type !== 'qrelu') break;
  }
  return [stats[index].inShape[0], 1, 1];
}

/** A core for each layer whose memories hold it, all different (bipartite matching, augmenting paths), or undefined. */
export function assignCores(layers: Pick<ChipLayer, 'kernelMemory' | 'neuronMemory'>[], chip: ChipLimits): number[] | undefined {
  const ownerOf = new Array<number>(chip.cores).fill(-1);
  const fits = (l: number, c: number): boolean => layers[l].kernelMemory <= chip.kernelMemory[c] && layers[l].neuronMemory <= chip.neuronMemory[c];
  const tryLayer = (l: number, seen: boolean[]): boolean => {
    for (let c = 0; c < chip.cores; c++) {
      if (!fits(l, c) || seen[c]) continue;
      seen[c] = true;
      if (ownerOf[c] < 0 || tryLayer(ownerOf[c], seen)) { ownerOf[c] = l; return true; }
    }
    return false;
  };
  for (let l = 0; l < layers.length; l++) if (!tryLayer(l, new Array<boolean>(chip.cores).fill(false))) return undefined;
  const out = new Array<number>(layers.length);
  ownerOf.forEach((l, c) => { if (l >= 0) out[l] = c; });
  return out;
}
