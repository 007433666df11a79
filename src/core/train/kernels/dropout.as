// Dropout of a training step (compiled with conv.as into one module, see compile.ts and ../dropout.ts):
// element i of a batch (its index in the whole batch, `first` + its index in this tensor, so a shard of the
// batch draws the rows the whole batch would) is kept when u(seed, i) ≥ rate, with u a counter-based
// uniform in [0, 1) in steps of 2⁻²⁴; each element is multiplied by `scale` = f32(1 / (1 − rate)) when kept, by 0
// when dropped (as the ops' product: −0 for a negative one, NaN stays NaN). The backward pass is the same product on the gradient (the mask recomputed, never stored).

/** A 32-bit integer hash (Wellons' lowbias32: each input bit flips each output bit with probability ≈ ½). */
@inline function mix32(x: u32): u32 {
  x ^= x >> 16;
  x *= 0x7feb352d;
  x ^= x >> 15;
  x *= 0x846ca68b;
  x ^= x >> 16;
  return x;
}

/** u(seed, i) as the 24-bit integer ⌊u·2²⁴⌋; the element is kept when it is ≥ ⌈rate·2²⁴⌉ (`threshold`). */
@inline function draw(key: u32, i: u32): u32 {
  return mix32(i ^ key) >> 8;
}

/** mix32 on four lanes. */
@inline function mix32x4(x: v128): v128 {
  x = v128.xor(x, i32x4.shr_u(x, 16));
  x = i32x4.mul(x, i32x4.splat(0x7feb352d));
  x = v128.xor(x, i32x4.shr_u(x, 15));
  x = i32x4.mul(x, i32x4.splat(<i32>0x846ca68b));
  return v128.xor(x, i32x4.shr_u(x, 16));
}

export function dropoutApply(x: usize, out: usize, n: i32, seed: u32, first: u32, threshold: u32, scale: f32): void {
  const key = mix32(seed ^ 0x9e3779b9);
  // Four elements at a time: the same draws and the same product (the factor is scale's bits or +0's).
  const keys = i32x4.splat(<i32>key);
  const t = i32x4.splat(<i32>threshold);
  const s = f32x4.splat(scale);
  let idx = i32x4.add(i32x4.splat(<i32>first), i32x4(0, 1, 2, 3));
  const four = i32x4.splat(4);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    const keep = i32x4.ge_u(i32x4.shr_u(mix32x4(v128.xor(idx, keys)), 8), t);
    v128.store(out + o, f32x4.mul(v128.load(x + o), v128.and(keep, s)));
    idx = i32x4.add(idx, four);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(x + o) * (draw(key, first + <u32>i) >= threshold ? scale : <f32>0));
  }
}
