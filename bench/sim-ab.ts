/**
 * `npm run bench:sim-ab`: the event-driven engine on the Sinabs fixture's CIFAR-10 image (10 steps) with a
 * gathering conv and its spiking layer as one pipelined kernel pass per step (`event-fused.ts`, the default)
 * and as two passes (`setFusedIntegration(false)`), alternating sample by sample in one process so that the
 * machine's load falls on both alike. Prints, per variant, the least, first-quartile and median wall time
 * and process CPU time per sample. A figure, not a test: the load average is printed with it.
 *
 *   npm run bench:sim-ab -- [--threads N] [--samples N]
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { ModelFile } from '../src/core/model/types';
import { setFusedIntegration, simulateEvents } from '../src/core/sim/event-engine';
import { loadFixture, weightsFor } from '../src/io/sim/sinabs-fixture';
import { sharedDataDir } from '../scripts/shared-data';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const tpl = JSON.parse(readFileSync(join(__dirname, '..', 'templates', 'cifar10-allconv.snn.json'), 'utf8')) as ModelFile;
const fx = loadFixture(join(sharedDataDir(), 'sinabs-reference', 'cifar_seed1.json'));
const weights = weightsFor(tpl, fx.weights);
const threads = Number(arg('--threads', '2'));
const n = Number(arg('--samples', '40'));
const run = (fused: boolean) => { setFusedIntegration(fused); return simulateEvents(tpl, weights, fx.input, { neuron: fx.neuron, threads }); };
for (let i = 0; i < 6; i++) run(i % 2 === 0);
const load0 = loadavg();
const res = { 'one pass, pipelined': { wall: [] as number[], cpu: [] as number[] }, 'two passes': { wall: [] as number[], cpu: [] as number[] } };
for (let i = 0; i < 2 * n; i++) {
  const fused = i % 2 === 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  run(fused);
  const r = res[fused ? 'one pass, pipelined' : 'two passes'];
  r.wall.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  r.cpu.push((c.user + c.system) / 1000);
}
setFusedIntegration(true);
const at = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))].toFixed(1);
console.log(`CIFAR-10 fixture image, 10 steps, ${threads} thread(s), ${n} samples each, alternating; load average ${load0.map((x) => x.toFixed(2)).join(' ')} before, ${loadavg().map((x) => x.toFixed(2)).join(' ')} after (1/5/15 min)`);
for (const [name, r] of Object.entries(res)) console.log(`${name.padEnd(20)} wall ms: least ${at(r.wall, 0)}, quartile ${at(r.wall, 0.25)}, median ${at(r.wall, 0.5)}; CPU ms: quartile ${at(r.cpu, 0.25)}, median ${at(r.cpu, 0.5)}`);
