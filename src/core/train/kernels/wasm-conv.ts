/**
 * The SIMD convolution kernels of `conv.as` as tfjs kernels of the `wasm` backend, working in place on its
 * tensors: the module is instantiated over the backend's own `WebAssembly.Memory` (the Emscripten module's
 * `asm.memory`), and each tensor is the byte offset the backend keeps for it. Outputs and scratch space are
 * tensors the backend allocates (`makeOutput`); the memory may grow on any allocation, which is why the
 * offsets are read only after the last one (the module always sees the current memory).
 *
 * Kernels (NHWC, filter `[kH, kW, C_in, C_out]`, dilation 1, strides `[sH, sW]`, `pad` as tfjs takes it):
 * - `SynopsConv2DBackpropFilter` (inputs `x`, `dy`; attrs strides, pad, dimRoundingMode, filterShape) →
 *   dW `[kH, kW, C_in, C_out]`;
 * - `SynopsConv2DBackpropInput` (inputs `dy`, `filter`; attrs strides, pad, dimRoundingMode, inputShape) →
 *   dx `[B, H, W, C_in]`;
 * - `SynopsConv2D` (inputs `x`, `filter`; attrs strides, pad, dimRoundingMode) → y `[B, OH, OW, C_out]`.
 * They run single-threaded at 10–20 G multiply-adds/s (the single input channel of the MNIST-DVS net's first
 * layer is the slow end) where XNNPACK, the backend's own convolution, reaches 4–10 on that net's layers and
 * ~15 on the All-ConvNet's (96–192 channels), and the gradients as convolutions 1–12.
 *
 * The backend's `Conv2D` kernel is wrapped, when the wasm backend is set, so that the forward convolution of
 * a model uses `SynopsConv2D` too, except where XNNPACK measured faster (`ownForward`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { kernelsFor, kernelsOrThrow, kernelSwitch, type ConvExports, type Geometry, type WasmBackend } from './module';
import { shareWasmIdentity } from './wasm-identity';

export { kernelsFor, wasmConvAvailable, type Ptr, type WasmBackend } from './module';
type Shape4 = [number, number, number, number];

export const FILTER_GRAD = 'SynopsConv2DBackpropFilter';
export const INPUT_GRAD = 'SynopsConv2DBackpropInput';
export const FORWARD = 'SynopsConv2D';

const convSwitch = kernelSwitch();

/**
 * Whether the kernels are used where they run (default on): off gives the backend's own forward convolution
 * and the gradients as convolutions (`conv-grad.ts`), for comparisons. Returns the previous setting.
 */
export const useWasmConvKernels = convSwitch.use;

/** Whether the current backend is wasm and the kernels are on and run on it (what the Conv2D gradient checks). */
export const wasmConvReady = convSwitch.ready;

const winograd = kernelSwitch();

/** Whether 3×3, stride-1 convolutions with many channels use the Winograd kernels (default on); off gives the direct ones. Returns the previous setting. */
export const useWinograd = winograd.use;

/**
 * Whether a convolution of this geometry runs by Winograd F(2×2, 3×3) (`winograd.as`, 2.25× fewer multiply-adds):
 * 3×3, stride 1, both channel counts multiples of 4 and at least 16 (the All-ConvNet's 96- and 192-channel
 * layers; the MNIST-DVS net's 1–12 channels stay with the direct kernels, whose tiles suit them), and C·N at most
 * 2²⁰: its transformed filter takes 16·C·N floats of scratch (64 MB there) where the direct kernels take 9·C·N.
 */
export function winogradFits(g: Geometry): boolean {
  const [, , , C, , , N, kH, kW, sH, sW] = g;
  return winograd.on && kH === 3 && kW === 3 && sH === 1 && sW === 1 && C % 4 === 0 && N % 4 === 0 && C >= 16 && N >= 16 && C * N <= 1 << 20;
}

export interface ConvAttrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** tfjs' conv info (output shape, padding) for these attributes, dilation 1. */
function info(xShape: number[], filterShape: number[], a: ConvAttrs): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(xShape as Shape4, filterShape as Shape4, a.strides, 1, a.pad, a.dimRoundingMode);
}

