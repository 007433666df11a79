// Winograd F(2×2, 3×3) for the 3×3, stride-1 convolutions with many channels (compiled into the same module
// after conv.as, whose tiles it uses; see `wasm-conv.ts` for when it runs). Every 2×2 block of outputs is
// computed from a 4×4 block of inputs in a transformed space where the 3×3 correlation becomes 16 independent
// products, so one output block costs 16·C·N multiply-adds instead of 36·C·N (2.25× fewer):
//   U = G g Gᵀ (per filter tap pair c, n), V = Bᵀ d B (per tile and channel), Y = Aᵀ [Σ_c U ⊙ V] A
// with Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1], G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1], Aᵀ = [1 1 1 0; 0 1 −1 −1]
// (Lavin & Gray 2015). The Σ_c for each of the 16 components ξ is a matrix product [tiles × C]·[C × N], done
// by conv.as's register tiles on blocks of tiles that stay in the cache.
//
// The filter gradient uses the same transforms: with Y linear in U, ∂L/∂U = Σ_tiles V ⊙ (A dY Aᵀ) and
// ∂L/∂g = Gᵀ (∂L/∂U) G, again 16 products [C × tiles]·[tiles × N].
//
// Shapes as in conv.as (x [B, H, W, C], filter [3, 3, C, N], y and dy [B, OH, OW, N], padding pT, pL; rows and
// columns outside x are zeros), C and N multiples of 4. Sums are float32; the transforms round differently from
// a direct sum (≈ 1e-6 of the largest output on the test shapes).

/**
 * Tiles per block: the block's transformed inputs and outputs (16 × TB × (C + N) floats) stay within ~0.5 MB;
 * the filter gradient (`grad`) takes twice as many, a longer sum per tile to pay for the tile's read-modify-write
 * of its sums (on 8 × 8 × 192, 68 → ~40 ms CPU with four times as many; at load 17–20 the sizes between did not
 * measure apart, so the middle is kept).
 */
function wgBlock(C: i32, N: i32, grad: bool = false): i32 {
  let tb = (grad ? 16384 : 8192) / (C + N);
  if (tb < 16) tb = 16;
  if (tb > 128) tb = 128;
  return tb & ~1;
}

/** Scratch bytes of wgConv: U [16][C][N], V [16][TB][C], M [16][TB][N]. */
export function wgConvScratch(C: i32, N: i32): i32 {
  const tb = wgBlock(C, N);
  return (16 * C * N + 16 * tb * C + 16 * tb * N) * 4;
}

/** Scratch bytes of wgFilterGrad: dU [16][C + 8][N], V [16][TB][C], E [16][TB][N]. */
export function wgFilterGradScratch(C: i32, N: i32): i32 {
  const tb = wgBlock(C, N, true);
  return (16 * (C + 8) * N + 16 * tb * C + 16 * tb * N) * 4;
}

/**
 * U[ξ][c][n] = (G g Gᵀ)[ξ] of the 3×3 filter g(i, j) = w[i, j, c, n] (`flip` false, w [3, 3, C, N]) or, for an
 * input gradient, g(i, j) = w[2 − i, 2 − j, n, c] (`flip` true: w is the layer's filter [3, 3, N, C]).
 */
