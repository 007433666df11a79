/**
 * Data-parallel training steps across threads: each of `threads` worker threads owns a copy of the network
 * on the same backend; a step sends every thread the current weights and an even share of the batch's
 * rows, each returns the gradient of its share of the batch loss (`shard.ts`), and the sum is the whole
 * batch's gradient (equal to one thread's up to float rounding: sums run in another order). Adam stays on
 * the calling thread, which keeps the net, so checkpoints, resume and evaluation are unchanged. The calling
 * thread only coordinates: it never blocks, so a cancel or a thread's crash is seen at once.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import type { ModelFile } from '../model/types';
import type { BackendName } from './backend';
import type { LossOptions } from './loss';
import type { ForwardOptions, Shard, TrainNet } from './net';
import type { TimeForwardOptions } from './through-time';
import { synopTermOf } from './loss';

export interface ShardStepMessage {
  weights: [string, Float32Array][];
  /** This shard's rows: `shape[0]` frames (`n` samples, or `n · bins` through time). */
  x: Float32Array;
  shape: [number, number, number, number];
  labels: Int32Array;
  /** The teacher's logits of these rows, `[n, classes]` row-major (distillation only). */
  teacher?: Float32Array;
  /** The ANN step's forward options (`time` absent). */
  fwd: ForwardOptions;
  /** A step through time (`through-time.ts`) instead, with these options but the shard's own batch size. */
  time?: Omit<TimeForwardOptions, 'batch'>;
  shard: Shard;
  loss: LossOptions;
  parties: number;
}

/** A batch for `step`: `x` holds `labels.length · framesPerSample` NHWC frames of `frame` = [h, w, c]. */
export interface StepBatch { x: Float32Array; frame: [number, number, number]; labels: Int32Array; framesPerSample?: number; teacher?: Float32Array }

export type ShardReply = { type: 'ready' } | { type: 'error'; message: string; secondary?: boolean } | { type: 'done'; grads: [string, Float32Array][]; stats: Float32Array };

/** Threads a run uses when it does not say: one per core, at most 4, and at least 8 samples per thread. */
export function defaultThreads(batchSize: number): number {
  return Math.max(1, Math.min(availableParallelism(), 4, Math.floor(batchSize / 8)));
}

