/**
 * `npm run bench:sim-ab`: two forms of the event-driven engine on the Sinabs fixture's CIFAR-10 image (10
 * steps; `--net mnist`: its MNIST-DVS chunk, 3,000 events in 300 steps), alternating sample by sample in one
 * process so that the machine's load falls on both alike.
 * Prints, per form, the least, first-quartile and median wall time and process CPU time per sample. A
 * figure, not a test: the load average is printed with it.
 * - Default: a gathering conv and its spiking layer as one pipelined kernel pass per step
 *   (`event-fused.ts`, the default) against two passes (`setFusedIntegration(false)`); with `--net mnist`,
 *   the scattering convs' segments always streamed to a helper (`event-stream.ts`) against never (the
 *   default chooses by the runs' times, `stream-choice.ts`).
 * - `--against <checkout>`: this checkout's engine against the one of another checkout of the project
 *   (e.g. a worktree of main), both loaded in this process; their spike counts must be equal.
 *
 *   npm run bench:sim-ab -- [--net cifar|mnist] [--threads N] [--samples N] [--against <dir>]
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import type { ModelFile } from '../src/core/model/types';
import { setFusedIntegration, setStreamedScatter, simulateEvents } from '../src/core/sim/event-engine';
import type { SimResult } from '../src/core/sim/result';
import { loadFixture, weightsFor } from '../src/io/sim/sinabs-fixture';
import { sharedDataDir } from '../scripts/shared-data';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const mnist = arg('--net', 'cifar') === 'mnist';
const tpl = JSON.parse(readFileSync(join(__dirname, '..', 'templates', mnist ? 'mnist-dvs.snn.json' : 'cifar10-allconv.snn.json'), 'utf8')) as ModelFile;
const fx = loadFixture(join(sharedDataDir(), 'sinabs-reference', mnist ? 'mnist_dvs_seed1.json' : 'cifar_seed1.json'));
const weights = weightsFor(tpl, fx.weights);
const threads = Number(arg('--threads', '2'));
const n = Number(arg('--samples', mnist ? '400' : '40'));
const against = arg('--against', '');

type Form = { name: string; run: () => SimResult };
function forms(): [Form, Form] {
  const opts = { neuron: fx.neuron, threads };
  if (against) {
    // The other checkout's engine: its own module instances (kernel, helper threads), the same model and input.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const other = require(resolve(against, 'src', 'core', 'sim', 'event-engine.ts')) as { simulateEvents: typeof simulateEvents };
    const otherWeights = weightsFor(tpl, fx.weights);
    return [{ name: 'this checkout', run: () => simulateEvents(tpl, weights, fx.input, opts) },
      { name: `${against}`, run: () => other.simulateEvents(tpl, otherWeights, fx.input, opts) }];
  }
  if (mnist) {
    return [{ name: 'streamed scatter', run: () => { setStreamedScatter(true); return simulateEvents(tpl, weights, fx.input, opts); } },
      { name: 'not streamed', run: () => { setStreamedScatter(false); return simulateEvents(tpl, weights, fx.input, opts); } }];
  }
  return [{ name: 'one pass, pipelined', run: () => { setFusedIntegration(true); return simulateEvents(tpl, weights, fx.input, opts); } },
    { name: 'two passes', run: () => { setFusedIntegration(false); return simulateEvents(tpl, weights, fx.input, opts); } }];
}

const [a, b] = forms();
const countsOf = (r: SimResult) => r.layers.map((l) => l.total).join(',');
const ca = countsOf(a.run()), cb = countsOf(b.run());
if (ca !== cb) throw new Error(`the two forms disagree: spikes per layer ${ca} vs ${cb}`);
for (let i = 0; i < (mnist ? 60 : 6); i++) (i % 2 === 0 ? a : b).run();
const load0 = loadavg();
const res = new Map<Form, { wall: number[]; cpu: number[] }>([[a, { wall: [], cpu: [] }], [b, { wall: [], cpu: [] }]]);
for (let i = 0; i < 2 * n; i++) {
  const form = i % 2 === 0 ? a : b;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  form.run();
  const r = res.get(form)!;
  r.wall.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  r.cpu.push((c.user + c.system) / 1000);
}
setFusedIntegration(true);
setStreamedScatter('auto');
const at = (xs: number[], q: number) => [...xs].sort((x, y) => x - y)[Math.floor(q * (xs.length - 1))].toFixed(mnist ? 3 : 1);
console.log(`${mnist ? 'MNIST-DVS fixture chunk, 300 steps' : 'CIFAR-10 fixture image, 10 steps'}, ${threads} thread(s), ${n} samples each, alternating; load average ${load0.map((x) => x.toFixed(2)).join(' ')} before, ${loadavg().map((x) => x.toFixed(2)).join(' ')} after (1/5/15 min)`);
for (const [form, r] of res) console.log(`${form.name.padEnd(20)} wall ms: least ${at(r.wall, 0)}, quartile ${at(r.wall, 0.25)}, median ${at(r.wall, 0.5)}; CPU ms: quartile ${at(r.cpu, 0.25)}, median ${at(r.cpu, 0.5)}`);
