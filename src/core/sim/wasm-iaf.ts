/** The event-driven kernel's integrate-and-fire step (`wasm-kernel.ts`) as a WebAssembly function body. */
import {
  uleb, vec, I32, V128, get, set, i32c, I32_ADD, I32_AND, I32_SHL, I32_LT_U, I32_GE_U, i32load, f64store, vload,
  vstore, F64X2_SPLAT, F64X2_ADD, F64X2_MUL, BLOCK, LOOP, IF, END, brIf, F64X2_SUB, F64X2_DIV, F64X2_PMAX, F64X2_GT,
  F64X2_GE, V128_AND, V128_ANDNOT, V128_OR, V128_BITSELECT, V128_ANY_TRUE, i32x4Lane, i32store, ELSE, IF_V128,
  F64X2_TRUNC, f64x2Lane, I32_MUL, I32_SUB, I32_XOR, I32_SHR_S, tee, F64_CONST_1,
} from './wasm-encode';

/** Locals of the integration code (`iafRows`, `iafConsts`, `iafInit`): i32 B, VV, E, CP, SINGLE, ZRESET, J, VB; the rest v128. */
export interface IafLocals {
  VB: number; B: number; VV: number; E: number; CP: number; SINGLE: number; ZRESET: number; J: number;
  THV: number; MV: number; ONEV: number; ZERO: number; NV: number; VM: number; MASK: number; BND: number; MASK2: number; RV: number; ABOVE: number;
}

/**
 * The integration of one row: a loop over the float64 pairs from buffer offset B to E (v at VV), for one
 * mode (no mode test inside it); advances B and VV. Firing neurons' records go to CP (see `iafBody`).
 */
