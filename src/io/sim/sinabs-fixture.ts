/**
 * Reads a Sinabs reference fixture (the format of `sinabs-reference/*.json` in the shared data folder):
 * the network, weights, input and neuron settings, turned into our model file, weights and input.
 * Layers are named by their Sinabs module index ("0", "1", …) so the fixture's per-layer keys name them.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LayerSpec, ModelFile } from '../../core/model/types';
import { binEvents, imageInput, type SpikeInput } from '../../core/sim/input';
import type { NeuronParams } from '../../core/sim/neuron';
import type { ModelWeights } from '../../core/sim/weights';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Fixture {
  file: string;
  json: Json;
  model: ModelFile;
  weights: ModelWeights;
  input: SpikeInput;
  neuron: Partial<NeuronParams>;
}

/** Parses one module description such as `3:Conv2d(8, 12, kernel_size=(3, 3), stride=(1, 1), bias=False)`. */
export function parseModule(text: string): LayerSpec {
  const m = /^(\d+|\w+):(\w+)(?:\((.*)\))?$/s.exec(text.trim());
  if (!m) throw new Error(`cannot read module description ${JSON.stringify(text)}`);
  const [, name, type, args = ''] = m;
  const pair = (key: string): number | undefined => {
    const r = new RegExp(`${key}=\\(?(\\d+)`).exec(args);
    return r ? Number(r[1]) : undefined;
  };
  switch (type) {
    case 'Conv2d': {
      const [, out] = /^\s*(\d+),\s*(\d+)/.exec(args)!.slice(1).map(Number);
      return { type: 'conv2d', name, outChannels: out, kernel: pair('kernel_size')!, stride: pair('stride') ?? 1, padding: pair('padding') ?? 0, bias: /bias=True/.test(args) };
    }
    case 'Linear': return { type: 'linear', name, outFeatures: pair('out_features')!, bias: !/bias=False/.test(args) };
    case 'ReLU':
    case 'IAF':
    case 'IAFSqueeze': return { type: 'relu', name };
    case 'AvgPool2d': return { type: 'avgpool', name, kernel: pair('kernel_size') ?? 2, stride: pair('stride') };
    case 'SumPool2d': return { type: 'sumpool', name, kernel: pair('kernel_size')!, stride: pair('stride') };
    case 'Flatten': return { type: 'flatten', name };
    case 'Dropout':
    case 'Dropout2d': return { type: 'dropout', name, rate: 0.5 };
    default: throw new Error(`module type ${type} of ${JSON.stringify(text)} is not supported`);
  }
}

/** Neuron settings from the fixture's `settings.conversion` text (`from_model(...)` arguments). */
export function neuronFromConversion(conversion: string): Partial<NeuronParams> {
  const min = /min_v_mem=(None|-?[\d.]+)/.exec(conversion);
  const th = /spike_threshold=([\d.]+)/.exec(conversion);
  return {
    threshold: th ? Number(th[1]) : 1,
    spike: /SingleSpike/.test(conversion) ? 'single' : 'multi',
    reset: /MembraneReset/.test(conversion) ? 'zero' : 'subtract',
    minVMem: !min || min[1] === 'None' ? null : Number(min[1]),
  };
}

/** Builds the model of a list of module descriptions. */
export function modelOf(modules: string[], inputShape: number[], kind: 'events' | 'image', spikingOutput: boolean, steps: number): ModelFile {
  const layers = modules.map(parseModule);
  const input: ModelFile['input'] = kind === 'events'
    ? { kind: 'events', shape: inputShape, chunkEvents: 3000, dtMs: 1 }
    : { kind: 'image', shape: inputShape, steps };
  return { format: 'synops-model', version: 1, name: 'sinabs fixture', input, layers, spikingOutput };
}

/** The fixture's weights (named by Sinabs module index) renamed to `model`'s weight layers, in order. */
export function weightsFor(model: Pick<ModelFile, 'layers'>, fixtureWeights: ModelWeights): ModelWeights {
  const names = model.layers.filter((l) => l.type === 'conv2d' || l.type === 'linear').map((l) => l.name);
  const keys = Object.keys(fixtureWeights).sort((a, b) => Number(a) - Number(b));
  if (keys.length !== names.length) throw new Error(`the fixture has ${keys.length} weight layers, the model ${names.length}`);
  return Object.fromEntries(names.map((n, i) => [n, fixtureWeights[keys[i]]]));
}

/** Loads a fixture file: model, weights (inline or from the `.bin` beside it), input, neuron settings. */
export function loadFixture(file: string): Fixture {
  const json: Json = JSON.parse(readFileSync(file, 'utf8'));
  const conversion: string = json.settings.conversion;
  const steps = Number(/num_timesteps=(\d+)/.exec(conversion)?.[1] ?? json.settings.T_bins);
  const spikingOutput = /add_spiking_output=True/.test(conversion);
  const shapeText = /input_shape=\(([\d, ]+)\)/.exec(conversion)?.[1];
  const inputShape = shapeText ? shapeText.split(',').map((s) => Number(s.trim())) : json.network.shapes.input;
  const isEvents = json.events !== undefined;
  const modules: string[] = Array.isArray(json.network) ? json.network : json.network.ann_modules;
  const model = modelOf(modules, inputShape, isEvents ? 'events' : 'image', spikingOutput, steps);
  const weights: ModelWeights = {};
  const entries: Json[] = Array.isArray(json.weights) ? json.weights : json.weights.layers;
  const bin = Array.isArray(json.weights) ? undefined : readFileSync(join(dirname(file), json.weights.file));
  for (const w of entries) {
    let data: Float32Array;
    if (w.data) data = Float32Array.from(w.data as number[]);
    else {
      data = new Float32Array(w.n_elements);
      const bytes = bin!.subarray(4 * w.offset_elements, 4 * (w.offset_elements + w.n_elements));
      new Uint8Array(data.buffer).set(bytes);
    }
    weights[String(w.module_index)] = { shape: w.shape, weight: data };
  }
  let input: SpikeInput;
  if (isEvents) {
    const e = json.events;
    input = binEvents({ x: e.x, y: e.y, t: (e.t_ms as number[]).map((t) => t * 1000) }, inputShape, { dtMs: json.settings.dt_ms ?? 1, steps, t0: 0 });
  } else {
    input = imageInput(json.image_normalised, inputShape, steps);
  }
  return { file, json, model, weights, input, neuron: neuronFromConversion(conversion) };
}
