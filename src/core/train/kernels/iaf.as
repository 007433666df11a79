// Integrate-and-fire through time, fused (compiled after spike.as into one module, see compile.ts and
// ../iaf-layer.ts for the maths and its reference). Pointers are byte offsets into the backend's memory.
//
// x [B·T, H, W, C] (frame b·T + t of B samples on T bins; a [B·T, F] tensor is H = W = 1, C = F); v0 the
// initial membrane; fanout [H·W·C], or 0 for no SynOp count; k the kernel (= stride) of a 'valid' average
// pooling after it, 0 for none.
// - iafForward runs s_t = floor(max(u_t, 0)), u_t = v + x_t, v ← u_t − s_t (float32) and writes the spikes,
//   or their pooling [B·T, ⌊H/k⌋, ⌊W/k⌋, C] (window sums × 1/k²), to `out`; it returns
//   Σ_b Σ_e (Σ_t s_t,e) · fanout_e (per 4 neurons a float32 product of whole counts, summed in float64), 0
//   without a fan-out.
// - iafBackward writes dx_τ = Σ_{t ≥ τ} [u_t > 0] · (dOut_t spread over the window · 1/k² (0 past the last
//   window) + f32(g · fanout_e)), the straight-through gradient with the reset detached (g = ∂L/∂S / B, left
//   out without a fan-out). It recomputes u_t from x: the masks go into dx on the way forward over the bins,
//   the reverse sum overwrites them.
// Each neuron's membrane stays in a register over the bins; channels go 4 at a time when C is a multiple of
// 4, else one at a time. max() keeps NaN, so a NaN current gives NaN spikes and a NaN count (the loss check
// then stops the step).

export function iafForward(x: usize, fanout: usize, out: usize, B: i32, T: i32, H: i32, W: i32, C: i32, k: i32, v0: f32): f64 {
  const pool = k > 0;
  const kk = pool ? k : 1;
  const oh = H / kk, ow = W / kk;
  const frame = <usize>(H * W * C) << 2, outFrame = <usize>(oh * ow * C) << 2;
  if (pool) memory.fill(out, 0, <usize>(B * T) * outFrame);
  const vec = (C & 3) == 0;
  const zero = f32x4.splat(0), start = f32x4.splat(v0);
  let total: f64 = 0;
  for (let b = 0; b < B; b++) for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) {
    const e = <usize>((r * W + c) * C) << 2;
    const xp = x + <usize>(b * T) * frame + e;
    const inside = r < oh * kk && c < ow * kk;
    // Rows and columns past the last window fire and count, but are pooled nowhere.
    const op = out + <usize>(b * T) * outFrame + (pool ? <usize>(((r / kk) * ow + c / kk) * C) << 2 : e);
    if (vec) {
      for (let ch = 0; ch < C; ch += 4) {
        const q = <usize>ch << 2;
        let v = start, count = zero;
        for (let t = 0; t < T; t++) {
          const u = f32x4.add(v, v128.load(xp + <usize>t * frame + q));
          const s = f32x4.floor(f32x4.max(u, zero));
          v = f32x4.sub(u, s);
          count = f32x4.add(count, s);
          const o = op + <usize>t * outFrame + q;
          if (!pool) v128.store(o, s);
          else if (inside) v128.store(o, f32x4.add(v128.load(o), s));
        }
        if (fanout) total += lanesSum(f32x4.mul(count, v128.load(fanout + e + q)));
      }
    } else {
      for (let ch = 0; ch < C; ch++) {
        const q = <usize>ch << 2;
        let v = v0, count: f32 = 0;
        for (let t = 0; t < T; t++) {
          const u = v + load<f32>(xp + <usize>t * frame + q);
          const s = floor<f32>(max<f32>(u, 0));
          v = u - s;
          count += s;
          const o = op + <usize>t * outFrame + q;
          if (!pool) store<f32>(o, s);
          else if (inside) store<f32>(o, load<f32>(o) + s);
        }
        if (fanout) total += <f64>(count * load<f32>(fanout + e + q));
      }
    }
  }
  if (pool) {
    const inv: f32 = <f32>1 / <f32>(k * k);
    const iv = f32x4.splat(inv);
    const n = B * T * oh * ow * C;
    const n4 = n & ~3;
    for (let i = 0; i < n4; i += 4) { const p = out + (<usize>i << 2); v128.store(p, f32x4.mul(v128.load(p), iv)); }
    for (let i = n4; i < n; i++) { const p = out + (<usize>i << 2); store<f32>(p, load<f32>(p) * inv); }
  }
  return total;
}

export function iafBackward(x: usize, dOut: usize, g: f32, fanout: usize, dx: usize, B: i32, T: i32, H: i32, W: i32, C: i32, k: i32, v0: f32): void {
  const pool = k > 0;
  const kk = pool ? k : 1;
  const oh = H / kk, ow = W / kk;
  const frame = <usize>(H * W * C) << 2, outFrame = <usize>(oh * ow * C) << 2;
  const inv: f32 = <f32>1 / <f32>(kk * kk);
  const vec = (C & 3) == 0;
  const zero = f32x4.splat(0), start = f32x4.splat(v0), gv = f32x4.splat(g), iv = f32x4.splat(inv);
  for (let b = 0; b < B; b++) for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) {
    const e = <usize>((r * W + c) * C) << 2;
    const xp = x + <usize>(b * T) * frame + e, dp = dx + <usize>(b * T) * frame + e;
    const inside = r < oh * kk && c < ow * kk;
    const op = dOut + <usize>(b * T) * outFrame + (pool ? <usize>(((r / kk) * ow + c / kk) * C) << 2 : e);
    if (vec) {
      for (let ch = 0; ch < C; ch += 4) {
        const q = <usize>ch << 2;
        const fromS = fanout ? f32x4.mul(gv, v128.load(fanout + e + q)) : zero;
        let v = start;
        for (let t = 0; t < T; t++) {
          const u = f32x4.add(v, v128.load(xp + <usize>t * frame + q));
          v = f32x4.sub(u, f32x4.floor(f32x4.max(u, zero)));
          v128.store(dp + <usize>t * frame + q, f32x4.gt(u, zero));
        }
        let acc = zero;
        for (let t = T - 1; t >= 0; t--) {
          const p = dp + <usize>t * frame + q;
          const o = op + <usize>t * outFrame + q;
          const fromOut = !inside ? zero : pool ? f32x4.mul(v128.load(o), iv) : v128.load(o);
          acc = f32x4.add(acc, v128.and(f32x4.add(fromOut, fromS), v128.load(p)));
          v128.store(p, acc);
        }
      }
    } else {
      for (let ch = 0; ch < C; ch++) {
        const q = <usize>ch << 2;
        const fromS: f32 = fanout ? g * load<f32>(fanout + e + q) : 0;
        let v = v0;
        for (let t = 0; t < T; t++) {
          const u = v + load<f32>(xp + <usize>t * frame + q);
          v = u - floor<f32>(max<f32>(u, 0));
          store<f32>(dp + <usize>t * frame + q, u > 0 ? 1 : 0);
        }
        let acc: f32 = 0;
        for (let t = T - 1; t >= 0; t--) {
          const p = dp + <usize>t * frame + q;
          const o = op + <usize>t * outFrame + q;
          const fromOut: f32 = !inside ? 0 : pool ? load<f32>(o) * inv : load<f32>(o);
          if (load<f32>(p) != 0) acc += fromOut + fromS;
          store<f32>(p, acc);
        }
      }
    }
  }
}
