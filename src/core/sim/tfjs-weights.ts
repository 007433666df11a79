import { isWeightLayer, type ModelFile } from '../model/types';
import { layerStats, type LayerStats } from '../model/shapes';
import { checkWeights, expectedWeightShape, type ModelWeights } from './weights';

/** One entry of a TF.js `weightsManifest` group. */
interface ManifestEntry { name: string; shape: number[]; dtype: string }

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
  let json: Record<string, unknown>;
  try { json = JSON.parse(modelJsonText) as Record<string, unknown>; } catch (e) {
    throw new Error(`model.json is not valid JSON (${(e as Error).message})`);
  }
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest)) throw new Error('model.json has no "weightsManifest" array; save the trained model with TF.js `model.save` (layers format)');
  const channelsFirst = JSON.stringify(json.modelTopology ?? {}).includes('"channels_first"');
  const stats = layerStats(model);
  const byName = new Map<string, Float32Array>();
  const shapes = new Map<string, number[]>();
  for (const [g, group] of (manifest as Record<string, unknown>[]).entries()) {
    const paths = group.paths;
    const entries = group.weights as ManifestEntry[] | undefined;
    if (!Array.isArray(paths) || !Array.isArray(entries)) throw new Error(`weightsManifest[${g}] needs "paths" and "weights" arrays`);
    const parts = await Promise.all((paths as string[]).map((p) => read(confinedPath(p))));
    const total = parts.reduce((a, b) => a + b.byteLength, 0);
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const p of parts) { bytes.set(p, at); at += p.byteLength; }
    let offset = 0;
    for (const e of entries) {
      if (e.dtype !== 'float32') throw new Error(`weight "${e.name}" has dtype ${e.dtype}; only float32 is supported (save without quantization)`);
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