/** The kernels' geometry arguments after the four pointers: B, H, W, C, OH, OW, N, kH, kW, sH, sW, pT, pL. */
function geometry(xShape: number[], filterShape: number[], a: ConvAttrs): Geometry {
  const ci = info(xShape, filterShape, a);
  const [B, H, W, C] = xShape;
  return [B, H, W, C, ci.outHeight, ci.outWidth, ci.outChannels, ci.filterHeight, ci.filterWidth, ci.strideHeight, ci.strideWidth,
    ci.padInfo.top, ci.padInfo.left];
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function input(args: KernelArgs, name: string): tf.TensorInfo {
  const t = args.inputs[name];
  if (!t) throw new Error(`convolution kernel: input '${name}' missing`);
  return t;
}

/**
 * Runs `call` with the byte offsets of `inputs`, of a new `outShape` output and of `scratchBytes` of scratch
 * (a temporary tensor, freed after), all read after the allocations.
 */
function run(backend: WasmBackend, inputs: tf.TensorInfo[], outShape: number[], scratchBytes: number,
  call: (k: ConvExports, ptrs: number[], out: number, scratch: number) => void): tf.TensorInfo {
  const k = kernelsOrThrow(backend, 'the SIMD convolution kernels', 'wasmConvReady');
  const out = backend.makeOutput(outShape, 'float32');
  const scratch = scratchBytes > 0 ? backend.makeOutput([Math.ceil(scratchBytes / 4)], 'float32') : null;
  try {
    const at = (t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId).memoryOffset;
    call(k, inputs.map(at), at(out), scratch ? at(scratch) : 0);
  } finally {
    if (scratch) backend.disposeData(scratch.dataId);
  }
  return out;
}

function filterGradKernel(args: KernelArgs): tf.TensorInfo {
  const x = input(args, 'x'), dy = input(args, 'dy');
  const a = args.attrs as unknown as ConvAttrs & { filterShape: Shape4 };
  const g = geometry(x.shape, a.filterShape, a);
  const be = args.backend as WasmBackend;
  const [, H, W, C, OH, OW, N, kH, kW, sH, sW, pT, pL] = g;
  if (winogradFits(g)) {
    const wb = kernelsFor(be)?.wgFilterGradScratch(C, N) ?? 0;
    return run(be, [x, dy], a.filterShape, wb, (k, [px, pdy], out, scratch) => k.wgFilterGrad(px, pdy, out, scratch, g[0], H, W, C, OH, OW, N, pT, pL));
  }
  const bytes = kernelsFor(be)?.convBackpropFilterScratch(H, W, C, OH, OW, N, kH, kW, sH, sW, pT, pL) ?? 0;
  return run(be, [x, dy], a.filterShape, bytes, (k, [px, pdy], out, scratch) =>
    k.convBackpropFilter(px, pdy, out, scratch, ...g));
}

function inputGradKernel(args: KernelArgs): tf.TensorInfo {
  const dy = input(args, 'dy'), filter = input(args, 'filter');
  const a = args.attrs as unknown as ConvAttrs & { inputShape: Shape4 };
  const g = geometry(a.inputShape, filter.shape, a);
  const be = args.backend as WasmBackend;
  const [kH, kW, C, N] = filter.shape;
  if (winogradFits(g)) {
    // dx is the correlation of dy with the flipped filter, its channels swapped, padded by 2 − the layer's padding.
    const [B, H, W, , OH, OW, , , , , , pT, pL] = g;
    const wb = kernelsFor(be)?.wgConvScratch(N, C) ?? 0;
    return run(be, [dy, filter], a.inputShape, wb, (k, [pdy, pw], out, scratch) => k.wgConv(pdy, pw, out, scratch, B, OH, OW, N, H, W, C, 2 - pT, 2 - pL, 1));
  }
  const bytes = kernelsFor(be)?.convBackpropInputScratch(kH, kW, C, N) ?? 0;
  return run(be, [dy, filter], a.inputShape, bytes, (k, [pdy, pw], out, scratch) =>
    k.convBackpropInput(pdy, pw, out, scratch, ...g));
}

function forwardKernel(args: KernelArgs): tf.TensorInfo {
  const x = input(args, 'x'), filter = input(args, 'filter');
  const a = args.attrs as unknown as ConvAttrs;
  const g = geometry(x.shape, filter.shape, a);
  const be = args.backend as WasmBackend;
  const [kH, kW, C, N] = filter.shape;
  const [B, H, W, , OH, OW, , , , , , pT, pL] = g;
  if (winogradFits(g)) {
    const wb = kernelsFor(be)?.wgConvScratch(C, N) ?? 0;
    return run(be, [x, filter], [B, OH, OW, N], wb, (k, [px, pw], out, scratch) => k.wgConv(px, pw, out, scratch, B, H, W, C, OH, OW, N, pT, pL, 0));
  }
  const bytes = kernelsFor(be)?.convForwardScratch(kH, kW, C, N) ?? 0;
  return run(be, [x, filter], [B, OH, OW, N], bytes, (k, [px, pw], out, scratch) =>
    k.convForward(px, pw, out, scratch, ...g));
}

/**
 * Whether the model's forward convolution runs here rather than in XNNPACK: everywhere but strided layers with
 * ≥ 1,024 inputs per output (kH·kW·C_in), where XNNPACK was 3–5 % faster (the All-ConvNet's 192 → 192,
 * stride 2, on 16 × 16: 1,728; on its 96 → 192, stride 2, with 864, XNNPACK was 10 % slower). The results are
 * the same either way, up to float rounding.
 */
export function ownForward(ci: tf.backend_util.Conv2DInfo): boolean {
  const strided = ci.strideHeight > 1 || ci.strideWidth > 1;
  return ci.dilationHeight === 1 && ci.dilationWidth === 1 && ci.dataFormat === 'channelsLast'
    && !(strided && ci.filterHeight * ci.filterWidth * ci.inChannels >= 1024);
}

let stockConv2D: tf.KernelConfig | undefined;

/** The wasm backend's `Conv2D` with `SynopsConv2D` where `ownForward` says so. */
function conv2DKernel(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const x = input(args, 'x'), filter = input(args, 'filter');
  const a = args.attrs as unknown as ConvAttrs & { dataFormat: 'NHWC' | 'NCHW'; dilations: number | [number, number] };
  const dil = typeof a.dilations === 'number' ? [a.dilations, a.dilations] : (a.dilations ?? [1, 1]);
  if (convSwitch.on && a.dataFormat !== 'NCHW' && dil[0] === 1 && dil[1] === 1 && kernelsFor(args.backend as WasmBackend)
    && ownForward(info(x.shape, filter.shape, a))) {
    return forwardKernel(args);
  }
  return stockConv2D!.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
}

/**
 * Puts `conv2DKernel` in place of the backend's `Conv2D` (once; it keeps the stock kernel for the cases it
 * leaves). Runs as the setup of `SynopsConv2D`, which tfjs calls on every `setBackend('wasm')`: by then the
 * wasm package, which registers `Conv2D`, has been imported (the backend is chosen after the gradients are
 * installed, and the package may load lazily). The backend's `Identity` is replaced there too (`wasm-identity.ts`).
 */
function wrapConv2D(): void {
  shareWasmIdentity();
  const current = tf.getKernel('Conv2D', 'wasm');
  if (!current || current.kernelFunc === conv2DKernel) return;
  stockConv2D = current;
  tf.unregisterKernel('Conv2D', 'wasm');
  tf.registerKernel({ ...current, kernelFunc: conv2DKernel as tf.KernelFunc });
}

/**
 * Registers the three kernels for the wasm backend (idempotent; harmless where the module cannot run), and
 * has the backend's `Conv2D` wrapped when the wasm backend is set.
 */
export function registerWasmConvKernels(): void {
  for (const [kernelName, kernelFunc] of [[FILTER_GRAD, filterGradKernel], [INPUT_GRAD, inputGradKernel], [FORWARD, forwardKernel]] as const) {
    if (tf.getKernel(kernelName, 'wasm')) continue;
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc, setupFunc: kernelName === FORWARD ? wrapConv2D : undefined });
  }
  // The backend may already be set (then no setup call is coming).
  if (tf.getBackend() === 'wasm') wrapConv2D();
}

