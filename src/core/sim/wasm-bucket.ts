/** The event-driven kernel's bucketing of a gather's inputs (`wasm-kernel.ts`) as a WebAssembly function body. */
import {
  uleb, vec, I32, F32, get, set, i32c, I32_ADD, I32_SHL, I32_LT_U, I32_GE_U, i32load, f64load, i32store, BLOCK, LOOP,
  IF, ELSE, END, brIf, I32_MUL, I32_SUB, tee, F32_EQ, F32_CONST_1, f32load,
} from './wasm-encode';

const I32_DIV_U = [0x6e], I32_EQ = [0x46], I32_EQZ = [0x45], F32_DEMOTE_F64 = [0xb6], RETURN = [0x0f];
const f32store = (off: number) => [0x38, 2, ...uleb(off)];
const br = (d: number) => [0x0c, ...uleb(d)];

/**
 * `bucket(idx, val, n, cin, wBytes, ciBytes, e0, seen, inList, startOf, ones, cnt, xRow, xVal, stamp) →
 * positions`: `ConvOp.bucketRuns` for channels-last inputs (`i = at·cin + ci`), bit for bit. The `n` inputs
 * (int32 indices at `idx`, float64 values at `val`) come grouped by position; each run of one position `at`
 * becomes its bucket of 8-byte entries from `e0` (int32 weight row `wBytes + ci·ciBytes`, float32 value
 * `a = f32(val)`): the inputs with a = 1 in input order, then the others in input order (staged at `xRow`,
 * `xVal`), with `startOf[at]`, `ones[at]`, `cnt[at]` its first entry, ones and size, `inList` the positions
 * in order; `seen[at] = stamp` marks a position done. Returns the number of positions, or `−1 − positions`
 * when a position comes back after another one (the caller clears what it wrote and sorts instead).
 * All arrays are int32 (float32 for `xVal`) at byte offsets, indexed by position or entry.
 */
export function bucketBody(): number[] {
  const IDX = 0, VAL = 1, N = 2, CIN = 3, WB = 4, CIB = 5, E0 = 6, SEEN = 7, INL = 8, STARTOF = 9, ONES = 10, CNT = 11, XROW = 12, XVAL = 13, STAMP = 14;
  const K = 15, OFF = 16, NIN = 17, AT = 18, CI = 19, I = 20, RUN = 21, BASE = 22, N1 = 23, NX = 24, D = 25, ROW = 26, X = 27, E = 28, A = 29;
  /** Address of int32 element `i` (a local) of the array at byte offset `arr` (a local). */
  const at4 = (arr: number, i: number[]) => [...i, ...i32c(2), ...I32_SHL, ...get(arr), ...I32_ADD];
  const posAt = (arr: number) => at4(arr, get(RUN));
  /** AT and CI of input index I. */
  const split = [...get(I), ...get(I), ...get(CIN), ...I32_DIV_U, ...tee(AT), ...get(CIN), ...I32_MUL, ...I32_SUB, ...set(CI)];
  /** E = e0 + 8·(OFF + x) for the entry index on the stack. */
  const entryAt = (idx: number[]) => [...get(OFF), ...idx, ...I32_ADD, ...i32c(3), ...I32_SHL, ...get(E0), ...I32_ADD, ...set(E)];
  const code = [
    ...BLOCK,
    ...get(N), ...I32_EQZ, ...brIf(0),
    ...at4(IDX, get(K)), ...i32load(0), ...set(I), ...split,
    ...LOOP, // runs
    // A position seen before in this step: undo nothing here, tell the caller (which clears and sorts).
    ...at4(SEEN, get(AT)), ...i32load(0), ...get(STAMP), ...I32_EQ, ...IF,
    ...i32c(-1), ...get(NIN), ...I32_SUB, ...RETURN,
    ...END,
    ...at4(SEEN, get(AT)), ...get(STAMP), ...i32store(0),
    ...at4(INL, get(NIN)), ...get(AT), ...i32store(0),
    ...get(NIN), ...i32c(1), ...I32_ADD, ...set(NIN),
    ...get(AT), ...tee(RUN), ...get(CIN), ...I32_MUL, ...set(BASE),
    ...i32c(0), ...set(N1), ...i32c(0), ...set(NX),
    ...BLOCK, // end of the run
    ...LOOP, // inputs of the run
    ...get(K), ...i32c(3), ...I32_SHL, ...get(VAL), ...I32_ADD, ...f64load(0), ...F32_DEMOTE_F64, ...set(A),
    ...get(WB), ...get(CI), ...get(CIB), ...I32_MUL, ...I32_ADD, ...set(ROW),
    ...get(A), ...F32_CONST_1, ...F32_EQ, ...IF,
    ...entryAt(get(N1)), ...get(E), ...get(ROW), ...i32store(0), ...get(E), ...F32_CONST_1, ...f32store(4),
    ...get(N1), ...i32c(1), ...I32_ADD, ...set(N1),
    ...ELSE,
    ...at4(XROW, get(NX)), ...get(ROW), ...i32store(0), ...at4(XVAL, get(NX)), ...get(A), ...f32store(0),
    ...get(NX), ...i32c(1), ...I32_ADD, ...set(NX),
    ...END,
    ...get(K), ...i32c(1), ...I32_ADD, ...tee(K), ...get(N), ...I32_GE_U, ...brIf(1),
    ...at4(IDX, get(K)), ...i32load(0), ...tee(I), ...get(BASE), ...I32_SUB, ...tee(D), ...get(CIN), ...I32_LT_U, ...IF,
    ...get(D), ...set(CI), ...br(1),
    ...END,
    ...split,
    ...END, // inputs of the run (falls out: a new position)
    ...END, // end of the run
    // The run's other inputs after its ones.
    ...i32c(0), ...set(X),
    ...BLOCK,
    ...get(NX), ...I32_EQZ, ...brIf(0),
    ...LOOP,
    ...entryAt([...get(N1), ...get(X), ...I32_ADD]),
    ...get(E), ...at4(XROW, get(X)), ...i32load(0), ...i32store(0),
    ...get(E), ...at4(XVAL, get(X)), ...f32load(0), ...f32store(4),
    ...get(X), ...i32c(1), ...I32_ADD, ...tee(X), ...get(NX), ...I32_LT_U, ...brIf(0),
    ...END,
    ...END,
    ...posAt(STARTOF), ...get(OFF), ...i32store(0),
    ...posAt(ONES), ...get(N1), ...i32store(0),
    ...posAt(CNT), ...get(N1), ...get(NX), ...I32_ADD, ...i32store(0),
    ...get(OFF), ...get(N1), ...I32_ADD, ...get(NX), ...I32_ADD, ...set(OFF),
    ...get(K), ...get(N), ...I32_LT_U, ...brIf(0),
    ...END, // runs
    ...END,
    ...get(NIN),
  ];
  const locals = vec([[...uleb(14), I32], [...uleb(1), F32]]);
  return [...locals, ...code, ...END];
}
