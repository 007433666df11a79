/**
 * The hot loops of the event-driven engine as a small WebAssembly module with 128-bit SIMD, assembled here
 * from its opcodes so that no build step or binary file is needed. All offsets are in bytes into one memory
 * (the engine's `Arena`, `event-signals.ts`).
 *
 * - `axpy(list, n, vecBytes, odd)`: `n` tap records of 16 bytes at `list` (`i32 bufOffset, i32
 *   weightOffset, f64 a`), each doing `buf[o] += a · w[o]` over one row of `C` float64 values
 *   (`vecBytes = ⌊C/2⌋·16`, `odd = C mod 2`).
 * - `scatter(...)`: a conv's scatter that makes those records itself from its inputs and tap tables.
 * - `gather(...)`: a conv's gather, one output row at a time in registers, in float32.
 * - `iaf(...)`: a spiking layer's integration `v += I` over touched rows; returns the neurons that fire.
 *
 * Precision. `axpy`, `scatter` and `iaf` work on two float64 lanes; `gather` on four float32 lanes: it sums
 * each output value's terms in float32 (the precision of Sinabs' and tfjs' convolutions, twice the lanes of
 * float64) and adds the widened sum to the float64 row. Each lane computes exactly what the plain loops the
 * engine falls back to compute (IEEE multiply, then add, in the same order; `1·w` is `w`; widening is
 * exact; `Math.fround` after each float32 operation), so kernel and loops give the same bits.
 * `isWasmSimdAvailable()` reports whether the runtime accepts the module (no WebAssembly, no SIMD, or a
 * content security policy that forbids compiling it: plain loops).
 */
import {
  uleb, str, section, vec, I32, F64, V128, get, set, i32c, I32_ADD, I32_AND, I32_SHL, I32_LT_U, I32_GE_U,
  i32load, f64load, f64store, F64_ADD, F64_MUL, F32, f32load, F32_ADD, F32_MUL, F64_PROMOTE_F32, F32_CONST_0,
  V128_ZERO, F32X4_SPLAT, F32X4_ADD, F32X4_MUL, F64X2_PROMOTE_LOW, HIGH_TO_LOW, vload, vstore, F64X2_SPLAT, F64X2_ADD, F64X2_MUL, BLOCK,
  LOOP, IF, END, brIf, F64X2_SUB, F64X2_DIV, F64X2_PMAX, F64X2_GT, F64X2_GE, V128_AND, V128_ANDNOT,
  V128_OR, V128_BITSELECT, V128_ANY_TRUE, i32x4Lane, i32store, ELSE, IF_V128, F64X2_TRUNC, f64x2Lane, I32_MUL, I32_SUB, I32_XOR,
  I32_SHR_S, I32_SHR_U, tee, F64_CONST_1, F64_EQ,
} from './wasm-encode';

/** Local indices of the row update `rowCode` works with. */
interface RowLocals { B: number; W: number; E: number; VB: number; ODD: number; A: number; AV: number }

/**
 * `buf[B..] += a · w[W..]` over one row of `VB/16` vectors and `ODD` last element, or `+= w` when a = 1 (the
 * same bits: 1·w = w): 4 vectors per iteration, then single vectors, then the odd element. Advances B, W.
 */
