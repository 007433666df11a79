// The bench's PyTorch peer (bench/peer.ts, bench/torch-spec.ts, bench/compare.ts): the weight layouts it
// hands PyTorch, what every PyTorch cell says when no interpreter can import torch, the count and loss
// checks that gate a ratio, and — when torch is importable — the peer's simulation and loss against ours.
import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { ModelFile } from '../../src/core/model/types';
import { simulateDense } from '../../src/core/sim/dense-engine';
import { DEFAULT_NEURON } from '../../src/core/sim/neuron';
import { countDifferences, lossCheckDifference, peerCell, peerLine } from '../../bench/compare';
import { findTorchPython, PEER_ABSENT, pythonCandidates, runPeer } from '../../bench/peer';
import { base64ToF32, specInput, specWeights, torchWeights } from '../../bench/torch-spec';
import { peerTrainJob } from '../../bench/train';
import { median, pooledRatio } from '../../bench/sim-table';
import { frames, net, randomNet } from './sim-helpers';

/** Input [2, 1, 3] → conv 'c' (2 → 2 channels, 1×2 kernel) → [2, 1, 2] → relu → flatten (4) → linear 'l' to 1. */
const tiny = net([{ type: 'conv2d', name: 'c', outChannels: 2, kernel: [1, 2] }, { type: 'relu', name: 'r' }, { type: 'flatten', name: 'f' }, { type: 'linear', name: 'l', outFeatures: 1 }], [2, 1, 3]);

describe('bench peer: weights and input as PyTorch reads them', () => {
  it('turns TF.js kernels into PyTorch layout: conv [kH, kW, in, out] → [out, in, kH, kW], a linear behind a flatten from (h, w, c) to (c, h, w) rows', async () => {
    // TF.js conv kernel [1, 2, 2, 2] holds 1…8 at row-major index (kw·2 + in)·2 + out, plus 1.
    // PyTorch [out][in][0][kw]: out 0: in 0: kw 0 → 1, kw 1 → 5; in 1: 3, 7. out 1: in 0: 2, 6; in 1: 4, 8.
    // Linear [4, 1]: TF.js rows (x0,c0) (x0,c1) (x1,c0) (x1,c1) = 10 20 30 40; PyTorch (c0,x0) (c0,x1) (c1,x0) (c1,x1) = 10 30 20 40.
    const kernels = new Map([
      ['c', { shape: [1, 2, 2, 2], values: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]) }],
      ['l', { shape: [4, 1], values: Float32Array.from([10, 20, 30, 40]) }],
    ]);
    const w = await torchWeights(tiny, kernels);
    assert.deepEqual(w.c.shape, [2, 2, 1, 2]);
    assert.deepEqual([...w.c.weight], [1, 5, 3, 7, 2, 6, 4, 8]);
    assert.deepEqual(w.l.shape, [1, 4]);
    assert.deepEqual([...w.l.weight], [10, 30, 20, 40]);
    const spec = specWeights(w);
    assert.deepEqual([...base64ToF32(spec.c.data)], [1, 5, 3, 7, 2, 6, 4, 8]);
    assert.equal(spec.c.bias, undefined);
  });

  it('passes the input as sparse steps the peer densifies to [T, C, H, W]', () => {
    const input = specInput(frames([[0, 2, 0, 0, 0, 0], [0, 0, 0, 0, 0, 1]], [2, 1, 3]));
    assert.deepEqual(input, { shape: [2, 1, 3], steps: 2, stepStart: [0, 1, 2], index: [1, 5], value: [2, 1] });
  });
});

