/**
 * Helper threads for the event-driven engine's big kernel calls (`wasm-kernel.ts`): a gathered conv step
 * (`gather`, by output rows), a spiking layer's integration (`iaf`, by positions) or both in one
 * (`gatherIaf`, by output rows) are cut into chunks
 * that the calling thread and the helpers claim from a shared counter, each running the same kernel over
 * the same shared WebAssembly memory. A row (a position) is computed by one thread, in the same order as
 * on one thread, and `iaf`'s candidates are kept per chunk and read back in chunk order, so the results
 * are the same bits whatever the number of threads or how the chunks fell. Claiming (rather than a fixed
 * split) means a helper that the machine's load holds back never holds up the caller: the caller takes
 * whatever is left, and only waits for chunks a helper has claimed and is computing.
 *
 * One pool per process (per JS thread that simulates), started on first use; the helpers are unref'd, so
 * they never keep the process alive. The caller waits with `Atomics.wait`, which Node allows on the main
 * thread; the engine is synchronous anyway.
 *
 * Protocol over `ctrl` (a SharedArrayBuffer; words as Int32, the two float parameters as Float64):
 * - word `NEXT` = job tag (20 bits) · 4096 + next chunk (12 bits). The caller writes a job into slot
 *   `tag mod 2`, zeroes `FIN`, stores `NEXT = tag · 4096` and wakes the helpers.
 * - A helper reads the slot of the tag it sees and checks that the tag is still current afterwards (the
 *   slot of job t is rewritten only for job t + 2, after `NEXT` has moved on); it claims a chunk with a
 *   compare-and-swap that also checks the tag, so a stale helper can never claim from a newer job.
 * - Whoever finishes a chunk adds its items to `FIN`; the caller returns when `FIN` is the job's size.
 * - The engine memory a job runs on has a generation; a helper whose instance is older takes the new
 *   module and memory from its message port (read synchronously) before claiming, or skips the job.
 * A helper that throws raises `FAILED` and wakes the caller, which throws in turn (the pool is replaced).
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { SimKernel } from './wasm-kernel';
import { book, BOOK_CODE, bookArgs, type BookArgs } from './wasm-book';
import { stream, STREAM_CODE } from './wasm-stream';

export type { BookArgs };

/** Words of `ctrl`: claim counter, finished items, failure flag; then two job slots of `SLOT_WORDS`. */
const NEXT = 0, FIN = 1, FAILED = 2, SLOT0 = 4, SLOT_WORDS = 20;
/** In a slot: kind, memory generation, items, items per chunk, up to 12 int arguments, then θ and m (Float64). */
const KIND = 0, GEN = 1, ITEMS = 2, CHUNK = 3, ARGS = 4, FLOATS = 16;
const GATHER = 1, IAF = 2, GATHER_IAF = 3, STREAM = 4;
/** Chunks per job at most (12 bits of `NEXT`). */
const MAX_CHUNKS = 4095;

/**
 * One chunk of a job in the helpers (the caller runs the same text as `runChunk`): the kernel call and its
 * result; with `a[11] ≠ 0` (an integration that books its spikes, `Booking` in `event-booking.ts`), the
 * chunk's records are then booked by `BOOK_CODE` on the thread that ran it.
 */
const CHUNK_CODE = `
  if (kind === ${GATHER}) ex.gather(a[0] + 16 * first, cnt, a[1]);
  else if (kind === ${STREAM}) stream(ex, mem32, mem64, a[0] >> 2);
  else {
    const C = kind === ${GATHER_IAF} ? a[1] >> 3 : a[1];
    const rec = a[5] + 16 * first * C;
    const r = kind === ${GATHER_IAF} ? ex.gatherIaf(a[0] + 16 * first, cnt, a[1], a[2], a[3], th, m, a[4], rec) : ex.iaf(a[0] + 4 * first, cnt, a[1], a[2], a[3], th, m, a[4], rec, 0);
    mem32[(a[6] >> 2) + k] = r;
    if (a[11] !== 0) book(mem32, mem64, rec, r, first * C, k, a[7], a[8], a[9], a[10]);
  }
`;

