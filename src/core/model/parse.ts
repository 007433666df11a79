import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { layerStats, ShapeError, windowOut, type LayerStats } from './shapes';
import type { ModelDiagnostic, Position, Range, Severity } from '../../protocol/report';
import { LAYER_TYPES, MODEL_FORMAT, MODEL_FORMAT_VERSION, isSpikingLayer, isWeightLayer, type ModelFile } from './types';

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

type JsonPath = (string | number)[];

/**
 * Parses and checks a model file's text. Never throws: every problem becomes a diagnostic at the place in
 * the text it concerns (the offending value if it exists, else the object that lacks it).
 * `source` names the file in messages.
 */
export function parseModel(text: string, source = 'model file'): ParsedModel {
  const lines = new LineIndex(text);
  const diagnostics: ModelDiagnostic[] = [];
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: false });
  for (const e of errors) {
    diagnostics.push({ code: 'json/syntax', severity: 'error', range: lines.range(e.offset, Math.max(1, e.length)),
      message: `${source}: JSON syntax error ${printParseErrorCode(e.error)}` });
  }
  const layerRanges: Range[] = [];
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

  const value = root.type === 'object' ? (JSON.parse(text.slice(root.offset, root.offset + root.length)) as Record<string, unknown>) : undefined;
  if (!value) {
    report([], 'model/not-object', `${source}: a model file is a JSON object with "format": "${MODEL_FORMAT}"`);
    return { diagnostics, layerRanges };
  }
  const before = diagnostics.length;
  checkTopLevel(value, report);
  const layers = Array.isArray(value.layers) ? (value.layers as unknown[]) : [];
  layers.forEach((_, i) => {
    const n = nodeAt(['layers', i]);
    if (n) layerRanges.push(lines.range(n.offset, n.length));
  });
  layers.forEach((l, i) => checkLayer(l, i, report));
  checkUniqueNames(layers, report);
  if (diagnostics.length > before) return { diagnostics, layerRanges };

  const model = value as unknown as ModelFile;
  let stats: LayerStats[];
  try {
    stats = layerStats(model);
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    report(['layers', e.layerIndex, ...(e.field ? [e.field] : [])], `shape/${e.field ?? 'input'}`, e.message);
    return { diagnostics, layerRanges };
  }
  checkSemantics(model, stats, report);
  return { model, stats, diagnostics, layerRanges };
}

type Report = (path: JsonPath, code: string, message: string, severity?: Severity) => void;

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

function checkTopLevel(v: Record<string, unknown>, report: Report): void {
  if (v.format !== MODEL_FORMAT) report(['format'], 'model/format', `"format" must be "${MODEL_FORMAT}"`);
  if (v.version !== MODEL_FORMAT_VERSION) report(['version'], 'model/version', `"version" must be ${MODEL_FORMAT_VERSION}; this SynOps Studio reads version ${MODEL_FORMAT_VERSION} model files`);
  if (typeof v.name !== 'string' || !v.name) report(['name'], 'model/name', '"name" must be a non-empty string');
  const input = v.input as Record<string, unknown> | undefined;
  if (!input || typeof input !== 'object') {
    report(['input'], 'input/missing', '"input" is required: { "kind": "events" | "image", "shape": [channels, height, width], … }');
  } else {
    if (input.kind !== 'events' && input.kind !== 'image') report(['input', 'kind'], 'input/kind', '"input.kind" must be "events" or "image"');
    const shape = input.shape;
    if (!Array.isArray(shape) || shape.length !== 3 || !shape.every(isPositiveInt)) {
      report(['input', 'shape'], 'input/shape', '"input.shape" must be [channels, height, width] with positive integers');
    }
    if (input.kind === 'events') {
      if (!isPositiveInt(input.chunkEvents)) report(['input', 'chunkEvents'], 'input/chunkEvents', '"input.chunkEvents" must be a positive integer (the paper uses 3000)');
      if (typeof input.dtMs !== 'number' || !(input.dtMs > 0)) report(['input', 'dtMs'], 'input/dtMs', '"input.dtMs" must be a positive number of milliseconds (the paper uses 1)');
    }
    if (input.kind === 'image' && !isPositiveInt(input.steps)) report(['input', 'steps'], 'input/steps', '"input.steps" must be a positive integer (the paper uses 10)');
  }
  if (!Array.isArray(v.layers) || v.layers.length === 0) report(['layers'], 'model/layers', '"layers" must be a non-empty array');
  checkConversionOptions(v, report);
}

