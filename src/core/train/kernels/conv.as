// NHWC float32 convolution kernels with 128-bit SIMD, in AssemblyScript (compiled by `npm run build:kernels`
// into conv-wasm.ts; see compile.ts). The module imports the tfjs wasm backend's memory and reads and writes
// its tensors in place: every pointer is a byte offset into that memory. It has no data segments, no globals
// and no allocator; scratch space is a tensor the caller allocates (sizes from the *Scratch functions).
//
// Shapes: x [B, H, W, C], filter [kH, kW, C, N], y and dy [B, OH, OW, N]; strides sH, sW; the top and left
// zero padding pT, pL (bottom and right follow from OH, OW, as in tfjs' conv info); dilation 1.
//
// - convForward: y[b, oy, ox, n] = Σ_{i, j, c} x[b, oy·sH + i − pT, ox·sW + j − pL, c] · w[i, j, c, n]
// - convBackpropInput: dx[b, h, w, c] = Σ_{i, j, n} dy[b, y, x, n] · w[i, j, c, n] over y·sH + i − pT = h,
//   x·sW + j − pL = w (the transpose of convForward)
// - convBackpropFilter: dw[i, j, c, n] = Σ_{b, y, x} x[b, y·sH + i − pT, x·sW + j − pL, c] · dy[b, y, x, n]
// Taps outside x are zeros. Sums are float32, in a fixed order; the filter gradient adds partial sums over
// chunks of rows (blocked summation).

// ---------------------------------------------------------------------------------------------------------
// Register tiles. Each is written once as an @inline template over its tile size; the fixed-size wrappers
// below pass constants, so the optimizer removes the unused accumulators and branches. The wrappers stay
// functions of their own (binaryen does not inline functions with loops): V8 compiles a function with its
// optimizing tier once it has run a while, and a kernel's first call starts in the baseline tier.

@inline function mac(a: v128, s: v128, d: v128): v128 {
  return f32x4.add(a, f32x4.mul(s, d));
}

/** Stores lanes [0, lanes) of `v` at `p`; lanes is 1–4 (a channel count that is not a multiple of 4 ends in a partial vector). */
@inline function storeLanes(p: usize, v: v128, lanes: i32): void {
  if (lanes >= 4) {
    v128.store(p, v);
  } else {
    v128.store32_lane(p, v, 0);
    if (lanes > 1) v128.store32_lane(p, v, 1, 4);
    if (lanes > 2) v128.store32_lane(p, v, 2, 8);
  }
}

@inline function storeRow(NR: i32, p: usize, a0: v128, a1: v128, a2: v128, a3: v128, lanes: i32): void {
  if (NR == 1) storeLanes(p, a0, lanes);
  if (NR == 2) { v128.store(p, a0); storeLanes(p + 16, a1, lanes); }
  if (NR == 3) { v128.store(p, a0); v128.store(p, a1, 16); storeLanes(p + 32, a2, lanes); }
  if (NR == 4) { v128.store(p, a0); v128.store(p, a1, 16); v128.store(p, a2, 32); storeLanes(p + 48, a3, lanes); }
}

/**
 * PR output positions × NR vectors of 4 output channels, written to `op + p·outStep + 16·v`:
 *   out[p][v] = Σ_{a < nRows} Σ_{k < K} in[ip + a·inRow + p·inStep + 4k] · w[wp + a·wRow + k·wK + 16·v]
 * (one tap row a reads K consecutive input floats: the tap columns × the input channels). The last
 * vector keeps `lanes` lanes. nRows or K may be 0 (the output is then 0).
 */
