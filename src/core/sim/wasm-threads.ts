/**
 * Helper threads for the event-driven engine's `gather` kernel (`wasm-kernel.ts`): the output rows of one
 * gathered conv step are split into chunks that the calling thread and the helpers claim from a shared
 * counter, each running the same kernel over the same shared WebAssembly memory. A row is computed by one
 * thread, in the same order of additions as on one thread, so the results are the same bits whatever the
 * number of threads or how the chunks fell. Claiming (rather than a fixed split) keeps a helper that the
 * machine's load holds back from holding up the caller: the caller takes the chunks it has not claimed.
 *
 * One pool per process (per JS thread that simulates), started on first use; the helpers are unref'd, so
 * they never keep the process alive, and bound to one engine memory at a time (`bind`). The caller waits
 * with `Atomics.wait`, which Node allows on the main thread; the engine is synchronous anyway.
 *
 * Protocol over `ctrl` (Int32Array on a SharedArrayBuffer):
 * - the caller closes the previous job (`SEQ` odd), waits until no helper is inside it (`BUSY[w]` = 0),
 *   writes the job, opens it (`SEQ` even) and wakes the helpers;
 * - a helper that sees a new even `SEQ` marks itself busy with it, checks `SEQ` again (so it never reads a
 *   job while it is written), claims `CHUNK` rows at a time from `NEXT` until none are left, adding what it
 *   finished to `FIN`, then marks itself idle;
 * - the caller claims alongside and returns when `FIN` has reached the job's row count.
 * A bind job hands each helper the new memory through its message port (read synchronously). A helper
 * that throws raises `FAILED` and wakes the caller, which throws in turn (and the pool is replaced).
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { SimKernel } from './wasm-kernel';

const SEQ = 0, NEXT = 1, FIN = 2, CMD = 3, G0 = 4, N = 5, ROW = 6, CHUNK = 7, FAILED = 8, BUSY = 9;
const GATHER = 1, BIND = 2;

/** The helper's code (plain JavaScript: it runs the same under tsx, in bundles and in tests). */
const HELPER = `
const { workerData } = require('node:worker_threads');
const { receiveMessageOnPort } = require('node:worker_threads');
const ctrl = new Int32Array(workerData.ctrl);
const port = workerData.port;
const me = ${BUSY} + workerData.index;
let gather = null;
let last = 0;
try {
for (;;) {
  const s = Atomics.load(ctrl, ${SEQ});
  if ((s & 1) === 1 || s === last) { Atomics.wait(ctrl, ${SEQ}, s); continue; }
  Atomics.store(ctrl, me, s);
  if (Atomics.load(ctrl, ${SEQ}) !== s) { Atomics.store(ctrl, me, 0); Atomics.notify(ctrl, me); continue; }
  last = s;
  const n = ctrl[${N}];
  if (ctrl[${CMD}] === ${BIND}) {
    let m;
    while (!(m = receiveMessageOnPort(port))) Atomics.wait(ctrl, ${SEQ}, s, 1);
    gather = new WebAssembly.Instance(m.message.module, { env: { mem: m.message.memory } }).exports.gather;
    if (Atomics.add(ctrl, ${FIN}, 1) + 1 === n) Atomics.notify(ctrl, ${FIN});
  } else {
    const g0 = ctrl[${G0}], row = ctrl[${ROW}], chunk = ctrl[${CHUNK}];
    for (;;) {
      const k = Atomics.add(ctrl, ${NEXT}, chunk);
      if (k >= n) break;
      const c = Math.min(chunk, n - k);
      gather(g0 + 16 * k, c, row);
      if (Atomics.add(ctrl, ${FIN}, c) + c === n) Atomics.notify(ctrl, ${FIN});
    }
  }
  Atomics.store(ctrl, me, 0);
  Atomics.notify(ctrl, me);
}
} catch (e) {
  // The caller is blocked in Atomics.wait: say why on the port, raise the flag, wake it, and leave.
  port.postMessage(String(e && e.stack || e));
  Atomics.store(ctrl, ${FAILED}, 1);
  Atomics.notify(ctrl, ${FIN});
  Atomics.store(ctrl, me, 0);
  Atomics.notify(ctrl, me);
}
`;

