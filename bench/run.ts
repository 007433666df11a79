/**
 * `npm run bench`: milliseconds per sample of each simulation engine on the paper's two networks,
 * with events/s and SynOps/s, and the event-driven : dense ratio measured in the same run.
 * - MNIST-DVS network (templates/mnist-dvs.snn.json): one 3000-event chunk over 300 ms, 1 ms bins —
 *   the Sinabs fixture's chunk and weights when the shared data folder is there, else synthetic ones.
 * - CIFAR-10 All-ConvNet (templates/cifar10-allconv.snn.json): one image for 10 steps — the fixture's
 *   image and weights when available, else random ones.
 * The shared data folder is `--data <dir>`, else `SYNOPS_SHARED_DATA`, else `../shared/data` from the
 * repository root. The dense engine runs on tfjs' wasm backend. `simulateEvents` keeps the plan (weight
 * layouts, tables, buffers) of the same model and weights between calls, as a run over many samples does;
 * the first call, which builds it, is timed apart.
 * Beside each engine, the PyTorch peer (`bench/peer.ts`) simulates the same sample the way Sinabs does (each
 * layer's synaptic ops on all steps at once, then integrate-and-fire through time), at 1 and 2 threads, in
 * this run, in rounds alternating with ours (`bench/sim-table.ts`); its per-layer spike counts must equal
 * ours, else the difference is printed instead of a ratio.
 * Then the event-data table: read speed per format and the time to generate the synthetic digit set.
 * Then training images/s per backend and thread count, with the peer training the same networks from the
 * same initial weights in this run (its loss at those weights must equal ours first).
 * `--train-only` runs the training table alone (with its PyTorch peer), for measuring training changes;
 * `--quick` leaves out the pure-JS cpu backend's training rows (seconds to minutes per step); `--sim-only`
 * runs the simulation table alone (ours and the PyTorch peer), for measuring simulation changes.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { eventEngineUsesWasm } from '../src/core/sim/event-engine';
import { table } from '../src/cli/table';
import { sharedDataDir } from '../scripts/shared-data';
import { benchData } from './data';
import { lossCheckDifference, peerCell, peerLine, speedRatio } from './compare';
import { runPeer, type PeerRun } from './peer';
import { DENSE_REPS, median, PER_ROUND, pooledRatio, SIM_ROUNDS, SIM_THREADS, simCases, simRounds, type Samples } from './sim-table';
import { trainBench, trainPeerJobs, type TrainBenchRow } from './train';

/** Thread counts the peer runs at; our engines simulate on 1, our trainer takes each (`ourTrainer` in train.ts). */
const PEER_THREADS = [1, 2];

