/**
 * A spiking layer of a training step in one pass forward and one backward: the activation (QReLU `floor`,
 * QCFS `round`, or ReLU), the layer's SynOps per sample `s = (1/B) Σ_b Σ_e a_{b,e} · fanout_e` (eq. 1, see
 * `synopsPerConnection`) and, when an average pooling (kernel = stride, 'valid') follows, that pooling. As tfjs
 * ops these were ~15 passes over the layer's activations (relu, floor, the saved copy, the fan-out product, its
 * sum, the pooling, and their gradients: the pooling's spread, two products, an add, the step mask and its
 * product); at batch 32 of the MNIST-DVS net the first layer's alone were a third of a step.
 *
 * Gradient, with `g = ∂L/∂out` (pooled: every input of a window gets `g / k²`, rows and columns past the last
 * window 0) and `σ = ∂L/∂s`: `∂L/∂x = [x > 0] · (g_spread + (σ / B) · fanout_e)`, the straight-through
 * gradient of the quantizers (ReLU's for all three). Float32 as the ops compute it, each product and sum of
 * the gradient and the pooled window sums rounded as the ops round them; `s` is a float32 sum along each row
 * and a float64 sum of the rows where the ops sum in float32 in their own order (the two differ by float32
 * rounding of a long sum). A NaN input gives a NaN `s`, so a diverged step is still caught by the loss check.
 *
 * The kernels (`SynopsSpike`, `SynopsSpikeGrad`) run on the wasm backend with SIMD (`kernels/spike.as`, in the
 * convolution kernels' module, in place on the backend's memory); elsewhere, or with `useFusedSpikes(false)`,
 * `spikeLayerOps` builds the same with tfjs ops.
 */
import * as tf from '@tensorflow/tfjs-core';
import { kernelsOrThrow, kernelSwitch, type WasmBackend } from './kernels/module';

export type SpikeMode = 'floor' | 'round' | 'relu';
const MODES: SpikeMode[] = ['floor', 'round', 'relu'];

export const SPIKE = 'SynopsSpike';
export const SPIKE_GRAD = 'SynopsSpikeGrad';

/** `pool`: the following average pooling's kernel (= stride), 0 for none; `mode`: index into MODES. */
interface SpikeAttrs { pool: number; mode: number }

/** `[N, H, W, C]` of an NHWC tensor, or `[N, 1, 1, F]` of an `[N, F]` one (also `iaf-layer.ts`'s). */
export function dims(shape: number[]): [number, number, number, number] {
  return shape.length === 4 ? [shape[0], shape[1], shape[2], shape[3]] : [shape[0], 1, 1, shape.slice(1).reduce((a, b) => a * b, 1)];
}

