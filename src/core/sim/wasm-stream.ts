/**
 * A conv's scatter streamed step by step to the helper threads of `wasm-threads.ts` (the segment loop is
 * `event-stream.ts`), as one text of JavaScript: the helpers evaluate it in their own code, the calling
 * thread makes functions of the same text (as `BOOK_CODE`), so the two cannot drift apart.
 *
 * A stream is described by int32 words in the engine's shared memory, at `d` (a word index):
 * - `CLAIM`: the next step to scatter; whoever moves it on (compare-and-swap) scatters that step;
 * - `READY`: the steps whose input entries the caller has written; `STEPS`: the steps of the segment;
 * - `SLOTS`: R, the ring of output slots (step t in slot t mod R), at most `MAX_SLOTS`;
 * - `SLEEP`: 1 while a helper sleeps until more steps are ready (the caller then wakes it; a wake costs a
 *   system call, so the caller skips it while the helper spins);
 * - the scatter's constant arguments (`scatter` in `wasm-scatter.ts`), and per ring the base and stride in
 *   bytes of the entries, output rows, marks and positions;
 * - per slot: `N` its entries, `DONE` t + 1 once step t is scattered into it, `NP` its touched positions.
 */

/** Word offsets of a stream descriptor (see above). */
export const STREAM = {
  CLAIM: 0, READY: 1, STEPS: 2, SLOTS: 3,
  /** cl, cin, hw, tapStart, tapQ, tapW, wBase, ciStride, rowBytes (9 words). */
  ARGS: 4,
  ENT: 13, BUF: 15, MARK: 17, POS: 19, SLEEP: 21,
  /** Per-slot words: `N` at `PER_SLOT`, `DONE` at `PER_SLOT + R`, `NP` at `PER_SLOT + 2R`. */
  PER_SLOT: 24,
} as const;

/** Slots of a stream's ring at most, and the descriptor's words. */
export const MAX_SLOTS = 16;
export const STREAM_WORDS = STREAM.PER_SLOT + 3 * MAX_SLOTS;

/**
 * `streamStep(ex, mem32, d, c)`: scatters step c (claimed) into its slot, then publishes it (`DONE`).
 * `stream(ex, mem32, d)`: claims and scatters steps until all are claimed, each once its entries are ready
 * (spinning a while, then sleeping until the caller says more are ready).
 */
export const STREAM_CODE = `function streamStep(ex, mem32, d, c) {
  const R = mem32[d + ${STREAM.SLOTS}], i = c % R, a = d + ${STREAM.ARGS};
  const np = ex.scatter(mem32[d + ${STREAM.ENT}] + i * mem32[d + ${STREAM.ENT + 1}], mem32[d + ${STREAM.PER_SLOT} + i],
    mem32[a], mem32[a + 1], mem32[a + 2], mem32[a + 3], mem32[a + 4], mem32[a + 5], mem32[a + 6], mem32[a + 7],
    mem32[d + ${STREAM.BUF}] + i * mem32[d + ${STREAM.BUF + 1}], mem32[a + 8],
    mem32[d + ${STREAM.MARK}] + i * mem32[d + ${STREAM.MARK + 1}], mem32[d + ${STREAM.POS}] + i * mem32[d + ${STREAM.POS + 1}], 0);
  mem32[d + ${STREAM.PER_SLOT} + 2 * R + i] = np;
  Atomics.store(mem32, d + ${STREAM.PER_SLOT} + R + i, c + 1);
  Atomics.notify(mem32, d + ${STREAM.PER_SLOT} + R + i);
}
function stream(ex, mem32, d) {
  const T = mem32[d + ${STREAM.STEPS}];
  let spins = 0;
  for (;;) {
    const c = Atomics.load(mem32, d + ${STREAM.CLAIM});
    if (c >= T) return;
    const r = Atomics.load(mem32, d + ${STREAM.READY});
    if (c >= r) {
      // The caller is still writing the entries: spin (a step is microseconds), then sleep a little.
      if (++spins > 20000) {
        Atomics.store(mem32, d + ${STREAM.SLEEP}, 1);
        if (Atomics.load(mem32, d + ${STREAM.READY}) === r && Atomics.load(mem32, d + ${STREAM.CLAIM}) < T) Atomics.wait(mem32, d + ${STREAM.READY}, r, 5);
        Atomics.store(mem32, d + ${STREAM.SLEEP}, 0);
        spins = 0;
      }
      continue;
    }
    spins = 0;
    if (Atomics.compareExchange(mem32, d + ${STREAM.CLAIM}, c, c + 1) === c) streamStep(ex, mem32, d, c);
  }
}`;

type StepFn = (ex: unknown, mem32: Int32Array, d: number, c: number) => void;
type StreamFn = (ex: unknown, mem32: Int32Array, d: number) => void;
// The caller's copies of the helpers' functions (one text, so the two cannot drift apart).
export const { streamStep, stream } = new Function(`${STREAM_CODE}; return { streamStep, stream };`)() as { streamStep: StepFn; stream: StreamFn };