function rowLoop(L: IafLocals, useDiv: boolean, hasMin: boolean, keep: boolean): number[] {
  const { VB, B, VV, E, CP, SINGLE, ZRESET, J, THV, MV, ONEV, ZERO, NV, VM, MASK, BND, MASK2, RV, ABOVE } = L;
  // Whether x fires: `x > 0 and x/θ ≥ 1` (useDiv), else `x ≥ θ`.
  const pred = (x: number) => useDiv
    ? [...get(x), ...get(ZERO), ...F64X2_GT, ...get(x), ...get(THV), ...F64X2_DIV, ...get(ONEV), ...F64X2_GE, ...V128_AND]
    : [...get(x), ...get(THV), ...F64X2_GE];
  const bound = (x: number) => [...get(ZERO), ...get(x), ...get(MV), ...F64X2_SUB, ...F64X2_PMAX, ...get(MV), ...F64X2_ADD, ...set(x)];
  // Lane `l` (0 or 1): a firing neuron's record (index, left above threshold, n), or ~index for a neuron
  // the bound left above threshold.
  const lane = (l: number) => [
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
  const fire = [
    ...get(VV), ...get(VB), ...I32_SUB, ...i32c(3), ...I32_SHR_S, ...set(J),
    ...get(MASK), ...V128_ANY_TRUE, ...IF,
    ...get(SINGLE), ...IF_V128, ...get(ONEV), ...ELSE, ...get(VM), ...get(THV), ...F64X2_DIV, ...F64X2_TRUNC, ...END, ...set(NV),
    ...get(ZRESET), ...IF_V128, ...get(ZERO), ...ELSE, ...get(VM), ...get(NV), ...get(THV), ...F64X2_MUL, ...F64X2_SUB, ...END, ...set(RV),
    ...(hasMin ? bound(RV) : []),
    ...pred(RV), ...set(ABOVE),
    ...get(VV), ...get(RV), ...get(VV), ...vload(0), ...get(MASK), ...V128_BITSELECT, ...vstore(0),
    ...END,
    ...lane(0), ...lane(1),
  ];
  return [
    ...LOOP,
    ...get(VV), ...vload(0), ...get(B), ...vload(0), ...F64X2_ADD, ...set(VM),
    ...(keep ? [] : [...get(B), ...get(ZERO), ...vstore(0)]),
    ...pred(VM), ...set(MASK),
    ...(hasMin ? [
      ...get(VM), ...set(BND), ...bound(BND),
      ...pred(BND), ...get(MASK), ...V128_ANDNOT, ...set(MASK2),
      ...get(VV), ...get(BND), ...vstore(0),
      ...get(MASK), ...get(MASK2), ...V128_OR,
    ] : [
      ...get(VV), ...get(VM), ...vstore(0),
      ...get(MASK),
    ]),
    ...V128_ANY_TRUE, ...IF,
    ...fire,
    ...END,
    ...get(B), ...i32c(16), ...I32_ADD, ...set(B),
    ...get(VV), ...i32c(16), ...I32_ADD, ...set(VV),
    ...get(B), ...get(E), ...I32_LT_U, ...brIf(0),
    ...END,
  ];
}

/** `rowLoop` for the mode in local MODE (bits 1: useDiv, 2: hasMin; `keep` is fixed by the caller). */
export function iafRows(L: IafLocals, MODE: number, keep: boolean): number[] {
  return [
    ...get(MODE), ...i32c(2), ...I32_AND, ...IF,
    ...get(MODE), ...i32c(1), ...I32_AND, ...IF, ...rowLoop(L, true, true, keep), ...ELSE, ...rowLoop(L, false, true, keep), ...END,
    ...ELSE,
    ...get(MODE), ...i32c(1), ...I32_AND, ...IF, ...rowLoop(L, true, false, keep), ...ELSE, ...rowLoop(L, false, false, keep), ...END,
    ...END,
  ];
}

/** The vector constants of the integration code, from the parameters θ and m (f64). */
export function iafConsts(L: IafLocals, TH: number, M: number): number[] {
  return [
    ...get(TH), ...F64X2_SPLAT, ...set(L.THV),
    ...get(M), ...F64X2_SPLAT, ...set(L.MV),
    ...F64_CONST_1, ...F64X2_SPLAT, ...set(L.ONEV),
    0x44, ...[0, 0, 0, 0, 0, 0, 0, 0], ...F64X2_SPLAT, ...set(L.ZERO), // f64.const 0
  ];
}

/** The integer state of the integration code, from the parameters mode and the record list `cand`. */
export function iafInit(L: IafLocals, MODE: number, CAND: number): number[] {
  return [
    ...get(MODE), ...i32c(4), ...I32_AND, ...set(L.SINGLE),
    ...get(MODE), ...i32c(8), ...I32_AND, ...set(L.ZRESET),
    ...get(CAND), ...set(L.CP),
  ];
}

/**
 * `iaf(pos, nPos, C, bufBase, vBase, th, m, mode, cand, mark) → number of candidates`: the step of a spiking
 * layer for the `nPos` positions listed (i32) at byte offset `pos`, `C` (even) channels each, two neurons
 * per instruction, bit for bit the arithmetic of `stepNeuron` (`neuron.ts`):
 * `x = buf[i]; buf[i] = 0; v = v[i] + x` (`buf[i]` left as it is with `mode & 16`, keep: a current that
 * comes again next step). With `mode & 32` (and not 16) each listed position's touched mark (u8 at
 * `mark + q`) is cleared too, so that the caller need not walk the list again. A neuron fires when `v > 0 and v/θ ≥ 1` (`mode & 1`: multi-spike
 * with θ ≠ 1), else when `v ≥ θ`; it emits `n = trunc(v/θ)` spikes, or 1 (`mode & 4`: single-spike), and
 * resets to `v − n·θ`, or 0 (`mode & 8`). Then, with a lower bound (`mode & 2`), `v ← relu(v − m) + m`
 * (`f64x2.pmax(0, d)` is exactly `d > 0 ? d : 0`). Each neuron that fired, and each that did not but was
 * left above threshold by the bound, is listed at `cand` (16 bytes: i32 index — `~index` for the latter —,
 * i32 ≠ 0 when a firing neuron is left above threshold, f64 n), for the caller to count the spikes and to
 * fire again at the next step the neurons left above threshold.
 */
export function iafBody(): number[] {
  // params: 0 pos, 1 nPos, 2 C, 3 bufBase, 4 vBase, 5 th (f64), 6 m (f64), 7 mode, 8 cand, 9 mark
  // locals: 10 end, 11 rowBytes, 12 b, 13 vv, 14 e, 15 cp, 16 single, 17 zeroReset, 18 j (i32);
  //         19 thv, 20 mv, 21 onev, 22 zero, 23 n, 24 vm, 25 mask, 26 bnd, 27 mask2, 28 r, 29 above (v128)
  const POS = 0, NPOS = 1, C = 2, BUF = 3, VB = 4, TH = 5, M = 6, MODE = 7, CAND = 8, MARK = 9;
  const END_ = 10, ROW = 11;
  const L: IafLocals = {
    VB, B: 12, VV: 13, E: 14, CP: 15, SINGLE: 16, ZRESET: 17, J: 18,
    THV: 19, MV: 20, ONEV: 21, ZERO: 22, NV: 23, VM: 24, MASK: 25, BND: 26, MASK2: 27, RV: 28, ABOVE: 29,
  };
  const { B, VV, E } = L;
  const store8 = (off: number) => [0x3a, 0, ...uleb(off)];
  // mode & 32: mark[pos[k]] = 0 (only without keep: a kept current is integrated again at the next step).
  const clearMark = [...get(MODE), ...i32c(32), ...I32_AND, ...IF, ...get(MARK), ...get(POS), ...i32load(0), ...I32_ADD, ...i32c(0), ...store8(0), ...END];
  // The loop over positions and their rows.
  const loop = (keep: boolean) => [
    ...BLOCK,
    ...get(POS), ...get(END_), ...I32_GE_U, ...brIf(0),
    ...LOOP,
    ...(keep ? [] : clearMark),
    // row of position q = pos[k]
    ...get(POS), ...i32load(0), ...get(ROW), ...I32_MUL, ...tee(B), ...get(VB), ...I32_ADD, ...set(VV),
    ...get(B), ...get(BUF), ...I32_ADD, ...tee(B), ...get(ROW), ...I32_ADD, ...set(E),
    ...iafRows(L, MODE, keep),
    ...get(POS), ...i32c(4), ...I32_ADD, ...tee(POS), ...get(END_), ...I32_LT_U, ...brIf(0),
    ...END,
    ...END,
  ];
  const code = [
    ...iafConsts(L, TH, M), ...iafInit(L, MODE, CAND),
    ...get(C), ...i32c(3), ...I32_SHL, ...set(ROW),
    ...get(POS), ...get(NPOS), ...i32c(2), ...I32_SHL, ...I32_ADD, ...set(END_),
    // mode & 16: keep.
    ...get(MODE), ...i32c(16), ...I32_AND, ...IF, ...loop(true), ...ELSE, ...loop(false), ...END,
    ...get(L.CP), ...get(CAND), ...I32_SUB, ...i32c(4), ...I32_SHR_S,
  ];
  const locals = vec([[...uleb(9), I32], [...uleb(11), V128]]);
  return [...locals, ...code, ...END];
}

/**
 * `iafGroups(groups, nGroups, rowBytes, vShift, vBase, th, m, mode, cp) → cp'`: `iaf` over the rows of
 * `nGroups` gather group records (16 bytes; the first i32 is the row's buffer offset, potentials at it +
 * `vShift`), each row cleared as it is read; records from byte offset `cp` on, and returns where they end.
 */
export function iafGroupsBody(): number[] {
  // params: 0 g, 1 nGroups, 2 rowBytes, 3 vShift, 4 vBase, 5 th (f64), 6 m (f64), 7 mode, 8 cp
  // locals: 9 end, 10 b, 11 vv, 12 e, 13 cp, 14 single, 15 zeroReset, 16 j (i32); 17 thv … 27 above (v128)
  const G = 0, NG = 1, RB = 2, VSHIFT = 3, VB = 4, TH = 5, M = 6, MODE = 7, CAND = 8, END_ = 9;
  const L: IafLocals = {
    VB, B: 10, VV: 11, E: 12, CP: 13, SINGLE: 14, ZRESET: 15, J: 16,
    THV: 17, MV: 18, ONEV: 19, ZERO: 20, NV: 21, VM: 22, MASK: 23, BND: 24, MASK2: 25, RV: 26, ABOVE: 27,
  };
  const code = [
    ...iafConsts(L, TH, M), ...iafInit(L, MODE, CAND),
    ...get(G), ...get(NG), ...i32c(4), ...I32_SHL, ...I32_ADD, ...set(END_),
    ...BLOCK,
    ...get(G), ...get(END_), ...I32_GE_U, ...brIf(0),
    ...LOOP,
    ...get(G), ...i32load(0), ...tee(L.B), ...get(VSHIFT), ...I32_ADD, ...set(L.VV),
    ...get(L.B), ...get(RB), ...I32_ADD, ...set(L.E),
    ...iafRows(L, MODE, false),
    ...get(G), ...i32c(16), ...I32_ADD, ...tee(G), ...get(END_), ...I32_LT_U, ...brIf(0),
    ...END,
    ...END,
    ...get(L.CP),
  ];
  const locals = vec([[...uleb(8), I32], [...uleb(11), V128]]);
  return [...locals, ...code, ...END];
}