function rowCode(L: RowLocals, mul: boolean): number[] {
  const { B, W, E, VB, ODD, A, AV } = L;
  const one = (off: number) => [
    ...get(B), ...get(B), ...vload(off), ...(mul ? [...get(AV), ...get(W), ...vload(off), ...F64X2_MUL] : [...get(W), ...vload(off)]), ...F64X2_ADD, ...vstore(off),
  ];
  const advance = (bytes: number) => [...get(B), ...i32c(bytes), ...I32_ADD, ...set(B), ...get(W), ...i32c(bytes), ...I32_ADD, ...set(W)];
  return [
    ...get(B), ...get(VB), ...i32c(-64), ...I32_AND, ...I32_ADD, ...set(E),
    ...BLOCK,
    ...get(B), ...get(E), ...I32_GE_U, ...brIf(0),
    ...LOOP,
    ...one(0), ...one(16), ...one(32), ...one(48),
    ...advance(64),
    ...get(B), ...get(E), ...I32_LT_U, ...brIf(0),
    ...END,
    ...END,
    ...get(E), ...get(VB), ...i32c(63), ...I32_AND, ...I32_ADD, ...set(E),
    ...BLOCK,
    ...get(B), ...get(E), ...I32_GE_U, ...brIf(0),
    ...LOOP,
    ...one(0),
    ...advance(16),
    ...get(B), ...get(E), ...I32_LT_U, ...brIf(0),
    ...END,
    ...END,
    ...get(ODD), ...IF,
    ...get(B), ...get(B), ...f64load(0), ...(mul ? [...get(A), ...get(W), ...f64load(0), ...F64_MUL] : [...get(W), ...f64load(0)]), ...F64_ADD, ...f64store(0),
    ...END,
  ];
}

/** `axpy`: see above. */
function axpyBody(): number[] {
  // params: 0 list, 1 n, 2 vecBytes, 3 odd; locals: 4 end, 5 b, 6 w, 7 e (i32), 8 a (f64), 9 av (v128)
  const LIST = 0, N = 1, VB = 2, ODD = 3, END_ = 4, B = 5, W = 6, E = 7, A = 8, AV = 9;
  const row = (mul: boolean) => rowCode({ B, W, E, VB, ODD, A, AV }, mul);
  const code = [
    ...get(LIST), ...get(N), ...i32c(4), ...I32_SHL, ...I32_ADD, ...set(END_),
    ...BLOCK,
    ...get(LIST), ...get(END_), ...I32_GE_U, ...brIf(0),
    ...LOOP,
    ...get(LIST), ...i32load(0), ...set(B),
    ...get(LIST), ...i32load(4), ...set(W),
    ...get(LIST), ...f64load(8), ...set(A),
    ...get(A), ...F64_CONST_1, ...F64_EQ, ...IF,
    ...row(false),
    ...ELSE,
    ...get(A), ...F64X2_SPLAT, ...set(AV),
    ...row(true),
    ...END,
    ...get(LIST), ...i32c(16), ...I32_ADD, ...set(LIST),
    ...get(LIST), ...get(END_), ...I32_LT_U, ...brIf(0),
    ...END,
    ...END,
  ];
  const locals = vec([[...uleb(4), I32], [...uleb(1), F64], [...uleb(1), V128]]);
  return [...locals, ...code, ...END];
}

/**
 * `iaf(pos, nPos, C, bufBase, vBase, th, m, mode, cand) → number of candidates`: the step of a spiking
 * layer for the `nPos` positions listed (i32) at byte offset `pos`, `C` (even) channels each, two neurons
 * per instruction, bit for bit the arithmetic of `stepNeuron` (`neuron.ts`):
 * `x = buf[i]; buf[i] = 0; v = v[i] + x`. A neuron fires when `v > 0 and v/θ ≥ 1` (`mode & 1`: multi-spike
 * with θ ≠ 1), else when `v ≥ θ`; it emits `n = trunc(v/θ)` spikes, or 1 (`mode & 4`: single-spike), and
 * resets to `v − n·θ`, or 0 (`mode & 8`). Then, with a lower bound (`mode & 2`), `v ← relu(v − m) + m`
 * (`f64x2.pmax(0, d)` is exactly `d > 0 ? d : 0`). Each neuron that fired, and each that did not but was
 * left above threshold by the bound, is listed at `cand` (16 bytes: i32 index — `~index` for the latter —,
 * i32 ≠ 0 when a firing neuron is left above threshold, f64 n), for the caller to count the spikes and to
 * fire again at the next step the neurons left above threshold.
 */