/** The calling thread and `helpers` threads running `gather` over one shared memory. */
export class GatherPool {
  private readonly ctrl: Int32Array;
  private readonly ports: MessagePort[] = [];
  private readonly workers: Worker[] = [];
  private bound: WebAssembly.Memory | null = null;

  constructor(readonly helpers: number) {
    this.ctrl = new Int32Array(new SharedArrayBuffer(4 * (BUSY + helpers)));
    for (let index = 0; index < helpers; index++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(HELPER, { eval: true, workerData: { ctrl: this.ctrl.buffer, port: port2, index }, transferList: [port2] });
      worker.unref();
      port1.unref();
      this.ports.push(port1);
      this.workers.push(worker);
    }
  }

  /** Opens a job of `n` items for the helpers (after the previous one is closed and left). */
  private open(cmd: number, n: number, g0: number, row: number, chunk: number): void {
    const { ctrl } = this;
    Atomics.add(ctrl, SEQ, 1);
    for (let w = 0; w < this.helpers; w++) {
      let b: number;
      while ((b = Atomics.load(ctrl, BUSY + w)) !== 0) Atomics.wait(ctrl, BUSY + w, b);
    }
    ctrl[CMD] = cmd; ctrl[G0] = g0; ctrl[N] = n; ctrl[ROW] = row; ctrl[CHUNK] = chunk;
    Atomics.store(ctrl, NEXT, 0);
    Atomics.store(ctrl, FIN, 0);
    Atomics.add(ctrl, SEQ, 1);
    Atomics.notify(ctrl, SEQ);
  }

  /** Waits until `n` items are finished; throws if a helper failed (the pool is then closed). */
  private finish(n: number): void {
    const { ctrl } = this;
    for (let spin = 0; spin < 2000; spin++) if (Atomics.load(ctrl, FIN) >= n) return;
    let f: number;
    while ((f = Atomics.load(ctrl, FIN)) < n && Atomics.load(ctrl, FAILED) === 0) Atomics.wait(ctrl, FIN, f);
    if (Atomics.load(ctrl, FAILED) !== 0) {
      const why = this.ports.map((p) => receiveMessageOnPort(p)?.message).find((m) => m !== undefined);
      this.discard();
      throw new Error(`a simulation helper thread failed: ${String(why ?? 'no reason given')}; run with threads: 1 to simulate on the calling thread only`);
    }
  }

  /** Makes the helpers run `kernel`'s module over its (shared) memory. */
  bind(kernel: SimKernel): void {
    if (this.bound === kernel.memory) return;
    for (const port of this.ports) port.postMessage({ module: kernel.module, memory: kernel.memory });
    this.open(BIND, this.helpers, 0, 0, 0);
    this.finish(this.helpers);
    this.bound = kernel.memory;
  }

  /** `kernel.gather(groups, nGroups, rowBytes)` on all threads, `chunk` groups at a time; returns when all are done. */
  gather(kernel: SimKernel, groups: number, nGroups: number, rowBytes: number, chunk: number): void {
    this.bind(kernel);
    this.open(GATHER, nGroups, groups, rowBytes, chunk);
    const { ctrl } = this;
    try {
      for (;;) {
        const k = Atomics.add(ctrl, NEXT, chunk);
        if (k >= nGroups) break;
        const c = Math.min(chunk, nGroups - k);
        kernel.gather(groups + 16 * k, c, rowBytes);
        Atomics.add(ctrl, FIN, c);
      }
    } catch (e) {
      // The kernel trapped here: the helpers may be left mid-job, so this pool is not used again.
      this.discard();
      throw e;
    }
    this.finish(nGroups);
  }

  /** Ends the helpers and forgets this pool (the next `gatherPool` call starts another). */
  private discard(): void {
    this.close();
    if (pool === this) pool = null;
  }

  /** Ends the helpers. */
  close(): void {
    for (const w of this.workers) void w.terminate();
    for (const p of this.ports) p.close();
  }
}

let pool: GatherPool | null = null;

/** Threads a simulation uses when it does not say: two where there are two cores or more, else one. */
export function defaultSimThreads(): number {
  return Math.min(2, availableParallelism());
}

/** The process's pool with `threads − 1` helpers (replaced when another count is asked for), or null for one thread. */
export function gatherPool(threads: number): GatherPool | null {
  if (threads <= 1) return null;
  if (pool?.helpers !== threads - 1) { pool?.close(); pool = new GatherPool(threads - 1); }
  return pool;
}
