/**
 * The kernels' WebAssembly module (`conv.as` and the sources compiled after it, `conv-wasm.ts`), instantiated
 * over a tfjs wasm backend's own memory so that it reads and writes tensors in place, and the switches of the
 * kernels built on it (`kernelSwitch`): the convolutions (`wasm-conv.ts`), the fused spiking layer, integrate-and-fire
 * through time, dropout and Adam (`../spike-layer.ts`, `../iaf-layer.ts`, `../dropout.ts`, `../adam.ts`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { CONV_WASM_BASE64 } from './conv-wasm';

export type Ptr = number;
/** B, H, W, C, OH, OW, N, kH, kW, sH, sW, pT, pL. */
export type Geometry = [number, number, number, number, number, number, number, number, number, number, number, number, number];
/** The module's exports (conv.as); pointers are byte offsets into the backend's memory. */
export interface ConvExports {
  convForwardScratch(kH: number, kW: number, C: number, N: number): number;
  convForward(x: Ptr, w: Ptr, y: Ptr, scratch: Ptr, ...geometry: Geometry): void;
  convBackpropInputScratch(kH: number, kW: number, C: number, N: number): number;
  convBackpropInput(dy: Ptr, w: Ptr, dx: Ptr, scratch: Ptr, ...geometry: Geometry): void;
  convBackpropFilterScratch(H: number, W: number, C: number, OH: number, OW: number, N: number, kH: number, kW: number,
    sH: number, sW: number, pT: number, pL: number): number;
  convBackpropFilter(x: Ptr, dy: Ptr, dw: Ptr, scratch: Ptr, ...geometry: Geometry): void;
  /** winograd.as: 3×3, stride-1 convolutions by Winograd F(2×2, 3×3) (`winogradFits`). */
  wgConvScratch(C: number, N: number): number;
  wgConv(x: Ptr, w: Ptr, y: Ptr, scratch: Ptr, B: number, H: number, W: number, C: number, OH: number, OW: number, N: number, pT: number, pL: number, flip: number): void;
  wgFilterGradScratch(C: number, N: number): number;
  wgFilterGrad(x: Ptr, dy: Ptr, dw: Ptr, scratch: Ptr, B: number, H: number, W: number, C: number, OH: number, OW: number, N: number, pT: number, pL: number): void;
  /** spike.as (`../spike-layer.ts`). */
  spikeForward(x: Ptr, fanout: Ptr, out: Ptr, B: number, H: number, W: number, C: number, k: number, mode: number): number;
  spikeBackward(x: Ptr, dOut: Ptr, g: number, fanout: Ptr, dx: Ptr, B: number, H: number, W: number, C: number, k: number): void;
  /** iaf.as (`../iaf-layer.ts`); `fanout` 0 counts no SynOps, `k` 0 pools nothing; `scratch` holds `iafScratch` bytes. */
  iafScratch(H: number, W: number, C: number): number;
  iafForward(x: Ptr, fanout: Ptr, out: Ptr, scratch: Ptr, B: number, T: number, H: number, W: number, C: number, k: number, v0: number): number;
  iafBackward(x: Ptr, dOut: Ptr, g: number, fanout: Ptr, dx: Ptr, scratch: Ptr, B: number, T: number, H: number, W: number, C: number, k: number, v0: number): void;
  /** adam.as (`../adam.ts`). */
  adamStep(w: Ptr, m: Ptr, v: Ptr, g: Ptr, wOut: Ptr, mOut: Ptr, vOut: Ptr, n: number,
    b1: number, nb1: number, b2: number, nb2: number, c1: number, c2: number, eps: number, lr: number): void;
  /** dropout.as (`../dropout.ts`). */
  dropoutApply(x: Ptr, out: Ptr, n: number, seed: number, first: number, threshold: number, scale: number): void;
}

/** The parts of tfjs-backend-wasm's `BackendWasm` used here (not in its public types). */
export interface WasmBackend {
  wasm: { asm?: { memory?: WebAssembly.Memory } };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  disposeData(dataId: object): boolean;
}

let moduleCache: WebAssembly.Module | null | undefined;

/** The compiled module, or null where WebAssembly or its SIMD is missing (or compiling is forbidden). */
function convModule(): WebAssembly.Module | null {
  if (moduleCache !== undefined) return moduleCache;
  try {
    const bin = atob(CONV_WASM_BASE64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    moduleCache = typeof WebAssembly !== 'undefined' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    moduleCache = null;
  }
  return moduleCache;
}

/** Whether the kernels can run here (WebAssembly with 128-bit SIMD). */
export function wasmConvAvailable(): boolean {
  return convModule() !== null;
}

const instances = new WeakMap<object, ConvExports | null>();

/** The kernels instantiated over `backend`'s memory (once per backend), or null when that memory is not found or does not fit. */
export function kernelsFor(backend: WasmBackend): ConvExports | null {
  let k = instances.get(backend);
  if (k !== undefined) return k;
  const memory = backend.wasm?.asm?.memory;
  const mod = convModule();
  try {
    k = mod && memory instanceof WebAssembly.Memory ? new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as ConvExports : null;
  } catch {
    // A shared memory (the multi-threaded build) does not link with the module's plain one.
    k = null;
  }
  instances.set(backend, k);
  return k;
}

/** `kernelsFor(backend)`, or an error saying `what` need them and that `ready` (the kernels' switch's `ready()`) is to be asked first. */
export function kernelsOrThrow(backend: WasmBackend, what: string, ready: string): ConvExports {
  const k = kernelsFor(backend);
  if (!k) throw new Error(`${what} need the wasm backend with SIMD (call ${ready}() first)`);
  return k;
}

/**
 * A switch of kernels that replace tfjs ops or kernels where they run, on by default. `use(on)` sets it and
 * returns the previous setting (off gives the path they replace, for comparisons and tests); `on` is the
 * setting; `ready()` says whether they run now: the switch on, the wasm backend set and the module
 * instantiated over its memory.
 */
export interface KernelSwitch {
  readonly on: boolean;
  use(on: boolean): boolean;
  ready(): boolean;
}

export function kernelSwitch(): KernelSwitch {
  let on = true;
  return {
    get on() { return on; },
    use: (next: boolean) => { const prev = on; on = next; return prev; },
    ready: () => on && tf.getBackend() === 'wasm' && kernelsFor(tf.backend() as unknown as WasmBackend) !== null,
  };
}
