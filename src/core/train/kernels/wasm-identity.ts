/**
 * The wasm backend's `Identity` without the copy. tfjs clones every tensor a gradient needs while the tape
 * records (`saveTensorsForBackwardMode`: inputs and outputs of each kernel with a gradient, QReLU's input),
 * and tfjs-backend-wasm 4.22 clones by copying the whole buffer: 78 copies per MNIST-DVS training step, 11 %
 * of it at batch 32. Tensors are immutable in tfjs (a variable's `assign` points it at new data), so a clone
 * may share its source's buffer under the backend's reference count, as the wasm `Reshape` and the cpu
 * backend's `Identity` already do; the buffer is freed when the last tensor holding it is disposed.
 */
import * as tf from '@tensorflow/tfjs-core';

/** The parts of tfjs-backend-wasm's `BackendWasm` used here. */
interface RefCounted { incRef(dataId: object): void }

let stock: tf.KernelConfig | undefined;

function sharedIdentity(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo | tf.TensorInfo[] {
  const x = args.inputs.x as tf.TensorInfo;
  // Strings live outside the backend's memory; the stock kernel handles them.
  if (x.dtype === 'string') return stock!.kernelFunc(args);
  (args.backend as unknown as RefCounted).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Puts `sharedIdentity` in place of the wasm backend's `Identity` (once; needs the wasm package imported). */
export function shareWasmIdentity(): void {
  const current = tf.getKernel('Identity', 'wasm');
  if (!current || current.kernelFunc === sharedIdentity) return;
  stock = current;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({ ...current, kernelFunc: sharedIdentity as tf.KernelFunc });
}
