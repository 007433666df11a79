import type { Arena } from './event-signals';

/**
 * The plain-loop `gather`: the same float32 sums, in the same order, as the WebAssembly one (`Math.fround`
 * after every operation is float32 arithmetic; `acc` rounds on store), widened and added to the row.
 */
export function gatherLoop(arena: Pick<Arena, 'i32' | 'f64' | 'f32' | 'groupsAt' | 'rowScratch'>, nGroups: number, C: number): void {
  const { i32, f64, f32 } = arena;
  const acc = arena.rowScratch(C);
  const g0 = arena.groupsAt >> 2;
  for (let g = 0; g < nGroups; g++) {
    const b = i32[g0 + 4 * g] >> 3;
    const seg0 = i32[g0 + 4 * g + 1] >> 2;
    const nSeg = i32[g0 + 4 * g + 2];
    acc.fill(0);
    for (let sg = 0; sg < nSeg; sg++) {
      const sr = seg0 + 4 * sg;
      const e0 = i32[sr] >> 2;
      const n1 = i32[sr + 1];
      const tw = i32[sr + 2] >> 2;
      const n = n1 + i32[sr + 3];
      // The first n1 entries are 1 (a · w = w); their value is not read.
      for (let e = 0; e < n; e++) {
        const w = (i32[e0 + 2 * e] >> 2) + tw;
        if (e < n1) for (let o = 0; o < C; o++) acc[o] += f32[w + o];
        else { const a = f32[e0 + 2 * e + 1]; for (let o = 0; o < C; o++) acc[o] += Math.fround(a * f32[w + o]); }
      }
    }
    for (let o = 0; o < C; o++) f64[b + o] += acc[o];
  }
}