function dataDir(): string {
  const i = process.argv.indexOf('--data');
  return i >= 0 && process.argv[i + 1] ? resolve(process.argv[i + 1]) : sharedDataDir();
}

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
  if (process.argv.includes('--train-only')) return trainTable();
  const load = loadavg();
  const { results, peer } = await simRounds(simCases(dataDir()));
  const rows: string[][] = [];
  const checks: string[] = [];
  for (const { c, ev, evRounds, de, peerRounds, differs } of results) {
    const ours = ev[0].result.layers;
    SIM_THREADS.forEach((t, k) => {
      if (!peerRounds[k].some((xs) => xs.length)) return;
      if (differs[k].length) checks.push(`!!! ${c.name}, PyTorch at ${t} thread(s): spike counts DIFFER from ours, no speed ratio printed:\n    ${differs[k].join('\n    ')}`);
      else checks.push(`${c.name}, PyTorch at ${t} thread(s): spike counts equal ours on all ${ours.length} spiking layers (${ours.reduce((a, l) => a + l.total, 0)} spikes), in each of its ${peerRounds[k].filter((xs) => xs.length).length} rounds`);
    });
    const synops = ev[0].result.totalSynops;
    const engines: [string, Samples, number[][] | null][] = [...ev.map((e, k) => [`event-driven (${SIM_THREADS[k]} thr)`, e, evRounds[k]] as [string, Samples, number[][]]), ['dense (tfjs wasm, 1 thr)', de, null]];
    const deMs = median(de.ms);
    for (const [engine, r, rounds] of engines) {
      const ms = median(r.ms);
      const vsPeer = SIM_THREADS.flatMap((_t, k) => {
        // An event-driven row's rounds pair with the peer's (same rounds); the dense engine ran once, no range.
        const pooled = pooledRatio(rounds ?? [r.ms], peerRounds[k]);
        if (!pooled) return [peerCell(peer, c.name, undefined, 1), '—', ''];
        if (differs[k].length) return [pooled.theirs.toFixed(1), 'counts differ', ''];
        return [pooled.theirs.toFixed(1), speedRatio(pooled.theirs, ms), rounds ? `${pooled.low.toFixed(2)}–${pooled.high.toFixed(2)}×` : ''];
      });
      rows.push([c.name, engine, ms.toFixed(1), median(r.cpuMs).toFixed(1), r.firstMs.toFixed(0), c.events ? fmt(c.events / (ms / 1000)) : '—', fmt(synops / (ms / 1000)), engine.startsWith('event') ? `${(deMs / ms).toFixed(2)}× faster than dense` : '', ...vsPeer, c.source]);
    }
  }
  console.log(`load average ${load.map((x) => x.toFixed(2)).join(' ')} before, ${loadavg().map((x) => x.toFixed(2)).join(' ')} after (1/5/15 min), ${process.version}; ms/sample: median of ${SIM_ROUNDS} rounds × ${PER_ROUND.events} (MNIST-DVS) / ${PER_ROUND.image} (CIFAR) calls after a warm-up, each round ours then PyTorch (dense engine: ${DENSE_REPS.events} / ${DENSE_REPS.image} calls, once); CPU ms: this process's CPU time per sample; first call: planning, weight layout and JIT included`);
  console.log(`event-driven multiply-adds: ${eventEngineUsesWasm() ? 'WebAssembly SIMD' : 'plain typed-array loops (no WebAssembly SIMD here)'}; the event-driven engine at ${SIM_THREADS.join(' and ')} thread(s) (helper threads share a step's rows; CPU ms counts them), the dense engine on 1; compare a row with PyTorch at the same thread count`);
  console.log(peerHeader(peer, `PyTorch IAF: Sinabs' way (each layer's ops on all steps at once, then IAF through time), a fresh process each round, the same calls per round as ours after one; PyTorch ms: median of all its rounds' calls; vs PyTorch = its median ÷ ours (> 1: ours faster); per round: the range of that ratio over the rounds`));
  for (const line of checks) console.log(line);
  console.log(table(['sample', 'engine', 'ms/sample', 'CPU ms', 'first call ms', 'events/s', 'SynOps/s', 'event : dense', ...SIM_THREADS.flatMap((t) => [`PyTorch ms (${t} thr)`, `vs PyTorch (${t} thr)`, `per round (${t} thr)`]), 'data'], rows,
    [false, false, true, true, true, true, true, false, ...SIM_THREADS.flatMap(() => [true, true, true]), false]));

  if (process.argv.includes('--sim-only')) return;

  console.log('\nEvent data: read speed per format and synthetic-set generation');
  const data = await benchData();
  console.log(table(['measure', 'value', 'unit', 'detail'], data.map((r) => [r.name, fmt(r.value), r.unit, r.detail]), [false, true, false, false]));

  await trainTable();
}