function wgFilterTransform(w: usize, U: usize, C: i32, N: i32, flip: bool): void {
  const plane = <usize>(C * N) * 4;
  for (let c = 0; c < C; c++) {
    for (let n = 0; n < N; n++) {
      // g as 9 values, row-major: tap t = 3i + j at p0 + t·st (flipped: tap 8 − t of the layer's filter).
      const S = C * N * 4;
      const p0: usize = flip ? w + <usize>((n * C + c) * 4 + 8 * S) : w + <usize>((c * N + n) * 4);
      const st = flip ? -S : S;
      const g0 = load<f32>(p0), g1 = load<f32>(p0 + <usize>st), g2 = load<f32>(p0 + <usize>(2 * st));
      const g3 = load<f32>(p0 + <usize>(3 * st)), g4 = load<f32>(p0 + <usize>(4 * st)), g5 = load<f32>(p0 + <usize>(5 * st));
      const g6 = load<f32>(p0 + <usize>(6 * st)), g7 = load<f32>(p0 + <usize>(7 * st)), g8 = load<f32>(p0 + <usize>(8 * st));
      // t = G g (4 × 3), one column at a time.
      const t00 = g0, t10 = (g0 + g3 + g6) * 0.5, t20 = (g0 - g3 + g6) * 0.5, t30 = g6;
      const t01 = g1, t11 = (g1 + g4 + g7) * 0.5, t21 = (g1 - g4 + g7) * 0.5, t31 = g7;
      const t02 = g2, t12 = (g2 + g5 + g8) * 0.5, t22 = (g2 - g5 + g8) * 0.5, t32 = g8;
      const p = U + <usize>(c * N + n) * 4;
      wgStoreRow(p, plane, 0, t00, t01, t02);
      wgStoreRow(p, plane, 4, t10, t11, t12);
      wgStoreRow(p, plane, 8, t20, t21, t22);
      wgStoreRow(p, plane, 12, t30, t31, t32);
    }
  }
}

/** Row r of U = t Gᵀ from row (a, b, c) of t: components ξ = r … r + 3. */
@inline function wgStoreRow(p: usize, plane: usize, xi: i32, a: f32, b: f32, c: f32): void {
  store<f32>(p + <usize>xi * plane, a);
  store<f32>(p + <usize>(xi + 1) * plane, (a + b + c) * 0.5);
  store<f32>(p + <usize>(xi + 2) * plane, (a - b + c) * 0.5);
  store<f32>(p + <usize>(xi + 3) * plane, c);
}

/**
 * V[ξ][t][c] = (Bᵀ d B)[ξ] for tiles t < nt of the block starting at tile t0 (tiles numbered b, ty, tx over
 * tH × tW per image; tile (ty, tx) reads x rows 2ty − pT … + 3, columns 2tx − pL … + 3).
 */
