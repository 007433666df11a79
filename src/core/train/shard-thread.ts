/**
 * Entry of a training thread (`parallel.ts` starts one per shard): builds the network once, then for each
 * step takes the current weights and its rows of the batch and returns its gradients (`shard.ts`). The
 * barrier where the shards exchange their SynOps is a shared `Int32Array` `[arrived, aborted]` and a
 * `Float64Array` of one slot per shard.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, type BackendName } from './backend';
import { buildNet, type TrainNet } from './net';
import { lossParts } from './loss';
import { shardGradients } from './shard';
import { timeLossParts } from './through-time';
import type { ShardStepMessage, ShardReply } from './parallel';
import type { ModelFile } from '../model/types';

interface Init { model: ModelFile; backend: BackendName; seed: number; index: number; control: SharedArrayBuffer; slots: SharedArrayBuffer }

const init = workerData as Init;
const control = new Int32Array(init.control);
const slots = new Float64Array(init.slots);
let net: TrainNet | undefined;

/** This thread stopped because another one failed: that one's error is the one to report. */
class Aborted extends Error { constructor() { super('another training thread failed in this step'); } }

/** Posts this shard's `n_k·S_k`, waits until `parties` shards have, returns their sum (throws if the step was aborted). */
function exchange(weighted: number, parties: number): number {
  slots[init.index] = weighted;
  Atomics.add(control, 0, 1);
  Atomics.notify(control, 0);
  for (;;) {
    const arrived = Atomics.load(control, 0);
    if (arrived >= parties) break;
    if (Atomics.load(control, 1)) throw new Aborted();
    Atomics.wait(control, 0, arrived, 250);
  }
  let sum = 0;
  for (let k = 0; k < parties; k++) sum += slots[k];
  return sum;
}

function reply(m: ShardReply, transfer: ArrayBuffer[] = []): void { parentPort!.postMessage(m, transfer); }

async function start(): Promise<void> {
  await selectBackend(init.backend);
  net = buildNet(init.model, init.seed);
  reply({ type: 'ready' });
}

parentPort!.on('message', (m: ShardStepMessage) => {
  try {
    const n = net!;
    tf.tidy(() => { for (const [name, w] of m.weights) n.vars.get(name)!.assign(tf.tensor(w, n.vars.get(name)!.shape)); });
    const x = tf.tensor4d(m.x, m.shape);
    const y = tf.tensor1d(m.labels, 'int32');
    const t = m.teacher ? tf.tensor2d(m.teacher, [m.labels.length, m.teacher.length / m.labels.length]) : undefined;
    const rows = { n: m.labels.length, total: m.shard.total };
    const parts = m.time
      ? () => timeLossParts(n, x, y, { ...m.time!, batch: rows.n }, m.loss)
      : () => lossParts(n, x, y, { ...m.fwd, shard: m.shard }, m.loss, t);
    const r = shardGradients(n, rows, parts, m.loss, (w) => exchange(w, m.parties));
    tf.dispose(t ? [x, y, t] : [x, y]);
    const grads = [...r.grads].map(([name, g]) => [name, g.slice()] as [string, Float32Array]);
    reply({ type: 'done', grads, stats: r.stats }, grads.map(([, g]) => g.buffer as ArrayBuffer));
  } catch (e) {
    Atomics.store(control, 1, 1);
    Atomics.notify(control, 0);
    reply({ type: 'error', message: (e as Error).message, secondary: e instanceof Aborted });
  }
});

start().catch((e: unknown) => reply({ type: 'error', message: `could not start a training thread: ${(e as Error).message}` }));
