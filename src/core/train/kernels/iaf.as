// Integrate-and-fire through time, fused (compiled after spike.as into one module, see compile.ts and
// ../iaf-layer.ts for the maths and its reference). Pointers are byte offsets into the backend's memory.
//
// x [B·T, H, W, C] (frame b·T + t of B samples on T bins; a [B·T, F] tensor is H = W = 1, C = F); v0 the
// initial membrane; fanout [H·W·C], or 0 for no SynOp count; k the kernel (= stride) of a 'valid' average
// pooling after it, 0 for none; scratch 2·H·W·C floats (iafScratch bytes).
// - iafForward runs s_t = floor(max(u_t, 0)), u_t = v + x_t, v ← u_t − s_t (float32) and writes the spikes,
//   or their pooling [B·T, ⌊H/k⌋, ⌊W/k⌋, C] (window sums × 1/k²), to `out`; it returns
//   Σ_b Σ_e (Σ_t s_t,e) · fanout_e (per 4 neurons a float32 product of whole counts, summed in float64), 0
//   without a fan-out.
// - iafBackward writes dx_τ = Σ_{t ≥ τ} [u_t > 0] · (dOut_t spread over the window · 1/k² (0 past the last
//   window) + f32(g · fanout_e)), the straight-through gradient with the reset detached (g = ∂L/∂S / B, left
//   out without a fan-out). It recomputes u_t from x: the masks go into dx on the way forward over the bins,
//   the reverse sum overwrites them.
// Both go through a sample's bins in order, each bin's frame from start to end, with the membranes (and the
// counts, or the reverse sums) of the sample's neurons in the scratch: streamed memory instead of one
// neuron's T bins a frame apart. Channels go 4 at a time when C is a multiple of 4 (any N without pooling),
// else one at a time. max() keeps NaN, so a NaN current gives NaN spikes and a NaN count (the loss check
// then stops the step).

export function iafScratch(H: i32, W: i32, C: i32): i32 {
  return 2 * H * W * C * 4;
}

/** v ← v + x; s = floor(max(v, 0)); v ← v − s; count += s; returns s (4 neurons at `e` bytes). */
@inline function step4(xp: usize, vp: usize, cp: usize, e: usize): v128 {
  const u = f32x4.add(v128.load(vp + e), v128.load(xp + e));
  const s = f32x4.floor(f32x4.max(u, f32x4.splat(0)));
  v128.store(vp + e, f32x4.sub(u, s));
  v128.store(cp + e, f32x4.add(v128.load(cp + e), s));
  return s;
}

@inline function step1(xp: usize, vp: usize, cp: usize, e: usize): f32 {
  const u = load<f32>(vp + e) + load<f32>(xp + e);
  const s = floor<f32>(max<f32>(u, 0));
  store<f32>(vp + e, u - s);
  store<f32>(cp + e, load<f32>(cp + e) + s);
  return s;
}

@inline function fill32(p: usize, n: i32, value: f32): void {
  for (let i = 0; i < n; i++) store<f32>(p + (<usize>i << 2), value);
}

export function iafForward(x: usize, fanout: usize, out: usize, scratch: usize, B: i32, T: i32, H: i32, W: i32, C: i32, k: i32, v0: f32): f64 {
  const pool = k > 0;
  const kk = pool ? k : 1;
  const oh = H / kk, ow = W / kk;
  const N = H * W * C;
  const frame = <usize>N << 2, outFrame = <usize>(oh * ow * C) << 2;
  const vp = scratch, cp = scratch + frame;
  if (pool) memory.fill(out, 0, <usize>(B * T) * outFrame);
  const vec = (C & 3) == 0;
  const n4 = N & ~3;
  let total: f64 = 0;
  for (let b = 0; b < B; b++) {
    fill32(vp, N, v0);
    memory.fill(cp, 0, frame);
    for (let t = 0; t < T; t++) {
      const xp = x + <usize>(b * T + t) * frame;
      const op = out + <usize>(b * T + t) * outFrame;
      if (!pool) {
        for (let e = 0; e < n4; e += 4) { const o = <usize>e << 2; v128.store(op + o, step4(xp, vp, cp, o)); }
        for (let e = n4; e < N; e++) { const o = <usize>e << 2; store<f32>(op + o, step1(xp, vp, cp, o)); }
        continue;
      }
      for (let r = 0; r < H; r++) {
        // Rows and columns past the last window fire and count, but are pooled nowhere.
        const rowIn = r < oh * kk;
        const pr = op + (<usize>((r / kk) * ow * C) << 2);
        // The window column c / k, counted along instead of divided.
        for (let c = 0, pc = 0, j = 0; c < W; c++) {
          const e = <usize>((r * W + c) * C) << 2;
          const inside = rowIn && pc < ow;
          const po = pr + (<usize>(pc * C) << 2);
          if (++j == kk) { j = 0; pc++; }
          if (vec) {
            for (let ch = 0; ch < C; ch += 4) {
              const q = <usize>ch << 2;
              const s = step4(xp, vp, cp, e + q);
              if (inside) v128.store(po + q, f32x4.add(v128.load(po + q), s));
            }
          } else {
            for (let ch = 0; ch < C; ch++) {
              const q = <usize>ch << 2;
              const s = step1(xp, vp, cp, e + q);
              if (inside) store<f32>(po + q, load<f32>(po + q) + s);
            }
          }
        }
      }
    }
    if (fanout) {
      for (let e = 0; e < n4; e += 4) { const o = <usize>e << 2; total += lanesSum(f32x4.mul(v128.load(cp + o), v128.load(fanout + o))); }
      for (let e = n4; e < N; e++) { const o = <usize>e << 2; total += <f64>(load<f32>(cp + o) * load<f32>(fanout + o)); }
    }
  }
  if (pool) {
    const inv: f32 = <f32>1 / <f32>(k * k);
    const iv = f32x4.splat(inv);
    const n = B * T * oh * ow * C;
    const m4 = n & ~3;
    for (let i = 0; i < m4; i += 4) { const p = out + (<usize>i << 2); v128.store(p, f32x4.mul(v128.load(p), iv)); }
    for (let i = m4; i < n; i++) { const p = out + (<usize>i << 2); store<f32>(p, load<f32>(p) * inv); }
  }
  return total;
}

