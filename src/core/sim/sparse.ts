/**
 * The two forms a signal takes between the ops of the event-driven engine. Element indices are always
 * row-major into the channels-first shape of the signal (`(c·H + y)·W + x`, or the feature index).
 */

/** A sparse vector: `n` entries `(idx[k], val[k])`, indices unique. Capacity = the dense size. */
export interface Sparse {
  kind: 'sparse';
  idx: Int32Array;
  val: Float64Array;
  n: number;
}

/**
 * The output of a weight layer: a channels-last buffer `buf[p·C + o]` over `P` spatial positions and `C`
 * channels (element `o·P + p` of the channels-first signal), of which only the `n` positions in `pos`
 * may be non-zero (`mark[p] = 1` for those). The consumer reads it and must clear it with `clearTouched`.
 */
export interface Touched {
  kind: 'touched';
  buf: Float64Array;
  C: number;
  P: number;
  pos: Int32Array;
  mark: Uint8Array;
  n: number;
}

export type Signal = Sparse | Touched;

export function sparse(capacity: number): Sparse {
  return { kind: 'sparse', idx: new Int32Array(capacity), val: new Float64Array(capacity), n: 0 };
}

export function touched(C: number, P: number): Touched {
  return { kind: 'touched', buf: new Float64Array(C * P), C, P, pos: new Int32Array(P), mark: new Uint8Array(P), n: 0 };
}

/** Zeroes the touched positions of `t` and empties its list. */
export function clearTouched(t: Touched): void {
  const { buf, C, pos, mark } = t;
  for (let k = 0; k < t.n; k++) {
    const p = pos[k];
    buf.fill(0, p * C, p * C + C);
    mark[p] = 0;
  }
  t.n = 0;
}

/** Copies a signal into `out` as a sparse vector (every channel of a touched position, zeros included); clears a `Touched`. */
export function toSparse(s: Signal, out: Sparse): Sparse {
  if (s.kind === 'sparse') {
    if (s === out) return out;
    out.idx.set(s.idx.subarray(0, s.n));
    out.val.set(s.val.subarray(0, s.n));
    out.n = s.n;
    return out;
  }
  let n = 0;
  const { buf, C, P, pos } = s;
  for (let k = 0; k < s.n; k++) {
    const p = pos[k];
    for (let o = 0; o < C; o++) { out.idx[n] = o * P + p; out.val[n] = buf[p * C + o]; n++; }
  }
  out.n = n;
  clearTouched(s);
  return out;
}