function wgInputTransform(x: usize, V: usize, t0: i32, nt: i32, TB: i32, H: i32, W: i32, C: i32, tH: i32, tW: i32, pT: i32, pL: i32): void {
  const plane = <usize>(TB * C) * 4;
  const z = f32x4.splat(0);
  for (let t = 0; t < nt; t++) {
    const g = t0 + t;
    const b = g / (tH * tW);
    const r = g - b * tH * tW;
    const ty = r / tW;
    const tx = r - ty * tW;
    const y0 = 2 * ty - pT;
    const x0 = 2 * tx - pL;
    const inside = y0 >= 0 && y0 + 4 <= H && x0 >= 0 && x0 + 4 <= W;
    const base = x + <usize>(((b * H + y0) * W + x0) * C) * 4;
    const rowB = <usize>(W * C) * 4;
    const colB = <usize>C * 4;
    const out = V + <usize>(t * C) * 4;
    for (let c = 0; c < C; c += 4) {
      const p = base + (<usize>c << 2);
      let d00 = z, d01 = z, d02 = z, d03 = z, d10 = z, d11 = z, d12 = z, d13 = z;
      let d20 = z, d21 = z, d22 = z, d23 = z, d30 = z, d31 = z, d32 = z, d33 = z;
      if (inside) {
        d00 = v128.load(p); d01 = v128.load(p + colB); d02 = v128.load(p + 2 * colB); d03 = v128.load(p + 3 * colB);
        d10 = v128.load(p + rowB); d11 = v128.load(p + rowB + colB); d12 = v128.load(p + rowB + 2 * colB); d13 = v128.load(p + rowB + 3 * colB);
        d20 = v128.load(p + 2 * rowB); d21 = v128.load(p + 2 * rowB + colB); d22 = v128.load(p + 2 * rowB + 2 * colB); d23 = v128.load(p + 2 * rowB + 3 * colB);
        d30 = v128.load(p + 3 * rowB); d31 = v128.load(p + 3 * rowB + colB); d32 = v128.load(p + 3 * rowB + 2 * colB); d33 = v128.load(p + 3 * rowB + 3 * colB);
      } else {
        d00 = wgLoad(p, y0, x0, 0, 0, H, W, rowB, colB); d01 = wgLoad(p, y0, x0, 0, 1, H, W, rowB, colB);
        d02 = wgLoad(p, y0, x0, 0, 2, H, W, rowB, colB); d03 = wgLoad(p, y0, x0, 0, 3, H, W, rowB, colB);
        d10 = wgLoad(p, y0, x0, 1, 0, H, W, rowB, colB); d11 = wgLoad(p, y0, x0, 1, 1, H, W, rowB, colB);
        d12 = wgLoad(p, y0, x0, 1, 2, H, W, rowB, colB); d13 = wgLoad(p, y0, x0, 1, 3, H, W, rowB, colB);
        d20 = wgLoad(p, y0, x0, 2, 0, H, W, rowB, colB); d21 = wgLoad(p, y0, x0, 2, 1, H, W, rowB, colB);
        d22 = wgLoad(p, y0, x0, 2, 2, H, W, rowB, colB); d23 = wgLoad(p, y0, x0, 2, 3, H, W, rowB, colB);
        d30 = wgLoad(p, y0, x0, 3, 0, H, W, rowB, colB); d31 = wgLoad(p, y0, x0, 3, 1, H, W, rowB, colB);
        d32 = wgLoad(p, y0, x0, 3, 2, H, W, rowB, colB); d33 = wgLoad(p, y0, x0, 3, 3, H, W, rowB, colB);
      }
      // Bᵀ d: rows.
      const e00 = f32x4.sub(d00, d20), e01 = f32x4.sub(d01, d21), e02 = f32x4.sub(d02, d22), e03 = f32x4.sub(d03, d23);
      const e10 = f32x4.add(d10, d20), e11 = f32x4.add(d11, d21), e12 = f32x4.add(d12, d22), e13 = f32x4.add(d13, d23);
      const e20 = f32x4.sub(d20, d10), e21 = f32x4.sub(d21, d11), e22 = f32x4.sub(d22, d12), e23 = f32x4.sub(d23, d13);
      const e30 = f32x4.sub(d10, d30), e31 = f32x4.sub(d11, d31), e32 = f32x4.sub(d12, d32), e33 = f32x4.sub(d13, d33);
      const q = out + (<usize>c << 2);
      wgInRow(q, plane, 0, e00, e01, e02, e03);
      wgInRow(q, plane, 4, e10, e11, e12, e13);
      wgInRow(q, plane, 8, e20, e21, e22, e23);
      wgInRow(q, plane, 12, e30, e31, e32, e33);
    }
  }
}

/** d[a][b] of a tile at the edge: x[y0 + a, x0 + b] or zeros outside x. */
@inline function wgLoad(p: usize, y0: i32, x0: i32, a: i32, b: i32, H: i32, W: i32, rowB: usize, colB: usize): v128 {
  const yy = y0 + a, xx = x0 + b;
  return yy >= 0 && yy < H && xx >= 0 && xx < W ? v128.load(p + <usize>a * rowB + <usize>b * colB) : f32x4.splat(0);
}

/** Row (e0 … e3) of Bᵀ d times B: components ξ … ξ + 3. */
@inline function wgInRow(q: usize, plane: usize, xi: i32, e0: v128, e1: v128, e2: v128, e3: v128): void {
  v128.store(q + <usize>xi * plane, f32x4.sub(e0, e2));
  v128.store(q + <usize>(xi + 1) * plane, f32x4.add(e1, e2));
  v128.store(q + <usize>(xi + 2) * plane, f32x4.sub(e2, e1));
  v128.store(q + <usize>(xi + 3) * plane, f32x4.sub(e1, e3));
}

