/**
 * A segment's kernels streamed step by step to the helper threads of `wasm-threads.ts` (the segment loop is
 * `event-stream.ts`), as one text of JavaScript: the helpers evaluate it in their own code, the calling
 * thread makes functions of the same text (as `BOOK_CODE`), so the two cannot drift apart.
 *
 * A stream is described by int32 words in the engine's shared memory, at `d` (a word index):
 * - `CLAIM`: the run (its high 11 bits, counted by the caller) and the next step (the low 20 bits:
 *   `MAX_BIN_STEPS` fits); whoever moves it on (compare-and-swap) runs that step's kernels, so a helper held
 *   back past the end of a run can never claim a step of the next one;
 * - `READY`: the steps whose input entries the caller has written; `STEPS`: the steps of the segment;
 * - `SLOTS`: R, the ring of slots (step t in slot t mod R), at most `MAX_SLOTS`;
 * - `DIRTY`: 0 while the caller's bookkeeping can change no potential (no neuron listed at step 0 and none
 *   left above threshold by a step so far: then the caller fires no neuron itself); then steps are
 *   integrated without waiting for the caller, else only up to `GATE`: the last step whose potentials the
 *   caller's bookkeeping of the steps before it no longer changes; `IAFDONE`: the steps integrated (in
 *   step order);
 * - `STOP`: the caller stopped; `INFLIGHT`: helpers claiming or running a step (the caller waits for none
 *   before it clears the slots of a run stopped early); `SLEEP`, `WAKE`: a helper sleeping on `WAKE` until the caller
 *   publishes more (a wake costs a system call, so the caller skips it while the helper spins);
 * - the scatter's constant arguments (`scatter` in `wasm-scatter.ts`), the integration's (`iaf` in
 *   `wasm-iaf.ts`: C, potentials, mode; θ and m as float64), and per ring the base and stride in bytes of
 *   the entries, output rows, marks, positions and integration records;
 * - per slot: `N` its entries, `DONE` t + 1 once step t is integrated, `NP` its touched positions (0 once
 *   the helper has cleared their marks), `NREC` its integration records.
 */

/** Word offsets of a stream descriptor (see above). */
export const STREAM = {
  CLAIM: 0, READY: 1, STEPS: 2, SLOTS: 3,
  /** cl, cin, hw, tapStart, tapQ, tapW, wBase, ciStride, rowBytes (9 words). */
  ARGS: 4,
  ENT: 13, BUF: 15, MARK: 17, POS: 19, SLEEP: 21, GATE: 22, IAFDONE: 23, STOP: 24, WAKE: 25,
  C: 26, VBASE: 27, MODE: 28, REC: 29, P: 31, DIRTY: 36, INFLIGHT: 37,
  /** θ and m, float64 (word offsets, 8-byte aligned). */
  TH: 32, M: 34,
  /** Per-slot words: `N` at `PER_SLOT`, `DONE` at `PER_SLOT + R`, `NP` at `PER_SLOT + 2R`, `NREC` at `PER_SLOT + 3R`. */
  PER_SLOT: 40,
} as const;

/** `CLAIM`'s bits: the run above `RUN_SHIFT`, the step below. */
export const RUN_SHIFT = 20;
export const STEP_MASK = (1 << RUN_SHIFT) - 1;

/** Slots of a stream's ring at most, and the descriptor's words. */
export const MAX_SLOTS = 16;
export const STREAM_WORDS = STREAM.PER_SLOT + 4 * MAX_SLOTS;

/**
 * `mayIntegrate(mem32, d, c)`: whether step c may be integrated now (`IAFDONE`, `DIRTY`, `GATE`).
 * `streamStep(ex, mem32, mem64, d, c)`: step c (claimed): scatters its entries into its slot, waits until it
 * may integrate them (returns without integrating after `STOP`), integrates (records into the slot) and
 * publishes the step (`DONE`).
 * `stream(ex, mem32, mem64, d)`: claims and runs steps until all are claimed, each once its entries are ready.
 * `until(mem32, d, ok)`: spins until `ok()`, then sleeps on `WAKE` (5 ms at most) between looks.
 */
