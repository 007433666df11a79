/**
 * The event-driven kernel's row updates (`wasm-kernel.ts`): `axpy`, which adds weight rows times values to
 * buffer rows from a list of tap records, and `scatter`, a conv's scatter that makes those records itself and
 * runs the same row update (`rowCode`), as WebAssembly function bodies.
 */
import {
  uleb, vec, I32, F64, V128, get, set, i32c, I32_ADD, I32_AND, I32_SHL, I32_LT_U, I32_GE_U, i32load, f64load,
  f64store, F64_ADD, F64_MUL, vload, vstore, F64X2_SPLAT, F64X2_ADD, F64X2_MUL, BLOCK, LOOP, IF, END, brIf, i32store,
  ELSE, I32_MUL, I32_SUB, I32_SHR_U, tee, F64_CONST_1, F64_EQ,
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
export function axpyBody(): number[] {
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
 * `scatter(ent, n, cl, cin, hw, tapStart, tapQ, tapW, wBase, ciStride, bufBase, rowBytes, mark, pos, np)
 * → np`: a conv's scatter for the `n` inputs listed at `ent` (16 bytes each: i32 index, f64 value). An
 * input index is decoded to channel and position (channels-last `(pos·cin + c)` when `cl`, else
 * channels-first `(c·hw + pos)`); for each tap of the position (`tapStart` i32 per position + 1, `tapQ`
 * output position, `tapW` weight row offset in bytes) the output position is marked touched (u8 `mark`,
 * appended to i32 `pos` at `np`) and the weight row at `wBase + c·ciStride + tapW` is added, times the
 * value, to the output row at `bufBase + q·rowBytes` — the same records, in the same order, as `axpy`.
 * Offsets in bytes; returns the new count of touched positions.
 */
export function scatterBody(): number[] {
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
