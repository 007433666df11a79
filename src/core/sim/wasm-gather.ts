/** The event-driven kernel's float32 gather of a conv (`wasm-kernel.ts`) as a WebAssembly function body. */
import {
  uleb, vec, I32, V128, get, set, i32c, I32_ADD, I32_SHL, I32_LT_U, I32_GE_U, i32load, f64load, f64store, F64_ADD,
  F32, f32load, F32_ADD, F32_MUL, F64_PROMOTE_F32, F32_CONST_0, V128_ZERO, F32X4_SPLAT, F32X4_ADD, F32X4_MUL,
  F64X2_PROMOTE_LOW, HIGH_TO_LOW, vload, vstore, F64X2_ADD, BLOCK, LOOP, END, brIf, I32_SHR_U, tee, I32_SUB, I32_SHR_S,
} from './wasm-encode';

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
export function gatherBody(): number[] {
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

/** Groups a `gatherIaf` pass sums before it integrates their rows (a few KiB of rows, still in the L1 cache). */
const FUSED_BLOCK = 8;

/**
 * `gatherIaf(groups, nGroups, rowBytes, vShift, vBase, th, m, mode, cand) → number of records`: `gather`
 * and the spiking layer's step on the summed rows (`iafGroups` in `wasm-iaf.ts`, the same arithmetic as
 * `iaf`; potentials at a row's offset + `vShift`, neuron indices counted from `vBase`), `FUSED_BLOCK`
 * groups at a time, so a row is read again while it is still in the cache; the records go to `cand` in
 * group order, as `iaf` over the groups' rows in that order lists them. Calls functions `gatherFn` and
 * `iafGroupsFn` of the module (each keeps its own registers).
 */
export function gatherIafBody(gatherFn: number, iafGroupsFn: number): number[] {
  // params: 0 g, 1 nGroups, 2 rowBytes, 3 vShift, 4 vBase, 5 th, 6 m (f64), 7 mode, 8 cand; locals: 9 gEnd, 10 k, 11 cp
  const G = 0, NG = 1, RB = 2, VSHIFT = 3, VBASE = 4, TH = 5, M = 6, MODE = 7, CAND = 8, GEND = 9, K = 10, CP = 11;
  const call = (f: number) => [0x10, ...uleb(f)];
  const SELECT = [0x1b], I32_GT_U = [0x4b];
  const code = [
    ...get(CAND), ...set(CP),
    ...get(G), ...get(NG), ...i32c(4), ...I32_SHL, ...I32_ADD, ...set(GEND),
    ...BLOCK,
    ...get(G), ...get(GEND), ...I32_GE_U, ...brIf(0),
    ...LOOP,
    // k = min(FUSED_BLOCK, groups left)
    ...i32c(FUSED_BLOCK), ...get(GEND), ...get(G), ...I32_SUB, ...i32c(4), ...I32_SHR_U, ...tee(K),
    ...get(K), ...i32c(FUSED_BLOCK), ...I32_GT_U, ...SELECT, ...set(K),
    ...get(G), ...get(K), ...get(RB), ...call(gatherFn),
    ...get(G), ...get(K), ...get(RB), ...get(VSHIFT), ...get(VBASE), ...get(TH), ...get(M), ...get(MODE), ...get(CP), ...call(iafGroupsFn), ...set(CP),
    ...get(G), ...get(K), ...i32c(4), ...I32_SHL, ...I32_ADD, ...tee(G), ...get(GEND), ...I32_LT_U, ...brIf(0),
    ...END,
    ...END,
    ...get(CP), ...get(CAND), ...I32_SUB, ...i32c(4), ...I32_SHR_S,
  ];
  const locals = vec([[...uleb(3), I32]]);
  return [...locals, ...code, ...END];
}