function iafBody(): number[] {
  // params: 0 pos, 1 nPos, 2 C, 3 bufBase, 4 vBase, 5 th (f64), 6 m (f64), 7 mode, 8 cand
  // locals: 9 end, 10 rowBytes, 11 b, 12 vv, 13 e, 14 cp, 15 single, 16 zeroReset, 17 j (i32);
  //         18 thv, 19 mv, 20 onev, 21 zero, 22 n, 23 vm, 24 mask, 25 bnd, 26 mask2, 27 r, 28 above (v128)
  const POS = 0, NPOS = 1, C = 2, BUF = 3, VB = 4, TH = 5, M = 6, MODE = 7, CAND = 8;
  const END_ = 9, ROW = 10, B = 11, VV = 12, E = 13, CP = 14, SINGLE = 15, ZRESET = 16, J = 17;
  const THV = 18, MV = 19, ONEV = 20, ZERO = 21, NV = 22, VM = 23, MASK = 24, BND = 25, MASK2 = 26, RV = 27, ABOVE = 28;
  // Whether x fires: `x > 0 and x/θ ≥ 1` (useDiv), else `x ≥ θ`.
  const pred = (x: number, useDiv: boolean) => useDiv
    ? [...get(x), ...get(ZERO), ...F64X2_GT, ...get(x), ...get(THV), ...F64X2_DIV, ...get(ONEV), ...F64X2_GE, ...V128_AND]
    : [...get(x), ...get(THV), ...F64X2_GE];
  const bound = (x: number) => [...get(ZERO), ...get(x), ...get(MV), ...F64X2_SUB, ...F64X2_PMAX, ...get(MV), ...F64X2_ADD, ...set(x)];
  // Lane `l` (0 or 1): a firing neuron's record (index, left above threshold, n), or ~index for a neuron
  // the bound left above threshold.
  const lane = (l: number, hasMin: boolean) => [
    ...get(MASK), ...i32x4Lane(2 * l), ...IF,
    ...get(CP), ...get(J), ...i32c(l), ...I32_ADD, ...i32store(0),
    ...get(CP), ...get(ABOVE), ...i32x4Lane(2 * l), ...i32store(4),
    ...get(CP), ...get(NV), ...f64x2Lane(l), ...f64store(8),
    ...get(CP), ...i32c(16), ...I32_ADD, ...set(CP),
    ...(hasMin ? [
      ...ELSE,
      ...get(MASK2), ...i32x4Lane(2 * l), ...IF,
      ...get(CP), ...get(J), ...i32c(l), ...I32_ADD, ...i32c(-1), ...I32_XOR, ...i32store(0), ...get(CP), ...i32c(16), ...I32_ADD, ...set(CP),
      ...END,
    ] : []),
    ...END,
  ];
  // A vector with a lane to list: the firing lanes' spikes, reset and bound (stored), then the records.
  const fire = (useDiv: boolean, hasMin: boolean) => [
    ...get(VV), ...get(VB), ...I32_SUB, ...i32c(3), ...I32_SHR_S, ...set(J),
    ...get(MASK), ...V128_ANY_TRUE, ...IF,
    ...get(SINGLE), ...IF_V128, ...get(ONEV), ...ELSE, ...get(VM), ...get(THV), ...F64X2_DIV, ...F64X2_TRUNC, ...END, ...set(NV),
    ...get(ZRESET), ...IF_V128, ...get(ZERO), ...ELSE, ...get(VM), ...get(NV), ...get(THV), ...F64X2_MUL, ...F64X2_SUB, ...END, ...set(RV),
    ...(hasMin ? bound(RV) : []),
    ...pred(RV, useDiv), ...set(ABOVE),
    ...get(VV), ...get(RV), ...get(VV), ...vload(0), ...get(MASK), ...V128_BITSELECT, ...vstore(0),
    ...END,
    ...lane(0, hasMin), ...lane(1, hasMin),
  ];
  // The loop over positions and their rows, written out for one mode (no mode test inside it).
  const loop = (useDiv: boolean, hasMin: boolean) => [
    ...BLOCK,
    ...get(POS), ...get(END_), ...I32_GE_U, ...brIf(0),
    ...LOOP,
    // row of position q = pos[k]
    ...get(POS), ...i32load(0), ...get(ROW), ...I32_MUL, ...tee(B), ...get(VB), ...I32_ADD, ...set(VV),
    ...get(B), ...get(BUF), ...I32_ADD, ...tee(B), ...get(ROW), ...I32_ADD, ...set(E),
    ...LOOP,
    ...get(VV), ...vload(0), ...get(B), ...vload(0), ...F64X2_ADD, ...set(VM),
    ...get(B), ...get(ZERO), ...vstore(0),
    ...pred(VM, useDiv), ...set(MASK),
    ...(hasMin ? [
      ...get(VM), ...set(BND), ...bound(BND),
      ...pred(BND, useDiv), ...get(MASK), ...V128_ANDNOT, ...set(MASK2),
      ...get(VV), ...get(BND), ...vstore(0),
      ...get(MASK), ...get(MASK2), ...V128_OR,
    ] : [
      ...get(VV), ...get(VM), ...vstore(0),
      ...get(MASK),
    ]),
    ...V128_ANY_TRUE, ...IF,
    ...fire(useDiv, hasMin),
    ...END,
    ...get(B), ...i32c(16), ...I32_ADD, ...set(B),
    ...get(VV), ...i32c(16), ...I32_ADD, ...set(VV),
    ...get(B), ...get(E), ...I32_LT_U, ...brIf(0),
    ...END,
    ...get(POS), ...i32c(4), ...I32_ADD, ...tee(POS), ...get(END_), ...I32_LT_U, ...brIf(0),
    ...END,
    ...END,
  ];
  const code = [
    ...get(TH), ...F64X2_SPLAT, ...set(THV),
    ...get(M), ...F64X2_SPLAT, ...set(MV),
    ...F64_CONST_1, ...F64X2_SPLAT, ...set(ONEV),
    0x44, ...[0, 0, 0, 0, 0, 0, 0, 0], ...F64X2_SPLAT, ...set(ZERO), // f64.const 0
    ...get(MODE), ...i32c(4), ...I32_AND, ...set(SINGLE),
    ...get(MODE), ...i32c(8), ...I32_AND, ...set(ZRESET),
    ...get(C), ...i32c(3), ...I32_SHL, ...set(ROW),
    ...get(POS), ...get(NPOS), ...i32c(2), ...I32_SHL, ...I32_ADD, ...set(END_),
    ...get(CAND), ...set(CP),
    // mode & 1: useDiv, mode & 2: hasMin.
    ...get(MODE), ...i32c(2), ...I32_AND, ...IF,
    ...get(MODE), ...i32c(1), ...I32_AND, ...IF, ...loop(true, true), ...ELSE, ...loop(false, true), ...END,
    ...ELSE,
    ...get(MODE), ...i32c(1), ...I32_AND, ...IF, ...loop(true, false), ...ELSE, ...loop(false, false), ...END,
    ...END,
    ...get(CP), ...get(CAND), ...I32_SUB, ...i32c(4), ...I32_SHR_S,
  ];
  const locals = vec([[...uleb(9), I32], [...uleb(11), V128]]);
  return [...locals, ...code, ...END];
}

