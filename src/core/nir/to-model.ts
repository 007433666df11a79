/**
 * A NIR graph (`graph.ts`) as the project's model file and weights: pure, no file access. The graph must be
 * a chain the spiking simulator can run, Input → … → Output, every node one of `SUPPORTED_NODE_TYPES`;
 * anything else is refused with the node's HDF5 path, its type and what to change — never approximated.
 *
 * Mapping: Conv2d → conv2d, Linear → linear, Affine → linear with bias, IF → relu (the simulator's IF
 * neuron; an IF right before Output is the spiking output, `spikingOutput: true`), AvgPool2d → avgpool,
 * SumPool2d → sumpool, Flatten → flatten. Weights keep NIR's (PyTorch's) layout, which is the simulator's;
 * an IF's r and v_threshold other than 1 are folded into the weights before it where that is exact (`fold.ts`).
 * A Conv2d bias of zeros becomes a layer without bias (adding 0 changes no membrane). NIR 1.0.4 cannot say
 * what the graph's metadata written by `from-model.ts` says (the whole model file, reset and spike rule);
 * when it is there and agrees with the graph it is restored, so an exported run imports as the same model.
 */
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, type InputSpec, type LayerSpec, type ModelFile } from '../model/types';
import { parseModel } from '../model/parse';
import type { NeuronParams } from '../sim/neuron';
import type { ModelWeights } from '../sim/weights';
import { checkWeights } from '../sim/weights';
import { walkChain } from './chain';
import { foldScale, ifScale, isIdentity } from './fold';
import { describe, nodePath, SUPPORTED_NODE_TYPES, type NirArray, type NirGraph, type NirNode } from './graph';

export interface NirImport {
  model: ModelFile;
  weights: ModelWeights;
  /** Neuron settings the graph states: threshold 1 (other IF thresholds are folded into the weights), reset and spike rule from the metadata. */
  neuron: Partial<NeuronParams>;
  /** What was assumed or restored, one sentence each, for the user. */
  notes: string[];
}

/** A problem with the graph, already worded as `source: path: what; fix`. */
export class NirError extends Error {
  override readonly name = 'NirError';
}

