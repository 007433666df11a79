import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import {
  MAX_CHANNELS, MAX_CHUNK_EVENTS, MAX_DT_MS, MAX_FEATURES, MAX_INPUT_ELEMENTS, MAX_JSON_DEPTH, MAX_LAYERS,
  MAX_MODEL_FILE_BYTES, MAX_NEURONS, MAX_PARAMETERS, MAX_SIDE, MAX_STEPS, MIN_DT_MS,
} from './limits';
import { excessiveNesting } from '../jsonText';
import { syntaxDiagnostic } from './syntax';
import { layerStats, numel, ShapeError, windowOut, type LayerStats } from './shapes';
import type { ModelDiagnostic, Position, Range, Severity } from '../../protocol/report';
import { LAYER_TYPES, MODEL_FORMAT, MODEL_FORMAT_VERSION, isSpikingLayer, isWeightLayer, type ModelFile } from './types';
import { CHIP_IDS, isChipId } from '../chips/chip';
import { count, isIntIn, isObject, isPositiveInt, numberField, oneOf, unknownFields, type Checker, type JsonPath, type Report } from './checks';
import { checkTraining } from './trainingChecks';

export interface ParsedModel {
  /** Set when the file is structurally valid, even if it has warnings. */
  model?: ModelFile;
  stats?: LayerStats[];
  diagnostics: ModelDiagnostic[];
  /** Range of each layer's object in the text, by layer index (for code lenses). */
  layerRanges: Range[];
}

/** Maps byte offsets of a text to line/character positions. */
class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  position(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid; else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }
  range(offset: number, length: number): Range {
    return { start: this.position(offset), end: this.position(offset + length) };
  }
}

/**
 * Parses and checks a model file's text. Never throws: every problem becomes a diagnostic at the place in
 * the text it concerns (the offending value if it exists, else the object that lacks it).
 * `source` names the file in messages. This is the only parse of a model file: the editor's diagnostics
 * and lenses, the CLI and training all read through it (files through `readModelFile`), so a file one
 * accepts no other refuses. The text is plain JSON: comments are refused with their place, because
 * VS Code's JSON mode, the run folder's copy and other tools reading a `.json` file refuse them too.
 */
export function parseModel(text: string, source = 'model file'): ParsedModel {
  const diagnostics: ModelDiagnostic[] = [];
  const layerRanges: Range[] = [];
  const start: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
  if (text.length > MAX_MODEL_FILE_BYTES) {
    diagnostics.push({ code: 'limit/file-size', severity: 'error', range: start,
      message: `${source}: ${text.length.toLocaleString('en-US')} characters; a model file has at most ${MAX_MODEL_FILE_BYTES.toLocaleString('en-US')} (is this the right file?)` });
    return { diagnostics, layerRanges };
  }
  const lines = new LineIndex(text);
  const deep = excessiveNesting(text, MAX_JSON_DEPTH);
  if (deep >= 0) {
    diagnostics.push({ code: 'limit/depth', severity: 'error', range: lines.range(deep, 1),
      message: `${source}: arrays and objects nested more than ${MAX_JSON_DEPTH} deep; a model file needs 4 levels` });
    return { diagnostics, layerRanges };
  }
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  const comment = errors.find((e) => printParseErrorCode(e.error) === 'InvalidCommentToken');
  if (comment) {
    diagnostics.push({ code: 'json/comment', severity: 'error', range: lines.range(comment.offset, Math.max(1, comment.length)),
      message: `${source}: comments are not allowed in a model file (it is plain JSON, as the editor and other tools read it); remove the comment or move it into "description"` });
  }
  const syntax = syntaxDiagnostic(text, errors.filter((e) => e !== comment), (o, n) => lines.range(o, n), source);
  if (syntax) diagnostics.push(syntax);
  if (!root || errors.length) return { diagnostics, layerRanges };

  const nodeAt = (path: JsonPath): Node | undefined => findNodeAtLocation(root, path);
  /** Reports at the value at `path`, or at the closest existing parent. */
  const report = (path: JsonPath, code: string, message: string, severity: Severity = 'error'): void => {
    let p = path;
    let node = nodeAt(p);
    while (!node && p.length) { p = p.slice(0, -1); node = nodeAt(p); }
    const target = node ?? root;
    diagnostics.push({ code, severity, message, range: lines.range(target.offset, target.length) });
  };
  /** Reports at the key of field `key` of the object at `path` (an unknown field has no other place). */
  const reportKey = (path: JsonPath, key: string, code: string, message: string): void => {
    const prop = nodeAt([...path, key])?.parent;
    const keyNode = prop?.children?.[0];
    if (keyNode) diagnostics.push({ code, severity: 'warning', message, range: lines.range(keyNode.offset, keyNode.length) });
    else report(path, code, message, 'warning');
  };

  const value = root.type === 'object' ? (getNodeValue(root) as Record<string, unknown>) : undefined;
  if (!value) {
    report([], 'model/not-object', `${source}: a model file is a JSON object with "format": "${MODEL_FORMAT}"`);
    return { diagnostics, layerRanges };
  }
  const before = diagnostics.filter((d) => d.severity === 'error').length;
  const errorCount = (): number => diagnostics.filter((d) => d.severity === 'error').length;
  const check: Checker = { report, reportKey };
  checkTopLevel(value, check);
  const tooMany = Array.isArray(value.layers) && value.layers.length > MAX_LAYERS;
  const layers = Array.isArray(value.layers) && !tooMany ? (value.layers as unknown[]) : [];
  layers.forEach((_, i) => {
    const n = nodeAt(['layers', i]);
    if (n) layerRanges.push(lines.range(n.offset, n.length));
  });
  layers.forEach((l, i) => checkLayer(l, i, check));
  checkUniqueNames(layers, report);
  if (errorCount() > before) return { diagnostics, layerRanges };

  const model = value as unknown as ModelFile;
  let stats: LayerStats[];
  try {
    stats = layerStats(model);
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    report(['layers', e.layerIndex, ...(e.field ? [e.field] : [])], `shape/${e.field ?? 'input'}`, e.message);
    return { diagnostics, layerRanges };
  }
  if (!checkSizes(model, stats, report)) return { diagnostics, layerRanges };
  checkSemantics(model, stats, report);
  return { model, stats, diagnostics, layerRanges };
}


