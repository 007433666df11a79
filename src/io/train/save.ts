/**
 * Saving and reading trained networks:
 * - the model in TF.js layers format (`model.json` with a Keras `Sequential` topology and a
 *   `weightsManifest`, plus `weights.bin`), channels-last, weights named `<layer>/kernel`: what
 *   `sim/tfjs-weights.ts` reads for the spiking simulation. Explicit conv padding becomes a `ZeroPadding2D`
 *   before a 'valid' convolution (Keras' 'same' pads asymmetrically for stride 2); QReLU and sum pooling are
 *   custom classes `QReLU` / `SumPooling2D`;
 * - checkpoints: kernels and optimizer moments in one binary file plus a JSON index.
 * Every file is written atomically (temporary file + rename); `model.json` last, so a reader that finds it
 * finds its weights too.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { writeAtomic } from '../data/cache';
import { kernelSize } from '../../core/model/types';
import type { ActivationMode, TrainNet } from '../../core/train/net';

export interface NamedArray { name: string; shape: number[]; data: Float32Array }

/** Concatenates float32 arrays; returns the bytes and the manifest entries in order. */
export function packArrays(arrays: NamedArray[]): { bytes: Uint8Array; specs: { name: string; shape: number[]; dtype: 'float32' }[] } {
  const total = arrays.reduce((a, b) => a + b.data.length, 0);
  const buf = new Float32Array(total);
  let at = 0;
  for (const a of arrays) { buf.set(a.data, at); at += a.data.length; }
  return { bytes: new Uint8Array(buf.buffer), specs: arrays.map((a) => ({ name: a.name, shape: a.shape, dtype: 'float32' as const })) };
}

/** Splits bytes written by `packArrays` back into arrays by name. */
export function unpackArrays(bytes: Uint8Array, specs: { name: string; shape: number[] }[]): Map<string, NamedArray> {
  const out = new Map<string, NamedArray>();
  let at = 0;
  for (const s of specs) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    if (at + 4 * n > bytes.byteLength) throw new Error(`weight "${s.name}" runs past the end of its file`);
    const data = new Float32Array(n);
    new Uint8Array(data.buffer).set(bytes.subarray(at, at + 4 * n));
    out.set(s.name, { name: s.name, shape: s.shape, data });
    at += 4 * n;
  }
  return out;
}

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

/** Keras layer configs of the model, channels-last. */
export function kerasTopology(net: Pick<TrainNet, 'model' | 'stats'>, activation: ActivationMode): Record<string, unknown> {
  const { model, stats } = net;
  const [c, h, w] = model.input.shape;
  const layers: Record<string, unknown>[] = [];
  let first = true;
  const add = (className: string, config: Record<string, unknown>): void => {
    if (first) { config.batch_input_shape = [null, h, w, c]; config.dtype = 'float32'; first = false; }
    layers.push({ class_name: className, config: { trainable: true, ...config } });
  };
  model.layers.forEach((l, i) => {
    switch (l.type) {
      case 'conv2d': {
        const p = l.padding ?? 0;
        if (p) add('ZeroPadding2D', { name: `${l.name}_pad`, padding: [[p, p], [p, p]], data_format: 'channels_last' });
        const s = l.stride ?? 1;
        add('Conv2D', { name: l.name, filters: l.outChannels, kernel_size: kernelSize(l), strides: [s, s], padding: 'valid', data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear', use_bias: false });
        break;
      }
      case 'linear': add('Dense', { name: l.name, units: l.outFeatures, activation: 'linear', use_bias: false }); break;
      case 'relu':
      case 'qrelu': {
        const q = activation === 'qrelu' || (activation === 'model' && l.type === 'qrelu');
        if (q) add('QReLU', { name: l.name });
        else add('Activation', { name: l.name, activation: 'relu' });
        break;
      }
      case 'avgpool':
      case 'sumpool': {
        const s = l.stride ?? l.kernel;
        add(l.type === 'avgpool' ? 'AveragePooling2D' : 'SumPooling2D', { name: l.name, pool_size: [l.kernel, l.kernel], strides: [s, s], padding: 'valid', data_format: 'channels_last' });
        break;
      }
      case 'flatten': add('Flatten', { name: l.name, data_format: 'channels_last' }); break;
      case 'dropout': add('Dropout', { name: l.name, rate: l.rate }); break;
    }
    void stats[i];
  });
  return { class_name: 'Sequential', config: { name: model.name, layers }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' };
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