/** The helper's code (plain JavaScript: it runs the same under tsx, in bundles and in tests). */
const HELPER = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const ctrl = new Int32Array(workerData.ctrl);
const f64 = new Float64Array(workerData.ctrl);
const port = workerData.port;
let ex = null, mem32 = null, mem64 = null, gen = -1, lastTag = -1;
${BOOK_CODE}
${STREAM_CODE}
try {
  for (;;) {
    const v = Atomics.load(ctrl, ${NEXT});
    const tag = v >>> 12;
    if (tag === lastTag) { Atomics.wait(ctrl, ${NEXT}, v); continue; }
    const s = ${SLOT0} + (tag & 1) * ${SLOT_WORDS};
    const kind = ctrl[s + ${KIND}], jobGen = ctrl[s + ${GEN}], n = ctrl[s + ${ITEMS}], ch = ctrl[s + ${CHUNK}];
    const a = ctrl.slice(s + ${ARGS}, s + ${FLOATS});
    const th = f64[(s + ${FLOATS}) >> 1], m = f64[(s + ${FLOATS} + 2) >> 1];
    if (Atomics.load(ctrl, ${NEXT}) >>> 12 !== tag) continue;
    lastTag = tag;
    if (jobGen !== gen) {
      let msg, latest = null;
      while ((msg = receiveMessageOnPort(port))) latest = msg.message;
      if (latest) {
        ex = new WebAssembly.Instance(latest.module, { env: { mem: latest.memory } }).exports;
        mem32 = new Int32Array(latest.memory.buffer);
        mem64 = new Float64Array(latest.memory.buffer);
        gen = latest.gen;
      }
      if (jobGen !== gen) continue;
    }
    const chunks = Math.ceil(n / ch);
    for (;;) {
      const w = Atomics.load(ctrl, ${NEXT});
      const k = w & 4095;
      if (w >>> 12 !== tag || k >= chunks) break;
      if (Atomics.compareExchange(ctrl, ${NEXT}, w, w + 1) !== w) continue;
      const first = k * ch, cnt = Math.min(ch, n - first);
      ${CHUNK_CODE}
      // A stream is ended by its caller without waiting (\`endStream\`): it counts no items.
      if (kind !== ${STREAM} && Atomics.add(ctrl, ${FIN}, cnt) + cnt === n) Atomics.notify(ctrl, ${FIN});
    }
  }
} catch (e) {
  // The caller may be blocked in Atomics.wait: say why on the port, raise the flag and wake it.
  port.postMessage(String((e && e.stack) || e));
  Atomics.store(ctrl, ${FAILED}, 1);
  Atomics.notify(ctrl, ${FIN});
}
`;

type RunChunk = (kind: number, k: number, first: number, cnt: number, a: Int32Array, th: number, m: number, ex: SimKernel, mem32: Int32Array, mem64: Float64Array) => void;
/** `CHUNK_CODE` on the calling thread: a function of the same text, so the caller and the helpers cannot drift apart (as `book`). */
const runChunk = new Function('book', 'stream', `return function runChunk(kind, k, first, cnt, a, th, m, ex, mem32, mem64) {${CHUNK_CODE}};`)(book, stream) as RunChunk;

/** The calling thread and `helpers` threads running kernel calls over one shared memory. */
export class KernelPool {
  private readonly ctrl: Int32Array;
  private readonly f64: Float64Array;
  private readonly ports: MessagePort[] = [];
  private readonly workers: Worker[] = [];
  private bound: WebAssembly.Memory | null = null;
  private gen = 0;
  private tag = 0;
  private mem32 = new Int32Array(0);
  private mem64 = new Float64Array(0);

  constructor(readonly helpers: number) {
    const sab = new SharedArrayBuffer(4 * (SLOT0 + 2 * SLOT_WORDS));
    this.ctrl = new Int32Array(sab);
    this.f64 = new Float64Array(sab);
    for (let index = 0; index < helpers; index++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(HELPER, { eval: true, workerData: { ctrl: sab, port: port2 }, transferList: [port2] });
      worker.unref();
      port1.unref();
      this.ports.push(port1);
      this.workers.push(worker);
    }
  }

  /** Hands the helpers `kernel`'s module and memory (they take it up with their next job). */
  private bind(kernel: SimKernel): void {
    if (this.bound === kernel.memory) return;
    this.gen = (this.gen + 1) | 0;
    for (const port of this.ports) port.postMessage({ module: kernel.module, memory: kernel.memory, gen: this.gen });
    this.bound = kernel.memory;
    this.mem32 = new Int32Array(kernel.memory.buffer);
    this.mem64 = new Float64Array(kernel.memory.buffer);
  }

  /** The job `start` began and `join` has yet to finish, or null. */
  private job: { kernel: SimKernel; kind: number; n: number; chunk: number; a: Int32Array; th: number; m: number } | null = null;

  /** Runs a job of `n` items, `chunk` at a time, on every thread; returns when all are done. */
  private run(kernel: SimKernel, kind: number, n: number, chunk: number, args: number[], th = 0, m = 0): void {
    this.start(kernel, kind, n, chunk, args, th, m);
    this.join();
  }

  /** Hands a job to the helpers, which start on it at once; the calling thread joins in with `join`. */
  private start(kernel: SimKernel, kind: number, n: number, chunk: number, args: number[], th = 0, m = 0): void {
    if (this.job !== null) throw new Error('a simulation helper job is already running');
    this.bind(kernel);
    const { ctrl } = this;
    chunk = Math.max(chunk, Math.ceil(n / MAX_CHUNKS));
    this.tag = (this.tag + 1) & 0xfffff;
    const s = SLOT0 + (this.tag & 1) * SLOT_WORDS;
    ctrl[s + KIND] = kind; ctrl[s + GEN] = this.gen; ctrl[s + ITEMS] = n; ctrl[s + CHUNK] = chunk;
    for (let i = 0; i < args.length; i++) ctrl[s + ARGS + i] = args[i];
    this.f64[(s + FLOATS) >> 1] = th; this.f64[(s + FLOATS + 2) >> 1] = m;
    Atomics.store(ctrl, FIN, 0);
    Atomics.store(ctrl, NEXT, this.tag << 12);
    Atomics.notify(ctrl, NEXT);
    this.job = { kernel, kind, n, chunk, a: ctrl.subarray(s + ARGS, s + FLOATS), th, m };
  }

  /** Runs what is left of the started job's chunks on the calling thread, then waits for the helpers' own. */
  join(): void {
    const job = this.job;
    if (job === null) return;
    this.job = null;
    const { ctrl } = this;
    const { kernel, kind, n, chunk, a, th, m } = job;
    const chunks = Math.ceil(n / chunk);
    try {
      for (;;) {
        const w = Atomics.load(ctrl, NEXT);
        const k = w & 4095;
        if (k >= chunks) break;
        if (Atomics.compareExchange(ctrl, NEXT, w, w + 1) !== w) continue;
        const first = k * chunk, cnt = Math.min(chunk, n - first);
        runChunk(kind, k, first, cnt, a, th, m, kernel, this.mem32, this.mem64);
        Atomics.add(ctrl, FIN, cnt);
      }
    } catch (e) {
      // The kernel trapped here: helpers may be left mid-job, so this pool is not used again.
      this.discard();
      throw e;
    }
    for (let spin = 0; spin < 4000; spin++) if (Atomics.load(ctrl, FIN) >= n) return;
    let f: number;
    while ((f = Atomics.load(ctrl, FIN)) < n && Atomics.load(ctrl, FAILED) === 0) Atomics.wait(ctrl, FIN, f);
    this.check();
  }

  /** Throws why, and replaces this pool, if a helper has failed. */
  check(): void {
    if (Atomics.load(this.ctrl, FAILED) === 0) return;
    const why = this.ports.map((p) => receiveMessageOnPort(p)?.message as unknown).find((x) => x !== undefined);
    this.discard();
    throw new Error(`a simulation helper thread failed: ${String(why ?? 'no reason given')}; run with threads: 1 to simulate on the calling thread only`);
  }

  /** `kernel.gather(groups, nGroups, rowBytes)` on all threads, `chunk` groups at a time. */
  gather(kernel: SimKernel, groups: number, nGroups: number, rowBytes: number, chunk: number): void {
    this.run(kernel, GATHER, nGroups, chunk, [groups, rowBytes]);
  }

  /**
   * `kernel.iaf` over `nPos` positions on all threads, `chunk` positions at a time: chunk k (positions
   * `k·chunk …`) lists its records from `cand + 16·k·chunk·C` and writes their number to the int32 at
   * `counts + 4k`; with `booking`, the thread that ran a chunk also books its records there. Returns the
   * chunk size used (`chunk`, or more when that would make over 4095 chunks).
   */
  iaf(kernel: SimKernel, pos: number, nPos: number, C: number, buf: number, vBase: number, th: number, m: number, mode: number, cand: number, counts: number, chunk: number,
    booking: BookArgs | null = null): number {
    chunk = Math.max(chunk, Math.ceil(nPos / MAX_CHUNKS));
    this.run(kernel, IAF, nPos, chunk, [pos, C, buf, vBase, mode, cand, counts, ...bookArgs(booking)], th, m);
    return chunk;
  }

  /**
   * `kernel.gatherIaf` over `nGroups` groups on all threads, `chunk` groups at a time: chunk k lists its
   * records from `cand + 16·k·chunk·C` (`rowBytes = 8·C`) and writes their number to the int32 at
   * `counts + 4k`. Returns the chunk size used (as `iaf`).
   */
  gatherIaf(kernel: SimKernel, groups: number, nGroups: number, rowBytes: number, vShift: number, vBase: number, th: number, m: number, mode: number, cand: number, counts: number, chunk: number,
    booking: BookArgs | null = null): number {
    chunk = this.startGatherIaf(kernel, groups, nGroups, rowBytes, vShift, vBase, th, m, mode, cand, counts, chunk, booking);
    this.join();
    return chunk;
  }

  /**
   * `gatherIaf` begun on the helpers only: the calling thread may do other work (not on the job's memory)
   * before it joins in with `join`, which returns when the job is done. Returns the chunk size used.
   */
  startGatherIaf(kernel: SimKernel, groups: number, nGroups: number, rowBytes: number, vShift: number, vBase: number, th: number, m: number, mode: number, cand: number, counts: number, chunk: number,
    booking: BookArgs | null = null): number {
    chunk = Math.max(chunk, Math.ceil(nGroups / MAX_CHUNKS));
    this.start(kernel, GATHER_IAF, nGroups, chunk, [groups, rowBytes, vShift, vBase, mode, cand, counts, ...bookArgs(booking)], th, m);
    return chunk;
  }

  /**
   * A segment's scatter and integration streamed to the helpers (`stream` in `wasm-stream.ts`; descriptor
   * at byte offset `desc`): one job that a helper takes and keeps until every step of the stream is claimed
   * or the caller stops it. The caller feeds it, runs the steps no helper has claimed itself, stops it and
   * ends it with `endStream`, which does not wait for the helper: once the stream is stopped, a helper that
   * is still in it (held back by the machine's load) claims nothing, or only steps of the descriptor's next
   * run, which it runs as any helper would.
   */
  startStream(kernel: SimKernel, desc: number): void {
    this.start(kernel, STREAM, 1, 1, [desc]);
  }

  /** Ends the started stream (see `startStream`); another job may start after it. */
  endStream(): void {
    if (this.job?.kind !== STREAM) throw new Error('no simulation stream is running');
    this.job = null;
  }

  /** Whether a helper has failed (`check` throws why). */
  failed(): boolean {
    return Atomics.load(this.ctrl, FAILED) !== 0;
  }

  /** Ends the helpers. */
  close(): void {
    for (const w of this.workers) void w.terminate();
    for (const p of this.ports) p.close();
  }

  /** Ends the helpers and forgets this pool (the next `kernelPool` call starts another). */
  private discard(): void {
    this.close();
    if (pool === this) pool = null;
  }
}

let pool: KernelPool | null = null;

/** Threads a simulation uses when it does not say: two where there are two cores or more, else one. */
export function defaultSimThreads(): number {
  return Math.min(2, availableParallelism());
}

/** The process's pool with `threads − 1` helpers (replaced when another count is asked for), or null for one thread. */
export function kernelPool(threads: number): KernelPool | null {
  if (threads <= 1) return null;
  if (pool?.helpers !== threads - 1) { pool?.close(); pool = new KernelPool(threads - 1); }
  return pool;
}