/** Output values a `gather` pass accumulates in registers: this many f32x4 vectors. */
const GATHER_VECTORS = 8;

/**
 * `gather(groups, nGroups, rowBytes)`: for each group record (16 bytes: i32 buffer row offset, i32 offset of
 * its segments, i32 number of segments) adds to the row of C float64 values (`rowBytes = 8·C`) the float32
 * weight rows its segments name: a segment (16 bytes: i32 first entry, i32 n1, i32 tap offset, i32 nX)
 * covers n1 + nX consecutive entries (8 bytes: i32 weight offset, f32 a), each adding `a · w[weight + tap
 * + o]`, where the first n1 have a = 1 (their a is not read). Offsets in bytes. The sum is float32: every
 * output value starts at 0 and takes its terms segment by segment, entry by entry,
 * `s ← f32(s + f32(a · w))` (`s ← f32(s + w)` for a = 1, the same bits), in registers
 * (`GATHER_VECTORS` vectors of four at a time, then single vectors, then single values); the float32 sum is
 * then widened (exactly) and added to the float64 row.
 */
function gatherBody(): number[] {
  // params: 0 g, 1 nGroups, 2 rowBytes; locals: 3 gEnd, 4 b, 5 c, 6 seg, 7 segEnd, 8 e, 9 eEnd, 10 tw, 11 w, 12 cEnd,
  //         13 r (i32); 14 a, 15 s (f32); 16 av, 17.. acc (v128)
  const G = 0, NG = 1, RB = 2, GEND = 3, B = 4, Cc = 5, SEG = 6, SEGEND = 7, E = 8, EEND = 9, TW = 10, W = 11, CEND = 12, R = 13;
  const A = 14, S = 15, AV = 16, ACC = 17;
  // The entries of all segments of the group, `one` adding w, `mul` adding a · w (AV and A hold a).
  // The entries of all segments of the group: the segment's first n1 entries (value 1) with `one` adding
  // w, then its nX others with `mul` adding a · w (A and, with `splat`, AV hold a). W = entry's row + tap + Cc.
  const entryLoop = (end: number[], body: number[]) => [
    ...BLOCK,
    ...get(E), ...get(EEND), ...I32_GE_U, ...brIf(0),
    ...LOOP,
    ...get(E), ...i32load(0), ...get(TW), ...I32_ADD, ...set(W),
    ...body,
    ...get(E), ...i32c(8), ...I32_ADD, ...tee(E), ...end, ...I32_LT_U, ...brIf(0),
    ...END,
    ...END,
  ];
  const entries = (one: number[], mul: number[], splat: boolean) => [
    ...get(G), ...i32load(4), ...set(SEG),
    ...get(SEG), ...get(G), ...i32load(8), ...i32c(4), ...I32_SHL, ...I32_ADD, ...set(SEGEND),
    ...BLOCK,
    ...get(SEG), ...get(SEGEND), ...I32_GE_U, ...brIf(0),
    ...LOOP,
    ...get(SEG), ...i32load(0), ...set(E),
    ...get(SEG), ...i32load(8), ...get(Cc), ...I32_ADD, ...set(TW),
    ...get(E), ...get(SEG), ...i32load(4), ...i32c(3), ...I32_SHL, ...I32_ADD, ...set(EEND),
    ...entryLoop(get(EEND), one),
    ...get(E), ...get(SEG), ...i32load(12), ...i32c(3), ...I32_SHL, ...I32_ADD, ...set(EEND),
    ...entryLoop(get(EEND), [...get(E), ...f32load(4), ...(splat ? [...F32X4_SPLAT, ...set(AV)] : set(A)), ...mul]),
    ...get(SEG), ...i32c(16), ...I32_ADD, ...tee(SEG), ...get(SEGEND), ...I32_LT_U, ...brIf(0),
    ...END,
    ...END,
  ];
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  // R = the float64 value of the row at float32 offset Cc: B + 2·Cc.
  const rowAt = [...get(B), ...get(Cc), ...get(Cc), ...I32_ADD, ...I32_ADD, ...set(R)];
  // Chunks of `lanes` vectors (4·lanes values) while they fit before CEND; Cc counts float32 bytes.
  const chunks = (lanes: number) => {
    const addAll = (mul: boolean) => range(lanes).flatMap((i) => [
      ...get(ACC + i), ...(mul ? [...get(AV), ...get(W), ...vload(16 * i), ...F32X4_MUL] : [...get(W), ...vload(16 * i)]), ...F32X4_ADD, ...set(ACC + i),
    ]);
    // The row's float64 values at R + 32·i += the four widened values of accumulator i.
    const store = (i: number) => [
      ...get(R), ...get(R), ...vload(32 * i), ...get(ACC + i), ...F64X2_PROMOTE_LOW, ...F64X2_ADD, ...vstore(32 * i),
      ...get(R), ...get(R), ...vload(32 * i + 16), ...get(ACC + i), ...get(ACC + i), ...HIGH_TO_LOW, ...F64X2_PROMOTE_LOW, ...F64X2_ADD, ...vstore(32 * i + 16),
    ];
    return [
      ...BLOCK,
      ...get(Cc), ...i32c(16 * lanes), ...I32_ADD, ...get(CEND), 0x4b /* i32.gt_u */, ...brIf(0),
      ...LOOP,
      ...range(lanes).flatMap((i) => [...V128_ZERO, ...set(ACC + i)]),
      ...entries(addAll(false), addAll(true), true),
      ...rowAt, ...range(lanes).flatMap(store),
      ...get(Cc), ...i32c(16 * lanes), ...I32_ADD, ...tee(Cc),
      ...i32c(16 * lanes), ...I32_ADD, ...get(CEND), 0x4d /* i32.le_u */, ...brIf(0),
      ...END,
      ...END,
    ];
  };
  // The last C mod 4 values, one at a time.
  const tail = [
    ...BLOCK,
    ...get(Cc), ...get(CEND), ...I32_GE_U, ...brIf(0),
    ...LOOP,
    ...F32_CONST_0, ...set(S),
    ...entries(
      [...get(S), ...get(W), ...f32load(0), ...F32_ADD, ...set(S)],
      [...get(S), ...get(A), ...get(W), ...f32load(0), ...F32_MUL, ...F32_ADD, ...set(S)], false),
    ...rowAt,
    ...get(R), ...get(R), ...f64load(0), ...get(S), ...F64_PROMOTE_F32, ...F64_ADD, ...f64store(0),
    ...get(Cc), ...i32c(4), ...I32_ADD, ...tee(Cc), ...get(CEND), ...I32_LT_U, ...brIf(0),
    ...END,
    ...END,
  ];
  const code = [
    ...get(G), ...get(NG), ...i32c(4), ...I32_SHL, ...I32_ADD, ...set(GEND),
    ...get(RB), ...i32c(1), ...I32_SHR_U, ...set(CEND),
    ...BLOCK,
    ...get(G), ...get(GEND), ...I32_GE_U, ...brIf(0),
    ...LOOP,
    ...get(G), ...i32load(0), ...set(B),
    ...i32c(0), ...set(Cc),
    ...chunks(GATHER_VECTORS),
    ...chunks(1),
    ...tail,
    ...get(G), ...i32c(16), ...I32_ADD, ...tee(G), ...get(GEND), ...I32_LT_U, ...brIf(0),
    ...END,
    ...END,
  ];
  const locals = vec([[...uleb(11), I32], [...uleb(2), F32], [...uleb(1 + GATHER_VECTORS), V128]]);
  return [...locals, ...code, ...END];
}

