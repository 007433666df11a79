// A spiking layer of a training step, fused (compiled with conv.as into one module, see compile.ts and
// ../spike-layer.ts for the maths and its reference ops). Pointers are byte offsets into the backend's memory.
//
// x [B, H, W, C] (a [B, F] tensor is H = W = 1, C = F); fanout [H·W·C]; mode 0 floor(max(x, 0)), 1 floor(max(x, 0) + ½),
// 2 max(x, 0); k the kernel (= stride) of a 'valid' average pooling after it, 0 for none.
// - spikeForward writes the activation, or its pooling [B, ⌊H/k⌋, ⌊W/k⌋, C], to `out` and returns
//   Σ_b Σ_e a·fanout (float32 products summed in float32 along a row of W·C, rows added in float64).
// - spikeBackward writes dx = [x > 0] · (dOut spread over the window / k² (0 past the last window) + f32(g · fanout)),
//   g = ∂L/∂s / B, each step rounded to float32 as the ops do.
// Channels go 4 at a time when C is a multiple of 4, else one at a time. max() keeps NaN, so a NaN input
// gives a NaN count (the loss check then stops the step).

@inline function act4(v: v128, mode: i32): v128 {
  let a = f32x4.max(v, f32x4.splat(0));
  if (mode == 1) a = f32x4.add(a, f32x4.splat(0.5));
  return mode == 2 ? a : f32x4.floor(a);
}

@inline function act1(v: f32, mode: i32): f32 {
  let a = max<f32>(v, 0);
  if (mode == 1) a = a + <f32>0.5;
  return mode == 2 ? a : floor<f32>(a);
}

@inline function lanesSum(v: v128): f64 {
  return <f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1) + <f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3);
}

/** One row `r` of sample `b` (W·C floats from xp, fanout fp); pooled into `op` rows when k > 0. Returns its Σ a·fanout. */
@inline function forwardRow(mode: i32, xp: usize, fp: usize, op: usize, W: i32, C: i32, k: i32, ow: i32, pooled: bool): f64 {
  let acc = f32x4.splat(0);
  let tail: f64 = 0;
  if (!pooled) {
    const n = W * C;
    const n4 = n & ~3;
    for (let e = 0; e < n4; e += 4) {
      const o = <usize>e << 2;
      const a = act4(v128.load(xp + o), mode);
      v128.store(op + o, a);
      acc = f32x4.add(acc, f32x4.mul(a, v128.load(fp + o)));
    }
    for (let e = n4; e < n; e++) {
      const o = <usize>e << 2;
      const a = act1(load<f32>(xp + o), mode);
      store<f32>(op + o, a);
      tail += <f64>(a * load<f32>(fp + o));
    }
    return lanesSum(acc) + tail;
  }
  const vec = (C & 3) == 0;
  for (let c = 0; c < W; c++) {
    const o = <usize>(c * C) << 2;
    const inside = c < ow * k;
    const po = op + (<usize>((c / k) * C) << 2);
    if (vec) {
      for (let ch = 0; ch < C; ch += 4) {
        const q = <usize>ch << 2;
        const a = act4(v128.load(xp + o + q), mode);
        acc = f32x4.add(acc, f32x4.mul(a, v128.load(fp + o + q)));
        if (inside) v128.store(po + q, f32x4.add(v128.load(po + q), a));
      }
    } else {
      for (let ch = 0; ch < C; ch++) {
        const q = <usize>ch << 2;
        const a = act1(load<f32>(xp + o + q), mode);
        tail += <f64>(a * load<f32>(fp + o + q));
        if (inside) store<f32>(po + q, load<f32>(po + q) + a);
      }
    }
  }
  return lanesSum(acc) + tail;
}

export function spikeForward(x: usize, fanout: usize, out: usize, B: i32, H: i32, W: i32, C: i32, k: i32, mode: i32): f64 {
  const rowBytes = <usize>(W * C) << 2;
  let s: f64 = 0;
  if (k == 0) {
    for (let b = 0; b < B; b++) for (let r = 0; r < H; r++) {
      const off = <usize>(b * H + r) * rowBytes;
      s += forwardRow(mode, x + off, fanout + <usize>r * rowBytes, out + off, W, C, 0, 0, false);
    }
    return s;
  }
  const oh = H / k, ow = W / k;
  const outBytes = <usize>(B * oh * ow * C) << 2;
  memory.fill(out, 0, outBytes);
  for (let b = 0; b < B; b++) for (let r = 0; r < H; r++) {
    const xp = x + <usize>(b * H + r) * rowBytes, fp = fanout + <usize>r * rowBytes;
    // Rows past the last window are counted but pooled nowhere: with ow = 0 no column is inside a window.
    if (r < oh * k) s += forwardRow(mode, xp, fp, out + (<usize>((b * oh + r / k) * ow * C) << 2), W, C, k, ow, true);
    else s += forwardRow(mode, xp, fp, 0, W, C, k, 0, true);
  }
  const inv = f32x4.splat(<f32>1 / <f32>(k * k));
  const n = B * oh * ow * C;
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) { const p = out + (<usize>i << 2); v128.store(p, f32x4.mul(v128.load(p), inv)); }
  for (let i = n4; i < n; i++) { const p = out + (<usize>i << 2); store<f32>(p, load<f32>(p) * (<f32>1 / <f32>(k * k))); }
  return s;
}

export function spikeBackward(x: usize, dOut: usize, g: f32, fanout: usize, dx: usize, B: i32, H: i32, W: i32, C: i32, k: i32): void {
  const pool = k > 0;
  const kk = pool ? k : 1;
  const oh = H / kk, ow = W / kk;
  const inv: f32 = <f32>1 / <f32>(kk * kk);
  const vec = (C & 3) == 0;
  const gv = f32x4.splat(g), iv = f32x4.splat(inv), zero = f32x4.splat(0);
  for (let b = 0; b < B; b++) for (let r = 0; r < H; r++) {
    const inRows = r < oh * kk;
    for (let c = 0; c < W; c++) {
      const e = (r * W + c) * C;
      const xi = <usize>((b * H + r) * W + c) * C;
      const xp = x + (xi << 2), dp = dx + (xi << 2), fp = fanout + (<usize>e << 2);
      const inside = inRows && c < ow * kk;
      const op = dOut + (<usize>(((b * oh + r / kk) * ow + c / kk) * C) << 2);
      if (vec) {
        for (let ch = 0; ch < C; ch += 4) {
          const q = <usize>ch << 2;
          const fromS = f32x4.mul(gv, v128.load(fp + q));
          const fromOut = !inside ? zero : pool ? f32x4.mul(v128.load(op + q), iv) : v128.load(op + q);
          const m = f32x4.gt(v128.load(xp + q), zero);
          v128.store(dp + q, v128.and(f32x4.add(fromOut, fromS), m));
        }
      } else {
        for (let ch = 0; ch < C; ch++) {
          const q = <usize>ch << 2;
          const fromS = g * load<f32>(fp + q);
          const fromOut: f32 = !inside ? 0 : pool ? load<f32>(op + q) * inv : load<f32>(op + q);
          store<f32>(dp + q, load<f32>(xp + q) > 0 ? fromOut + fromS : 0);
        }
      }
    }
  }
}