/** The pooled shape `[N, ⌊H/k⌋, ⌊W/k⌋, C]`, or `shape` itself without pooling (also `iaf-layer.ts`'s). */
export function outShape(shape: number[], pool: number): number[] {
  if (!pool) return shape;
  const [b, h, w, c] = dims(shape);
  return [b, Math.floor(h / pool), Math.floor(w / pool), c];
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

function spikeKernel(args: KernelArgs): tf.TensorInfo[] {
  const { x, fanout } = args.inputs as { x: tf.TensorInfo; fanout: tf.TensorInfo };
  const a = args.attrs as unknown as SpikeAttrs;
  const be = args.backend as unknown as WasmBackend;
  const k = kernelsOrThrow(be, 'the fused spiking-layer kernels', 'fusedSpikesReady');
  const [B, H, W, C] = dims(x.shape);
  const out = be.makeOutput(outShape(x.shape, a.pool), 'float32');
  const s = be.makeOutput([], 'float32');
  // Offsets are read after the last allocation (the memory may grow on one).
  const at = (t: tf.TensorInfo) => be.dataIdMap.get(t.dataId).memoryOffset;
  const sum = k.spikeForward(at(x), at(fanout), at(out), B, H, W, C, a.pool, a.mode);
  new Float32Array(be.wasm.asm!.memory!.buffer, at(s), 1)[0] = sum / B;
  return [out, s];
}

function spikeGradKernel(args: KernelArgs): tf.TensorInfo {
  const { x, dOut, ds, fanout } = args.inputs as Record<'x' | 'dOut' | 'ds' | 'fanout', tf.TensorInfo>;
  const a = args.attrs as unknown as SpikeAttrs;
  const be = args.backend as unknown as WasmBackend;
  const k = kernelsOrThrow(be, 'the fused spiking-layer kernels', 'fusedSpikesReady');
  const [B, H, W, C] = dims(x.shape);
  const dx = be.makeOutput(x.shape, 'float32');
  const at = (t: tf.TensorInfo) => be.dataIdMap.get(t.dataId).memoryOffset;
  const memory = be.wasm.asm!.memory!.buffer;
  // g = ∂L/∂s / B in float32, as the ops' division computes it.
  const g = Math.fround(new Float32Array(memory, at(ds), 1)[0] / B);
  k.spikeBackward(at(x), at(dOut), g, at(fanout), at(dx), B, H, W, C, a.pool);
  return dx;
}

const fused = kernelSwitch();

/** Whether the fused kernels are used where they run (default on); off gives `spikeLayerOps`. Returns the previous setting. */
export const useFusedSpikes = fused.use;

/** Registers the kernels on the wasm backend and the gradient of `SynopsSpike` (idempotent). */
export function registerSpikeKernels(): void {
  if (tf.getKernel(SPIKE, 'wasm')) return;
  tf.registerKernel({ kernelName: SPIKE, backendName: 'wasm', kernelFunc: spikeKernel as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: SPIKE_GRAD, backendName: 'wasm', kernelFunc: spikeGradKernel as unknown as tf.KernelFunc });
  tf.registerGradient({
    kernelName: SPIKE,
    inputsToSave: ['x', 'fanout'],
    gradFunc: (dy, saved, attrs) => {
      const [dOut, ds] = dy as tf.Tensor[];
      const [x, fanout] = saved;
      return {
        x: () => tf.engine().runKernel(SPIKE_GRAD, { x, dOut, ds, fanout }, attrs) as tf.Tensor,
        // The fan-out map is a constant; the tape never asks for this.
        fanout: () => tf.zerosLike(fanout),
      };
    },
  });
}

/** Whether `spikeLayer` runs the fused kernels here (the wasm backend, fusion on). */
export const fusedSpikesReady = fused.ready;

/** The same as tfjs ops: the reference the kernels are tested against, and the path on other backends. */
export function spikeLayerOps(x: tf.Tensor, fanout: tf.Tensor2D, pool: number, act: (t: tf.Tensor) => tf.Tensor): { out: tf.Tensor; s: tf.Scalar } {
  const a = act(x);
  const flat = tf.reshape(a, [a.shape[0], -1]) as tf.Tensor2D;
  const s = tf.div(tf.sum(tf.mul(flat, fanout)), a.shape[0]) as tf.Scalar;
  return { out: pool ? tf.avgPool(a as tf.Tensor4D, pool, pool, 'valid') : a, s };
}

/**
 * The activation of `x` (`[B, H, W, C]` or `[B, F]`) pooled by `pool` (0: none; NHWC only), and its SynOps per
 * sample with `fanout` `[1, N]` (tensor order), in one kernel each way where `fusedSpikesReady()`.
 */
export function spikeLayer(x: tf.Tensor, fanout: tf.Tensor2D, pool: number, mode: SpikeMode): { out: tf.Tensor; s: tf.Scalar } {
  if (pool && x.rank !== 4) throw new Error('spikeLayer: pooling needs an NHWC tensor');
  registerSpikeKernels();
  const [out, s] = tf.engine().runKernel(SPIKE, { x, fanout }, { pool, mode: MODES.indexOf(mode) } as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return { out, s: s as tf.Scalar };
}
