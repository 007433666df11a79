// A run in words (src/protocol/runText.ts), the run service's matching of a command argument to a run
// (matchRun) and the one strategy table (src/protocol/strategy.ts): pure, on hand-made rows.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { RunRow } from '../../src/protocol/runs';
import { matchRun } from '../../src/protocol/runs';
import { describeRun, escapeMd, percent, runDetailLines, runFigures } from '../../src/protocol/runText';
import { STRATEGY_IDS, STRATEGY_NAMES, strategyId, strategyLabel, strategyName } from '../../src/protocol/strategy';

const done: RunRow = { id: 'r1', dir: '/w/.synops/runs/r1', state: 'done', strategy: 'synops-qrelu', target: 500_000, epochsDone: 8, epochs: 8, backend: 'wasm',
  snnAccuracy: 0.8281, snnSynops: 2_370_000, snnSamples: 200, annAccuracy: 0.85, annSynops: 2_000_000 };

describe('runs in words', () => {
  it('percent: one decimal, a dash when absent', () => {
    assert.equal(percent(0.8281), '82.8 %');
    assert.equal(percent(1), '100.0 %');
    assert.equal(percent(undefined), '—');
  });

  it('describes a finished, a running, a resumable and an unevaluated run', () => {
    assert.equal(describeRun(done), '82.8 % · 2.37 M SynOps');
    assert.equal(describeRun({ id: 'r', dir: '/r', state: 'running', epochsDone: 2, epochs: 8 }), 'training, epoch 2/8');
    assert.equal(describeRun({ id: 'r', dir: '/r', state: 'cancelled', resumable: true, epochsDone: 3, epochs: 8, annAccuracy: 0.5, annSynops: 1200 }), 'cancelled at epoch 3/8, resumable · ANN 50.0 % · 1.2 k SynOps (proxy)');
    assert.equal(describeRun({ id: 'r', dir: '/r', state: 'done' }), 'not evaluated');
    assert.equal(describeRun({ id: 'r', dir: '/r', problem: 'run.json is not JSON' }), 'run.json is not JSON');
  });

  it('gives the figures and the tooltip lines', () => {
    assert.equal(runFigures(done), 'SNN 82.8 % at 2,370,000 SynOps; quantized ANN 85.0 % at 2,000,000');
    const lines = runDetailLines({ ...done, scaled: [{ rho: 0.5, annAccuracy: 0.7, annSynops: 1000 }] });
    assert.equal(lines[1], 'Strategy: SynOp loss + QReLU, target S0 500,000 SynOps per sample');
    assert.equal(lines[3], 'Spiking network: 82.8 % accuracy, 2,370,000 SynOps per sample over 200 samples');
    assert.equal(lines.at(-1), 'ρ = 0.5: ANN 70.0 % at 1,000');
    assert.equal(escapeMd('run_1 *x*'), 'run\\_1 \\*x\\*');
  });
});

describe('matching a command argument to a run', () => {
  const runs = [done, { id: 'r2', dir: 'C:\\w\\.synops\\runs\\r2' }];
  it('by id, folder, or a file in the folder, with either separator', () => {
    assert.equal(matchRun(runs, 'r1'), done);
    assert.equal(matchRun(runs, '/w/.synops/runs/r1/'), done);
    assert.equal(matchRun(runs, '/w/.synops/runs/r1/model.snn.json'), done);
    assert.equal(matchRun(runs, 'C:/w/.synops/runs/r2/model.snn.json')?.id, 'r2');
    assert.equal(matchRun(runs, '/w/.synops/runs/r1/model/model.json'), undefined, 'two folders deep is not the run\'s own file');
    assert.equal(matchRun(runs, 'r3'), undefined);
  });
});

describe('the strategy table', () => {
  it('translates both spellings both ways, and labels either', () => {
    assert.deepEqual(STRATEGY_IDS.map((id) => strategyName(id)), ['weight-scaling', 'synop-loss', 'synop-loss-qrelu', 'baseline']);
    assert.deepEqual(STRATEGY_NAMES.map((n) => strategyId(n)), ['scale', 'synops', 'synops-qrelu', 'baseline']);
    assert.equal(strategyLabel('scale'), 'Weight scaling');
    assert.equal(strategyLabel('weight-scaling'), 'Weight scaling');
    assert.equal(strategyLabel('synops-qrelu'), 'SynOp loss + QReLU');
    assert.equal(strategyLabel('mystery'), 'mystery');
    assert.equal(strategyLabel(undefined), '');
    assert.equal(strategyName('mystery'), undefined);
  });
});
