/**
 * A foreign IF node's `r` and `v_threshold` folded into the weights before it, so the imported network runs
 * with the simulator's IF (r = 1, threshold 1) and a model file can hold it. Pure, no file access.
 *
 * The algebra, per neuron j of a non-leaky IF (NIR 1.0.4: `v ← v + r·I`, fire when v reaches θ, then
 * subtract θ per spike, or reset to 0), its input current `I_j = Σ_k W_jk·s_k + b_j` from the weight layer
 * right before it. Take `v' = v / θ_j`:
 *
 *   integrate   v'_t = v'_{t−1} + (r_j/θ_j)·I_j = v'_{t−1} + Σ_k (r_j·W_jk/θ_j)·s_k + r_j·b_j/θ_j
 *   fire        multi: ⌊v/θ_j⌋ = ⌊v'⌋;  single: v ≥ θ_j ⟺ v' ≥ 1         (θ_j > 0)
 *   reset       subtract: v − n·θ_j = θ_j·(v' − n);  to zero: 0 = θ_j·0
 *   start       v = 0 ⟺ v' = 0
 *
 * so the same spikes come from threshold 1 and the weight row j and bias j multiplied by `s_j = r_j/θ_j`.
 * A linear layer's row j is neuron j; a convolution shares its filter over positions, so all neurons of one
 * output channel must have the same s (else the fold is not exact and is refused). The spikes are unchanged,
 * so the layers after the IF are untouched. Not exact, and refused by the caller: a reset to a value other
 * than 0 (`v_reset ≠ 0`), θ ≤ 0, or an IF that does not follow a weight layer directly (a pooling or
 * flatten between would need the fold pushed through it).
 *
 * Numerics: the product `W_jk·s_j` is rounded to float32 once; when s is a power of two (θ = 2, r = 0.5, …)
 * it is exact bit for bit (a subnormal weight aside), otherwise within half a float32 ulp per weight.
 */

/** The scale `r_j / θ_j` of each neuron (arrays of one value or one per neuron), or a reason it cannot be folded. */
export function ifScale(r: ArrayLike<number>, threshold: ArrayLike<number>, neurons: number): Float64Array | string {
  const at = (a: ArrayLike<number>, j: number): number => (a.length === 1 ? a[0] : a[j]);
  const s = new Float64Array(neurons);
  for (let j = 0; j < neurons; j++) {
    const th = at(threshold, j);
    if (!(th > 0)) return `v_threshold = ${th} at neuron ${j}; a threshold must be positive`;
    s[j] = at(r, j) / th;
  }
  return s;
}

/** Whether every scale is 1 (nothing to fold). */
export const isIdentity = (s: Float64Array): boolean => s.every((x) => x === 1);

/**
 * The weight layer's weight and bias with row j (linear, shape [out, in]) or output channel c (conv, shape
 * [out, in, kH, kW], IF neurons `[out, H, W]`) multiplied by the IF's scale; new arrays, the inputs are not
 * changed. A string says why it is not exact: a channel whose neurons differ in scale.
 */
export function foldScale(weight: Float32Array, bias: Float32Array | undefined, shape: number[], neuronShape: number[], s: Float64Array): { weight: Float32Array; bias?: Float32Array } | string {
  const out = shape[0];
  const perChannel = neuronShape.length === 3 ? neuronShape[1] * neuronShape[2] : 1;
  const rowScale = new Float64Array(out);
  for (let c = 0; c < out; c++) {
    const v = s[c * perChannel];
    for (let p = 1; p < perChannel; p++) {
      if (s[c * perChannel + p] !== v) return `r/v_threshold differs between the positions of channel ${c} (${v} and ${s[c * perChannel + p]}); a convolution shares its weights over positions, so only one value per channel folds into them`;
    }
    rowScale[c] = v;
  }
  const per = weight.length / out;
  const w = new Float32Array(weight.length);
  for (let i = 0; i < weight.length; i++) w[i] = weight[i] * rowScale[Math.floor(i / per)];
  const b = bias && Float32Array.from(bias, (x, c) => x * rowScale[c]);
  return b ? { weight: w, bias: b } : { weight: w };
}
