// NeuroBench metrics and the chip choice at the command line (#16): real child processes on the shared NIR graph
// of the paper's MNIST-DVS network and a real MNIST-DVS recording.
import { strict as assert } from 'node:assert';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { buildCli, runCli } from './cli-bundle';
import { repoRoot } from './helpers';

const shared = join(repoRoot, '..', 'shared', 'data');
const nir = join(shared, 'nir', 'paper_mnist_dvs_sinabs_seed1.nir');
const aedat = join(shared, 'mnist-dvs', 'mnist_0_scale04_0001.aedat');

// The CLI as `npm run build` bundles it (cli-bundle.ts: built once, 0.3 s a run instead of tsx's 2 s).
let bundle = '';
before(async () => { bundle = await buildCli(); });

function synops(...args: string[]): { code: number | null; out: string; err: string } {
  const r = runCli(bundle, args, { cwd: repoRoot, timeoutMs: 120_000 });
  return { code: r.code, out: r.out, err: r.err };
}

describe('synops simulate and summary: NeuroBench metrics', { skip: !existsSync(nir) || !existsSync(aedat) ? 'the shared NIR graph or recording is missing' : false }, () => {
  it('simulate --json carries them per weight layer; --save keeps them and summary prints them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'synops-nb-'));
    const graph = join(dir, 'net.nir');
    copyFileSync(nir, graph);
    const r = synops('simulate', graph, '--input', aedat, '--json', '--save');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    const nb = j.neurobench;
    assert.deepEqual(nb.layers.map((l: { name: string; from: string }) => `${l.from}→${l.name}`), ['input→conv1', 'if1→conv2', 'if2→conv3', 'if3→fc']);
    // Our SynOps per connection are the simulation's own; NeuroBench's count never exceeds Dense.
    nb.layers.forEach((l: { synops: number; effectiveAcs: number; effectiveMacs: number; dense: number }, i: number) => {
      assert.equal(l.synops, j.synops[i].synops);
      assert.ok(l.effectiveAcs + l.effectiveMacs <= l.dense);
    });
    // conv2, conv3 and fc read an average pooling of spikes (values k⁻²…1): all MACs for NeuroBench.
    assert.deepEqual(nb.layers.slice(1).map((l: { effectiveAcs: number; effectiveMacs: number }) => [l.effectiveAcs, l.effectiveMacs > 0]), [[0, true], [0, true], [0, true]]);
    assert.equal(nb.totals.synops, j.totalSynops);
    // Footprint: the paper's network has 6,552 float32 parameters (weights and biases).
    assert.equal(nb.totals.footprintBytes, 4 * 6552);
    const saved = JSON.parse(readFileSync(join(dir, '.synops', 'results', 'net.nir.sim.json'), 'utf8'));
    assert.deepEqual(saved.neurobench.totals, nb.totals);
    const s = synops('summary', graph);
    assert.equal(s.code, 0, s.err);
    assert.match(s.out, /NeuroBench metrics \(one sample, 341 steps\):/);
    assert.match(s.out, /ActivationSparsity 0\.\d{4} \(if1 /);
  });
});

describe('synops summary --chip', () => {
  it('checks the chip asked for, Speck / DYNAP-CNN by default', () => {
    assert.match(synops('summary', 'templates/mnist-dvs.snn.json').out, /^Speck \/ DYNAP-CNN: fits, 4 of 9 cores/m);
    const x = synops('summary', 'templates/mnist-dvs.snn.json', '--chip', 'xylo');
    assert.equal(x.code, 0, x.err);
    assert.match(x.out, /^Xylo: does not fit, 3 limit\(s\) broken \(the network takes 42,572 of 1,000 hidden neurons/m);
    assert.match(synops('summary', 'templates/mnist-dvs.snn.json', '--chip', 'loihi2').out, /^Loihi 2: fits, 42,582 of 1,000,000 neurons/m);
    const bad = synops('summary', 'templates/mnist-dvs.snn.json', '--chip', 'truenorth');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /unknown chip "truenorth"; known: speck, xylo, loihi2/);
  });
});