/** The reverse sum of one bin's gradient into acc (at `e` bytes) where the mask in dp is set; dx ← acc. */
@inline function back4(dp: usize, ap: usize, fanout: usize, gv: v128, fromOut: v128, e: usize): void {
  const fromS = fanout ? f32x4.mul(gv, v128.load(fanout + e)) : f32x4.splat(0);
  const acc = f32x4.add(v128.load(ap + e), v128.and(f32x4.add(fromOut, fromS), v128.load(dp + e)));
  v128.store(ap + e, acc);
  v128.store(dp + e, acc);
}

@inline function back1(dp: usize, ap: usize, fanout: usize, g: f32, fromOut: f32, e: usize): void {
  const fromS: f32 = fanout ? g * load<f32>(fanout + e) : 0;
  let acc = load<f32>(ap + e);
  if (load<f32>(dp + e) != 0) acc += fromOut + fromS;
  store<f32>(ap + e, acc);
  store<f32>(dp + e, acc);
}

export function iafBackward(x: usize, dOut: usize, g: f32, fanout: usize, dx: usize, scratch: usize, B: i32, T: i32, H: i32, W: i32, C: i32, k: i32, v0: f32): void {
  const pool = k > 0;
  const kk = pool ? k : 1;
  const oh = H / kk, ow = W / kk;
  const N = H * W * C;
  const frame = <usize>N << 2, outFrame = <usize>(oh * ow * C) << 2;
  const inv: f32 = <f32>1 / <f32>(kk * kk);
  const vec = (C & 3) == 0;
  const n4 = N & ~3;
  const zero = f32x4.splat(0), gv = f32x4.splat(g), iv = f32x4.splat(inv);
  const vp = scratch;
  for (let b = 0; b < B; b++) {
    // The masks [u_t > 0], bin by bin (v in the scratch).
    fill32(vp, N, v0);
    for (let t = 0; t < T; t++) {
      const xp = x + <usize>(b * T + t) * frame, dp = dx + <usize>(b * T + t) * frame;
      for (let e = 0; e < n4; e += 4) {
        const o = <usize>e << 2;
        const u = f32x4.add(v128.load(vp + o), v128.load(xp + o));
        v128.store(vp + o, f32x4.sub(u, f32x4.floor(f32x4.max(u, zero))));
        v128.store(dp + o, f32x4.gt(u, zero));
      }
      for (let e = n4; e < N; e++) {
        const o = <usize>e << 2;
        const u = load<f32>(vp + o) + load<f32>(xp + o);
        store<f32>(vp + o, u - floor<f32>(max<f32>(u, 0)));
        store<f32>(dp + o, u > 0 ? 1 : 0);
      }
    }
    // The reverse sums over the bins (acc in the scratch where v was).
    memory.fill(vp, 0, frame);
    for (let t = T - 1; t >= 0; t--) {
      const dp = dx + <usize>(b * T + t) * frame;
      const op = dOut + <usize>(b * T + t) * outFrame;
      if (!pool) {
        for (let e = 0; e < n4; e += 4) { const o = <usize>e << 2; back4(dp, vp, fanout, gv, v128.load(op + o), o); }
        for (let e = n4; e < N; e++) { const o = <usize>e << 2; back1(dp, vp, fanout, g, load<f32>(op + o), o); }
        continue;
      }
      for (let r = 0; r < H; r++) {
        const rowIn = r < oh * kk;
        const pr = op + (<usize>((r / kk) * ow * C) << 2);
        for (let c = 0, pc = 0, j = 0; c < W; c++) {
          const e = <usize>((r * W + c) * C) << 2;
          const inside = rowIn && pc < ow;
          const po = pr + (<usize>(pc * C) << 2);
          if (++j == kk) { j = 0; pc++; }
          if (vec) {
            for (let ch = 0; ch < C; ch += 4) { const q = <usize>ch << 2; back4(dp, vp, fanout, gv, inside ? f32x4.mul(v128.load(po + q), iv) : zero, e + q); }
          } else {
            for (let ch = 0; ch < C; ch++) { const q = <usize>ch << 2; back1(dp, vp, fanout, g, inside ? load<f32>(po + q) * inv : 0, e + q); }
          }
        }
      }
    }
  }
}