/** M[ξ] = V[ξ]·U[ξ] for the block's nt tiles: [nt × C]·[C × N], with conv.as's tiles. */
function wgProduct(V: usize, U: usize, M: usize, nt: i32, TB: i32, C: i32, N: i32): void {
  const V4 = N >> 2;
  const inStep = <usize>C * 4;
  const outStep = <usize>N * 4;
  for (let xi = 0; xi < 16; xi++) {
    const vp = V + <usize>(xi * TB * C) * 4;
    const up = U + <usize>(xi * C * N) * 4;
    const mp = M + <usize>(xi * TB * N) * 4;
    for (let v0 = 0; v0 < V4;) {
      const nr = tileVectors(v0, V4);
      const pr = convPR(nr);
      const wv = up + (<usize>v0 << 4);
      const ov = mp + (<usize>v0 << 4);
      let t = 0;
      for (; t + pr <= nt; t += pr) convTileOf(nr, false, vp + <usize>t * inStep, inStep, 0, 1, C, wv, 0, outStep, ov + <usize>t * outStep, outStep, 4);
      for (; t < nt; t++) convTileOf(nr, true, vp + <usize>t * inStep, inStep, 0, 1, C, wv, 0, outStep, ov + <usize>t * outStep, outStep, 4);
      v0 += nr;
    }
  }
}

/** y = Aᵀ M A for the block's tiles, the 2 × 2 outputs inside [OH, OW] written. */
function wgOutputTransform(M: usize, y: usize, t0: i32, nt: i32, TB: i32, N: i32, OH: i32, OW: i32, tH: i32, tW: i32): void {
  const plane = <usize>(TB * N) * 4;
  for (let t = 0; t < nt; t++) {
    const g = t0 + t;
    const b = g / (tH * tW);
    const r = g - b * tH * tW;
    const ty = r / tW;
    const tx = r - ty * tW;
    const oy = 2 * ty, ox = 2 * tx;
    const two_r = oy + 1 < OH, two_c = ox + 1 < OW;
    const o = y + <usize>(((b * OH + oy) * OW + ox) * N) * 4;
    const rowB = <usize>(OW * N) * 4;
    const colB = <usize>N * 4;
    const m = M + <usize>(t * N) * 4;
    for (let n = 0; n < N; n += 4) {
      const p = m + (<usize>n << 2);
      const m0 = v128.load(p), m1 = v128.load(p + plane), m2 = v128.load(p + 2 * plane), m3 = v128.load(p + 3 * plane);
      const m4 = v128.load(p + 4 * plane), m5 = v128.load(p + 5 * plane), m6 = v128.load(p + 6 * plane), m7 = v128.load(p + 7 * plane);
      const m8 = v128.load(p + 8 * plane), m9 = v128.load(p + 9 * plane), m10 = v128.load(p + 10 * plane), m11 = v128.load(p + 11 * plane);
      const m12 = v128.load(p + 12 * plane), m13 = v128.load(p + 13 * plane), m14 = v128.load(p + 14 * plane), m15 = v128.load(p + 15 * plane);
      // Aᵀ M: two rows of 4.
      const r0 = f32x4.add(f32x4.add(m0, m4), m8), r1 = f32x4.add(f32x4.add(m1, m5), m9);
      const r2 = f32x4.add(f32x4.add(m2, m6), m10), r3 = f32x4.add(f32x4.add(m3, m7), m11);
      const s0 = f32x4.sub(f32x4.sub(m4, m8), m12), s1 = f32x4.sub(f32x4.sub(m5, m9), m13);
      const s2 = f32x4.sub(f32x4.sub(m6, m10), m14), s3 = f32x4.sub(f32x4.sub(m7, m11), m15);
      const q = o + (<usize>n << 2);
      v128.store(q, f32x4.add(f32x4.add(r0, r1), r2));
      if (two_c) v128.store(q + colB, f32x4.sub(f32x4.sub(r1, r2), r3));
      if (two_r) {
        v128.store(q + rowB, f32x4.add(f32x4.add(s0, s1), s2));
        if (two_c) v128.store(q + rowB + colB, f32x4.sub(f32x4.sub(s1, s2), s3));
      }
    }
  }
}

/**
 * The correlation y [B, OH, OW, N] of x [B, H, W, C] with a 3×3 filter, stride 1, by Winograd F(2×2, 3×3): the
 * forward convolution (`flip` false, w [3, 3, C, N]), or an input gradient (`flip` true: x is dy, w the
 * layer's filter [3, 3, N, C], padding 2 − the layer's).
 */