/** The training block's conversion-related options and the `conversion` block (see `ConversionSpec`). */
function checkConversionOptions(v: Record<string, unknown>, report: Report): void {
  const t = v.training as Record<string, unknown> | undefined;
  const oneOf = (path: JsonPath, value: unknown, allowed: string[]): void => {
    if (value !== undefined && !allowed.includes(value as string)) report(path, `model/${path.join('.')}`, `"${path.join('.')}" must be ${allowed.map((a) => `"${a}"`).join(' or ')}, got ${JSON.stringify(value)}`);
  };
  if (t && typeof t === 'object') {
    oneOf(['training', 'outputActivation'], t.outputActivation, ['none', 'spiking']);
    oneOf(['training', 'quantizer'], t.quantizer, ['floor', 'round']);
  }
  const c = v.conversion as Record<string, unknown> | undefined;
  if (c === undefined) return;
  if (!c || typeof c !== 'object' || Array.isArray(c)) { report(['conversion'], 'model/conversion', '"conversion" must be an object: { "readout", "normalize", "calibrate", "finetune" }'); return; }
  oneOf(['conversion', 'readout'], c.readout, ['spikes', 'membrane']);
  const block = (key: string, fields: Record<string, (x: number) => boolean>, what: string): void => {
    const b = c[key];
    if (b === undefined || b === false) return;
    if (!b || typeof b !== 'object' || Array.isArray(b)) { report(['conversion', key], `model/conversion.${key}`, `"conversion.${key}" must be false or { ${what} }`); return; }
    for (const [f, ok] of Object.entries(fields)) {
      const x = (b as Record<string, unknown>)[f];
      if (x !== undefined && !(typeof x === 'number' && Number.isFinite(x) && ok(x))) report(['conversion', key, f], `model/conversion.${key}`, `"conversion.${key}.${f}" must be ${what}`);
    }
  };
  block('normalize', { percentile: (x) => x > 0 && x <= 100 }, '"percentile": a number in (0, 100]');
  block('calibrate', { samples: (x) => Number.isInteger(x) && x > 0 && x <= 100000 }, '"samples": a positive integer');
  block('finetune', { epochs: (x) => Number.isInteger(x) && x > 0 && x <= 1000, bins: (x) => Number.isInteger(x) && x > 0 && x <= 1000, learningRate: (x) => x > 0 && x < 1, maxSamples: (x) => Number.isInteger(x) && x > 0 }, '"epochs", "bins" (positive integers), "learningRate" in (0, 1), "maxSamples" (a positive integer)');
}

function checkLayer(l: unknown, i: number, report: Report): void {
  const at = (field?: string): JsonPath => (field ? ['layers', i, field] : ['layers', i]);
  if (!l || typeof l !== 'object') { report(at(), 'layer/not-object', `layer ${i} must be an object with a "type"`); return; }
  const layer = l as Record<string, unknown>;
  const label = `layer ${i}${typeof layer.name === 'string' ? ` "${layer.name}"` : ''}`;
  if (typeof layer.name !== 'string' || !layer.name) report(at('name'), 'layer/name', `${label} needs a "name"`);
  if (!LAYER_TYPES.includes(layer.type as never)) {
    report(at('type'), 'layer/unknown-type', `${label}: unknown layer type ${JSON.stringify(layer.type)}; use one of ${LAYER_TYPES.join(', ')}`);
    return;
  }
  const needInt = (field: string, what: string, optional = false): void => {
    if (optional && layer[field] === undefined) return;
    if (!isPositiveInt(layer[field])) report(at(field), `layer/${field}`, `${label}: "${field}" must be a positive integer (${what})`);
  };
  switch (layer.type) {
    case 'conv2d': {
      needInt('outChannels', 'output channels');
      const k = layer.kernel;
      const ok = isPositiveInt(k) || (Array.isArray(k) && k.length === 2 && k.every(isPositiveInt));
      if (!ok) report(at('kernel'), 'layer/kernel', `${label}: "kernel" must be a positive integer or [height, width]`);
      needInt('stride', 'step of the window', true);
      if (layer.padding !== undefined && !(Number.isInteger(layer.padding) && (layer.padding as number) >= 0)) {
        report(at('padding'), 'layer/padding', `${label}: "padding" must be a non-negative integer`);
      }
      break;
    }
    case 'linear': needInt('outFeatures', 'output features'); break;
    case 'avgpool': case 'sumpool': needInt('kernel', 'pooling window side'); needInt('stride', 'step of the window', true); break;
    case 'dropout':
      if (typeof layer.rate !== 'number' || layer.rate < 0 || layer.rate >= 1) report(at('rate'), 'layer/rate', `${label}: "rate" must be in [0, 1)`);
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
