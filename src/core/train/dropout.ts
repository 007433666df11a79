/**
 * Dropout of a training step on wasm in one kernel each way (`kernels/dropout.as`). The tfjs ops drew a
 * uniform number per element in JS (~10 ns each: 12 M per All-ConvNet step, and every shard of a data-parallel
 * step drew the whole batch's to keep its rows), then compared, cast and multiplied twice, and multiplied the
 * gradient. Here element i of the batch is kept when `u(seed, i) ≥ rate`, with `u` a counter-based uniform
 * (a 32-bit hash of the seed and i, in steps of 2⁻²⁴), so a shard computes only its own rows and gets the
 * masks the whole batch would: the same seed gives the same masks whatever the thread count. Each element is
 * `x · f32(1 / (1 − rate))` or `x · 0`, the ops' product bit for bit; the gradient is the same product on `dy`.
 *
 * The masks differ from the ops' (another generator): a seed gives one run on the wasm backend and another
 * on the others, each reproducible. `dropoutKeep` is the generator in JS, for tests.
 */
import * as tf from '@tensorflow/tfjs-core';
import { kernelsFor, kernelSwitch, type WasmBackend } from './kernels/module';

export const DROPOUT = 'SynopsDropout';

/** `first`: the batch index of the tensor's first element (a shard's row offset × elements per row). */
interface DropoutAttrs { rate: number; seed: number; first: number }

/** Wellons' lowbias32, as `mix32` in dropout.as. */
function mix32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** The 24-bit threshold of `rate`: kept when the draw is ≥ it. */
function threshold(rate: number): number {
  return Math.min(1 << 24, Math.ceil(rate * (1 << 24)));
}

/** Whether batch elements `first … first + n − 1` are kept, as the kernel decides (for tests). */
export function dropoutKeep(n: number, rate: number, seed: number, first: number): Uint8Array {
  const key = mix32((seed ^ 0x9e3779b9) >>> 0);
  const t = threshold(rate);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (mix32(((first + i) ^ key) >>> 0) >>> 8) >= t ? 1 : 0;
  return out;
}

function dropoutKernel(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  const a = args.attrs as unknown as DropoutAttrs;
  const be = args.backend as unknown as WasmBackend;
  const k = kernelsFor(be);
  if (!k) throw new Error('the fused dropout needs the wasm backend with SIMD');
  const out = be.makeOutput(x.shape, 'float32');
  const at = (t: tf.TensorInfo) => be.dataIdMap.get(t.dataId).memoryOffset;
  const n = x.shape.reduce((p, c) => p * c, 1);
  k.dropoutApply(at(x), at(out), n, a.seed >>> 0, a.first >>> 0, threshold(a.rate), Math.fround(1 / (1 - a.rate)));
  return out;
}

/** Registers the kernel and its gradient (the same mask on `dy`), idempotent. */
function register(): void {
  if (tf.getKernel(DROPOUT, 'wasm')) return;
  tf.registerKernel({ kernelName: DROPOUT, backendName: 'wasm', kernelFunc: dropoutKernel as unknown as tf.KernelFunc });
  tf.registerGradient({ kernelName: DROPOUT, gradFunc: (dy, _saved, attrs) => ({ x: () => tf.engine().runKernel(DROPOUT, { x: dy as tf.Tensor }, attrs) as tf.Tensor }) });
}

const fused = kernelSwitch();

/** Whether training dropout uses the kernel where it runs (default on); off gives the ops. Returns the previous setting. */
export const useFusedDropout = fused.use;

/** Whether `fusedDropout` runs here (the wasm backend with SIMD, fusion on). */
export const fusedDropoutReady = fused.ready;

/** Dropout of `x` (float32, `rate` < 1) with `seed`; `first` is the batch index of its first element. */
export function fusedDropout(x: tf.Tensor, rate: number, seed: number, first: number): tf.Tensor {
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropout rate ${rate} is not in [0, 1)`);
  register();
  return tf.engine().runKernel(DROPOUT, { x }, { rate, seed, first } as unknown as tf.NamedAttrMap) as tf.Tensor;
}