const TOP_FIELDS = ['$schema', 'format', 'version', 'name', 'description', 'input', 'layers', 'spikingOutput', 'training', 'conversion', 'energy'] as const;

function checkTopLevel(v: Record<string, unknown>, check: Checker): void {
  const { report } = check;
  if (v.format !== MODEL_FORMAT) report(['format'], 'model/format', `"format" must be "${MODEL_FORMAT}"`);
  if (v.version !== MODEL_FORMAT_VERSION) report(['version'], 'model/version', `"version" must be ${MODEL_FORMAT_VERSION}; this SynOps Studio reads version ${MODEL_FORMAT_VERSION} model files`);
  if (typeof v.name !== 'string' || !v.name) report(['name'], 'model/name', '"name" must be a non-empty string');
  if (v.description !== undefined && typeof v.description !== 'string') report(['description'], 'model/description', '"description" must be a string');
  if (v.spikingOutput !== undefined && typeof v.spikingOutput !== 'boolean') report(['spikingOutput'], 'model/spikingOutput', '"spikingOutput" must be true or false');
  unknownFields(v, [], TOP_FIELDS, 'the model file', check);
  checkInput(v.input, check);
  if (!Array.isArray(v.layers) || v.layers.length === 0) report(['layers'], 'model/layers', '"layers" must be a non-empty array');
  else if (v.layers.length > MAX_LAYERS) report(['layers'], 'limit/layers', `"layers" has ${count(v.layers.length)} layers; a model has at most ${count(MAX_LAYERS)}`);
  checkTraining(v.training, check);
  checkConversion(v.conversion, check);
  checkEnergy(v.energy, check);
}

