/**
 * Adam (Kingma & Ba) with PyTorch's defaults (β1 0.9, β2 0.999, ε 1e-8): per weight
 * `m ← β1·m + (1−β1)·g`, `v ← β2·v + (1−β2)·g²`, `w ← w − lr · (m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + ε)`.
 * Written here rather than taken from tfjs so its whole state (m, v, t) is plain tensors a checkpoint saves
 * and restores bit for bit: a resumed run continues exactly as an uninterrupted one.
 */
import * as tf from '@tensorflow/tfjs-core';

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
    tf.tidy(() => {
      for (const [name, w] of vars) {
        const g = grads[w.name];
        if (!g) continue;
        const m = this.slot(this.state.m, name, w);
        const v = this.slot(this.state.v, name, w);
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
