/**
 * A spiking layer through time in one pass each way: the integrate-and-fire recurrence over the bins of a
 * batch (`through-time.ts` has the maths), the layer's SynOps per sample `S = (1/B) Σ_b Σ_e (Σ_t s_t,e) · fanout_e`
 * and, when an average pooling (kernel = stride, 'valid') follows, that pooling of each bin's spikes. Written
 * as `iafThroughTime` (the currents read out of the backend, the recurrence in JavaScript, the spikes written
 * back), the sum over the bins, the fan-out product, the pooling and their gradients in tfjs ops, these were
 * about three quarters of an epoch through time on the MNIST-DVS net (16 bins, batch 32): the copies in and
 * out of the wasm memory, the JavaScript loops, the gradient of the sum over the bins (a tensor of ones as
 * large as the spikes, multiplied in) and the pooling's spread. The kernels take about a quarter of the
 * epoch, 5x shorter; the convolutions most of the rest.
 *
 * Gradient, with `g_t = ∂L/∂out_t` (pooled: every input of a window gets `g_t / k²`, rows and columns past the
 * last window 0) and `σ = ∂L/∂S`: `∂L/∂I_τ = Σ_{t ≥ τ} [u_t > 0] · (g_t spread + f32(σ/B · fanout_e))`, `u_t`
 * the membrane before its reset (the straight-through rule of `iafThroughTime`), each product and sum rounded
 * to float32 as the ops round them. The membrane is float32, as the op-by-op unrolling computes it
 * (`iafThroughTime` adds in float64, so the two may differ where a sum lands within rounding of a whole
 * number); `S` sums float32 products of whole spike counts in float64, where the ops sum float32 in their own
 * order; pooled spikes are whole-number window sums × 1/k². A NaN current gives NaN spikes and a NaN `S`, so a
 * diverged step is still caught by the loss check.
 *
 * The kernels (`SynopsIaf`, `SynopsIafGrad`, `kernels/iaf.as`: bin by bin, each frame streamed, the membranes in a
 * scratch buffer) run on the wasm backend with SIMD, in place on the backend's memory; elsewhere, or with
 * `useFusedIaf(false)`, `through-time.ts` keeps its own path.
 */
import * as tf from '@tensorflow/tfjs-core';
import { kernelsOrThrow, kernelSwitch, type WasmBackend } from './kernels/module';
import { dims, outShape } from './spike-layer';

export const IAF = 'SynopsIaf';
export const IAF_GRAD = 'SynopsIafGrad';

/**
 * `count`: 1 to count SynOps with the `fanout` input, 0 for none (the fan-out input is then a placeholder);
 * `pool`: the following average pooling's kernel (= stride), 0 for none.
 */
interface IafAttrs { batch: number; bins: number; v0: number; count: number; pool: number }

type KernelArgs = Parameters<tf.KernelFunc>[0];

function iafKernel(args: KernelArgs): tf.TensorInfo[] {
  const { x, fanout } = args.inputs as { x: tf.TensorInfo; fanout: tf.TensorInfo };
  const a = args.attrs as unknown as IafAttrs;
  const be = args.backend as unknown as WasmBackend;
  const k = kernelsOrThrow(be, 'the fused integrate-and-fire kernels', 'fusedIafReady');
  const [, H, W, C] = dims(x.shape);
  const out = be.makeOutput(outShape(x.shape, a.pool), 'float32');
  const s = be.makeOutput([], 'float32');
  const scratch = be.makeOutput([k.iafScratch(H, W, C) / 4], 'float32');
  // Offsets are read after the last allocation (the memory may grow on one).
  const at = (t: tf.TensorInfo) => be.dataIdMap.get(t.dataId).memoryOffset;
  try {
    const sum = k.iafForward(at(x), a.count ? at(fanout) : 0, at(out), at(scratch), a.batch, a.bins, H, W, C, a.pool, a.v0);
    new Float32Array(be.wasm.asm!.memory!.buffer, at(s), 1)[0] = sum / a.batch;
  } finally {
    be.disposeData(scratch.dataId);
  }
  return [out, s];
}

function iafGradKernel(args: KernelArgs): tf.TensorInfo {
  const { x, dOut, ds, fanout } = args.inputs as Record<'x' | 'dOut' | 'ds' | 'fanout', tf.TensorInfo>;
  const a = args.attrs as unknown as IafAttrs;
  const be = args.backend as unknown as WasmBackend;
  const k = kernelsOrThrow(be, 'the fused integrate-and-fire kernels', 'fusedIafReady');
  const [, H, W, C] = dims(x.shape);
  const dx = be.makeOutput(x.shape, 'float32');
  const scratch = be.makeOutput([k.iafScratch(H, W, C) / 4], 'float32');
  const at = (t: tf.TensorInfo) => be.dataIdMap.get(t.dataId).memoryOffset;
  // g = ∂L/∂S / B in float32, as the ops' division computes it.
  const g = Math.fround(new Float32Array(be.wasm.asm!.memory!.buffer, at(ds), 1)[0] / a.batch);
  try {
    k.iafBackward(at(x), at(dOut), g, a.count ? at(fanout) : 0, at(dx), at(scratch), a.batch, a.bins, H, W, C, a.pool, a.v0);
  } finally {
    be.disposeData(scratch.dataId);
  }
  return dx;
}

const fused = kernelSwitch();

/** Whether the fused kernels are used where they run (default on); off gives `through-time.ts`'s own path. Returns the previous setting. */
export const useFusedIaf = fused.use;

/** Whether `iafLayer` runs here (the wasm backend, fusion on). */
export const fusedIafReady = fused.ready;

/** Registers the kernels on the wasm backend and the gradient of `SynopsIaf` (idempotent). */
export function registerIafKernels(): void {
  if (tf.getKernel(IAF, 'wasm')) return;
  tf.registerKernel({ kernelName: IAF, backendName: 'wasm', kernelFunc: iafKernel as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: IAF_GRAD, backendName: 'wasm', kernelFunc: iafGradKernel as unknown as tf.KernelFunc });
  tf.registerGradient({
    kernelName: IAF,
    inputsToSave: ['x', 'fanout'],
    gradFunc: (dy, saved, attrs) => {
      const [dOut, ds] = dy as tf.Tensor[];
      const [x, fanout] = saved;
      return {
        x: () => tf.engine().runKernel(IAF_GRAD, { x, dOut, ds, fanout }, attrs) as tf.Tensor,
        // The fan-out map is a constant; the tape never asks for this.
        fanout: () => tf.zerosLike(fanout),
      };
    },
  });
}

/**
 * The spikes `[B·T, …]` (the shape of `current`, sample-major: frame `b·T + t`) of the IAF recurrence from
 * `v0`, pooled by `pool` (0: none; NHWC only), and with `fanout` (`[1, N]`, tensor order) the layer's SynOps
 * per sample `S` (0 without), where `fusedIafReady()`.
 */
export function iafLayer(current: tf.Tensor, batch: number, bins: number, v0: number, fanout?: tf.Tensor2D, pool = 0): { spikes: tf.Tensor; s: tf.Scalar } {
  if (pool && current.rank !== 4) throw new Error('iafLayer: pooling needs an NHWC tensor');
  registerIafKernels();
  const attrs: IafAttrs = { batch, bins, v0, count: fanout ? 1 : 0, pool };
  const [spikes, s] = tf.engine().runKernel(IAF, { x: current, fanout: fanout ?? tf.scalar(0) }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return { spikes, s: s as tf.Scalar };
}
