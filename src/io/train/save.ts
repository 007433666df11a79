/**
 * Saving and reading trained networks:
 * - the model in TF.js layers format (`model.json` with a Keras `Sequential` topology and a
 *   `weightsManifest`, plus `weights.bin`), channels-last, weights named `<layer>/kernel`: what
 *   `sim/tfjs-weights.ts` reads for the spiking simulation; its topology and packed weights are built by
 *   `core/train/weightsFormat.ts`;
 * - checkpoints: kernels and optimizer moments in one binary file plus a JSON index.
 * Every file is written atomically (temporary file + rename); `model.json` last, so a reader that finds it
 * finds its weights too.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { writeAtomic } from '../data/cache';
import type { ActivationMode, TrainNet } from '../../core/train/net';
import { kerasTopology, packArrays, unpackArrays, type NamedArray } from '../../core/train/weightsFormat';

export type { NamedArray };

/** Kernels of the net, `<layer>/kernel`, in layer order. */
export function netArrays(net: TrainNet): NamedArray[] {
  return [...net.vars.entries()].map(([name, v]) => ({ name: `${name}/kernel`, shape: v.shape, data: v.dataSync() as Float32Array }));
}

/** Sets the net's kernels from `<layer>/kernel` arrays; every kernel must be present with its shape. */
export function setNetArrays(net: TrainNet, arrays: Map<string, NamedArray>): void {
  for (const [name, v] of net.vars) {
    const a = arrays.get(`${name}/kernel`);
    if (!a) throw new Error(`no weights for layer "${name}"`);
    if (a.shape.join() !== v.shape.join()) throw new Error(`weights of "${name}" have shape [${a.shape}], the network needs [${v.shape}]`);
    v.assign(tf.tensor(a.data, a.shape));
  }
}


/** Writes `dir/model.json` and `dir/weights.bin` (TF.js layers format). */
export function saveTfjsModel(dir: string, net: TrainNet, activation: ActivationMode, metadata: Record<string, unknown> = {}): void {
  mkdirSync(dir, { recursive: true });
  const { bytes, specs } = packArrays(netArrays(net));
  writeAtomic(join(dir, 'weights.bin'), bytes);
  const json = {
    format: 'layers-model',
    generatedBy: 'SynOps Studio',
    convertedBy: null,
    modelTopology: kerasTopology(net, activation),
    weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
    userDefinedMetadata: { activation, ...metadata },
  };
  writeAtomic(join(dir, 'model.json'), new TextEncoder().encode(JSON.stringify(json)));
}

/** Reads the kernels of a model saved by `saveTfjsModel` (one weight group, float32). */
export function readTfjsModel(dir: string): { arrays: Map<string, NamedArray>; json: Record<string, unknown> } {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as Record<string, unknown>;
  const manifest = json.weightsManifest as { paths: string[]; weights: { name: string; shape: number[] }[] }[];
  const arrays = new Map<string, NamedArray>();
  for (const g of manifest) {
    const bytes = Buffer.concat(g.paths.map((p) => readFileSync(join(dir, p))));
    for (const [k, v] of unpackArrays(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), g.weights)) arrays.set(k, v);
  }
  return { arrays, json };
}
