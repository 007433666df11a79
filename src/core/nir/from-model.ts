/**
 * The project's model and weights as a NIR graph (`graph.ts`): pure, no file access. Layers become nodes
 * named like the layers (Input and Output get free names), in a chain: conv2d → Conv2d (a layer without
 * bias gets a bias of zeros: NIR's Conv2d always has one), linear → Linear or Affine (with bias),
 * relu/qrelu → IF (r = 1, v_threshold = 1 per neuron, as Sinabs writes it), avgpool → AvgPool2d,
 * sumpool → SumPool2d, flatten → Flatten; dropout is the identity in the spiking network and is left out;
 * `spikingOutput` adds an IF before Output.
 *
 * What NIR 1.0.4 cannot say goes into the graph's metadata, read back by `to-model.ts`:
 * `synops_model` (the whole model file: input kind, time bins, qrelu, dropout, training settings),
 * `synops_reset` (subtract, or zero), `synops_spike` (multi: several spikes per neuron and step, or single;
 * both from the model file's `conversion.reset` / `conversion.spike`),
 * `synops_pooling` (avgpool divides by k², sumpool does not — both as the node types say),
 * `synops_convention` (how SynOps are counted).
 */
import { layerStats } from '../model/shapes';
import { kernelSize, type ModelFile } from '../model/types';
import type { NeuronParams } from '../sim/neuron';
import type { ModelWeights } from '../sim/weights';
import { float32, ints, NIR_VERSION, text, type NirGraph, type NirNode } from './graph';

export const SYNOPS_CONVENTION = 'SynOps: each spike counted once per synapse it reaches (exact per-position fan-out), attributed to the receiving weight layer; a spike through an average pooling counts once per receiving connection';

/** `model` and `weights` as a NIR graph; `neuron` the spike rule and reset the network was run with. */
export function modelToNir(model: ModelFile, weights: ModelWeights, neuron: Pick<NeuronParams, 'spike' | 'reset'> = { spike: model.conversion?.spike ?? 'multi', reset: model.conversion?.reset ?? 'subtract' }): NirGraph {
  const stats = layerStats(model);
  const taken = new Set(model.layers.map((l) => l.name));
  const free = (want: string): string => { let n = want; for (let i = 1; taken.has(n); i++) n = `${want}_${i}`; taken.add(n); return n; };
  const inputName = free('input');
  const nodes: NirNode[] = [{ name: inputName, type: 'Input', fields: { shape: ints([model.input.shape.length], model.input.shape) }, groups: [], metadata: {} }];
  const node = (name: string, type: string, fields: NirNode['fields']): void => { nodes.push({ name, type, fields, groups: [], metadata: {} }); };
  const ifNode = (name: string, shape: number[]): void => {
    const n = shape.reduce((a, b) => a * b, 1);
    node(name, 'IF', { r: float32(shape, new Float32Array(n).fill(1)), v_threshold: float32(shape, new Float32Array(n).fill(1)) });
  };
  model.layers.forEach((l, i) => {
    const s = stats[i];
    switch (l.type) {
      case 'conv2d': {
        const w = weights[l.name];
        const [kh, kw] = kernelSize(l);
        const st = l.stride ?? 1;
        const p = l.padding ?? 0;
        node(l.name, 'Conv2d', {
          weight: float32([l.outChannels, s.inShape[0], kh, kw], w.weight),
          bias: float32([l.outChannels], w.bias ?? new Float32Array(l.outChannels)),
          stride: ints([2], [st, st]), padding: ints([2], [p, p]), dilation: ints([2], [1, 1]), groups: ints([], [1]),
          input_shape: ints([2], s.inShape.slice(1)),
        });
        break;
      }
      case 'linear': {
        const w = weights[l.name];
        const weight = float32([l.outFeatures, s.inShape[0]], w.weight);
        node(l.name, w.bias ? 'Affine' : 'Linear', w.bias ? { weight, bias: float32([l.outFeatures], w.bias) } : { weight });
        break;
      }
      case 'relu':
      case 'qrelu': ifNode(l.name, s.outShape); break;
      case 'avgpool':
      case 'sumpool': {
        const st = l.stride ?? l.kernel;
        node(l.name, l.type === 'avgpool' ? 'AvgPool2d' : 'SumPool2d', { kernel_size: ints([2], [l.kernel, l.kernel]), stride: ints([2], [st, st]), padding: ints([2], [0, 0]) });
        break;
      }
      case 'flatten': node(l.name, 'Flatten', { start_dim: ints([], [0]), end_dim: ints([], [-1]), input_type: ints([s.inShape.length], s.inShape) }); break;
      case 'dropout': break;
    }
  });
  const outShape = stats.at(-1)?.outShape ?? model.input.shape;
  if (model.spikingOutput) ifNode(free('spike_output'), outShape);
  node(free('output'), 'Output', { shape: ints([outShape.length], outShape) });
  const edges: [string, string][] = nodes.slice(1).map((n, i) => [nodes[i].name, n.name]);
  return {
    version: NIR_VERSION, nodes, edges,
    metadata: {
      synops_model: text(JSON.stringify(model)),
      synops_reset: text(neuron.reset),
      synops_spike: text(neuron.spike),
      synops_pooling: text('AvgPool2d divides the window sum by kernel², SumPool2d does not (Sinabs SumPool2d)'),
      synops_convention: text(SYNOPS_CONVENTION),
      generator: text('SynOps Studio'),
    },
  };
}