/** dW `[kH, kW, C_in, C_out]` of a conv2d of `x` `[B, H, W, C_in]` with output gradient `dy`, on the wasm backend. */
export function filterGradWasm(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: Shape4, strides: number | [number, number], pad: ConvAttrs['pad'], dimRoundingMode?: ConvAttrs['dimRoundingMode']): tf.Tensor4D {
  registerWasmConvKernels();
  return tf.engine().runKernel(FILTER_GRAD, { x, dy }, { strides, pad, dimRoundingMode, filterShape } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/** dx `[B, H, W, C_in]` of a conv2d with filter `filter` and output gradient `dy`, on the wasm backend. */
export function inputGradWasm(inputShape: Shape4, dy: tf.Tensor4D, filter: tf.Tensor4D, strides: number | [number, number], pad: ConvAttrs['pad'], dimRoundingMode?: ConvAttrs['dimRoundingMode']): tf.Tensor4D {
  registerWasmConvKernels();
  return tf.engine().runKernel(INPUT_GRAD, { dy, filter }, { strides, pad, dimRoundingMode, inputShape } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/** conv2d of `x` with `filter` (NHWC, dilation 1), on the wasm backend. */
export function conv2dWasm(x: tf.Tensor4D, filter: tf.Tensor4D, strides: number | [number, number], pad: ConvAttrs['pad'], dimRoundingMode?: ConvAttrs['dimRoundingMode']): tf.Tensor4D {
  registerWasmConvKernels();
  return tf.engine().runKernel(FORWARD, { x, filter }, { strides, pad, dimRoundingMode } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}