describe('bench peer: rounds pooled into one ratio', () => {
  it('takes the median of all rounds\' calls on each side, theirs ÷ ours, and the range of the per-round ratios', () => {
    // Ours 10 12 11 | 20 22 21 → pooled 10 11 12 20 21 22, median (12 + 20) / 2 = 16; theirs 11 13 12 | 30 30 30 →
    // 11 12 13 30 30 30, median (13 + 30) / 2 = 21.5; ratio 21.5 / 16 = 1.34375. Round 1: 12 / 11; round 2: 30 / 21.
    const r = pooledRatio([[10, 12, 11], [20, 22, 21]], [[11, 13, 12], [30, 30, 30]]);
    assert.deepEqual(r, { ours: 16, theirs: 21.5, ratio: 1.34375, low: 12 / 11, high: 30 / 21 });
    assert.equal(median([3, 1, 2]), 2);
  });

  it('has no ratio without the peer\'s calls, and leaves a round the peer missed out of the range', () => {
    assert.equal(pooledRatio([[10, 11]], [[]]), null);
    assert.equal(pooledRatio([[]], [[5]]), null);
    // Round 2 has no peer calls: the range is round 1's 8 / 4 only; the pooled medians take every call (ours 4 4 8 → 4).
    assert.deepEqual(pooledRatio([[4, 4], [8]], [[8], []]), { ours: 4, theirs: 8, ratio: 2, low: 2, high: 2 });
  });
});

describe('bench peer: no interpreter with torch', () => {
  it('tries SYNOPS_PYTHON, then python3 on PATH, then Debian\'s /usr/bin/python3', () => {
    assert.deepEqual(pythonCandidates({ SYNOPS_PYTHON: '/opt/py/bin/python' }), ['/opt/py/bin/python', 'python3', '/usr/bin/python3']);
    assert.deepEqual(pythonCandidates({}), ['python3', '/usr/bin/python3']);
  });

  it('says "not measured (python3-torch absent …)" in every PyTorch cell, never a number', async () => {
    // A missing SYNOPS_PYTHON and a PATH without python: nothing here can import torch, whatever this machine has installed.
    const env = { PATH: '/nonexistent-synops-bin', SYNOPS_PYTHON: '/nonexistent-synops-bin/python3' };
    const candidates = pythonCandidates(env).filter((p) => p !== '/usr/bin/python3');
    assert.equal(findTorchPython(candidates, env), null);
    const run = await runPeer({ sim: [] }, { candidates, env, timeoutMs: 10_000 });
    assert.deepEqual(run, { ok: false, why: PEER_ABSENT });
    assert.equal(PEER_ABSENT, 'not measured (python3-torch absent: npm run bench:peers)');
    assert.equal(peerLine(run, 'sim', 'x', 1), undefined);
    assert.equal(peerCell(run, 'x', peerLine(run, 'train', 'x', 1)?.imagesPerSec, 1), PEER_ABSENT);
  });
});

describe('bench peer: the checks that gate a ratio', () => {
  it('names each layer whose spike count differs', () => {
    const ours = [{ name: 'r1', total: 10 }, { name: 'r2', total: 4 }];
    assert.deepEqual(countDifferences(ours, [{ name: 'r1', total: 10 }, { name: 'r2', total: 4 }]), []);
    assert.deepEqual(countDifferences(ours, [{ name: 'r1', total: 10 }, { name: 'r2', total: 6 }]), ['r2: ours 4 spikes, PyTorch 6 (+2)']);
    assert.deepEqual(countDifferences(ours, [{ name: 'r1', total: 10 }]), ['layer 1: ours r2, PyTorch (none)']);
  });

  it('accepts float32 rounding in the loss parts but not a different loss or fan-out', () => {
    const ours = { ce: 2.3, synops: 1e6, loss: 2.3, reluCe: 2.4, reluSynops: 2e6 };
    assert.equal(lossCheckDifference(ours, { ...ours, synops: 1e6 + 5, reluSynops: 2e6 + 3 }, [72, 8], [72, 8]), null);
    assert.match(lossCheckDifference(ours, { ...ours, reluCe: 2.5 }, [72, 8], [72, 8]) ?? '', /cross-entropy with ReLU ours 2\.40000, PyTorch 2\.50000/);
    assert.match(lossCheckDifference(ours, ours, [72, 8], [72, 9]) ?? '', /fan-out totals/);
  });
});