@inline function convTile(PR: i32, NR: i32, ip: usize, inStep: usize, inRow: usize, nRows: i32, K: i32,
  wp: usize, wRow: usize, wK: usize, op: usize, outStep: usize, lanes: i32): void {
  const z = f32x4.splat(0);
  let a00 = z, a01 = z, a02 = z, a03 = z, a10 = z, a11 = z, a12 = z, a13 = z, a20 = z, a21 = z, a22 = z, a23 = z;
  let a30 = z, a31 = z, a32 = z, a33 = z, a40 = z, a41 = z, a42 = z, a43 = z, a50 = z, a51 = z, a52 = z, a53 = z;
  const s1 = inStep, s2 = inStep * 2, s3 = inStep * 3, s4 = inStep * 4, s5 = inStep * 5;
  const kBytes = <usize>K << 2;
  for (let a = 0; a < nRows; a++) {
    let pi = ip + <usize>a * inRow;
    let pw = wp + <usize>a * wRow;
    const pe = pi + kBytes;
    while (pi < pe) {
      const w0 = v128.load(pw);
      const w1 = NR > 1 ? v128.load(pw, 16) : z;
      const w2 = NR > 2 ? v128.load(pw, 32) : z;
      const w3 = NR > 3 ? v128.load(pw, 48) : z;
      let s = v128.load32_splat(pi);
      a00 = mac(a00, s, w0); if (NR > 1) a01 = mac(a01, s, w1); if (NR > 2) a02 = mac(a02, s, w2); if (NR > 3) a03 = mac(a03, s, w3);
      if (PR > 1) { s = v128.load32_splat(pi + s1); a10 = mac(a10, s, w0); if (NR > 1) a11 = mac(a11, s, w1); if (NR > 2) a12 = mac(a12, s, w2); if (NR > 3) a13 = mac(a13, s, w3); }
      if (PR > 2) { s = v128.load32_splat(pi + s2); a20 = mac(a20, s, w0); if (NR > 1) a21 = mac(a21, s, w1); if (NR > 2) a22 = mac(a22, s, w2); if (NR > 3) a23 = mac(a23, s, w3); }
      if (PR > 3) { s = v128.load32_splat(pi + s3); a30 = mac(a30, s, w0); if (NR > 1) a31 = mac(a31, s, w1); if (NR > 2) a32 = mac(a32, s, w2); if (NR > 3) a33 = mac(a33, s, w3); }
      if (PR > 4) { s = v128.load32_splat(pi + s4); a40 = mac(a40, s, w0); if (NR > 1) a41 = mac(a41, s, w1); if (NR > 2) a42 = mac(a42, s, w2); if (NR > 3) a43 = mac(a43, s, w3); }
      if (PR > 5) { s = v128.load32_splat(pi + s5); a50 = mac(a50, s, w0); if (NR > 1) a51 = mac(a51, s, w1); if (NR > 2) a52 = mac(a52, s, w2); if (NR > 3) a53 = mac(a53, s, w3); }
      pi += 4;
      pw += wK;
    }
  }
  storeRow(NR, op, a00, a01, a02, a03, lanes);
  if (PR > 1) storeRow(NR, op + outStep, a10, a11, a12, a13, lanes);
  if (PR > 2) storeRow(NR, op + outStep * 2, a20, a21, a22, a23, lanes);
  if (PR > 3) storeRow(NR, op + outStep * 3, a30, a31, a32, a33, lanes);
  if (PR > 4) storeRow(NR, op + outStep * 4, a40, a41, a42, a43, lanes);
  if (PR > 5) storeRow(NR, op + outStep * 5, a50, a51, a52, a53, lanes);
}

// The tile sizes used (PR positions for NR vectors), chosen by measurement with V8 on x86-64, which keeps
// 15 vectors in registers: tiles of 8 accumulators (2 × 4, 4 × 2) ran at ~20 G multiply-adds/s, 2 × 3 and
// 6 × 1 at 15–20; 9 or more accumulators spill and fall to 10–13 (4 × 3: 12, 3 × 3: 10.5).
function conv2x4(ip: usize, inStep: usize, inRow: usize, nRows: i32, K: i32, wp: usize, wRow: usize, wK: usize, op: usize, outStep: usize, lanes: i32): void {
  convTile(2, 4, ip, inStep, inRow, nRows, K, wp, wRow, wK, op, outStep, lanes);
}
function conv2x3(ip: usize, inStep: usize, inRow: usize, nRows: i32, K: i32, wp: usize, wRow: usize, wK: usize, op: usize, outStep: usize, lanes: i32): void {
  convTile(2, 3, ip, inStep, inRow, nRows, K, wp, wRow, wK, op, outStep, lanes);
}
function conv4x2(ip: usize, inStep: usize, inRow: usize, nRows: i32, K: i32, wp: usize, wRow: usize, wK: usize, op: usize, outStep: usize, lanes: i32): void {
  convTile(4, 2, ip, inStep, inRow, nRows, K, wp, wRow, wK, op, outStep, lanes);
}
function conv6x1(ip: usize, inStep: usize, inRow: usize, nRows: i32, K: i32, wp: usize, wRow: usize, wK: usize, op: usize, outStep: usize, lanes: i32): void {
  convTile(6, 1, ip, inStep, inRow, nRows, K, wp, wRow, wK, op, outStep, lanes);
}
function conv1x4(ip: usize, inStep: usize, inRow: usize, nRows: i32, K: i32, wp: usize, wRow: usize, wK: usize, op: usize, outStep: usize, lanes: i32): void {
  convTile(1, 4, ip, inStep, inRow, nRows, K, wp, wRow, wK, op, outStep, lanes);
}
function conv1x3(ip: usize, inStep: usize, inRow: usize, nRows: i32, K: i32, wp: usize, wRow: usize, wK: usize, op: usize, outStep: usize, lanes: i32): void {
  convTile(1, 3, ip, inStep, inRow, nRows, K, wp, wRow, wK, op, outStep, lanes);
}
function conv1x2(ip: usize, inStep: usize, inRow: usize, nRows: i32, K: i32, wp: usize, wRow: usize, wK: usize, op: usize, outStep: usize, lanes: i32): void {
  convTile(1, 2, ip, inStep, inRow, nRows, K, wp, wRow, wK, op, outStep, lanes);
}
function conv1x1(ip: usize, inStep: usize, inRow: usize, nRows: i32, K: i32, wp: usize, wRow: usize, wK: usize, op: usize, outStep: usize, lanes: i32): void {
  convTile(1, 1, ip, inStep, inRow, nRows, K, wp, wRow, wK, op, outStep, lanes);
}