export function wgConv(x: usize, w: usize, y: usize, scratch: usize, B: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, N: i32,
  pT: i32, pL: i32, flip: bool): void {
  const TB = wgBlock(C, N);
  const U = scratch;
  const V = U + <usize>(16 * C * N) * 4;
  const M = V + <usize>(16 * TB * C) * 4;
  wgFilterTransform(w, U, C, N, flip);
  const tH = (OH + 1) >> 1, tW = (OW + 1) >> 1;
  const T = B * tH * tW;
  for (let t0 = 0; t0 < T; t0 += TB) {
    const nt = T - t0 < TB ? T - t0 : TB;
    wgInputTransform(x, V, t0, nt, TB, H, W, C, tH, tW, pT, pL);
    wgProduct(V, U, M, nt, TB, C, N);
    wgOutputTransform(M, y, t0, nt, TB, N, OH, OW, tH, tW);
  }
}

/** E[ξ][t][n] = (A e Aᵀ)[ξ] of the 2 × 2 block e of dy of each tile (zeros past OH, OW). */
function wgGradTransform(dy: usize, E: usize, t0: i32, nt: i32, TB: i32, N: i32, OH: i32, OW: i32, tH: i32, tW: i32): void {
  const plane = <usize>(TB * N) * 4;
  const z = f32x4.splat(0);
  for (let t = 0; t < nt; t++) {
    const g = t0 + t;
    const b = g / (tH * tW);
    const r = g - b * tH * tW;
    const ty = r / tW;
    const tx = r - ty * tW;
    const oy = 2 * ty, ox = 2 * tx;
    const two_r = oy + 1 < OH, two_c = ox + 1 < OW;
    const src = dy + <usize>(((b * OH + oy) * OW + ox) * N) * 4;
    const rowB = <usize>(OW * N) * 4;
    const colB = <usize>N * 4;
    const out = E + <usize>(t * N) * 4;
    for (let n = 0; n < N; n += 4) {
      const p = src + (<usize>n << 2);
      const e00 = v128.load(p);
      const e01 = two_c ? v128.load(p + colB) : z;
      const e10 = two_r ? v128.load(p + rowB) : z;
      const e11 = two_r && two_c ? v128.load(p + rowB + colB) : z;
      // A e: 4 rows of 2 — e0, e0 + e1, e0 − e1, −e1 (rows of e).
      const q = out + (<usize>n << 2);
      wgGradRow(q, plane, 0, e00, e01);
      wgGradRow(q, plane, 4, f32x4.add(e00, e10), f32x4.add(e01, e11));
      wgGradRow(q, plane, 8, f32x4.sub(e00, e10), f32x4.sub(e01, e11));
      wgGradRow(q, plane, 12, f32x4.neg(e10), f32x4.neg(e11));
    }
  }
}

/** Row (a, b) of A e times Aᵀ: (a, a + b, a − b, −b) as components ξ … ξ + 3. */
@inline function wgGradRow(q: usize, plane: usize, xi: i32, a: v128, b: v128): void {
  v128.store(q + <usize>xi * plane, a);
  v128.store(q + <usize>(xi + 1) * plane, f32x4.add(a, b));
  v128.store(q + <usize>(xi + 2) * plane, f32x4.sub(a, b));
  v128.store(q + <usize>(xi + 3) * plane, f32x4.neg(b));
}

