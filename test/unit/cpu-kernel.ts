// tfjs' cpu backend as the reference for replacement kernels (the wasm convolutions, their Winograd path).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

/** Runs a kernel on the cpu backend (tfjs' reference implementation) with copies of the inputs. */
export function cpuKernel(name: string, inputs: Record<string, tf.Tensor>, attrs: object): Float32Array {
  const values = Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, { data: t.dataSync(), shape: t.shape }]));
  const prev = tf.getBackend();
  tf.setBackend('cpu');
  const ins = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, tf.tensor(v.data, v.shape)]));
  const out = tf.engine().runKernel(name, ins, attrs as never) as tf.Tensor;
  const data = out.dataSync() as Float32Array;
  tf.dispose([out, ...Object.values(ins)]);
  tf.setBackend(prev);
  return data;
}
