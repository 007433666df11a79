// One Adam step over a variable (compiled with conv.as into one module, see compile.ts and ../adam.ts):
//   m' = m·β1 + g·(1−β1),  v' = v·β2 + g²·(1−β2),  w' = w − ((m'/c1) / (√(v'/c2) + ε))·lr
// each operation in float32, in the order the tfjs ops of Adam.apply take them (so the results are theirs bit
// for bit). Pointers are byte offsets into the backend's memory; the three outputs are new tensors.

export function adamStep(w: usize, m: usize, v: usize, g: usize, wOut: usize, mOut: usize, vOut: usize, n: i32,
  b1: f32, nb1: f32, b2: f32, nb2: f32, c1: f32, c2: f32, eps: f32, lr: f32): void {
  const B1 = f32x4.splat(b1), NB1 = f32x4.splat(nb1), B2 = f32x4.splat(b2), NB2 = f32x4.splat(nb2);
  const C1 = f32x4.splat(c1), C2 = f32x4.splat(c2), EPS = f32x4.splat(eps), LR = f32x4.splat(lr);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i << 2;
    const gi = v128.load(g + o);
    const mi = f32x4.add(f32x4.mul(v128.load(m + o), B1), f32x4.mul(gi, NB1));
    const vi = f32x4.add(f32x4.mul(v128.load(v + o), B2), f32x4.mul(f32x4.mul(gi, gi), NB2));
    const upd = f32x4.div(f32x4.div(mi, C1), f32x4.add(f32x4.sqrt(f32x4.div(vi, C2)), EPS));
    v128.store(mOut + o, mi);
    v128.store(vOut + o, vi);
    v128.store(wOut + o, f32x4.sub(v128.load(w + o), f32x4.mul(upd, LR)));
  }
  for (let i = n4; i < n; i++) {
    const o = <usize>i << 2;
    const gi = load<f32>(g + o);
    const mi = load<f32>(m + o) * b1 + gi * nb1;
    const vi = load<f32>(v + o) * b2 + (gi * gi) * nb2;
    const upd = (mi / c1) / (sqrt<f32>(vi / c2) + eps);
    store<f32>(mOut + o, mi);
    store<f32>(vOut + o, vi);
    store<f32>(wOut + o, load<f32>(w + o) - upd * lr);
  }
}