/** Translates `graph` (read from `source`, named in messages) into a model and its weights; throws `NirError`. */
export function nirToModel(graph: NirGraph, source: string, modelName = 'imported NIR graph'): NirImport {
  const fail = (where: string, msg: string): never => { throw new NirError(`${source}: ${where}: ${msg}`); };
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  for (const n of graph.nodes) {
    if (!(SUPPORTED_NODE_TYPES as readonly string[]).includes(n.type)) {
      fail(nodePath(n.name), `node "${n.name}" has type ${n.type}, which the spiking simulator has no model for (non-leaky integrate-and-fire only); supported: ${SUPPORTED_NODE_TYPES.join(', ')}`);
    }
    if (n.groups.length) fail(nodePath(n.name, n.groups[0]), `node "${n.name}" (${n.type}) has a sub-group "${n.groups[0]}"; nested graphs are not supported, flatten the graph before exporting`);
  }
  const chain = walkChain(graph, byName, fail);
  const notes: string[] = [];
  const inputNode = chain[0];
  const nodeFail = (n: NirNode) => (f: string | undefined, msg: string): never => fail(nodePath(n.name, f), `node "${n.name}" (${n.type}): ${msg}`);
  const inShape = intArray(inputNode, 'shape', nodeFail(inputNode));
  const layers: LayerSpec[] = [];
  const weights: ModelWeights = {};
  let shape = [...inShape];
  let spikingOutput = false;
  const folds: string[] = [];
  for (let i = 1; i < chain.length - 1; i++) {
    const n = chain[i];
    const at = (f?: string): string => nodePath(n.name, f);
    const bad = (f: string | undefined, msg: string): never => fail(at(f), `node "${n.name}" (${n.type}): ${msg}`);
    switch (n.type) {
      case 'Conv2d': {
        const w = floatField(n, 'weight', bad);
        if (w.shape.length !== 4) bad('weight', `weight has shape [${w.shape.join(', ')}]; a Conv2d weight is [out, in, kH, kW]`);
        const [o, c, kh, kw] = w.shape;
        if (shape.length !== 3) bad(undefined, `gets a flat input [${shape.join(', ')}]; a Conv2d needs [channels, height, width]`);
        if (c !== shape[0]) bad('weight', `weight has ${c} input channels, its input has ${shape[0]} ([${shape.join(', ')}]); the graph's shapes do not match`);
        const stride = pair(n, 'stride', 1, bad);
        const padding = pair(n, 'padding', 0, bad);
        const dilation = pair(n, 'dilation', 1, bad);
        const groups = n.fields.groups ? intArray(n, 'groups', bad)[0] : 1;
        if (stride[0] !== stride[1]) bad('stride', `stride [${stride.join(', ')}] differs per axis; the simulator's conv2d has one stride`);
        if (padding[0] !== padding[1]) bad('padding', `padding [${padding.join(', ')}] differs per axis; use the same padding on both axes`);
        if (dilation[0] !== 1 || dilation[1] !== 1) bad('dilation', `dilation [${dilation.join(', ')}] is not supported; use dilation 1`);
        if (groups !== 1) bad('groups', `groups = ${groups} is not supported; use groups = 1`);
        if (n.fields.input_shape) {
          const s = intArray(n, 'input_shape', bad);
          const hw = s.slice(-2);
          if (hw[0] !== shape[1] || hw[1] !== shape[2]) bad('input_shape', `input_shape [${s.join(', ')}] disagrees with the ${shape[1]}×${shape[2]} input the edges give it`);
        }
        const layer: LayerSpec = { type: 'conv2d', name: n.name, outChannels: o, kernel: kh === kw ? kh : [kh, kw], stride: stride[0], padding: padding[0], bias: false };
        const entry: ModelWeights[string] = { shape: w.shape, weight: f32(w) };
        if (n.fields.bias) {
          const b = floatField(n, 'bias', bad);
          if (b.values.length !== o) bad('bias', `bias has ${b.values.length} values for ${o} output channels`);
          if (b.values.some((x) => x !== 0)) { layer.bias = true; entry.bias = f32(b); }
        }
        layers.push(layer);
        weights[n.name] = entry;
        shape = [o, Math.floor((shape[1] + 2 * padding[0] - kh) / stride[0]) + 1, Math.floor((shape[2] + 2 * padding[0] - kw) / stride[0]) + 1];
        if (shape[1] < 1 || shape[2] < 1) bad('weight', `kernel ${kh}×${kw} does not fit its input; the graph's shapes do not match`);
        break;
      }
      case 'Linear':
      case 'Affine': {
        const w = floatField(n, 'weight', bad);
        if (w.shape.length !== 2) bad('weight', `weight has shape [${w.shape.join(', ')}]; a ${n.type} weight is [out, in]`);
        const [o, k] = w.shape;
        if (shape.length !== 1) bad(undefined, `gets the unflattened input [${shape.join(', ')}]; put a Flatten node before it`);
        if (k !== shape[0]) bad('weight', `weight has ${k} inputs, its input has ${shape[0]}; the graph's shapes do not match`);
        const entry: ModelWeights[string] = { shape: w.shape, weight: f32(w) };
        if (n.type === 'Affine') {
          const b = floatField(n, 'bias', bad);
          if (b.values.length !== o) bad('bias', `bias has ${b.values.length} values for ${o} outputs`);
          entry.bias = f32(b);
        }
        layers.push({ type: 'linear', name: n.name, outFeatures: o, bias: n.type === 'Affine' });
        weights[n.name] = entry;
        shape = [o];
        break;
      }
      case 'IF': {
        const size = shape.reduce((a, b) => a * b, 1);
        const perNeuron = (f: string): NirArray & { kind: 'float' } => {
          const a = floatField(n, f, bad);
          if (a.values.length !== size && a.values.length !== 1) bad(f, `${f} has ${a.values.length} values, the node has ${size} neurons ([${shape.join(', ')}]); the graph's shapes do not match`);
          return a;
        };
        const r = perNeuron('r');
        const th = perNeuron('v_threshold');
        if (n.fields.v_reset) {
          const reset = perNeuron('v_reset').values.find((x) => x !== 0);
          if (reset !== undefined) bad('v_reset', `v_reset = ${reset}; the simulator resets by subtracting the threshold (or to 0), not to another value, and no change of weights makes up for it`);
        }
        // r and v_threshold other than 1 fold into the weights before the node (the algebra is in fold.ts).
        const s = ifScale(r.values, th.values, size);
        if (typeof s === 'string') bad('v_threshold', s);
        else if (!isIdentity(s)) {
          const prev = chain[i - 1];
          if (prev.type !== 'Conv2d' && prev.type !== 'Linear' && prev.type !== 'Affine') {
            bad('r', `r/v_threshold is not 1 (${s[0]} at neuron 0) and the node before it, "${prev.name}" (${prev.type}), has no weights to fold it into; put the IF right after its Conv2d, Linear or Affine, or export it with r = v_threshold`);
          }
          const w = weights[prev.name];
          const folded = foldScale(w.weight, w.bias, w.shape, shape, s);
          if (typeof folded === 'string') bad('v_threshold', folded);
          else {
            weights[prev.name] = { ...w, ...folded };
            folds.push(n.name);
          }
        }
        if (i === chain.length - 2) spikingOutput = true;
        else layers.push({ type: 'relu', name: n.name });
        break;
      }
      case 'AvgPool2d':
      case 'SumPool2d': {
        if (shape.length !== 3) bad(undefined, `gets a flat input [${shape.join(', ')}]; pooling needs [channels, height, width]`);
        const k = pair(n, 'kernel_size', undefined, bad);
        const s = n.fields.stride ? pair(n, 'stride', undefined, bad) : k;
        const p = n.fields.padding ? pair(n, 'padding', 0, bad) : [0, 0];
        if (k[0] !== k[1]) bad('kernel_size', `kernel_size [${k.join(', ')}] is not square; the simulator pools square windows`);
        if (s[0] !== s[1]) bad('stride', `stride [${s.join(', ')}] differs per axis; use one stride`);
        if (p[0] !== 0 || p[1] !== 0) bad('padding', `padding [${p.join(', ')}] is not supported for pooling; use padding 0`);
        if (k[0] > shape[1] || k[0] > shape[2]) bad('kernel_size', `kernel ${k[0]} does not fit its ${shape[1]}×${shape[2]} input; the graph's shapes do not match`);
        layers.push({ type: n.type === 'AvgPool2d' ? 'avgpool' : 'sumpool', name: n.name, kernel: k[0], ...(s[0] !== k[0] ? { stride: s[0] } : {}) });
        shape = [shape[0], Math.floor((shape[1] - k[0]) / s[0]) + 1, Math.floor((shape[2] - k[0]) / s[0]) + 1];
        break;
      }
      case 'Flatten': {
        const start = n.fields.start_dim ? intArray(n, 'start_dim', bad)[0] : 0;
        const end = n.fields.end_dim ? intArray(n, 'end_dim', bad)[0] : -1;
        if (n.fields.input_type) {
          const t = intArray(n, 'input_type', bad);
          if (t.join() !== shape.join()) bad('input_type', `input_type [${t.join(', ')}] disagrees with the input [${shape.join(', ')}] the edges give it`);
        }
        if (start !== 0 || (end !== -1 && end !== shape.length - 1)) bad('start_dim', `flattens dimensions ${start}..${end} of [${shape.join(', ')}]; the simulator flattens all of them (start_dim 0, end_dim -1, no batch dimension)`);
        layers.push({ type: 'flatten', name: n.name });
        shape = [shape.reduce((a, b) => a * b, 1)];
        break;
      }
      default: bad('type', `is not supported here; supported: ${SUPPORTED_NODE_TYPES.join(', ')}`);
    }
  }
  const out = chain[chain.length - 1];
  if (out.fields.shape) {
    const o = intArray(out, 'shape', nodeFail(out));
    if (o.reduce((a, b) => a * b, 1) !== shape.reduce((a, b) => a * b, 1)) fail(nodePath(out.name, 'shape'), `node "${out.name}" (Output): shape [${o.join(', ')}] disagrees with the [${shape.join(', ')}] the graph computes`);
  }
  if (inShape.length !== 3) fail(nodePath(inputNode.name, 'shape'), `node "${inputNode.name}" (Input): shape [${inShape.join(', ')}]; the simulator's input is [channels, height, width]`);
  const input: InputSpec = inShape[0] <= 2
    ? { kind: 'events', shape: inShape, chunkEvents: 3000, dtMs: 1 }
    : { kind: 'image', shape: inShape, steps: 10 };
  let model: ModelFile = { format: MODEL_FORMAT, version: MODEL_FORMAT_VERSION, name: modelName, input, layers, spikingOutput };
  const neuron: Partial<NeuronParams> = { threshold: 1, reset: 'subtract' };
  const restored = restoreFromMetadata(graph, model, neuron, notes);
  if (restored) {
    model = restored;
    // An exported conv with bias: true whose bias was all zeros: the zeros come back.
    for (const l of model.layers) {
      if (l.type === 'conv2d' && l.bias && !weights[l.name].bias) weights[l.name].bias = new Float32Array(l.outChannels);
    }
  } else notes.push(input.kind === 'events'
    ? `input: events [${inShape.join(', ')}] binned in 1 ms steps, 3000 events per sample (NIR does not say; edit "input" in the model file)`
    : `input: images [${inShape.join(', ')}] shown for 10 steps (NIR does not say; edit "input" in the model file)`);
  model = withNeuronRules(model, neuron, notes);
  if (!graph.metadata.synops_spike) notes.push('several spikes per neuron and step allowed (Sinabs MultiSpike; NIR 1.0 does not say), subtract reset (NIR 1.0.4 IF)');
  if (folds.length) notes.push(`r/v_threshold of ${folds.join(', ')} folded into the weights before ${folds.length > 1 ? 'them' : 'it'} (the same spikes with threshold 1; exact for powers of two, else rounded once to float32)`);
  validate(model, weights, source, fail);
  return { model, weights, neuron, notes };
}