/**
 * `scatter(ent, n, cl, cin, hw, tapStart, tapQ, tapW, wBase, ciStride, bufBase, rowBytes, mark, pos, np)
 * → np`: a conv's scatter for the `n` inputs listed at `ent` (16 bytes each: i32 index, f64 value). An
 * input index is decoded to channel and position (channels-last `(pos·cin + c)` when `cl`, else
 * channels-first `(c·hw + pos)`); for each tap of the position (`tapStart` i32 per position + 1, `tapQ`
 * output position, `tapW` weight row offset in bytes) the output position is marked touched (u8 `mark`,
 * appended to i32 `pos` at `np`) and the weight row at `wBase + c·ciStride + tapW` is added, times the
 * value, to the output row at `bufBase + q·rowBytes` — the same records, in the same order, as `axpy`.
 * Offsets in bytes; returns the new count of touched positions.
 */
function scatterBody(): number[] {
  const ENT = 0, N = 1, CL = 2, CIN = 3, HW = 4, TS = 5, TQ = 6, TW = 7, WB = 8, CIS = 9, BB = 10, RB = 11, MARK = 12, POS = 13, NP = 14;
  const END_ = 15, I = 16, AT = 17, CI = 18, WCI = 19, J = 20, J1 = 21, Q = 22, B = 23, W = 24, E = 25, VB = 26, ODD = 27, ISONE = 28;
  const A = 29, AV = 30;
  const L = { B, W, E, VB, ODD, A, AV };
  const I32_DIV_U = [0x6e], I32_EQZ = [0x45];
  const load8u = (off: number) => [0x2d, 0, ...uleb(off)];
  const store8 = (off: number) => [0x3a, 0, ...uleb(off)];
  const code = [
    ...get(ENT), ...get(N), ...i32c(4), ...I32_SHL, ...I32_ADD, ...set(END_),
    ...get(RB), ...i32c(-16), ...I32_AND, ...set(VB),
    ...get(RB), ...i32c(3), ...I32_SHR_U, ...i32c(1), ...I32_AND, ...set(ODD),
    ...BLOCK,
    ...get(ENT), ...get(END_), ...I32_GE_U, ...brIf(0),
    ...LOOP,
    ...get(ENT), ...i32load(0), ...set(I),
    ...get(ENT), ...f64load(8), ...set(A),
    ...get(A), ...F64X2_SPLAT, ...set(AV),
    ...get(A), ...F64_CONST_1, ...F64_EQ, ...set(ISONE),
    ...get(CL), ...IF,
    ...get(I), ...get(CIN), ...I32_DIV_U, ...set(AT),
    ...get(I), ...get(AT), ...get(CIN), ...I32_MUL, ...I32_SUB, ...set(CI),
    ...ELSE,
    ...get(I), ...get(HW), ...I32_DIV_U, ...set(CI),
    ...get(I), ...get(CI), ...get(HW), ...I32_MUL, ...I32_SUB, ...set(AT),
    ...END,
    ...get(WB), ...get(CI), ...get(CIS), ...I32_MUL, ...I32_ADD, ...set(WCI),
    ...get(TS), ...get(AT), ...i32c(2), ...I32_SHL, ...I32_ADD, ...tee(J), ...i32load(4), ...set(J1),
    ...get(J), ...i32load(0), ...set(J),
    ...BLOCK,
    ...get(J), ...get(J1), ...I32_GE_U, ...brIf(0),
    ...LOOP,
    ...get(TQ), ...get(J), ...i32c(2), ...I32_SHL, ...I32_ADD, ...i32load(0), ...set(Q),
    ...get(MARK), ...get(Q), ...I32_ADD, ...load8u(0), ...I32_EQZ, ...IF,
    ...get(MARK), ...get(Q), ...I32_ADD, ...i32c(1), ...store8(0),
    ...get(POS), ...get(NP), ...i32c(2), ...I32_SHL, ...I32_ADD, ...get(Q), ...i32store(0),
    ...get(NP), ...i32c(1), ...I32_ADD, ...set(NP),
    ...END,
    ...get(BB), ...get(Q), ...get(RB), ...I32_MUL, ...I32_ADD, ...set(B),
    ...get(WCI), ...get(TW), ...get(J), ...i32c(2), ...I32_SHL, ...I32_ADD, ...i32load(0), ...I32_ADD, ...set(W),
    ...get(ISONE), ...IF,
    ...rowCode(L, false),
    ...ELSE,
    ...rowCode(L, true),
    ...END,
    ...get(J), ...i32c(1), ...I32_ADD, ...tee(J), ...get(J1), ...I32_LT_U, ...brIf(0),
    ...END,
    ...END,
    ...get(ENT), ...i32c(16), ...I32_ADD, ...tee(ENT), ...get(END_), ...I32_LT_U, ...brIf(0),
    ...END,
    ...END,
    ...get(NP),
  ];
  const locals = vec([[...uleb(14), I32], [...uleb(1), F64], [...uleb(1), V128]]);
  return [...locals, ...code, ...END];
}

