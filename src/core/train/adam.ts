/**
 * Adam (Kingma & Ba) with PyTorch's defaults (β1 0.9, β2 0.999, ε 1e-8): per weight
 * `m ← β1·m + (1−β1)·g`, `v ← β2·v + (1−β2)·g²`, `w ← w − lr · (m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + ε)`.
 * Written here rather than taken from tfjs so its whole state (m, v, t) is plain tensors a checkpoint saves
 * and restores bit for bit: a resumed run continues exactly as an uninterrupted one. On the wasm backend with
 * SIMD each variable's step is one kernel (`kernels/adam.as`, the same float32 operations in the same order,
 * so the same bits) instead of eleven ops.
 */
import * as tf from '@tensorflow/tfjs-core';
import { kernelsFor, kernelSwitch, type WasmBackend } from './kernels/module';

export const ADAM_STEP = 'SynopsAdamStep';

/** Scalars of one step, as the ops take them (`1 − β` computed in float64, then each rounded to float32 by the kernel). */
interface AdamAttrs { b1: number; b2: number; c1: number; c2: number; eps: number; lr: number }

function adamKernel(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const { w, m, v, g } = args.inputs as Record<'w' | 'm' | 'v' | 'g', tf.TensorInfo>;
  const a = args.attrs as unknown as AdamAttrs;
  const be = args.backend as unknown as WasmBackend;
  const k = kernelsFor(be);
  if (!k) throw new Error('the fused Adam step needs the wasm backend with SIMD');
  const outs = [w, m, v].map((t) => be.makeOutput(t.shape, 'float32'));
  const at = (t: tf.TensorInfo) => be.dataIdMap.get(t.dataId).memoryOffset;
  const n = w.shape.reduce((p, c) => p * c, 1);
  k.adamStep(at(w), at(m), at(v), at(g), at(outs[0]), at(outs[1]), at(outs[2]), n, a.b1, 1 - a.b1, a.b2, 1 - a.b2, a.c1, a.c2, a.eps, a.lr);
  return outs;
}

const fused = kernelSwitch();

/** Whether Adam uses its one-kernel step where it runs (default on); off gives the ops. Returns the previous setting. */
export const useFusedAdam = fused.use;

function fusedAdamReady(): boolean {
  if (!fused.ready()) return false;
  if (!tf.getKernel(ADAM_STEP, 'wasm')) tf.registerKernel({ kernelName: ADAM_STEP, backendName: 'wasm', kernelFunc: adamKernel as unknown as tf.KernelFunc });
  return true;
}

export interface AdamState {
  step: number;
  m: Map<string, tf.Variable>;
  v: Map<string, tf.Variable>;
}

export class Adam {
  readonly state: AdamState = { step: 0, m: new Map(), v: new Map() };
  constructor(public lr: number, readonly beta1 = 0.9, readonly beta2 = 0.999, readonly eps = 1e-8) {}

  /** Applies gradients (by variable name) to `vars`. */
  apply(vars: Map<string, tf.Variable>, grads: Record<string, tf.Tensor>): void {
    this.state.step++;
    const t = this.state.step;
    const c1 = 1 - this.beta1 ** t;
    const c2 = 1 - this.beta2 ** t;
    const one = fusedAdamReady();
    tf.tidy(() => {
      for (const [name, w] of vars) {
        const g = grads[w.name];
        if (!g) continue;
        const m = this.slot(this.state.m, name, w);
        const v = this.slot(this.state.v, name, w);
        if (one && g.dtype === 'float32') {
          const attrs: AdamAttrs = { b1: this.beta1, b2: this.beta2, c1, c2, eps: this.eps, lr: this.lr };
          const [w1, m1, v1] = tf.engine().runKernel(ADAM_STEP, { w, m, v, g }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
          m.assign(m1);
          v.assign(v1);
          w.assign(w1);
          continue;
        }
        m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)));
        v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)));
        const upd = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), this.eps));
        w.assign(tf.sub(w, tf.mul(upd, this.lr)));
      }
    });
  }

  private slot(map: Map<string, tf.Variable>, name: string, w: tf.Variable): tf.Variable {
    let s = map.get(name);
    if (!s) { s = tf.variable(tf.zerosLike(w), false); map.set(name, s); }
    return s;
  }

  /** Moments by `m/<layer>` and `v/<layer>`, for checkpoints. */
  tensors(): Record<string, tf.Tensor> {
    const out: Record<string, tf.Tensor> = {};
    for (const [k, t] of this.state.m) out[`m/${k}`] = t;
    for (const [k, t] of this.state.v) out[`v/${k}`] = t;
    return out;
  }

  /** Restores moments saved by `tensors()` and the step count. */
  restore(step: number, values: Record<string, Float32Array>, shapes: Record<string, number[]>): void {
    this.dispose();
    this.state.step = step;
    for (const [k, data] of Object.entries(values)) {
      const [kind, ...rest] = k.split('/');
      const map = kind === 'm' ? this.state.m : kind === 'v' ? this.state.v : undefined;
      if (map) map.set(rest.join('/'), tf.variable(tf.tensor(data, shapes[k]), false));
    }
  }

  dispose(): void {
    for (const t of [...this.state.m.values(), ...this.state.v.values()]) t.dispose();
    this.state.m.clear();
    this.state.v.clear();
  }
}