function floatField(n: NirNode, f: string, bad: (f: string | undefined, msg: string) => never): NirArray & { kind: 'float' } {
  const a = n.fields[f];
  if (!a) return bad(f, `has no "${f}"; a ${n.type} node needs it`);
  if (a.kind !== 'float') return bad(f, `${f} is ${describe(a)}; it must be float32 or float64`);
  for (let i = 0; i < a.values.length; i++) if (!Number.isFinite(a.values[i])) bad(f, `${f} holds ${a.values[i]} at element ${i}; a network with NaN or infinite values cannot be simulated`);
  return a;
}

function intArray(n: NirNode, f: string, bad: (f: string | undefined, msg: string) => never): number[] {
  const a = n.fields[f];
  if (!a) return bad(f, `has no "${f}"; a ${n.type} node needs it`);
  if (a.kind === 'int') { if (a.values.some((x) => x < 0) && f !== 'end_dim' && f !== 'start_dim') bad(f, `${f} holds a negative number`); return a.values; }
  if (a.kind === 'float' && Array.from(a.values).every((x) => Number.isInteger(x) && x >= 0)) return Array.from(a.values);
  return bad(f, `${f} is ${describe(a)}; it must hold whole numbers`);
}

/** A field that is one number or a pair (`[h, w]`), as a pair; `fallback` when it is missing (undefined: required). */
function pair(n: NirNode, f: string, fallback: number | undefined, bad: (f: string | undefined, msg: string) => never): [number, number] {
  if (!n.fields[f] && fallback !== undefined) return [fallback, fallback];
  if (n.fields[f]?.kind === 'string') bad(f, `${f} is "${n.fields[f].values[0]}"; give it as numbers (the simulator does not compute "same"/"valid" padding)`);
  const v = intArray(n, f, bad);
  if (v.length === 1) return [v[0], v[0]];
  if (v.length !== 2) bad(f, `${f} has ${v.length} values; give one or two`);
  return [v[0], v[1]];
}

