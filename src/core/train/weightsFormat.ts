/**
 * The pure half of saving a trained network (`src/io/train/save.ts` writes the files): float32 arrays packed
 * into one weights buffer with its manifest entries and split back, and the Keras `Sequential` topology of
 * a model, channels-last. Explicit conv padding becomes a `ZeroPadding2D` before a 'valid' convolution
 * (Keras' 'same' pads asymmetrically for stride 2); QReLU and sum pooling are custom classes `QReLU` /
 * `SumPooling2D`.
 */
import { kernelSize } from '../model/types';
import type { ActivationMode, TrainNet } from './net';

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