function checkInput(input: unknown, check: Checker): void {
  const { report } = check;
  if (!isObject(input)) {
    report(['input'], 'input/missing', '"input" is required: { "kind": "events" | "image", "shape": [channels, height, width], … }');
    return;
  }
  if (input.kind !== 'events' && input.kind !== 'image') report(['input', 'kind'], 'input/kind', '"input.kind" must be "events" or "image"');
  const shape = input.shape;
  const shapeOk = Array.isArray(shape) && shape.length === 3 && shape.every(isPositiveInt);
  if (!shapeOk) {
    report(['input', 'shape'], 'input/shape', '"input.shape" must be [channels, height, width] with positive integers');
  } else {
    const [c, h, w] = shape as number[];
    if (input.kind === 'events' && c !== 1 && c !== 2) report(['input', 'shape', 0], 'input/shape', `"input.shape" of events has 1 channel (polarity ignored) or 2 (OFF, ON), not ${c}`);
    else if (c > MAX_CHANNELS) report(['input', 'shape', 0], 'limit/channels', `"input.shape" has ${count(c)} channels; at most ${count(MAX_CHANNELS)}`);
    else if (h > MAX_SIDE || w > MAX_SIDE) report(['input', 'shape'], 'limit/input', `"input.shape" is ${count(h)}×${count(w)}; an input side is at most ${count(MAX_SIDE)}`);
    else if (c * h * w > MAX_INPUT_ELEMENTS) report(['input', 'shape'], 'limit/input', `"input.shape" [${c}, ${h}, ${w}] has ${count(c * h * w)} elements; an input has at most ${count(MAX_INPUT_ELEMENTS)}`);
  }
  if (input.kind === 'events') {
    unknownFields(input, ['input'], ['kind', 'shape', 'sensor', 'chunkEvents', 'dtMs'], '"input" of events', check);
    if (!isIntIn(input.chunkEvents, 1, MAX_CHUNK_EVENTS)) report(['input', 'chunkEvents'], 'input/chunkEvents', `"input.chunkEvents" must be a whole number from 1 to ${count(MAX_CHUNK_EVENTS)} (the paper uses 3000)`);
    if (!(typeof input.dtMs === 'number' && input.dtMs >= MIN_DT_MS && input.dtMs <= MAX_DT_MS)) report(['input', 'dtMs'], 'input/dtMs', `"input.dtMs" must be a number of milliseconds from ${MIN_DT_MS} to ${count(MAX_DT_MS)} (the paper uses 1)`);
    if (input.sensor !== undefined) checkSensor(input.sensor, shapeOk ? (shape as number[]) : undefined, report);
  } else if (input.kind === 'image') {
    unknownFields(input, ['input'], ['kind', 'shape', 'steps', 'normalize'], '"input" of images', check);
    if (!isIntIn(input.steps, 1, MAX_STEPS)) report(['input', 'steps'], 'input/steps', `"input.steps" must be a whole number from 1 to ${count(MAX_STEPS)} (the paper uses 10)`);
    if (input.normalize !== undefined && input.normalize !== 'unit' && input.normalize !== 'symmetric') report(['input', 'normalize'], 'input/normalize', `"input.normalize" must be "unit" or "symmetric", got ${JSON.stringify(input.normalize)}`);
  }
}

/**
 * The largest side ≤ `want` that divides `sensor`: an input side the sensor is a whole multiple of (each
 * input pixel sums a block of sensor pixels).
 */
export function fittingSide(sensor: number, want: number): number {
  for (let s = Math.min(sensor, want); s > 1; s--) if (sensor % s === 0) return s;
  return 1;
}

function checkSensor(sensor: unknown, shape: number[] | undefined, report: Report): void {
  if (!Array.isArray(sensor) || sensor.length !== 2 || !sensor.every((x) => isIntIn(x, 1, MAX_SIDE))) {
    report(['input', 'sensor'], 'input/sensor', `"input.sensor" must be [width, height] in pixels, each a whole number from 1 to ${count(MAX_SIDE)}`);
    return;
  }
  if (!shape) return;
  const [sw, sh] = sensor as number[];
  const [c, h, w] = shape;
  if (sw % w !== 0 || sh % h !== 0) {
    report(['input', 'sensor'], 'input/sensor', `the ${sw}×${sh} sensor is not a whole multiple of the ${w}×${h} input (each input pixel sums a block of sensor pixels); an input that fits is [${c}, ${fittingSide(sh, h)}, ${fittingSide(sw, w)}]`);
  }
}