/**
 * The module's bytes: imports memory `env.mem` (shared, at most 65536 pages, when `shared`: the memory of
 * `wasm-threads.ts`' helper threads), exports `axpy`, `iaf`, `gather` and `scatter`.
 */
function moduleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  const bodies = [axpyBody(), iafBody(), gatherBody(), scatterBody()];
  const limits = shared ? [0x03, ...uleb(1), ...uleb(65536)] : [0x00, ...uleb(1)];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([
      [0x60, ...vec([[I32], [I32], [I32], [I32]]), ...vec([])],
      [0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [F64], [F64], [I32], [I32]]), ...vec([[I32]])],
      [0x60, ...vec([[I32], [I32], [I32]]), ...vec([])],
      [0x60, ...vec(Array.from({ length: 15 }, () => [I32])), ...vec([[I32]])],
    ])),
    ...section(2, vec([[...str('env'), ...str('mem'), 0x02, ...limits]])),
    ...section(3, vec([uleb(0), uleb(1), uleb(2), uleb(3)])),
    ...section(7, vec([[...str('axpy'), 0x00, ...uleb(0)], [...str('iaf'), 0x00, ...uleb(1)], [...str('gather'), 0x00, ...uleb(2)], [...str('scatter'), 0x00, ...uleb(3)]])),
    ...section(10, vec(bodies.map((b) => [...uleb(b.length), ...b]))),
  ];
  return Uint8Array.from(bytes);
}

