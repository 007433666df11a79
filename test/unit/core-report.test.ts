import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { mergeProfiles } from '../../src/core/energy/profiles';
import { analyzeModelText } from '../../src/core/report';
import { modelHash, parseSimulationResult, resultPathFor, type SimulationResultFile } from '../../src/core/synops/result';
import { template, templateText } from './helpers';

const mnist = templateText('mnist-dvs.snn.json');

describe('model report', () => {
  it('estimates SynOps from the stated assumption when nothing was measured', () => {
    const { report } = analyzeModelText(mnist, 'm', { spikesPerNeuron: 2 });
    assert.ok(report);
    const conv1 = report.layers.find((l) => l.name === 'conv1');
    // input: 3000 events over 64·64 = 4096 pixels, Σ fan-out 276,768 → 276,768·3000/4096 = 202,710.9375
    assert.equal(conv1?.synops, 202_710.9375);
    // relu1 → conv2: 2 spikes × Σ fan-out; Σ fan-out = 4 sources per pooled unit × 726,624 MACs = 2,906,496
    assert.equal(report.layers.find((l) => l.name === 'conv2')?.synops, 2 * 2_906_496);
    assert.equal(conv1?.fanoutMax, 72);
    assert.equal(report.basis.kind, 'estimate');
    assert.match(report.basis.kind === 'estimate' ? report.basis.assumption : '', /3,000 events per chunk spread uniformly over the 1×64×64 input; every hidden spiking neuron emits 2 spike\(s\)/);
    // energy on the paper's 1e-11 J/SynOp and the ANN's 4.6 pJ/MAC
    assert.ok(Math.abs((conv1?.energyJ?.['paper-generic'] ?? 0) - 202_710.9375e-11) < 1e-15);
    assert.ok(Math.abs((conv1?.annEnergyJ?.['ann-45nm-fp32'] ?? 0) - 276_768 * 4.6e-12) < 1e-15);
    // per emitting layer: the same numbers, labelled by the layer that spikes
    assert.deepEqual(report.emitters.map((e) => `${e.name}→${e.receiver}`), ['input→conv1', 'relu1→conv2', 'relu2→conv3', 'relu3→fc']);
    assert.equal(report.totals.synops, report.emitters.reduce((a, e) => a + e.synops, 0));
    assert.equal(report.totals.denseConnectionsPerStep, 1_194_336);
  });

  it('uses a measured result whose model hash matches, and ignores a stale one', () => {
    const model = template('mnist-dvs.snn.json');
    const result: SimulationResultFile = {
      kind: 'synops-simulation', version: 1, modelHash: modelHash(model), modelName: model.name, samples: 40,
      source: 'event-driven simulation of 40 chunks', createdAt: '2026-01-01T00:00:00Z',
      layers: [{ name: 'conv1', synopsPerSample: 210_000 }, { name: 'conv2', synopsPerSample: 1_000_000 }, { name: 'conv3', synopsPerSample: 300_000 }, { name: 'fc', synopsPerSample: 5_000 }],
    };
    const fresh = analyzeModelText(mnist, 'm', { result }).report;
    assert.equal(fresh?.basis.kind, 'measured');
    assert.equal(fresh?.totals.synops, 1_515_000); // 210,000 + 1,000,000 + 300,000 + 5,000
    const edited = mnist.replace('"outChannels": 8', '"outChannels": 16');
    const stale = analyzeModelText(edited, 'm', { result }).report;
    assert.equal(stale?.basis.kind, 'estimate');
    assert.match(stale?.basis.kind === 'estimate' ? stale.basis.staleResult ?? '' : '', /different version of this model/);
  });

  it('falls back to the default profile for an unknown one and merges user profiles', () => {
    const r = analyzeModelText(mnist, 'm', { profileId: 'nope' }).report;
    assert.equal(r?.profileId, 'paper-generic');
    const mine = analyzeModelText(mnist, 'm', { profileId: 'my-chip', userProfiles: [{ id: 'my-chip', name: 'My chip', joulesPerSynOp: 2e-12, source: 'bench measurement' }] }).report;
    assert.equal(mine?.profileId, 'my-chip');
    assert.equal(mine?.totals.energyJ['my-chip'], (mine?.totals.synops ?? 0) * 2e-12);
    assert.throws(() => mergeProfiles([{ id: 'x', joulesPerSynOp: -1 }]), /synops\.energyProfiles\[0\] \("x"\): give "joulesPerSynOp".*or "joulesPerMac"/);
  });

  it('finds and validates result files', () => {
    assert.equal(resultPathFor('a/b/net.snn.json'), 'a/b/.synops/results/net.sim.json');
    assert.throws(() => parseSimulationResult('{"kind":"synops-simulation","version":1,"modelHash":"x","samples":0,"layers":[]}', 'r.json'), /r\.json: "samples" must be a positive number/);
    assert.throws(() => parseSimulationResult('{', 'r.json'), /r\.json: not valid JSON/);
  });
});
