import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { FileFormatError } from '../../core/jsonText';
import { readJsonFile } from '../jsonFile';
import { MAX_PARAMETERS } from '../../core/model/limits';
import { isWeightLayer, type ModelFile } from '../../core/model/types';
import { layerStats, type LayerStats } from '../../core/model/shapes';
import { checkWeights, expectedWeightShape, type ModelWeights } from '../../core/sim/weights';

/** One entry of a TF.js `weightsManifest` group. */
interface ManifestEntry { name: string; shape: number[]; dtype: string }

/** Largest weight data of one `model.json`: float32 values of the largest model `limits.ts` allows. */
export const MAX_WEIGHT_BYTES = 4 * MAX_PARAMETERS;

/** Reads a weight file named in `model.json`, given its path relative to the folder of `model.json`. */
export type ReadRelative = (relativePath: string) => Promise<Uint8Array>;

/**
 * Checks that a path from `model.json` stays inside the folder of `model.json`: relative, `/`-separated,
 * no `..` or empty segments, no drive letter or backslash. Returns it unchanged; throws otherwise.
 */
export function confinedPath(path: string): string {
  const bad = (why: string): never => { throw new Error(`weight file path ${JSON.stringify(path)} in model.json ${why}; weight files must sit in the folder of model.json`); };
  if (typeof path !== 'string' || path.length === 0) bad('is empty');
  if (path.includes('\\') || path.includes('\0') || /^[a-zA-Z]:/.test(path)) bad('has a backslash, NUL or drive letter');
  if (path.startsWith('/')) bad('is absolute');
  for (const seg of path.split('/')) if (seg === '..' || seg === '') bad('leaves its folder or has an empty segment');
  return path;
}

/**
 * Reads TF.js layers-format weights (`model.json` with a `weightsManifest`, plus its `.bin` shards) for
 * `model`, strictly: every conv2d/linear layer of the model needs `<layer name>/kernel` (and `/bias` when
 * the layer has one), any other weight is an error, shapes must match, dtype must be float32.
 * Layouts are converted to PyTorch's: conv kernel `[kH, kW, in, out]` → `[out, in, kH, kW]`, dense kernel
 * `[in, out]` → `[out, in]`. A dense layer behind a flatten of `[C, H, W]` in a channels-last TF.js model
 * (the TF.js default) sees its inputs in `(h, w, c)` order; its rows are permuted to the model file's
 * channels-first `(c, h, w)` order, so the spiking network computes the same function.
 */
export async function readTfjsWeights(modelJsonText: string, model: Pick<ModelFile, 'input' | 'layers'>, read: ReadRelative): Promise<ModelWeights> {
  let json: unknown;
  try { json = JSON.parse(modelJsonText); } catch (e) {
    throw new Error(`model.json is not valid JSON (${(e as Error).message.split(', "')[0]})`);
  }
  const m = await readManifest(json, read);
  return toModelWeights(m, model);
}

/** The weights a `weightsManifest` lists, by name, as stored (TF.js layout), and whether the topology is channels-first. */
export interface ManifestArrays { byName: Map<string, Float32Array>; shapes: Map<string, number[]>; channelsFirst: boolean }

/**
 * Reads the weights a parsed `model.json` lists, checking its structure before allocating: each entry
 * a name, a shape of whole numbers and float32; the shards of a group together at most
 * `MAX_WEIGHT_BYTES`, exactly as many bytes as the entries describe.
 */