/** Vectors in the tile starting at vector v0 of V: 4 at a time, the rest as 3, 2 or 1 (5 as 3 + 2). */
@inline function tileVectors(v0: i32, V: i32): i32 {
  const left = V - v0;
  return left == 5 || left == 3 ? 3 : left >= 4 ? 4 : left;
}

/** Positions per convolution tile of NR vectors. */
@inline function convPR(NR: i32): i32 {
  return NR >= 3 ? 2 : NR == 2 ? 4 : 6;
}

/** One convolution tile of `nr` vectors: PR positions, or one when `one`. */
function convTileOf(nr: i32, one: bool, ip: usize, inStep: usize, inRow: usize, nRows: i32, K: i32, wp: usize, wRow: usize, wK: usize, op: usize, outStep: usize, lanes: i32): void {
  if (one) {
    if (nr == 4) conv1x4(ip, inStep, inRow, nRows, K, wp, wRow, wK, op, outStep, lanes);
    else if (nr == 3) conv1x3(ip, inStep, inRow, nRows, K, wp, wRow, wK, op, outStep, lanes);
    else if (nr == 2) conv1x2(ip, inStep, inRow, nRows, K, wp, wRow, wK, op, outStep, lanes);
    else conv1x1(ip, inStep, inRow, nRows, K, wp, wRow, wK, op, outStep, lanes);
  } else {
    if (nr == 4) conv2x4(ip, inStep, inRow, nRows, K, wp, wRow, wK, op, outStep, lanes);
    else if (nr == 3) conv2x3(ip, inStep, inRow, nRows, K, wp, wRow, wK, op, outStep, lanes);
    else if (nr == 2) conv4x2(ip, inStep, inRow, nRows, K, wp, wRow, wK, op, outStep, lanes);
    else conv6x1(ip, inStep, inRow, nRows, K, wp, wRow, wK, op, outStep, lanes);
  }
}

/**
 * One row of outputs of a correlation: nOut outputs t, `outStep` bytes apart from `op`, each reading tap
 * rows a < nRows (`inRow` bytes apart from `ip`, the input row of the first tap row) at input columns
 * left(t) + b, b < nTap, left(t) = colBase + t·colStep, over `chans` channels of `posBytes` bytes per input
 * column; columns outside [0, inCols) are zeros, so the taps are clamped to the inside (edge outputs one at
 * a time, the inside in tiles). Weights `wp` + a·wRow + (b·chans + c)·wK + 16·v; V output vectors, the
 * last with `lanes` lanes.
 */