/** The `conversion` block (see `ConversionSpec`). */
function checkConversion(c: unknown, check: Checker): void {
  const { report } = check;
  if (c === undefined) return;
  if (!isObject(c)) { report(['conversion'], 'model/conversion', '"conversion" must be an object: { "readout", "normalize", "calibrate", "finetune", "spike", "reset" }'); return; }
  unknownFields(c, ['conversion'], ['readout', 'normalize', 'calibrate', 'finetune', 'spike', 'reset'], '"conversion"', check);
  oneOf(report, ['conversion', 'readout'], c.readout, ['spikes', 'membrane']);
  oneOf(report, ['conversion', 'spike'], c.spike, ['multi', 'single']);
  oneOf(report, ['conversion', 'reset'], c.reset, ['subtract', 'zero']);
  const block = (key: string, fields: Record<string, [(x: number) => boolean, string, boolean?]>, words: string[] = []): void => {
    const b = c[key];
    if (b === undefined || b === false) return;
    const shape = [...Object.keys(fields), ...words].map((f) => `"${f}"`).join(', ');
    if (!isObject(b)) { report(['conversion', key], `model/conversion.${key}`, `"conversion.${key}" must be false or { ${shape} }`); return; }
    unknownFields(b, ['conversion', key], [...Object.keys(fields), ...words], `"conversion.${key}"`, check);
    for (const [f, [ok, what, required]] of Object.entries(fields)) numberField(report, b, ['conversion', key, f], ok, what, required);
  };
  block('normalize', { percentile: [(x) => x > 0 && x <= 100, 'a number in (0, 100]', true] });
  block('calibrate', { samples: [(x) => isIntIn(x, 1, 100_000), 'a whole number from 1 to 100,000', true] });
  block('finetune', {
    epochs: [(x) => isIntIn(x, 1, 1000), 'a whole number from 1 to 1,000'],
    bins: [(x) => isIntIn(x, 1, 1000), 'a whole number from 1 to 1,000'],
    learningRate: [(x) => x > 0 && x < 1, 'a number in (0, 1)'],
    maxSamples: [(x) => isIntIn(x, 1, 10_000_000), 'a whole number from 1 to 10,000,000'],
  }, ['synops']);
  if (isObject(c.finetune)) oneOf(report, ['conversion', 'finetune', 'synops'], c.finetune.synops, ['target', 'hold', 'ann']);
}

function checkEnergy(e: unknown, check: Checker): void {
  if (e === undefined) return;
  if (!isObject(e)) { check.report(['energy'], 'model/energy', '"energy" must be an object: { "profile", "annProfile" }'); return; }
  unknownFields(e, ['energy'], ['profile', 'annProfile', 'chip'], '"energy"', check);
  if (e.chip !== undefined && !isChipId(e.chip)) check.report(['energy', 'chip'], 'model/energy', `"energy.chip" must be one of ${CHIP_IDS.map((c) => `"${c}"`).join(', ')}`);
  for (const f of ['profile', 'annProfile']) {
    if (e[f] !== undefined && (typeof e[f] !== 'string' || !e[f])) check.report(['energy', f], 'model/energy', `"energy.${f}" must be a profile id (a non-empty string)`);
  }
}

/**
 * The bounds on what the layers add up to (see `limits.ts`): neurons (every layer's output elements,
 * summed) and parameters, reported at the layer that passes the bound. False when one is passed.
 */
function checkSizes(model: ModelFile, stats: LayerStats[], report: Report): boolean {
  let neurons = numel(model.input.shape);
  let params = 0;
  for (const s of stats) {
    neurons += numel(s.outShape);
    params += s.params;
    if (neurons > MAX_NEURONS) {
      report(['layers', s.index], 'limit/neurons', `layer ${s.index} "${s.name}" (${s.type}): its output [${s.outShape.join(', ')}] brings the network to ${count(neurons)} neurons per sample; a model has at most ${count(MAX_NEURONS)}`);
      return false;
    }
    if (params > MAX_PARAMETERS) {
      report(['layers', s.index], 'limit/parameters', `layer ${s.index} "${s.name}" (${s.type}): its ${count(s.params)} parameters bring the network to ${count(params)}; a model has at most ${count(MAX_PARAMETERS)}`);
      return false;
    }
  }
  return true;
}

/** The fields each layer type has (the schema's `additionalProperties: false`). */
const LAYER_FIELDS: Record<string, readonly string[]> = {
  conv2d: ['type', 'name', 'outChannels', 'kernel', 'stride', 'padding', 'bias'],
  linear: ['type', 'name', 'outFeatures', 'bias'],
  relu: ['type', 'name'], qrelu: ['type', 'name'], flatten: ['type', 'name'],
  avgpool: ['type', 'name', 'kernel', 'stride'], sumpool: ['type', 'name', 'kernel', 'stride'],
  dropout: ['type', 'name', 'rate'],
};