/** The training table: ours per backend and thread count, then the PyTorch peer on the same networks. */
async function trainTable(): Promise<void> {
  console.log(`\nTraining: images/s per backend and thread count (SynOp loss + QReLU, Adam), and PyTorch on the same networks in this run; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} (1/5/15 min) before`);
  const train = await trainBench({ full: process.argv.includes('--full'), quick: process.argv.includes('--quick'), threads: PEER_THREADS });
  const jobs = await trainPeerJobs(PEER_THREADS);
  const trainPeer = await runPeer({ train: jobs.map((j) => j.job) }, { timeoutMs: 600_000 });
  console.log(peerHeader(trainPeer, `PyTorch: the same model file, from our initial weights, ${jobs[0].job.warmup} warm-up step then at least ${jobs[0].job.minSteps} steps and ${jobs[0].job.seconds} s timed (as ours on wasm); ours ÷ PyTorch > 1: ours faster`));
  const unlike = new Set<string>();
  for (const { job, ours, fanoutTotals } of jobs) {
    const p = peerLine(trainPeer, 'train', job.label, PEER_THREADS[0]);
    if (!p?.check) continue;
    const diff = lossCheckDifference(ours, p.check, fanoutTotals, p.fanoutTotals);
    if (diff) { unlike.add(job.label); console.log(`!!! ${job.label}: PyTorch does NOT compute our loss at our weights, no ratio printed: ${diff}`); }
    else console.log(`${job.label}: same loss at our initial weights on a batch of ${job.check!.labels.length}, no dropout (QReLU: cross-entropy ${ours.ce.toFixed(5)}, S ${fmt(ours.synops)} SynOps/sample; ReLU: ${ours.reluCe.toFixed(5)}, ${fmt(ours.reluSynops)}; fan-out totals equal)`);
  }
  console.log(table(['network', 'backend', 'batch', ...PEER_THREADS.flatMap((t) => [`ours ${t} thr`, `PyTorch ${t} thr`, `ours ÷ PyTorch (${t} thr)`]), 'vs cpu', 'note'],
    trainRows(train, trainPeer, unlike), [false, false, true, ...PEER_THREADS.flatMap(() => [true, true, true]), true, false]));
  console.log('\nThe same steps in images per CPU-second (each side\'s process CPU time over its timed steps, all threads): what the load on a shared machine inflates least. A thread that waits spinning counts as busy, so at 2 threads it also measures how well each side keeps its threads busy');
  console.log(table(['network', 'backend', 'batch', ...PEER_THREADS.flatMap((t) => [`ours ${t} thr`, `PyTorch ${t} thr`, `ours ÷ PyTorch (${t} thr)`])],
    cpuRows(train, trainPeer, unlike), [false, false, true, ...PEER_THREADS.flatMap(() => [true, true, true])]));
  console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} (1/5/15 min) after`);
}

/** One table row per network, backend and batch: ours and PyTorch at each thread count, ratios where both ran the same work. */
function trainRows(train: TrainBenchRow[], peer: PeerRun, unlike: Set<string>): string[][] {
  const at = (label: string, backend: string, threads: number) => train.find((r) => r.label === label && r.backend === backend && r.threads === threads);
  const firsts = train.filter((r) => r.threads === PEER_THREADS[0]);
  return firsts.map((k) => {
    const cells = PEER_THREADS.flatMap((t) => {
      const ours = at(k.label, k.backend, t);
      const theirs = peerLine(peer, 'train', k.label, t)?.imagesPerSec;
      // The note column says why the first thread count has no figure; a later one's cell says it itself.
      const oursCell = ours?.imagesPerSec != null ? ours.imagesPerSec.toFixed(1) : t !== PEER_THREADS[0] && ours?.note ? ours.note : '—';
      const ratio = ours?.imagesPerSec == null || theirs === undefined ? '—' : unlike.has(k.label) ? 'work differs' : `${(ours.imagesPerSec / theirs).toFixed(2)}×`;
      return [oursCell, peerCell(peer, k.label, theirs, 1), ratio];
    });
    const cpu = at(k.label, 'cpu', 1)?.imagesPerSec;
    return [k.network, k.backend, String(k.batch), ...cells, k.imagesPerSec !== null && cpu ? `${(k.imagesPerSec / cpu).toFixed(1)}×` : '', k.note];
  });
}

/** Rows of images per CPU-second, ours and PyTorch's, where both were measured (the wasm backend's rows). */
function cpuRows(train: TrainBenchRow[], peer: PeerRun, unlike: Set<string>): string[][] {
  const firsts = train.filter((r) => r.threads === PEER_THREADS[0] && r.imagesPerCpuSec !== undefined);
  return firsts.map((k) => [k.network, k.backend, String(k.batch), ...PEER_THREADS.flatMap((t) => {
    const ours = train.find((r) => r.label === k.label && r.backend === k.backend && r.threads === t)?.imagesPerCpuSec;
    const p = peerLine(peer, 'train', k.label, t);
    const theirs = p?.cpuSeconds ? (p.steps * p.batch) / p.cpuSeconds : undefined;
    const ratio = ours === undefined || theirs === undefined ? '—' : unlike.has(k.label) ? 'work differs' : `${(ours / theirs).toFixed(2)}×`;
    return [ours !== undefined ? ours.toFixed(1) : '—', theirs !== undefined ? theirs.toFixed(1) : 'not measured', ratio];
  })]);
}

/** The line above a table with peer columns: which interpreter and torch ran, or why none did. */
function peerHeader(run: PeerRun, what: string): string {
  if (!run.ok) return `PyTorch peer: ${run.why}`;
  const env = run.lines.find((l) => l.kind === 'env');
  const trouble = run.timedOut ? ' (stopped at its time limit)' : run.exitCode !== 0 ? ` (exited with ${run.exitCode})` : '';
  return `PyTorch peer: ${run.python}, torch ${run.torch}${env?.kind === 'env' ? `, python ${env.python}, ${env.cpus} CPUs` : ''}${trouble}. ${what}`;
}

function fmt(x: number): string {
  return x >= 1e9 ? `${(x / 1e9).toFixed(2)} G` : x >= 1e6 ? `${(x / 1e6).toFixed(1)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(0);
}

main().catch((e: unknown) => { console.error(e); process.exitCode = 1; });
