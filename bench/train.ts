/**
 * Training speed: images/s of one full training step (forward, SynOp loss + QReLU, backward, Adam) for the
 * paper's MNIST-DVS network (64×64, batch 256) and the CIFAR All-ConvNet (32×32×3, batch 32), per
 * available backend. Random inputs: speed does not depend on the data. Run alone: `npx tsx bench/train.ts`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Adam } from '../src/core/train/adam';
import { selectBackend, tryLoadTfjsNode, type BackendName } from '../src/core/train/backend';
import { lossParts } from '../src/core/train/loss';
import { buildNet, disposeNet } from '../src/core/train/net';
import { parseModel } from '../src/core/model/parse';
import type { ModelFile } from '../src/core/model/types';

export interface TrainBenchRow { network: string; backend: string; batch: number; imagesPerSec: number | null; note: string }

function template(name: string): ModelFile {
  const file = join(__dirname, '..', 'templates', name);
  const m = parseModel(readFileSync(file, 'utf8'), file).model;
  if (!m) throw new Error(`template ${name} does not parse`);
  return m;
}

/** Images/s of `steps` timed training steps after one warm-up step. */
async function stepsPerSec(model: ModelFile, batch: number, steps: number): Promise<number> {
  const net = buildNet(model, 1);
  const adam = new Adam(1e-3);
  const [c, h, w] = model.input.shape;
  const x = tf.tidy(() => (model.input.kind === 'events' ? tf.floor(tf.mul(tf.randomUniform([batch, h, w, c], 0, 1, 'float32', 1), 2.2)) : tf.randomUniform([batch, h, w, c], -1, 1, 'float32', 1))) as tf.Tensor4D;
  const y = tf.tensor1d(Int32Array.from({ length: batch }, (_, i) => i % 10), 'int32');
  const step = async (): Promise<void> => {
    const { value, grads } = tf.variableGrads(() => lossParts(net, x, y, { training: true, dropoutSeed: 1, activation: 'qrelu', skipOutputActivation: true }, { objective: { kind: 'target', target: 1e6 } }).total, [...net.vars.values()]);
    await value.data();
    adam.apply(net.vars, grads);
    tf.dispose([value, grads]);
  };
  await step();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await step();
  const s = (performance.now() - t0) / 1000;
  tf.dispose([x, y]);
  disposeNet(net);
  adam.dispose();
  return (steps * batch) / s;
}

/** One row per network and backend; a backend that does not load gets a row saying why. */
export async function trainBench(opts: { backends?: BackendName[]; quick?: boolean; full?: boolean } = {}): Promise<TrainBenchRow[]> {
  const rows: TrainBenchRow[] = [];
  const nets = [
    { network: 'MNIST-DVS (8/12/12, 64×64)', model: template('mnist-dvs.snn.json'), batch: 256, steps: { fast: 4, cpu: 1 } },
    { network: 'All-ConvNet (CIFAR-10)', model: template('cifar10-allconv.snn.json'), batch: 32, steps: { fast: 3, cpu: 1 } },
  ];
  for (const b of opts.backends ?? ['tensorflow', 'wasm', 'cpu'] as BackendName[]) {
    if (b === 'tensorflow') {
      const r = tryLoadTfjsNode();
      if (!r.ok) { for (const n of nets) rows.push({ network: n.network, backend: b, batch: n.batch, imagesPerSec: null, note: r.why ?? 'not available' }); continue; }
    }
    const info = await selectBackend(b);
    for (const n of nets) {
      if (b === 'cpu' && opts.quick) { rows.push({ network: n.network, backend: b, batch: n.batch, imagesPerSec: null, note: 'skipped (quick)' }); continue; }
      // One All-ConvNet step on cpu takes minutes (~0.2 images/s); only --full measures it.
      if (b === 'cpu' && n.batch === 32 && !opts.full) { rows.push({ network: n.network, backend: b, batch: n.batch, imagesPerSec: null, note: 'skipped (minutes per step; --full runs it)' }); continue; }
      const ips = await stepsPerSec(n.model, n.batch, b === 'cpu' ? n.steps.cpu : n.steps.fast);
      rows.push({ network: n.network, backend: b, batch: n.batch, imagesPerSec: ips, note: b === 'wasm' ? `SIMD ${info.simd ? 'on' : 'off'}, ${info.threads ?? 1} thread(s)` : '' });
    }
  }
  return rows;
}

if (require.main === module) {
  trainBench({ quick: process.argv.includes('--quick'), full: process.argv.includes('--full') }).then((rows) => {
    for (const r of rows) console.log(`${r.network.padEnd(28)} ${r.backend.padEnd(10)} batch ${String(r.batch).padStart(3)}  ${r.imagesPerSec === null ? '     –' : r.imagesPerSec.toFixed(1).padStart(7)} img/s  ${r.note}`);
  }, (e: unknown) => { console.error(e); process.exitCode = 1; });
}
