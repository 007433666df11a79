/**
 * The integration kernel's work beyond the integration itself (`iaf` in `wasm-iaf.ts`): with mode 32 it
 * clears the touched marks of the positions it integrates, which the calling thread did in a loop of its
 * own (`IafLayer.endTouched`). Against the kernel without it on the same memory: the same records,
 * potentials and buffer, and exactly the listed positions' marks cleared (none with keep, mode 16).
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isWasmSimdAvailable, simKernel } from '../../src/core/sim/wasm-kernel';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 2 ** 32; };
}

const arb = fc.record({
  P: fc.integer({ min: 1, max: 60 }), C: fc.constantFrom(2, 4, 8, 12), seed: fc.integer({ min: 1, max: 2 ** 30 }),
  th: fc.constantFrom(1, 0.75), minV: fc.constantFrom(null, -1, 1.5), single: fc.boolean(), zeroReset: fc.boolean(), keep: fc.boolean(),
});

describe('integration kernel: clearing the touched marks', { skip: !isWasmSimdAvailable() }, () => {
  it('clears exactly the listed positions\' marks, and integrates as without (random steps and modes)', () => {
    fc.assert(fc.property(arb, (p) => {
      const rand = lcg(p.seed);
      const { P, C } = p;
      const size = P * C;
      // Byte offsets: positions, marks, buffer, potentials, records.
      const pos = 64, mark = pos + 4 * P + 64, buf = (mark + P + 64) & ~15, v = buf + 8 * size, cand = v + 8 * size, bytes = cand + 16 * size;
      const k = simKernel(bytes)!;
      const u8 = new Uint8Array(k.memory.buffer), i32 = new Int32Array(k.memory.buffer), f64 = new Float64Array(k.memory.buffer);
      const listed = Array.from({ length: P }, (_, q) => q).filter(() => rand() < 0.7).sort(() => rand() - 0.5);
      i32.set(listed, pos >> 2);
      // Every listed position marked, and some others too (a mark the kernel must leave alone).
      for (let q = 0; q < P; q++) u8[mark + q] = listed.includes(q) || rand() < 0.3 ? 1 : 0;
      for (let i = 0; i < size; i++) { f64[(buf >> 3) + i] = rand() < 0.3 ? 0 : rand() * 4 - 1; f64[(v >> 3) + i] = rand() * 1.7 - 0.5; }
      const mode = (p.th !== 1 ? 1 : 0) | (p.minV !== null ? 2 : 0) | (p.single ? 4 : 0) | (p.zeroReset ? 8 : 0) | (p.keep ? 16 : 0);
      const m = p.minV ?? 0;
      const before = u8.slice();
      const r0 = k.iaf(pos, listed.length, C, buf, v, p.th, m, mode, cand, mark);
      const want = u8.slice();
      u8.set(before);
      const r1 = k.iaf(pos, listed.length, C, buf, v, p.th, m, mode | 32, cand, mark);
      assert.equal(r1, r0);
      for (let q = 0; q < P; q++) want[mark + q] = !p.keep && listed.includes(q) ? 0 : before[mark + q];
      assert.deepEqual(u8, want, 'the same memory but for the listed marks');
    }), { numRuns: 200, seed: 7 });
  });
});
