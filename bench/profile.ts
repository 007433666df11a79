/**
 * `npm run bench:profile`: where the time of one training step goes, per kernel, on tfjs' wasm backend on one
 * thread (the step a run takes alone, `optimizeStep` then Adam). Warm-up steps first, then `--steps` steps
 * under `tf.profile` (each kernel timed as it runs; the timing forces no extra work on wasm, which runs
 * kernels synchronously), summed by kernel and by group (conv forward, its two gradients, the fused spiking
 * layer each way, dropout each way, Adam, the rest), in ms per step, with the step's wall and CPU time
 * measured without the profiler. A figure, not a test: the machine may be shared, so the load average is
 * printed with it.
 *
 *   npx tsx bench/profile.ts [--net allconv|mnist] [--batch N] [--steps N] [--by-shape] [--direct]
 *
 * `--direct` turns the Winograd convolutions off (the direct kernels instead), for a before/after in one sitting.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Adam } from '../src/core/train/adam';
import { selectBackend } from '../src/core/train/backend';
import { optimizeStep } from '../src/core/train/loop';
import { lossParts, type LossOptions } from '../src/core/train/loss';
import { buildNet, type ForwardOptions } from '../src/core/train/net';
import { parseModel } from '../src/core/model/parse';
import { table } from '../src/cli/table';
import { useWinograd } from '../src/core/train/kernels/wasm-conv';

const FORWARD: ForwardOptions = { training: true, dropoutSeed: 1, activation: 'qrelu', skipOutputActivation: true };
const LOSS: LossOptions = { objective: { kind: 'target', target: 1e6 } };

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** The group a kernel's time is reported under. */
function group(kernel: string): string {
  switch (kernel) {
    case 'Conv2D': case 'SynopsConv2D': case 'FusedConv2D': return 'conv forward';
    case 'SynopsConv2DBackpropInput': case 'Conv2DBackpropInput': return 'conv input gradient';
    case 'SynopsConv2DBackpropFilter': case 'Conv2DBackpropFilter': return 'conv filter gradient';
    case 'SynopsSpike': return 'spiking layer (QReLU + SynOps + pool) forward';
    case 'SynopsSpikeGrad': return 'spiking layer backward';
    case 'SynopsDropout': return 'dropout (each way)';
    case 'SynopsAdamStep': return 'Adam';
    default: return `other: ${kernel}`;
  }
}

async function main(): Promise<void> {
  const which = arg('--net', 'allconv');
  const file = join(__dirname, '..', 'templates', which === 'mnist' ? 'mnist-dvs.snn.json' : 'cifar10-allconv.snn.json');
  const model = parseModel(readFileSync(file, 'utf8'), file).model!;
  const batch = Number(arg('--batch', '32'));
  const steps = Number(arg('--steps', '3'));
  await selectBackend('wasm');
  if (process.argv.includes('--direct')) useWinograd(false);
  const net = buildNet(model, 1);
  const adam = new Adam(1e-3);
  const [c, h, w] = model.input.shape;
  const x = tf.randomUniform([batch, h, w, c], -1, 1, 'float32', 1) as tf.Tensor4D;
  const y = tf.tensor1d(Int32Array.from({ length: batch }, (_, i) => i % 10), 'int32');
  const vars = [...net.vars.values()];
  const step = () => optimizeStep(net, adam, vars, () => lossParts(net, x, y, FORWARD, LOSS), 'profile');
  for (let i = 0; i < 2; i++) await step();
  // Wall and CPU time without the profiler.
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await step();
  const wallMs = (performance.now() - t0) / steps;
  const cu = process.cpuUsage(c0);
  const cpuMs = (cu.user + cu.system) / 1000 / steps;
  const info = await tf.profile(async () => { for (let i = 0; i < steps; i++) await step(); });
  const byShape = process.argv.includes('--by-shape');
  const sums = new Map<string, { ms: number; calls: number }>();
  let total = 0;
  for (const k of info.kernels) {
    const ms = k.kernelTimeMs as number;
    total += ms;
    const key = byShape ? `${group(k.name)} ${JSON.stringify(k.inputShapes)}` : group(k.name);
    const s = sums.get(key) ?? { ms: 0, calls: 0 };
    s.ms += ms;
    s.calls++;
    sums.set(key, s);
  }
  const rows = [...sums].sort((a, b) => b[1].ms - a[1].ms).map(([k, s]) => [k, (s.ms / steps).toFixed(1), `${((100 * s.ms) / total).toFixed(1)} %`, String(s.calls / steps)]);
  console.log(`${model.name}, batch ${batch}, wasm, one thread, ${process.argv.includes('--direct') ? 'direct convolutions (no Winograd), ' : ''}${steps} steps; load average ${loadavg().map((v) => v.toFixed(2)).join(' ')} (1/5/15 min)`);
  console.log(`step: ${wallMs.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU (${((batch * 1000) / wallMs).toFixed(1)} images/s wall, ${((batch * 1000) / cpuMs).toFixed(1)} per CPU-second); kernels under the profiler: ${(total / steps).toFixed(0)} ms per step`);
  console.log(table(['kernel group', 'ms/step', 'share', 'calls/step'], rows, [false, true, true, true]));
}

main().catch((e: unknown) => { console.error(e); process.exitCode = 1; });