function checkLayer(l: unknown, i: number, check: Checker): void {
  const { report } = check;
  const at = (field?: string): JsonPath => (field ? ['layers', i, field] : ['layers', i]);
  if (!isObject(l)) { report(at(), 'layer/not-object', `layer ${i} must be an object with a "type"`); return; }
  const layer = l;
  const label = `layer ${i}${typeof layer.name === 'string' ? ` "${layer.name}"` : ''}`;
  if (typeof layer.name !== 'string' || !layer.name) report(at('name'), 'layer/name', `${label} needs a "name"`);
  if (!LAYER_TYPES.includes(layer.type as never)) {
    report(at('type'), 'layer/unknown-type', `${label}: unknown layer type ${JSON.stringify(layer.type)}; use one of ${LAYER_TYPES.join(', ')}`);
    return;
  }
  unknownFields(layer, at(), LAYER_FIELDS[layer.type as string], `${label} (${String(layer.type)})`, check);
  /** A whole number from `min` to `max`; a value past `max` (a bound of `limits.ts`) is coded `limit/layer`. */
  const needInt = (field: string, what: string, max: number, { optional = false, min = 1 } = {}): void => {
    if (optional && layer[field] === undefined) return;
    const v = layer[field];
    if (isIntIn(v, min, max)) return;
    const tooBig = typeof v === 'number' && Number.isInteger(v) && v > max;
    report(at(field), tooBig ? 'limit/layer' : `layer/${field}`, `${label}: "${field}" must be a whole number from ${min} to ${count(max)} (${what})${tooBig ? `, not ${count(v)}` : ''}`);
  };
  const needBias = (): void => {
    if (layer.bias !== undefined && typeof layer.bias !== 'boolean') report(at('bias'), 'layer/bias', `${label}: "bias" must be true or false`);
  };
  switch (layer.type) {
    case 'conv2d': {
      needInt('outChannels', 'output channels', MAX_CHANNELS);
      const k = layer.kernel;
      const ok = isIntIn(k, 1, MAX_SIDE) || (Array.isArray(k) && k.length === 2 && k.every((x) => isIntIn(x, 1, MAX_SIDE)));
      if (!ok) report(at('kernel'), 'layer/kernel', `${label}: "kernel" must be a side or [height, width], whole numbers from 1 to ${count(MAX_SIDE)}`);
      needInt('stride', 'step of the window', MAX_SIDE, { optional: true });
      needInt('padding', 'zeros added on each side', MAX_SIDE, { optional: true, min: 0 });
      needBias();
      break;
    }
    case 'linear': needInt('outFeatures', 'output features', MAX_FEATURES); needBias(); break;
    case 'avgpool': case 'sumpool': needInt('kernel', 'pooling window side', MAX_SIDE); needInt('stride', 'step of the window', MAX_SIDE, { optional: true }); break;
    case 'dropout':
      if (typeof layer.rate !== 'number' || !(layer.rate >= 0 && layer.rate < 1)) report(at('rate'), 'layer/rate', `${label}: "rate" must be in [0, 1)`);
      break;
    default: break;
  }
}

function checkUniqueNames(layers: unknown[], report: Report): void {
  const seen = new Map<string, number>();
  layers.forEach((l, i) => {
    const name = (l as { name?: unknown })?.name;
    if (typeof name !== 'string') return;
    const first = seen.get(name);
    if (first !== undefined) report(['layers', i, 'name'], 'layer/duplicate-name', `layer ${i}: name "${name}" is already used by layer ${first}; layer names must be unique`);
    else seen.set(name, i);
  });
}

/** Checks that are about the spiking conversion rather than the shapes. */
function checkSemantics(model: ModelFile, stats: LayerStats[], report: Report): void {
  let sawSpiking = true; // the input emits spikes (events) or analog currents into the first weight layer
  model.layers.forEach((l, i) => {
    if (isWeightLayer(l)) {
      if (!sawSpiking) {
        report(['layers', i], 'snn/no-spikes-in', `layer ${i} "${l.name}" receives the output of another weight layer with no relu/qrelu between them: in the spiking network it would get currents, not spikes; add an activation`, 'warning');
      }
      sawSpiking = false;
    } else if (isSpikingLayer(l)) {
      sawSpiking = true;
    } else if (l.type === 'avgpool' || l.type === 'sumpool') {
      const [, h, w] = stats[i].inShape;
      const s = l.stride ?? l.kernel;
      const oh = windowOut(h, l.kernel, s, 0);
      const ow = windowOut(w, l.kernel, s, 0);
      const usedH = (oh - 1) * s + l.kernel;
      const usedW = (ow - 1) * s + l.kernel;
      if (usedH !== h || usedW !== w) {
        report(['layers', i, 'kernel'], 'shape/pool-remainder', `layer ${i} "${l.name}": pooling ${l.kernel}×${l.kernel} does not divide its ${h}×${w} input; floor mode drops ${h - usedH} row(s) and ${w - usedW} column(s) (${h}→${oh}), and spikes there cost no SynOps`, 'info');
      }
    }
  });
}

export type { ModelDiagnostic, Position, Range, Severity };