function startThread(script: string, data: unknown): Worker {
  // Sources run under tsx (tests, benchmarks): the thread registers tsx itself, as it does not inherit the loader.
  if (script.endsWith('.ts')) return new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(script)});`, { eval: true, workerData: data });
  return new Worker(script, { workerData: data });
}

/** Rows `[offset, offset + n)` of each of `parties` shards of a batch of `total` (sizes differ by at most one). */
export function shardRows(total: number, parties: number): { offset: number; n: number }[] {
  const out: { offset: number; n: number }[] = [];
  let offset = 0;
  for (let k = 0; k < parties; k++) {
    const n = Math.floor(total / parties) + (k < total % parties ? 1 : 0);
    if (n > 0) out.push({ offset, n });
    offset += n;
  }
  return out;
}

export class ParallelTrainer {
  private readonly control = new Int32Array(new SharedArrayBuffer(8));
  private readonly workers: Worker[] = [];
  private pending: { resolve: (r: ShardReply) => void }[] = [];
  private failure: string | undefined;

  private constructor(readonly threads: number) {}

  /** Starts `threads` training threads (the thread script at `script`, found by `src/io/train/threads.ts`) for `model` on `backend` and waits until each has built its network. */
  static async start(model: ModelFile, backend: BackendName, threads: number, seed: number, script: string): Promise<ParallelTrainer> {
    const p = new ParallelTrainer(threads);
    const slots = new SharedArrayBuffer(8 * threads);
    const ready = Array.from({ length: threads }, (_, index) => {
      const w = startThread(script, { model, backend, seed, index, control: p.control.buffer, slots });
      p.workers.push(w);
      return new Promise<void>((resolve, reject) => {
        w.once('message', (m: ShardReply) => (m.type === 'ready' ? resolve() : reject(new Error(m.type === 'error' ? m.message : 'unexpected reply'))));
        w.once('error', reject);
      });
    });
    try { await Promise.all(ready); } catch (e) { await p.close(); throw e; }
    p.workers.forEach((w) => {
      w.on('error', (e) => p.fail(`a training thread crashed: ${e.message}`));
      w.on('exit', (code) => { if (code !== 0) p.fail(`a training thread exited with code ${code}`); });
    });
    return p;
  }

  private fail(message: string): void {
    this.failure ??= message;
    Atomics.store(this.control, 1, 1);
    Atomics.notify(this.control, 0);
    for (const p of this.pending) p.resolve({ type: 'error', message });
    this.pending = [];
  }

  /**
   * One step's summed gradients (by layer name) for `batch` and the batch's statistics in `optimizeStep`'s
   * order: `[total, ce, synopTerm, S, correct, per connection…]`. `fwd` is the ANN step's forward options;
   * `time` makes it a step through time.
   */
  async step(net: TrainNet, batch: StepBatch, fwd: ForwardOptions, loss: LossOptions, time?: Omit<TimeForwardOptions, 'batch'>): Promise<{ grads: Map<string, Float32Array>; stats: Float32Array }> {
    if (this.failure) throw new Error(this.failure);
    const [h, w, c] = batch.frame;
    const per = batch.framesPerSample ?? 1;
    const total = batch.labels.length;
    const size = per * h * w * c;
    const rows = shardRows(total, this.threads);
    const classes = batch.teacher ? batch.teacher.length / total : 0;
    const weights = [...net.vars].map(([name, v]) => [name, v.dataSync() as Float32Array] as [string, Float32Array]);
    Atomics.store(this.control, 0, 0);
    const replies = rows.map((r, k) => new Promise<ShardReply>((resolve) => {
      const entry = { resolve };
      this.pending.push(entry);
      this.workers[k].once('message', (m: ShardReply) => { this.pending = this.pending.filter((e) => e !== entry); resolve(m); });
      const msg: ShardStepMessage = {
        weights, x: batch.x.slice(r.offset * size, (r.offset + r.n) * size), shape: [r.n * per, h, w, c],
        labels: batch.labels.slice(r.offset, r.offset + r.n), fwd, time, shard: { offset: r.offset, total }, loss, parties: rows.length,
        ...(batch.teacher ? { teacher: batch.teacher.slice(r.offset * classes, (r.offset + r.n) * classes) } : {}),
      };
      this.workers[k].postMessage(msg, [msg.x.buffer as ArrayBuffer]);
    }));
    const got = await Promise.all(replies);
    // A thread that only stopped because another failed (`secondary`) does not hide the cause.
    const bad = got.find((m) => m.type === 'error' && !m.secondary) ?? got.find((m) => m.type === 'error');
    if (bad?.type === 'error') { this.fail(bad.message); throw new Error(bad.message); }
    const done = got as Extract<ShardReply, { type: 'done' }>[];
    const grads = new Map<string, Float32Array>();
    for (const d of done) for (const [name, g] of d.grads) {
      const acc = grads.get(name);
      if (!acc) grads.set(name, g);
      else for (let i = 0; i < g.length; i++) acc[i] += g[i];
    }
    return { grads, stats: combineStats(done.map((d, k) => ({ n: rows[k].n, stats: d.stats })), loss) };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** The batch's `[total, ce, synopTerm, S, correct, per connection…]` from shards' `[CE_k, S_k, correct_k, wd, per connection…]`. */
export function combineStats(shards: { n: number; stats: Float32Array }[], loss: LossOptions): Float32Array {
  const n = shards.reduce((a, s) => a + s.n, 0);
  const conns = shards[0].stats.length - 4;
  const out = new Float32Array(5 + conns);
  let ce = 0, s = 0, correct = 0;
  for (const sh of shards) {
    ce += (sh.n / n) * sh.stats[0];
    s += (sh.n / n) * sh.stats[1];
    correct += sh.stats[2];
    for (let k = 0; k < conns; k++) out[5 + k] += (sh.n / n) * sh.stats[4 + k];
  }
  const term = synopTermOf(loss.objective, s);
  out[0] = ce + term + shards[0].stats[3];
  out[1] = ce; out[2] = term; out[3] = s; out[4] = correct;
  return out;
}

/** Gradients by layer name as the tensors `Adam.apply` takes (keyed by variable name). */
export function gradTensors(net: TrainNet, grads: Map<string, Float32Array>): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [name, v] of net.vars) out[v.name] = tf.tensor(grads.get(name)!, v.shape);
  return out;
}
