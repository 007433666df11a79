/**
 * `npx tsx scripts/time-bins.ts <run dir> <data dir> [K,K,…] [--workspace <dir>] [--samples N]`: what a
 * trained event run's spiking network owes to time resolution. Its converted network (the run's aids:
 * calibration, readout) simulates the run's held-out split with each sample's 1 ms steps summed into K equal
 * bins (`evaluateSnn`'s `bins`; K = 0: the 1 ms steps themselves) and prints, per K, the accuracy, the SynOps
 * per sample and each hidden layer's spikes as a multiple of the same network's quantized ANN (ANN-Q). K = 1
 * is one step of the summed input; K = 16 is what fine-tuning through time sees by default. Used for
 * docs/reproduction.md, *Longer fine-tuning and a longer chain*. Reads the run and the data; writes nothing
 * but the frame cache under `<workspace>/.synops/`.
 */
import { join, resolve } from 'node:path';
import { ensureBackend, readRunWeights } from '../src/io/train/api';
import { closeRun, openRun } from '../src/io/train/run';
import { runConversion } from '../src/io/train/run-eval';
import { setNetArrays } from '../src/io/train/save';
import { frameCacheDir, loadEvalData, loadEventData } from '../src/io/train/data';
import { readTfjsWeightsFile } from '../src/io/sim/tfjs-weights';
import { convertForSimulation } from '../src/core/train/convert';
import { evaluateAnn, evaluateSnn } from '../src/core/train/evaluate';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => { const i = args.indexOf(`--${name}`); return i >= 0 ? args.splice(i, 2)[1] : undefined; };
  const workspace = resolve(opt('workspace') ?? '.');
  const maxSamples = Number(opt('samples') ?? Infinity);
  const [runDir, root, ks = '1,4,8,16,32,0'] = args;
  if (!runDir || !root) throw new Error('usage: time-bins.ts <run dir> <data dir> [K,K,…] [--workspace <dir>] [--samples N]');
  const bins = ks.split(',').map(Number);
  await ensureBackend(undefined, 1);
  const h = openRun(runDir);
  try {
    if (h.model.input.kind !== 'events') throw new Error(`${runDir}: the run's input is not events`);
    setNetArrays(h.net, await readRunWeights(runDir));
    const load = { seed: h.info.config.seed, cacheDir: frameCacheDir(workspace), maxRecordings: h.info.data.maxRecordings };
    const test = (await loadEvalData(root, h.model, 'test', load)).test;
    const train = (await loadEventData(root, h.model, load)).train;
    const conv = runConversion(h.info);
    const c = await convertForSimulation(h.net, await readTfjsWeightsFile(join(runDir, 'model', 'model.json'), h.model), train, conv, h.info.config.seed);
    const q = await evaluateAnn(h.net, test, { activation: 'qrelu' });
    const annSpikes = (q.layers ?? []).map((l) => ({ layer: l.layer, spikes: l.spikes }));
    console.log(`${runDir}: ANN-Q ${(100 * q.accuracy).toFixed(1)} %, ${(q.totalSynops / 1e3).toFixed(1)} k SynOps; spikes ${annSpikes.map((l) => `${l.layer} ${l.spikes.toFixed(0)}`).join(', ')}`);
    for (const k of bins) {
      const r = await evaluateSnn(h.model, c.weights, test, { readout: conv.readout, initialMembrane: c.initialMembrane, maxSamples, ...(k > 0 ? { bins: k } : {}) });
      const layers = (r.layers ?? []).map((l, j) => `${l.spikes.toFixed(0)} (${(l.spikes / annSpikes[j].spikes).toFixed(2)}×)`).join(', ');
      console.log(`K = ${k || '1 ms'} (${(r.meanSteps ?? 0).toFixed(0)} steps): ${(100 * r.accuracy).toFixed(1)} %, ${(r.totalSynops / 1e3).toFixed(1)} k SynOps; spikes ${layers}`);
    }
  } finally {
    closeRun(h);
  }
}

main().catch((e: unknown) => { console.error(e instanceof Error ? e.message : String(e)); process.exit(1); });