function correlateRow(ip: usize, nRows: i32, inRow: usize, posBytes: i32, colBase: i32, colStep: i32, nTap: i32, inCols: i32,
  chans: i32, wp: usize, wRow: usize, wK: usize, op: usize, outStep: usize, nOut: i32, V: i32, lanes: i32): void {
  let tLo = colBase >= 0 ? 0 : (colStep - 1 - colBase) / colStep;
  const r = inCols - nTap - colBase;
  let tHi = r < 0 ? 0 : r / colStep + 1;
  if (tLo > nOut) tLo = nOut;
  if (tHi > nOut) tHi = nOut;
  if (tHi < tLo) tHi = tLo;
  const inStep = <usize>(colStep * posBytes);
  const K = nTap * chans;
  for (let v0 = 0; v0 < V;) {
    const nr = tileVectors(v0, V);
    const ln = v0 + nr == V ? lanes : 4;
    const wv = wp + (<usize>v0 << 4);
    const ov = op + (<usize>v0 << 4);
    // Edge outputs: the taps that fall inside the input.
    for (let t = 0; t < nOut; t++) {
      if (t == tLo) t = tHi;
      if (t >= nOut) break;
      const left = colBase + t * colStep;
      const b0 = left < 0 ? -left : 0;
      let b1 = inCols - left;
      if (b1 > nTap) b1 = nTap;
      const kk = b1 > b0 ? (b1 - b0) * chans : 0;
      const ipt = ip + <usize>((left + b0) * posBytes);
      const wpt = wv + <usize>(b0 * chans) * wK;
      const opt = ov + <usize>t * outStep;
      convTileOf(nr, true, ipt, inStep, inRow, nRows, kk, wpt, wRow, wK, opt, outStep, ln);
    }
    // Inside: tiles of PR outputs. What is left after them is one output on its own, or more as a tile that
    // overlaps the one before (it rewrites the same values; cheaper than single outputs, which run at ~¾ speed).
    const pr = convPR(nr);
    let t = tLo;
    for (; t + pr <= tHi; t += pr) {
      convTileOf(nr, false, ip + <usize>((colBase + t * colStep) * posBytes), inStep, inRow, nRows, K, wv, wRow, wK, ov + <usize>t * outStep, outStep, ln);
    }
    if (tHi - t > 1 && tHi - tLo >= pr) {
      t = tHi - pr;
      convTileOf(nr, false, ip + <usize>((colBase + t * colStep) * posBytes), inStep, inRow, nRows, K, wv, wRow, wK, ov + <usize>t * outStep, outStep, ln);
    } else {
      for (; t < tHi; t++) {
        convTileOf(nr, true, ip + <usize>((colBase + t * colStep) * posBytes), inStep, inRow, nRows, K, wv, wRow, wK, ov + <usize>t * outStep, outStep, ln);
      }
    }
    v0 += nr;
  }
}

@inline function round4(n: i32): i32 {
  return (n + 3) & ~3;
}

// ---------------------------------------------------------------------------------------------------------
// Forward convolution.

/** Scratch bytes convForward needs: the filter with N padded to a multiple of 4 (none when it is one). */
export function convForwardScratch(kH: i32, kW: i32, C: i32, N: i32): i32 {
  return N == round4(N) ? 0 : kH * kW * C * round4(N) * 4;
}