const f32 = (a: NirArray & { kind: 'float' }): Float32Array => (a.values instanceof Float32Array ? a.values : Float32Array.from(a.values));

/**
 * The model file stored in the graph's metadata by `from-model.ts`, if it describes the same network as the
 * graph (same layers but dropout, relu/qrelu alike, same input shape); also the reset and spike rule.
 */
function restoreFromMetadata(graph: NirGraph, derived: ModelFile, neuron: Partial<NeuronParams>, notes: string[]): ModelFile | undefined {
  const m = graph.metadata;
  const str = (k: string): string | undefined => (m[k]?.kind === 'string' ? (m[k].values[0] as string) : undefined);
  const reset = str('synops_reset');
  if (reset === 'subtract' || reset === 'zero') neuron.reset = reset;
  const spike = str('synops_spike');
  if (spike === 'multi' || spike === 'single') neuron.spike = spike;
  const text = str('synops_model');
  if (!text) return undefined;
  const parsed = parseModel(text, 'NIR metadata synops_model');
  if (!parsed.model || parsed.diagnostics.some((d) => d.severity === 'error')) { notes.push('the graph\'s synops_model metadata is not a valid model file; the model is built from the graph alone'); return undefined; }
  const core = (l: LayerSpec): string => JSON.stringify(l.type === 'qrelu' ? { ...l, type: 'relu' } : { ...l, ...(l.type === 'conv2d' ? { stride: l.stride ?? 1, padding: l.padding ?? 0, bias: !!l.bias } : {}), ...(l.type === 'linear' ? { bias: !!l.bias } : {}) });
  const mine = parsed.model.layers.filter((l) => l.type !== 'dropout').map(core);
  const theirs = derived.layers.map(core);
  const sameLayers = mine.length === theirs.length && mine.every((x, i) => x === theirs[i] || sameButZeroBias(x, theirs[i]));
  if (!sameLayers || parsed.model.input.shape.join() !== derived.input.shape.join() || !!parsed.model.spikingOutput !== !!derived.spikingOutput) {
    notes.push('the graph\'s synops_model metadata describes another network than the graph (edited after export?); the model is built from the graph alone');
    return undefined;
  }
  notes.push('model file restored from the graph\'s metadata (written by synops export)');
  return JSON.parse(text) as ModelFile; // plain objects, as a model file read elsewhere
}