export const STREAM_CODE = `function until(mem32, d, ok) {
  for (let spins = 0; !ok();) {
    if (++spins < 20000) continue;
    const w = Atomics.load(mem32, d + ${STREAM.WAKE});
    Atomics.store(mem32, d + ${STREAM.SLEEP}, 1);
    if (!ok()) Atomics.wait(mem32, d + ${STREAM.WAKE}, w, 5);
    Atomics.store(mem32, d + ${STREAM.SLEEP}, 0);
    spins = 0;
  }
}
function mayIntegrate(mem32, d, c) {
  return Atomics.load(mem32, d + ${STREAM.IAFDONE}) === c && (Atomics.load(mem32, d + ${STREAM.DIRTY}) === 0 || Atomics.load(mem32, d + ${STREAM.GATE}) >= c);
}
function streamStep(ex, mem32, mem64, d, c) {
  const R = mem32[d + ${STREAM.SLOTS}], i = c % R, a = d + ${STREAM.ARGS}, per = d + ${STREAM.PER_SLOT};
  const buf = mem32[d + ${STREAM.BUF}] + i * mem32[d + ${STREAM.BUF + 1}], pos = mem32[d + ${STREAM.POS}] + i * mem32[d + ${STREAM.POS + 1}];
  const np = ex.scatter(mem32[d + ${STREAM.ENT}] + i * mem32[d + ${STREAM.ENT + 1}], mem32[per + i],
    mem32[a], mem32[a + 1], mem32[a + 2], mem32[a + 3], mem32[a + 4], mem32[a + 5], mem32[a + 6], mem32[a + 7],
    buf, mem32[a + 8], mem32[d + ${STREAM.MARK}] + i * mem32[d + ${STREAM.MARK + 1}], pos, 0);
  mem32[per + 2 * R + i] = np;
  until(mem32, d, () => Atomics.load(mem32, d + ${STREAM.STOP}) !== 0 || mayIntegrate(mem32, d, c));
  if (Atomics.load(mem32, d + ${STREAM.STOP}) !== 0) return;
  const dirty = Atomics.load(mem32, d + ${STREAM.DIRTY});
  const rec = mem32[d + ${STREAM.REC}] + i * mem32[d + ${STREAM.REC + 1}];
  const r = mem32[per + 3 * R + i] = ex.iaf(pos, np, mem32[d + ${STREAM.C}], buf, mem32[d + ${STREAM.VBASE}], mem64[(d + ${STREAM.TH}) >> 1], mem64[(d + ${STREAM.M}) >> 1],
    mem32[d + ${STREAM.MODE}], rec, 0);
  // A neuron left above threshold (flagged, or listed as ~index) makes the caller fire it at the next step.
  if (dirty === 0) for (let k = 0, q = rec >> 2; k < r; k++, q += 4) if (mem32[q] < 0 || mem32[q + 1] !== 0) { Atomics.store(mem32, d + ${STREAM.DIRTY}, 1); break; }
  // When the caller cannot fire neurons at untouched positions at step c (nothing was dirty before it, or
  // the gate was past c already), the touched marks are cleared here, where they are in cache.
  if (dirty === 0 || Atomics.load(mem32, d + ${STREAM.GATE}) > c) { ex.zero(mem32[d + ${STREAM.MARK}] + i * mem32[d + ${STREAM.MARK + 1}], mem32[d + ${STREAM.P}]); mem32[per + 2 * R + i] = 0; }
  Atomics.store(mem32, d + ${STREAM.IAFDONE}, c + 1);
  Atomics.store(mem32, per + R + i, c + 1);
  Atomics.notify(mem32, per + R + i);
}
function stream(ex, mem32, mem64, d) {
  const run = Atomics.load(mem32, d + ${STREAM.CLAIM}) >>> ${RUN_SHIFT}, T = mem32[d + ${STREAM.STEPS}];
  for (;;) {
    const w = Atomics.load(mem32, d + ${STREAM.CLAIM}), c = w & ${STEP_MASK};
    // A later run of the stream has begun (the machine's load held this helper back): its own job runs it.
    if (w >>> ${RUN_SHIFT} !== run || c >= T || Atomics.load(mem32, d + ${STREAM.STOP}) !== 0) return;
    if (c >= Atomics.load(mem32, d + ${STREAM.READY})) {
      // The caller is still writing the entries.
      until(mem32, d, () => Atomics.load(mem32, d + ${STREAM.READY}) > c || Atomics.load(mem32, d + ${STREAM.CLAIM}) !== w || Atomics.load(mem32, d + ${STREAM.STOP}) !== 0);
      continue;
    }
    Atomics.add(mem32, d + ${STREAM.INFLIGHT}, 1);
    if (Atomics.compareExchange(mem32, d + ${STREAM.CLAIM}, w, w + 1) === w) streamStep(ex, mem32, mem64, d, c);
    Atomics.sub(mem32, d + ${STREAM.INFLIGHT}, 1);
  }
}`;

type StepFn = (ex: unknown, mem32: Int32Array, mem64: Float64Array, d: number, c: number) => void;
type MayFn = (mem32: Int32Array, d: number, c: number) => boolean;
type StreamFn = (ex: unknown, mem32: Int32Array, mem64: Float64Array, d: number) => void;
// The caller's copies of the helpers' functions (one text, so the two cannot drift apart).
export const { streamStep, stream, mayIntegrate } = new Function(`${STREAM_CODE}; return { streamStep, stream, mayIntegrate };`)() as
  { streamStep: StepFn; stream: StreamFn; mayIntegrate: MayFn };