describe('bench peer: PyTorch against ours (needs an interpreter that imports torch)', () => {
  const found = findTorchPython();
  const skip = found ? false : `no interpreter of ${pythonCandidates().join(', ')} imports torch (npm run bench:peers installs it)`;
  before(async () => { await tf.setBackend('cpu'); await tf.ready(); });

  it('the IAF reference gives our dense engine\'s spike counts on a small random network', { skip, timeout: 60_000 }, async () => {
    // Weights on a 1/8 grid and integer input: every current is exact in float32, so the counts must be equal.
    let s = 7;
    const next = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
    const built = randomNet({ c: 2, h: 9, w: 9, k: 3, stride: 1, pad: 1, oc: 4, bias: false, pool: 'avg-after', second: true, oc2: 3, classes: 4 },
      (_l, shape) => ({ shape, weight: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.round((next() * 2 - 0.7) * 8) / 8) }))!;
    const steps = 6;
    const input = frames(Array.from({ length: steps }, () => Array.from({ length: 2 * 9 * 9 }, () => (next() < 0.3 ? 1 + Math.floor(next() * 2) : 0))), [2, 9, 9]);
    const neuron = { ...DEFAULT_NEURON, minVMem: -1 };
    const ours = await simulateDense(built.model, built.weights, input, { neuron });
    const model = { format: 'synops-model', version: 1, name: 'random', ...built.model } as ModelFile;
    const run = await runPeer({ sim: [{ label: 'random', model, neuron, weights: specWeights(built.weights), input: specInput(input), threads: [1], reps: 1, seconds: 0 }] }, { found: found!, timeoutMs: 50_000 });
    const line = peerLine(run, 'sim', 'random', 1);
    assert.ok(line, `the peer printed no result: ${run.ok ? run.stderr : run.why}`);
    assert.ok(ours.layers.some((l) => l.total > 0), 'the network must spike for the check to mean something');
    assert.deepEqual(countDifferences(ours.layers.map((l) => ({ name: l.name, total: l.total })), line.layers), []);
  });

  it('computes our loss at our weights: QReLU and ReLU cross-entropy, S and fan-out totals, through conv, pooling, flatten and linear', { skip, timeout: 60_000 }, async () => {
    const model: ModelFile = {
      format: 'synops-model', version: 1, name: 'small', input: { kind: 'events', shape: [1, 10, 10], chunkEvents: 100, dtMs: 1 },
      layers: [
        { type: 'conv2d', name: 'conv', outChannels: 4, kernel: 3 }, { type: 'relu', name: 'relu' }, { type: 'avgpool', name: 'pool', kernel: 2 },
        { type: 'conv2d', name: 'conv2', outChannels: 3, kernel: 2 }, { type: 'relu', name: 'relu2' },
        { type: 'flatten', name: 'flat' }, { type: 'dropout', name: 'drop', rate: 0.5 }, { type: 'linear', name: 'fc', outFeatures: 10 },
      ],
      spikingOutput: true,
    };
    const { job, ours, fanoutTotals } = await peerTrainJob(model, 8, 'small', [1], { warmup: 0, minSteps: 1, seconds: 0 });
    const run = await runPeer({ train: [job] }, { found: found!, timeoutMs: 50_000 });
    const line = peerLine(run, 'train', 'small', 1);
    assert.ok(line?.check, `the peer printed no check: ${run.ok ? run.stderr : run.why}`);
    assert.equal(lossCheckDifference(ours, line.check, fanoutTotals, line.fanoutTotals), null);
    assert.ok(line.imagesPerSec > 0);
    assert.ok(line.cpuSeconds !== undefined && line.cpuSeconds > 0, 'the peer reports the CPU time of its timed steps');
  });
});