export async function readManifest(json: unknown, read: ReadRelative): Promise<ManifestArrays> {
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Error('model.json is not a JSON object; save the trained model with TF.js `model.save` (layers format)');
  const manifest = (json as Record<string, unknown>).weightsManifest;
  if (!Array.isArray(manifest)) throw new Error('model.json has no "weightsManifest" array; save the trained model with TF.js `model.save` (layers format)');
  const channelsFirst = JSON.stringify((json as Record<string, unknown>).modelTopology ?? {}).includes('"channels_first"');
  const byName = new Map<string, Float32Array>();
  const shapes = new Map<string, number[]>();
  let allBytes = 0;
  for (const [g, group] of (manifest as unknown[]).entries()) {
    const paths = (group as Record<string, unknown> | null)?.paths;
    const entries = (group as Record<string, unknown> | null)?.weights;
    if (!Array.isArray(paths) || !Array.isArray(entries)) throw new Error(`weightsManifest[${g}] needs "paths" and "weights" arrays`);
    let described = 0;
    for (const [k, e] of (entries as unknown[]).entries()) {
      const ok = !!e && typeof e === 'object' && typeof (e as ManifestEntry).name === 'string' && Array.isArray((e as ManifestEntry).shape)
        && (e as ManifestEntry).shape.every((d) => Number.isInteger(d) && d >= 0);
      if (!ok) throw new Error(`weightsManifest[${g}].weights[${k}] needs a "name", a "shape" of whole numbers and a "dtype"`);
      const entry = e as ManifestEntry;
      if (entry.dtype !== 'float32') throw new Error(`weight "${entry.name}" has dtype ${JSON.stringify(entry.dtype)}; only float32 is supported (save without quantization)`);
      described += 4 * entry.shape.reduce((a, b) => a * b, 1);
    }
    allBytes += described;
    if (allBytes > MAX_WEIGHT_BYTES) throw new Error(`weightsManifest describes more than ${MAX_WEIGHT_BYTES.toLocaleString('en-US')} bytes of weights (${MAX_PARAMETERS.toLocaleString('en-US')} parameters, the most a model may have)`);
    const parts: Uint8Array[] = [];
    let total = 0;
    for (const p of paths as unknown[]) {
      if (typeof p !== 'string') throw new Error(`weightsManifest[${g}].paths holds ${JSON.stringify(p)}, not a file name`);
      const part = await read(confinedPath(p));
      total += part.byteLength;
      if (total > described) throw new Error(`weightsManifest[${g}]: its .bin files hold more than the ${described} bytes its weights describe; the files do not belong to this model.json`);
      parts.push(part);
    }
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const p of parts) { bytes.set(p, at); at += p.byteLength; }
    let offset = 0;
    for (const e of entries as ManifestEntry[]) {
      const n = e.shape.reduce((a, b) => a * b, 1);
      if (offset + 4 * n > total) throw new Error(`weight "${e.name}" runs past the end of its .bin files (${total} bytes); the files do not belong to this model.json`);
      const values = new Float32Array(n);
      new Uint8Array(values.buffer).set(bytes.subarray(offset, offset + 4 * n));
      offset += 4 * n;
      if (byName.has(e.name)) throw new Error(`weight "${e.name}" appears twice in model.json`);
      byName.set(e.name, values);
      shapes.set(e.name, e.shape);
    }
    if (offset !== total) throw new Error(`weightsManifest[${g}] describes ${offset} bytes but its .bin files hold ${total}`);
  }
  return { byName, shapes, channelsFirst };
}

/** The first NaN or ±Infinity of `a`, as words, or undefined when every value is finite. */
export function nonFinite(a: Float32Array): string | undefined {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return `${a[i]} at element ${i} of ${a.length}`;
  return undefined;
}

/** Throws naming the layer when a weight array holds NaN or ±Infinity (a diverged run or a damaged file). */
export function checkFinite(layer: string, what: string, a: Float32Array): void {
  const bad = nonFinite(a);
  if (bad) throw new Error(`the ${what} of layer "${layer}" hold ${bad}; a network with NaN or infinite weights cannot be simulated (the training diverged or the file is damaged)`);
}

/**
 * Reads `model.json` at `modelJsonPath` and the weight files it lists, confined by real path: each
 * listed file, symbolic links resolved, must lie inside the real folder of `model.json`, be a regular file
 * and hold at most `MAX_WEIGHT_BYTES`. `model.json` itself is read with a size bound. Problems with the
 * files (damage, confinement, shapes, non-finite values) throw a `FileFormatError` naming `model.json`;
 * file system errors are thrown as they are.
 */
export async function readTfjsFile(modelJsonPath: string): Promise<ManifestArrays> {
  const json = readJsonFile(modelJsonPath, 'save the trained model again, or point at the model.json of a finished run');
  const folder = realpathSync(dirname(modelJsonPath));
  try {
    return await readManifest(json, async (rel) => readConfined(folder, rel));
  } catch (e) {
    throw asFileError(modelJsonPath, e);
  }
}

/** `readTfjsWeights` for a file on disk, through `readTfjsFile`'s checks. */
export async function readTfjsWeightsFile(modelJsonPath: string, model: Pick<ModelFile, 'input' | 'layers'>): Promise<ModelWeights> {
  const m = await readTfjsFile(modelJsonPath);
  try {
    return toModelWeights(m, model);
  } catch (e) {
    throw asFileError(modelJsonPath, e);
  }
}

/** A plain error about a weight file becomes a `FileFormatError` naming it; file system errors stay as they are. */
function asFileError(file: string, e: unknown): unknown {
  if (e instanceof FileFormatError || (e as NodeJS.ErrnoException).code !== undefined || !(e instanceof Error)) return e;
  return new FileFormatError(file, `${file}: ${e.message}`);
}

