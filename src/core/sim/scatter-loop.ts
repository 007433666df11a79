import type { Arena, Sparse, Touched } from './event-signals';

/** A scattering conv's tables (`ConvOp`): input channels and positions, the taps of each position, weight and buffer offsets. */
export interface ScatterTables {
  cl: boolean; cin: number; hw: number; oc: number; ciStride: number;
  tapStart: Int32Array; tapQ: Int32Array; tapW: Int32Array;
  /** Byte offsets of the weights and of the output buffer in the arena. */
  wBytes: number; bufBytes: number;
}

/**
 * The plain-loop scatter of the entries of `s` into `res` (`ConvOp.apply` without the WebAssembly kernel):
 * per input, per tap of its position, the output position marked and a tap record `(row, weight row, a)`
 * listed in the arena, applied by `arena.flush` — the same records, in the same order, as `scatter` in
 * `wasm-scatter.ts`.
 */
export function scatterLoop(arena: Arena, s: Sparse, res: Touched, t: ScatterTables): void {
  const { cl, cin, hw, oc, ciStride, tapStart, tapQ, tapW, wBytes, bufBytes } = t;
  const { pos, mark } = res;
  const { idx, val } = s;
  const i32 = arena.i32; const f64 = arena.f64;
  const cap = arena.listCap;
  const r0 = arena.listBase >> 2;
  let nRec = arena.nRec;
  let np = res.n;
  for (let k = s.lo; k < s.hi; k++) {
    const i = idx[k];
    const a = val[k];
    let ci: number, at: number;
    if (cl) { at = (i / cin) | 0; ci = i - at * cin; } else { ci = (i / hw) | 0; at = i - ci * hw; }
    const wci = ci * ciStride;
    const j1 = tapStart[at + 1];
    for (let j = tapStart[at]; j < j1; j++) {
      const qi = tapQ[j];
      if (mark[qi] === 0) { mark[qi] = 1; pos[np++] = qi; }
      if (nRec === cap) { arena.nRec = nRec; arena.flush(oc); nRec = 0; }
      const r = r0 + 4 * nRec;
      i32[r] = bufBytes + qi * oc * 8; i32[r + 1] = wBytes + (wci + tapW[j]) * 8; f64[(r >> 1) + 1] = a;
      nRec++;
    }
  }
  arena.nRec = nRec;
  arena.flush(oc);
  res.n = np;
}
