/**
 * The WebAssembly binary encoding the simulator's kernel (`wasm-kernel.ts`) is assembled with: LEB128
 * integers, sections and vectors, and the opcodes it uses (MVP, and 128-bit SIMD as `0xfd` + LEB128 index).
 */
export const uleb = (n: number): number[] => { const o: number[] = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; o.push(b); } while (n); return o; };
const sleb = (n: number): number[] => {
  const o: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && (b & 0x40))) { o.push(b); return o; }
    o.push(b | 0x80);
  }
};
export const str = (s: string): number[] => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];
export const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];

export const I32 = 0x7f, F64 = 0x7c, V128 = 0x7b;
export const get = (i: number) => [0x20, ...uleb(i)];
export const set = (i: number) => [0x21, ...uleb(i)];
export const i32c = (v: number) => [0x41, ...sleb(v)];
export const I32_ADD = [0x6a], I32_AND = [0x71], I32_SHL = [0x74], I32_LT_U = [0x49], I32_GE_U = [0x4f];
export const i32load = (off: number) => [0x28, 2, ...uleb(off)];
export const f64load = (off: number) => [0x2b, 3, ...uleb(off)];
export const f64store = (off: number) => [0x39, 3, ...uleb(off)];
export const F64_ADD = [0xa0], F64_MUL = [0xa2];
export const vload = (off: number) => [0xfd, ...uleb(0), 4, ...uleb(off)];
export const vstore = (off: number) => [0xfd, ...uleb(11), 4, ...uleb(off)];
export const F64X2_SPLAT = [0xfd, ...uleb(20)], F64X2_ADD = [0xfd, ...uleb(240)], F64X2_MUL = [0xfd, ...uleb(242)];
export const BLOCK = [0x02, 0x40], LOOP = [0x03, 0x40], IF = [0x04, 0x40], END = [0x0b];
export const brIf = (d: number) => [0x0d, ...uleb(d)];
export const simd = (op: number) => [0xfd, ...uleb(op)];
export const F64X2_SUB = simd(241), F64X2_DIV = simd(243), F64X2_PMAX = simd(247), F64X2_GT = simd(74), F64X2_GE = simd(76);
export const V128_AND = simd(78), V128_ANDNOT = simd(79), V128_OR = simd(80), V128_BITSELECT = simd(82), V128_ANY_TRUE = simd(83);
export const i32x4Lane = (lane: number) => [...simd(27), lane];
export const i32store = (off: number) => [0x36, 2, ...uleb(off)];
export const IF_V128 = [0x04, V128], ELSE = [0x05];
export const I32_MUL = [0x6c], I32_SUB = [0x6b], I32_XOR = [0x73], I32_SHR_S = [0x75], I32_SHR_U = [0x76];
export const tee = (i: number) => [0x22, ...uleb(i)];
export const F64_CONST_1 = [0x44, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f];
export const F64_EQ = [0x61];
export const F32 = 0x7d;
export const f32load = (off: number) => [0x2a, 2, ...uleb(off)];
export const F32_ADD = [0x92], F32_MUL = [0x94], F32_EQ = [0x5b], F64_PROMOTE_F32 = [0xbb];
export const F32_CONST_0 = [0x43, 0, 0, 0, 0], F32_CONST_1 = [0x43, 0, 0, 0x80, 0x3f];
export const V128_ZERO = [...simd(12), ...new Array<number>(16).fill(0)];
export const F32X4_SPLAT = simd(19), F32X4_ADD = simd(228), F32X4_MUL = simd(230);
/** `f64x2.promote_low_f32x4`: lanes 0 and 1 widened. */
export const F64X2_PROMOTE_LOW = simd(95);
/** `i8x16.shuffle` of a vector with itself that moves lanes 2 and 3 (32-bit) to 0 and 1. */
export const HIGH_TO_LOW = [...simd(13), 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
/** `f64x2.trunc` and `f64x2.extract_lane`. */
export const F64X2_TRUNC = simd(122);
export const f64x2Lane = (lane: number) => [...simd(33), lane];