/** Reads `rel` of `folder` (a real path) if it really lies inside: a symbolic link out of the folder is refused. */
function readConfined(folder: string, rel: string): Uint8Array {
  const real = realpathSync(join(folder, rel));
  if (!real.startsWith(folder + sep)) throw new Error(`weight file "${rel}" resolves to ${real}, outside ${folder}; weight files must lie in the folder of model.json (a symbolic link may not lead out of it)`);
  const st = statSync(real);
  if (!st.isFile()) throw new Error(`weight file "${rel}" is not a regular file (a folder, pipe or device)`);
  if (st.size > MAX_WEIGHT_BYTES) throw new Error(`weight file "${rel}" has ${st.size.toLocaleString('en-US')} bytes, more than the ${MAX_WEIGHT_BYTES.toLocaleString('en-US')} of the largest model`);
  return new Uint8Array(readFileSync(real));
}

/** Maps the manifest's arrays onto the model's weight layers (see `readTfjsWeights`). */
function toModelWeights(m: ManifestArrays, model: Pick<ModelFile, 'input' | 'layers'>): ModelWeights {
  const { byName, shapes, channelsFirst } = m;
  const stats = layerStats(model);
  const weights: ModelWeights = {};
  const used = new Set<string>();
  const find = (layer: string, kind: 'kernel' | 'bias'): string | undefined => {
    const hits = [...byName.keys()].filter((k) => k === `${layer}/${kind}` || k.endsWith(`/${layer}/${kind}`));
    if (hits.length > 1) throw new Error(`more than one weight matches layer "${layer}" (${hits.join(', ')})`);
    return hits[0];
  };
  model.layers.forEach((layer, index) => {
    if (!isWeightLayer(layer)) return;
    const kName = find(layer.name, 'kernel');
    if (!kName) throw new Error(`model.json has no "${layer.name}/kernel"; TF.js layer names must equal the model file's layer names`);
    used.add(kName);
    const want = expectedWeightShape(model, stats, index);
    const got = shapes.get(kName)!;
    const k = byName.get(kName)!;
    let weight: Float32Array;
    if (layer.type === 'conv2d') {
      const [o, i, kh, kw] = want;
      if (got.join() !== [kh, kw, i, o].join()) throw new Error(`"${kName}" has shape [${got.join(', ')}], layer "${layer.name}" needs [${[kh, kw, i, o].join(', ')}] (TF.js [kH, kW, in, out])`);
      weight = new Float32Array(k.length);
      for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) for (let c = 0; c < i; c++) for (let d = 0; d < o; d++) {
        weight[((d * i + c) * kh + a) * kw + b] = k[((a * kw + b) * i + c) * o + d];
      }
    } else {
      const [o, i] = want;
      if (got.join() !== [i, o].join()) throw new Error(`"${kName}" has shape [${got.join(', ')}], layer "${layer.name}" needs [${i}, ${o}] (TF.js [in, out])`);
      const chw = flattenedFrom(model, stats, index);
      weight = new Float32Array(k.length);
      for (let r = 0; r < i; r++) {
        // Row r of the model (channels-first order) is row src of the TF.js kernel.
        let src = r;
        if (chw && !channelsFirst) {
          const [c, h, w] = chw;
          const ch = Math.floor(r / (h * w));
          const rest = r % (h * w);
          src = rest * c + ch;
        }
        for (let d = 0; d < o; d++) weight[d * i + r] = k[src * o + d];
      }
    }
    const entry: ModelWeights[string] = { shape: want, weight };
    const bName = find(layer.name, 'bias');
    if (bName) { used.add(bName); entry.bias = byName.get(bName)!; }
    weights[layer.name] = entry;
  });
  const extra = [...byName.keys()].filter((k) => !used.has(k));
  if (extra.length) throw new Error(`model.json has weights the model file does not know: ${extra.join(', ')}`);
  checkWeights(model, stats, weights);
  for (const [layer, w] of Object.entries(weights)) {
    checkFinite(layer, 'weights', w.weight);
    if (w.bias) checkFinite(layer, 'biases', w.bias);
  }
  return weights;
}

/** The `[C, H, W]` shape a linear layer's input was flattened from, if a flatten of a 3-D tensor precedes it. */
function flattenedFrom(model: Pick<ModelFile, 'layers'>, stats: LayerStats[], index: number): number[] | undefined {
  for (let j = index - 1; j >= 0; j--) {
    const l = model.layers[j];
    if (l.type === 'flatten') return stats[j].inShape.length === 3 ? stats[j].inShape : undefined;
    if (l.type !== 'dropout' && l.type !== 'relu' && l.type !== 'qrelu') return undefined;
  }
  return undefined;
}