const compiled: { plain?: WebAssembly.Module | null; shared?: WebAssembly.Module | null } = {};

/** The compiled module (over a plain or a shared memory), or null where WebAssembly SIMD (or shared memory) is missing. */
export function kernelModule(shared = false): WebAssembly.Module | null {
  const key = shared ? 'shared' : 'plain';
  const known = compiled[key];
  if (known !== undefined) return known;
  let mod: WebAssembly.Module | null = null;
  try {
    const bytes = moduleBytes(shared);
    if (typeof WebAssembly !== 'undefined' && WebAssembly.validate(bytes)) {
      mod = new WebAssembly.Module(bytes);
      // A shared module is only useful if this runtime can also make the memory (SharedArrayBuffer).
      if (shared) new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    }
  } catch {
    mod = null;
  }
  compiled[key] = mod;
  return mod;
}

/** Whether the SIMD kernel can run here (WebAssembly with 128-bit SIMD). */
export function isWasmSimdAvailable(): boolean {
  return kernelModule() !== null;
}

/** An instance of the kernel over its own memory of `bytes` bytes (rounded up to 64 KiB pages). */
export interface SimKernel {
  memory: WebAssembly.Memory;
  /** The compiled module the instance runs (helper threads instantiate it over the same shared memory). */
  module: WebAssembly.Module;
  axpy: (list: number, n: number, vecBytes: number, odd: number) => void;
  iaf: (pos: number, nPos: number, C: number, bufBase: number, vBase: number, th: number, m: number, mode: number, cand: number) => number;
  gather: (groups: number, nGroups: number, rowBytes: number) => void;
  scatter: (ent: number, n: number, cl: number, cin: number, hw: number, tapStart: number, tapQ: number, tapW: number,
    wBase: number, ciStride: number, bufBase: number, rowBytes: number, mark: number, pos: number, np: number) => number;
}

/** The kernel over a new memory of `bytes` bytes; `shared`: a shared memory of fixed size. Null when unavailable. */
export function simKernel(bytes: number, shared = false): SimKernel | null {
  const mod = kernelModule(shared);
  if (!mod) return null;
  const pages = Math.max(1, Math.ceil(bytes / 65536));
  const memory = shared ? new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true }) : new WebAssembly.Memory({ initial: pages });
  const inst = new WebAssembly.Instance(mod, { env: { mem: memory } });
  const ex = inst.exports;
  return { memory, module: mod, axpy: ex.axpy as SimKernel['axpy'], iaf: ex.iaf as SimKernel['iaf'], gather: ex.gather as SimKernel['gather'], scatter: ex.scatter as SimKernel['scatter'] };
}