/** dw [3, 3, C, N] of a 3×3, stride-1 convolution of x [B, H, W, C] with output gradient dy [B, OH, OW, N]. */
export function wgFilterGrad(x: usize, dy: usize, dw: usize, scratch: usize, B: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, N: i32,
  pT: i32, pL: i32): void {
  const TB = wgBlock(C, N, true);
  const C8 = C + 8;
  const dU = scratch;
  const V = dU + <usize>(16 * C8 * N) * 4;
  const E = V + <usize>(16 * TB * C) * 4;
  memory.fill(dU, 0, <usize>(16 * C8 * N) * 4);
  const tH = (OH + 1) >> 1, tW = (OW + 1) >> 1;
  const T = B * tH * tW;
  const V4 = N >> 2;
  const xCol = <usize>C * 4;
  const dCol = <usize>N * 4;
  for (let t0 = 0; t0 < T; t0 += TB) {
    const nt = T - t0 < TB ? T - t0 : TB;
    wgInputTransform(x, V, t0, nt, TB, H, W, C, tH, tW, pT, pL);
    wgGradTransform(dy, E, t0, nt, TB, N, OH, OW, tH, tW);
    for (let xi = 0; xi < 16; xi++) {
      const vp = V + <usize>(xi * TB * C) * 4;
      const ep = E + <usize>(xi * TB * N) * 4;
      const up = dU + <usize>(xi * C8 * N) * 4;
      for (let v0 = 0; v0 < V4;) {
        const nr = tileVectors(v0, V4);
        const mr = fgMR(nr, C);
        const dv = ep + (<usize>v0 << 4);
        for (let m = 0; m < C; m += mr) {
          // Rows past C (the last tile's) read channel 0 and land in the 8 spare rows.
          const o0 = wgRow(m, C), o1 = wgRow(m + 1, C), o2 = wgRow(m + 2, C), o3 = wgRow(m + 3, C), o4 = wgRow(m + 4, C), o5 = wgRow(m + 5, C);
          fgTileOf(nr, mr, vp, dv, o0, o1, o2, o3, o4, o5, 1, nt, xCol, 0, dCol, 0, up + <usize>(m * N + v0 * 4) * 4, dCol);
        }
        v0 += nr;
      }
    }
  }
  // dw = Gᵀ dU G per (c, n).
  const plane = <usize>(C8 * N) * 4;
  for (let c = 0; c < C; c++) {
    for (let n = 0; n < N; n++) {
      const p = dU + <usize>(c * N + n) * 4;
      // h = Gᵀ dU (3 × 4): h0 = u0 + (u1 + u2)/2, h1 = (u1 − u2)/2, h2 = (u1 + u2)/2 + u3, by columns.
      const u0 = load<f32>(p), u1 = load<f32>(p + plane), u2 = load<f32>(p + 2 * plane), u3 = load<f32>(p + 3 * plane);
      const u4 = load<f32>(p + 4 * plane), u5 = load<f32>(p + 5 * plane), u6 = load<f32>(p + 6 * plane), u7 = load<f32>(p + 7 * plane);
      const u8 = load<f32>(p + 8 * plane), u9 = load<f32>(p + 9 * plane), u10 = load<f32>(p + 10 * plane), u11 = load<f32>(p + 11 * plane);
      const u12 = load<f32>(p + 12 * plane), u13 = load<f32>(p + 13 * plane), u14 = load<f32>(p + 14 * plane), u15 = load<f32>(p + 15 * plane);
      const h00 = u0 + (u4 + u8) * 0.5, h10 = (u4 - u8) * 0.5, h20 = (u4 + u8) * 0.5 + u12;
      const h01 = u1 + (u5 + u9) * 0.5, h11 = (u5 - u9) * 0.5, h21 = (u5 + u9) * 0.5 + u13;
      const h02 = u2 + (u6 + u10) * 0.5, h12 = (u6 - u10) * 0.5, h22 = (u6 + u10) * 0.5 + u14;
      const h03 = u3 + (u7 + u11) * 0.5, h13 = (u7 - u11) * 0.5, h23 = (u7 + u11) * 0.5 + u15;
      wgDwRow(dw, 0, c, n, C, N, h00, h01, h02, h03);
      wgDwRow(dw, 1, c, n, C, N, h10, h11, h12, h13);
      wgDwRow(dw, 2, c, n, C, N, h20, h21, h22, h23);
    }
  }
}

/** Row i of dw = h G: columns j = 0, 1, 2 of (a, b, c, d) · G. */
@inline function wgDwRow(dw: usize, i: i32, c: i32, n: i32, C: i32, N: i32, a: f32, b: f32, cc: f32, d: f32): void {
  store<f32>(dw + <usize>(((i * 3) * C + c) * N + n) * 4, a + (b + cc) * 0.5);
  store<f32>(dw + <usize>(((i * 3 + 1) * C + c) * N + n) * 4, (b - cc) * 0.5);
  store<f32>(dw + <usize>(((i * 3 + 2) * C + c) * N + n) * 4, (b + cc) * 0.5 + d);
}

@inline function wgRow(m: i32, C: i32): usize {
  return m < C ? <usize>m * 4 : 0;
}
