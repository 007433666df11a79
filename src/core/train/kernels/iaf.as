// Integrate-and-fire through time, fused (compiled after spike.as into one module, see compile.ts and
// ../iaf-layer.ts for the maths and its reference). Pointers are byte offsets into the backend's memory.
//
// x [B, T, N] (frame b·T + t of a batch of B samples on T bins, N neurons each); v0 the initial membrane;
// fanout [N], or 0 for no SynOp count.
// - iafForward writes the spikes s_t = floor(max(u_t, 0)), u_t = v + x_t, v ← u_t − s_t (float32) to `out`
//   and returns Σ_b Σ_k (Σ_t s_t,k) · fanout_k (per 4 neurons a float32 product of whole counts, summed in
//   float64); 0 without a fan-out.
// - iafBackward writes dx_τ = Σ_{t ≥ τ} [u_t > 0] · (dOut_t + f32(g · fanout_k)) (the straight-through
//   gradient, the reset detached; g = ∂L/∂S / B, left out without a fan-out), recomputing u_t from x: the
//   masks go into dx on the way forward, then the reverse sum over the bins overwrites them.
// Neurons go 4 at a time (a v128 membrane held over the bins), the last N mod 4 one at a time. max() keeps
// NaN, so a NaN current gives NaN spikes and a NaN count (the loss check then stops the step).

export function iafForward(x: usize, fanout: usize, out: usize, B: i32, T: i32, N: i32, v0: f32): f64 {
  const n4 = N & ~3;
  const stride = <usize>N << 2;
  const zero = f32x4.splat(0), start = f32x4.splat(v0);
  let total: f64 = 0;
  for (let b = 0; b < B; b++) {
    const base = <usize>(b * T) * stride;
    for (let k = 0; k < n4; k += 4) {
      const o = base + (<usize>k << 2);
      let v = start, count = zero;
      for (let t = 0; t < T; t++) {
        const p = o + <usize>t * stride;
        const u = f32x4.add(v, v128.load(x + p));
        const s = f32x4.floor(f32x4.max(u, zero));
        v128.store(out + p, s);
        v = f32x4.sub(u, s);
        count = f32x4.add(count, s);
      }
      if (fanout) total += lanesSum(f32x4.mul(count, v128.load(fanout + (<usize>k << 2))));
    }
    for (let k = n4; k < N; k++) {
      const o = base + (<usize>k << 2);
      let v = v0, count: f32 = 0;
      for (let t = 0; t < T; t++) {
        const p = o + <usize>t * stride;
        const u = v + load<f32>(x + p);
        const s = floor<f32>(max<f32>(u, 0));
        store<f32>(out + p, s);
        v = u - s;
        count += s;
      }
      if (fanout) total += <f64>(count * load<f32>(fanout + (<usize>k << 2)));
    }
  }
  return total;
}

export function iafBackward(x: usize, dOut: usize, g: f32, fanout: usize, dx: usize, B: i32, T: i32, N: i32, v0: f32): void {
  const n4 = N & ~3;
  const stride = <usize>N << 2;
  const zero = f32x4.splat(0), start = f32x4.splat(v0), gv = f32x4.splat(g);
  for (let b = 0; b < B; b++) {
    const base = <usize>(b * T) * stride;
    for (let k = 0; k < n4; k += 4) {
      const o = base + (<usize>k << 2);
      const fromS = fanout ? f32x4.mul(gv, v128.load(fanout + (<usize>k << 2))) : zero;
      let v = start;
      for (let t = 0; t < T; t++) {
        const p = o + <usize>t * stride;
        const u = f32x4.add(v, v128.load(x + p));
        v = f32x4.sub(u, f32x4.floor(f32x4.max(u, zero)));
        v128.store(dx + p, f32x4.gt(u, zero));
      }
      let acc = zero;
      for (let t = T - 1; t >= 0; t--) {
        const p = o + <usize>t * stride;
        const m = v128.load(dx + p);
        const gt = fanout ? f32x4.add(v128.load(dOut + p), fromS) : v128.load(dOut + p);
        acc = f32x4.add(acc, v128.and(gt, m));
        v128.store(dx + p, acc);
      }
    }
    for (let k = n4; k < N; k++) {
      const o = base + (<usize>k << 2);
      const fromS: f32 = fanout ? g * load<f32>(fanout + (<usize>k << 2)) : 0;
      let v = v0;
      for (let t = 0; t < T; t++) {
        const p = o + <usize>t * stride;
        const u = v + load<f32>(x + p);
        v = u - floor<f32>(max<f32>(u, 0));
        store<f32>(dx + p, u > 0 ? 1 : 0);
      }
      let acc: f32 = 0;
      for (let t = T - 1; t >= 0; t--) {
        const p = o + <usize>t * stride;
        if (load<f32>(dx + p) != 0) acc += fanout ? load<f32>(dOut + p) + fromS : load<f32>(dOut + p);
        store<f32>(dx + p, acc);
      }
    }
  }
}