export function convForward(x: usize, w: usize, y: usize, scratch: usize, B: i32, H: i32, W: i32, C: i32,
  OH: i32, OW: i32, N: i32, kH: i32, kW: i32, sH: i32, sW: i32, pT: i32, pL: i32): void {
  const N4 = round4(N);
  let wb = w;
  if (N4 != N) {
    // Filter rows of N4 floats, the padding lanes zero.
    const rows = kH * kW * C;
    for (let r = 0; r < rows; r++) {
      const d = scratch + <usize>(r * N4) * 4;
      const s = w + <usize>(r * N) * 4;
      for (let n = 0; n < N4; n++) store<f32>(d + (<usize>n << 2), n < N ? load<f32>(s + (<usize>n << 2)) : 0);
    }
    wb = scratch;
  }
  const wRow = <usize>(kW * C * N4) * 4;
  const inRow = <usize>(W * C) * 4;
  for (let b = 0; b < B; b++) {
    for (let oy = 0; oy < OH; oy++) {
      const top = oy * sH - pT;
      const i0 = top < 0 ? -top : 0;
      let i1 = H - top;
      if (i1 > kH) i1 = kH;
      const nRows = i1 > i0 ? i1 - i0 : 0;
      const ip = x + <usize>((b * H + top + i0) * W * C) * 4;
      const op = y + <usize>((b * OH + oy) * OW * N) * 4;
      correlateRow(ip, nRows, inRow, C * 4, -pL, sW, kW, W, C, wb + <usize>i0 * wRow, wRow, <usize>N4 * 4, op, <usize>N * 4, OW, N4 >> 2, N - N4 + 4);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Input gradient (transposed convolution), by phases: output row h takes only the tap rows i ≡ (h + pT)
// (mod sH), which read consecutive rows of dy; likewise columns. Each phase (rh, rw) is a stride-1
// correlation of dy with its own sub-filter, packed flipped and transposed to [a, b, n, c4] in scratch.

@inline function phaseTaps(k: i32, s: i32, r: i32): i32 {
  return r < k ? (k - r + s - 1) / s : 0;
}

/** Scratch bytes convBackpropInput needs: the packed sub-filters of all phases (the taps once each, C padded to 4). */
export function convBackpropInputScratch(kH: i32, kW: i32, C: i32, N: i32): i32 {
  return kH * kW * N * round4(C) * 4;
}

/** Byte offset of phase (rh, rw)'s packed sub-filter within the scratch. */
function phaseOffset(kH: i32, kW: i32, sH: i32, sW: i32, C4: i32, N: i32, rh: i32, rw: i32): usize {
  let taps = 0;
  for (let ph = 0; ph < sH; ph++) {
    for (let pw = 0; pw < sW; pw++) {
      if (ph == rh && pw == rw) return <usize>(taps * N * C4) * 4;
      taps += phaseTaps(kH, sH, ph) * phaseTaps(kW, sW, pw);
    }
  }
  return <usize>(taps * N * C4) * 4;
}

export function convBackpropInput(dy: usize, w: usize, dx: usize, scratch: usize, B: i32, H: i32, W: i32, C: i32,
  OH: i32, OW: i32, N: i32, kH: i32, kW: i32, sH: i32, sW: i32, pT: i32, pL: i32): void {
  const C4 = round4(C);
  // Pack: phase (rh, rw), tap (a, b) is filter tap i = rh + sH·(nA − 1 − a), j = rw + sW·(nB − 1 − b), so that a
  // and b run along dy's rows and columns; entries [n][c], c padded with zeros to C4.
  for (let rh = 0; rh < sH; rh++) {
    const nA = phaseTaps(kH, sH, rh);
    for (let rw = 0; rw < sW; rw++) {
      const nB = phaseTaps(kW, sW, rw);
      const base = scratch + phaseOffset(kH, kW, sH, sW, C4, N, rh, rw);
      for (let a = 0; a < nA; a++) {
        const i = rh + sH * (nA - 1 - a);
        for (let bb = 0; bb < nB; bb++) {
          const j = rw + sW * (nB - 1 - bb);
          const d = base + <usize>((a * nB + bb) * N * C4) * 4;
          const src = w + <usize>((i * kW + j) * C * N) * 4;
          for (let n = 0; n < N; n++) {
            for (let c = 0; c < C4; c++) {
              store<f32>(d + <usize>(n * C4 + c) * 4, c < C ? load<f32>(src + <usize>(c * N + n) * 4) : 0);
            }
          }
        }
      }
    }
  }
  const inRow = <usize>(OW * N) * 4;
  const wK = <usize>C4 * 4;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const rh = (h + pT) % sH;
      const nA = phaseTaps(kH, sH, rh);
      const yTop = (h + pT - rh) / sH - (nA - 1);
      const a0 = yTop < 0 ? -yTop : 0;
      let a1 = OH - yTop;
      if (a1 > nA) a1 = nA;
      const nRows = a1 > a0 ? a1 - a0 : 0;
      const ip = dy + <usize>((b * OH + yTop + a0) * OW * N) * 4;
      for (let rw = 0; rw < sW; rw++) {
        // First output column of this phase, and how many there are.
        const w0 = ((rw - pL) % sW + sW) % sW;
        if (w0 >= W) continue;
        const nOut = (W - 1 - w0) / sW + 1;
        const nB = phaseTaps(kW, sW, rw);
        const colBase = (w0 + pL - rw) / sW - (nB - 1);
        const wRow = <usize>(nB * N) * wK;
        const wp = scratch + phaseOffset(kH, kW, sH, sW, C4, N, rh, rw) + <usize>a0 * wRow;
        const op = dx + <usize>(((b * H + h) * W + w0) * C) * 4;
        correlateRow(ip, nRows, inRow, N * 4, colBase, 1, nB, OW, N, wp, wRow, wK, op, <usize>(sW * C) * 4, nOut, C4 >> 2, C - C4 + 4);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Filter gradient: dw as [M, N] with M = kH·kW·C rows m = (i, j, c) is Σ over positions of an outer product of
// the window's M values with dy's N values; tiles of MR rows × NR vectors accumulate over chunks of output rows
// (a window value at row m sits at a fixed byte offset from the window's origin).

/**
 * Adds to out[m][v] (`out + m·outStride + 16·v`, m < MR) the sum over positions (rows × cols; window origin
 * xp + r·xRow + q·xCol, dy at dyp + r·dRow + q·dCol) of x[origin + o_m] · dy[v].
 */
@inline function fgTile(MR: i32, NR: i32, xp: usize, dyp: usize, o0: usize, o1: usize, o2: usize, o3: usize, o4: usize, o5: usize,
  rows: i32, cols: i32, xCol: usize, xRow: usize, dCol: usize, dRow: usize, out: usize, outStride: usize): void {
  const z = f32x4.splat(0);
  let a00 = z, a01 = z, a02 = z, a03 = z, a10 = z, a11 = z, a12 = z, a13 = z, a20 = z, a21 = z, a22 = z, a23 = z;
  let a30 = z, a31 = z, a32 = z, a33 = z, a40 = z, a41 = z, a42 = z, a43 = z, a50 = z, a51 = z, a52 = z, a53 = z;
  for (let r = 0; r < rows; r++) {
    let px = xp + <usize>r * xRow;
    let pd = dyp + <usize>r * dRow;
    const pe = pd + <usize>cols * dCol;
    while (pd < pe) {
      const d0 = v128.load(pd);
      const d1 = NR > 1 ? v128.load(pd, 16) : z;
      const d2 = NR > 2 ? v128.load(pd, 32) : z;
      const d3 = NR > 3 ? v128.load(pd, 48) : z;
      let s = v128.load32_splat(px + o0);
      a00 = mac(a00, s, d0); if (NR > 1) a01 = mac(a01, s, d1); if (NR > 2) a02 = mac(a02, s, d2); if (NR > 3) a03 = mac(a03, s, d3);
      if (MR > 1) { s = v128.load32_splat(px + o1); a10 = mac(a10, s, d0); if (NR > 1) a11 = mac(a11, s, d1); if (NR > 2) a12 = mac(a12, s, d2); if (NR > 3) a13 = mac(a13, s, d3); }
      if (MR > 2) { s = v128.load32_splat(px + o2); a20 = mac(a20, s, d0); if (NR > 1) a21 = mac(a21, s, d1); if (NR > 2) a22 = mac(a22, s, d2); if (NR > 3) a23 = mac(a23, s, d3); }
      if (MR > 3) { s = v128.load32_splat(px + o3); a30 = mac(a30, s, d0); if (NR > 1) a31 = mac(a31, s, d1); if (NR > 2) a32 = mac(a32, s, d2); if (NR > 3) a33 = mac(a33, s, d3); }
      if (MR > 4) { s = v128.load32_splat(px + o4); a40 = mac(a40, s, d0); if (NR > 1) a41 = mac(a41, s, d1); if (NR > 2) a42 = mac(a42, s, d2); if (NR > 3) a43 = mac(a43, s, d3); }
      if (MR > 5) { s = v128.load32_splat(px + o5); a50 = mac(a50, s, d0); if (NR > 1) a51 = mac(a51, s, d1); if (NR > 2) a52 = mac(a52, s, d2); if (NR > 3) a53 = mac(a53, s, d3); }
      px += xCol;
      pd += dCol;
    }
  }
  addRow(NR, out, a00, a01, a02, a03);
  if (MR > 1) addRow(NR, out + outStride, a10, a11, a12, a13);
  if (MR > 2) addRow(NR, out + outStride * 2, a20, a21, a22, a23);
  if (MR > 3) addRow(NR, out + outStride * 3, a30, a31, a32, a33);
  if (MR > 4) addRow(NR, out + outStride * 4, a40, a41, a42, a43);
  if (MR > 5) addRow(NR, out + outStride * 5, a50, a51, a52, a53);
}

@inline function addRow(NR: i32, p: usize, a0: v128, a1: v128, a2: v128, a3: v128): void {
  v128.store(p, f32x4.add(v128.load(p), a0));
  if (NR > 1) v128.store(p, f32x4.add(v128.load(p, 16), a1), 16);
  if (NR > 2) v128.store(p, f32x4.add(v128.load(p, 32), a2), 32);
  if (NR > 3) v128.store(p, f32x4.add(v128.load(p, 48), a3), 48);
}

// Tile sizes as for the convolution tiles (8 accumulators where the vectors allow); for 2 vectors 3 × 2 when
// M is a multiple of 3 and not of 4 (the 3 × 3 × 1 → 8 filter of the MNIST-DVS net's first layer: no idle row).
function fg2x4(xp: usize, dyp: usize, o0: usize, o1: usize, o2: usize, o3: usize, o4: usize, o5: usize, rows: i32, cols: i32, xCol: usize, xRow: usize, dCol: usize, dRow: usize, out: usize, outStride: usize): void {
  fgTile(2, 4, xp, dyp, o0, o1, o2, o3, o4, o5, rows, cols, xCol, xRow, dCol, dRow, out, outStride);
}
function fg2x3(xp: usize, dyp: usize, o0: usize, o1: usize, o2: usize, o3: usize, o4: usize, o5: usize, rows: i32, cols: i32, xCol: usize, xRow: usize, dCol: usize, dRow: usize, out: usize, outStride: usize): void {
  fgTile(2, 3, xp, dyp, o0, o1, o2, o3, o4, o5, rows, cols, xCol, xRow, dCol, dRow, out, outStride);
}
function fg4x2(xp: usize, dyp: usize, o0: usize, o1: usize, o2: usize, o3: usize, o4: usize, o5: usize, rows: i32, cols: i32, xCol: usize, xRow: usize, dCol: usize, dRow: usize, out: usize, outStride: usize): void {
  fgTile(4, 2, xp, dyp, o0, o1, o2, o3, o4, o5, rows, cols, xCol, xRow, dCol, dRow, out, outStride);
}
function fg3x2(xp: usize, dyp: usize, o0: usize, o1: usize, o2: usize, o3: usize, o4: usize, o5: usize, rows: i32, cols: i32, xCol: usize, xRow: usize, dCol: usize, dRow: usize, out: usize, outStride: usize): void {
  fgTile(3, 2, xp, dyp, o0, o1, o2, o3, o4, o5, rows, cols, xCol, xRow, dCol, dRow, out, outStride);
}
function fg6x1(xp: usize, dyp: usize, o0: usize, o1: usize, o2: usize, o3: usize, o4: usize, o5: usize, rows: i32, cols: i32, xCol: usize, xRow: usize, dCol: usize, dRow: usize, out: usize, outStride: usize): void {
  fgTile(6, 1, xp, dyp, o0, o1, o2, o3, o4, o5, rows, cols, xCol, xRow, dCol, dRow, out, outStride);
}

/** Rows of the filter-gradient tile for `nr` vectors and M rows in all. */
@inline function fgMR(nr: i32, M: i32): i32 {
  return nr >= 3 ? 2 : nr == 2 ? (M % 4 != 0 && M % 3 == 0 ? 3 : 4) : 6;
}

function fgTileOf(nr: i32, mr: i32, xp: usize, dyp: usize, o0: usize, o1: usize, o2: usize, o3: usize, o4: usize, o5: usize, rows: i32, cols: i32, xCol: usize, xRow: usize, dCol: usize, dRow: usize, out: usize, outStride: usize): void {
  if (nr == 4) fg2x4(xp, dyp, o0, o1, o2, o3, o4, o5, rows, cols, xCol, xRow, dCol, dRow, out, outStride);
  else if (nr == 3) fg2x3(xp, dyp, o0, o1, o2, o3, o4, o5, rows, cols, xCol, xRow, dCol, dRow, out, outStride);
  else if (nr == 2 && mr == 3) fg3x2(xp, dyp, o0, o1, o2, o3, o4, o5, rows, cols, xCol, xRow, dCol, dRow, out, outStride);
  else if (nr == 2) fg4x2(xp, dyp, o0, o1, o2, o3, o4, o5, rows, cols, xCol, xRow, dCol, dRow, out, outStride);
  else fg6x1(xp, dyp, o0, o1, o2, o3, o4, o5, rows, cols, xCol, xRow, dCol, dRow, out, outStride);
}

/**
 * Output rows per chunk: about 16 KiB of dy, so that a chunk's x and dy stay in the L1 cache across the tiles,
 * but at least 128 positions, so that a tile's start and its 8 read-modify-writes of the sums stay small beside
 * its loop (the All-ConvNet's layers, 1 or 2 rows by the first rule, ran 1.2× (96 channels, 32 × 32) to 1.5×
 * (192, 16 × 16 and 8 × 8) faster with it; the MNIST-DVS layers are not affected).
 */
function fgChunkRows(OH: i32, OW: i32, N4: i32): i32 {
  let R = 16384 / (OW * N4 * 4);
  const minR = (128 + OW - 1) / OW;
  if (R < minR) R = minR;
  if (R < 1) R = 1;
  if (R > OH) R = OH;
  return R;
}

/** Columns of x a chunk reads (the used ones, padding included). */
@inline function fgXCols(OW: i32, kW: i32, sW: i32): i32 {
  return (OW - 1) * sW + kW;
}

/**
 * Scratch bytes convBackpropFilter needs: the [M + 8, N4] accumulator, and when the windows reach outside x
 * (padding) a chunk of x rows with the zeros in place, and when N is not a multiple of 4 a chunk of dy with N4
 * channels.
 */
export function convBackpropFilterScratch(H: i32, W: i32, C: i32, OH: i32, OW: i32, N: i32, kH: i32, kW: i32, sH: i32, sW: i32, pT: i32, pL: i32): i32 {
  const N4 = round4(N);
  const R = fgChunkRows(OH, OW, N4);
  let bytes = (kH * kW * C + 8) * N4 * 4;
  if (fgNeedsPad(H, W, OH, OW, kH, kW, sH, sW, pT, pL)) bytes += ((R - 1) * sH + kH) * fgXCols(OW, kW, sW) * C * 4;
  if (N4 != N) bytes += R * OW * N4 * 4;
  return bytes;
}

@inline function fgNeedsPad(H: i32, W: i32, OH: i32, OW: i32, kH: i32, kW: i32, sH: i32, sW: i32, pT: i32, pL: i32): bool {
  return pT > 0 || pL > 0 || (OH - 1) * sH + kH - pT > H || (OW - 1) * sW + kW - pL > W;
}

/** Byte offset of window row m = (i, j, c) from the window's origin, in x rows of xw columns. */
@inline function fgOffset(m: i32, M: i32, kW: i32, C: i32, xw: i32): usize {
  if (m >= M) return 0; // a padding row of the last tile: reads the origin, its sums are dropped
  const i = m / (kW * C);
  const rest = m - i * kW * C;
  const j = rest / C;
  const c = rest - j * C;
  return <usize>((i * xw + j) * C + c) * 4;
}

export function convBackpropFilter(x: usize, dy: usize, dw: usize, scratch: usize, B: i32, H: i32, W: i32, C: i32,
  OH: i32, OW: i32, N: i32, kH: i32, kW: i32, sH: i32, sW: i32, pT: i32, pL: i32): void {
  const N4 = round4(N);
  const V = N4 >> 2;
  const M = kH * kW * C;
  const R = fgChunkRows(OH, OW, N4);
  const pad = fgNeedsPad(H, W, OH, OW, kH, kW, sH, sW, pT, pL);
  const xw = pad ? fgXCols(OW, kW, sW) : W;
  const acc = scratch;
  const accBytes = <usize>((M + 8) * N4) * 4;
  const xbuf = acc + accBytes;
  const dybuf = xbuf + (pad ? <usize>(((R - 1) * sH + kH) * xw * C) * 4 : 0);
  memory.fill(acc, 0, accBytes);
  const xCol = <usize>(sW * C) * 4;
  const xRow = <usize>(sH * xw * C) * 4;
  const dCol = <usize>N4 * 4;
  const dRow = <usize>(OW * N4) * 4;
  for (let b = 0; b < B; b++) {
    for (let y0 = 0; y0 < OH; y0 += R) {
      const rows = OH - y0 < R ? OH - y0 : R;
      let xp: usize;
      if (pad) {
        // The chunk's window rows, columns −pL … xw − pL − 1 of x, zeros outside x.
        const nr = (rows - 1) * sH + kH;
        for (let r = 0; r < nr; r++) {
          const yy = y0 * sH - pT + r;
          const d = xbuf + <usize>(r * xw * C) * 4;
          if (yy < 0 || yy >= H) {
            memory.fill(d, 0, <usize>(xw * C) * 4);
            continue;
          }
          const c0 = pL < 0 ? 0 : pL; // output columns before x's first column
          let c1 = W + pL; // … and from x's end on
          if (c1 > xw) c1 = xw;
          if (c0 > 0) memory.fill(d, 0, <usize>(c0 * C) * 4);
          if (c1 > c0) memory.copy(d + <usize>(c0 * C) * 4, x + <usize>(((b * H + yy) * W + c0 - pL) * C) * 4, <usize>((c1 - c0) * C) * 4);
          if (c1 < xw) memory.fill(d + <usize>(c1 * C) * 4, 0, <usize>((xw - c1) * C) * 4);
        }
        xp = xbuf;
      } else {
        xp = x + <usize>((b * H + y0 * sH) * W * C) * 4;
      }
      let dp: usize;
      if (N4 != N) {
        const n = rows * OW;
        const src = dy + <usize>((b * OH + y0) * OW * N) * 4;
        for (let q = 0; q < n; q++) {
          const d = dybuf + <usize>(q * N4) * 4;
          memory.copy(d, src + <usize>(q * N) * 4, <usize>N * 4);
          memory.fill(d + <usize>N * 4, 0, <usize>(N4 - N) * 4);
        }
        dp = dybuf;
      } else {
        dp = dy + <usize>((b * OH + y0) * OW * N) * 4;
      }
      for (let v0 = 0; v0 < V;) {
        const nr = tileVectors(v0, V);
        const mr = fgMR(nr, M);
        const dv = dp + (<usize>v0 << 4);
        for (let m = 0; m < M; m += mr) {
          const o0 = fgOffset(m, M, kW, C, xw), o1 = fgOffset(m + 1, M, kW, C, xw), o2 = fgOffset(m + 2, M, kW, C, xw);
          const o3 = fgOffset(m + 3, M, kW, C, xw), o4 = fgOffset(m + 4, M, kW, C, xw), o5 = fgOffset(m + 5, M, kW, C, xw);
          const out = acc + <usize>(m * N4 + v0 * 4) * 4;
          fgTileOf(nr, mr, xp, dv, o0, o1, o2, o3, o4, o5, rows, OW, xCol, xRow, dCol, dRow, out, <usize>N4 * 4);
        }
        v0 += nr;
      }
    }
  }
  for (let m = 0; m < M; m++) memory.copy(dw + <usize>(m * N) * 4, acc + <usize>(m * N4) * 4, <usize>N * 4);
}