/**
 * The spike and reset rules of the graph's metadata (`synops_spike`, `synops_reset`) written into the model
 * file as `conversion.spike` / `conversion.reset`, so simulating the written model file runs them as
 * simulating the `.nir` does. The metadata wins over a restored model file's own; defaults are left out.
 */
function withNeuronRules(model: ModelFile, neuron: Partial<NeuronParams>, notes: string[]): ModelFile {
  const rules: Pick<NonNullable<ModelFile['conversion']>, 'spike' | 'reset'> = {
    ...(neuron.spike === 'single' ? { spike: 'single' as const } : {}),
    ...(neuron.reset === 'zero' ? { reset: 'zero' as const } : {}),
  };
  const c = model.conversion;
  if (!c?.spike && !c?.reset && !rules.spike && !rules.reset) return model;
  const conversion: NonNullable<ModelFile['conversion']> = { ...c };
  delete conversion.spike;
  delete conversion.reset;
  Object.assign(conversion, rules);
  if (rules.spike || rules.reset) notes.push(`${[rules.spike && 'one spike per neuron and step', rules.reset && 'reset to zero'].filter(Boolean).join(' and ')} (the graph's metadata): kept in the model file as ${[rules.spike && 'conversion.spike', rules.reset && 'conversion.reset'].filter(Boolean).join(' and ')}`);
  const out: ModelFile = { ...model, conversion };
  if (!Object.keys(conversion).length) delete out.conversion;
  return out;
}

/** A conv layer with bias: true whose exported bias was all zeros reads back as bias: false; the same layer. */
function sameButZeroBias(a: string, b: string): boolean {
  return a.replace('"bias":true', '"bias":false') === b;
}

/** Runs the model through the model file's checks (limits, shapes) and the weights through `checkWeights` (finiteness: `floatField`). */
function validate(model: ModelFile, weights: ModelWeights, source: string, fail: (where: string, msg: string) => never): void {
  const parsed = parseModel(JSON.stringify(model), source);
  const err = parsed.diagnostics.find((d) => d.severity === 'error');
  if (err || !parsed.stats) fail('/node', `${err?.message ?? 'not a valid network'} [${err?.code ?? 'model'}]`);
  try { checkWeights(model, parsed.stats!, weights); } catch (e) { fail('/node/nodes', (e as Error).message); }
}
