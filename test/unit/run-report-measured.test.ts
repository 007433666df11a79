/**
 * `withRunFigures` on real run-folder layouts in a temp dir: a run's own model file shows the run's measured
 * SynOps (its `evaluation.json`), a model file elsewhere follows the newest evaluated run of the same model
 * (or the picked one, or the estimate, saying why), and the silent outputs carry the plain warning.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeModelText } from '../../src/core/report';
import { withRunFigures } from '../../src/io/train/runReport';
import type { EvalResult, Evaluation, RunInfo } from '../../src/core/train/types';
import type { ModelReport } from '../../src/protocol/report';
import { templateText } from './helpers';

/** Made-up per-layer SynOps of the MNIST-DVS network: 215,000 + 300,000 + 90,000 + 2,500 = 607,500 per sample. */
const LAYERS = [['input', 'conv1', 215_000], ['relu1', 'conv2', 300_000], ['relu2', 'conv3', 90_000], ['relu3', 'fc', 2_500]] as const;

function evalResult(kind: 'ann' | 'snn', scale: number, extra: Partial<EvalResult> = {}): EvalResult {
  const synopsPerLayer = LAYERS.map(([emitter, receiver, s]) => ({ emitter, receiver, synops: s * scale }));
  const total = synopsPerLayer.reduce((a, l) => a + l.synops, 0);
  return { kind, samples: 200, accuracy: 0.8, seconds: 1, totalSynops: total, hiddenSynops: total - 215_000 * scale, synopsPerLayer, ...extra };
}

let root: string;
let report: ModelReport;

function writeRun(id: string, o: { createdAt: string; scale?: number; hash?: string; snn?: Partial<EvalResult> | null }): string {
  const dir = join(root, '.synops', 'runs', id);
  mkdirSync(dir, { recursive: true });
  const info: RunInfo = {
    id, dir, modelName: report.modelName, modelHash: o.hash ?? report.modelHash,
    config: { strategy: 'synops-qrelu', target: 600_000, epochs: 2, batchSize: 32, learningRate: 0.001, weightDecay: 0, countInputSynops: false, seed: 1, evalEachEpoch: true },
    activation: 'qrelu', backend: { name: 'wasm', notes: [] },
    data: { root: 'synth', kind: 'mnist-dvs', trainSamples: 800, testSamples: 200, recordings: { train: 800, test: 200 } },
    state: 'done', epochsDone: 2, createdAt: o.createdAt, updatedAt: o.createdAt,
  };
  const evaluation: Evaluation = {
    ann: evalResult('ann', 1.2), annQuantized: evalResult('ann', 1.1),
    snn: o.snn === null ? undefined : evalResult('snn', o.scale ?? 1, o.snn ?? {}),
  };
  writeFileSync(join(dir, 'model.snn.json'), templateText('mnist-dvs.snn.json'));
  writeFileSync(join(dir, 'run.json'), JSON.stringify(info, null, 2));
  writeFileSync(join(dir, 'evaluation.json'), JSON.stringify(evaluation, null, 2));
  return join(dir, 'model.snn.json');
}

describe('withRunFigures: the measured numbers of the run a view names', () => {
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'synops-run-measured-'));
    const analyzed = analyzeModelText(templateText('mnist-dvs.snn.json'), 'mnist-dvs.snn.json');
    assert.ok(analyzed.report);
    report = analyzed.report;
    assert.equal(report.basis.kind, 'estimate');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test("a run's own model file: its evaluation's SynOps per layer, measured, energies recomputed", () => {
    const out = withRunFigures(report, writeRun('own', { createdAt: '2026-01-01T00:00:00Z', snn: { ties: 20, silent: 7 } }));
    assert.deepEqual(out.basis, { kind: 'measured', source: "run own's spiking simulation (evaluation.json)", samples: 200 });
    assert.equal(out.totals.synops, 607_500);
    assert.equal(out.layers.find((l) => l.name === 'conv2')?.synops, 300_000);
    assert.deepEqual(out.emitters.map((e) => e.synops), [215_000, 300_000, 90_000, 2_500]);
    for (const p of report.profiles) {
      if (p.kind !== 'snn') continue;
      assert.equal(out.totals.energyJ[p.id], 607_500 * p.joulesPerSynOp, p.id);
      assert.equal(out.layers.find((l) => l.name === 'conv3')?.energyJ?.[p.id], 90_000 * p.joulesPerSynOp, p.id);
    }
    assert.deepEqual(out.figuresFrom, { runId: 'own', how: 'own', candidates: 1 });
    // 7 of 200 = 3.5 % silent: no warning
    assert.deepEqual(out.outputs, { samples: 200, silent: 7, ties: 20 });
  });

  test('a mostly silent run: the plain warning with what to try', () => {
    // 150 of 200 = 75 % > 25 %
    const out = withRunFigures(report, writeRun('silent', { createdAt: '2026-01-01T00:00:00Z', snn: { ties: 160, silent: 150 } }));
    assert.match(out.outputs?.warning ?? '', /mostly silent: 150 of 200 samples \(75 %\) had no output spike\. Try training longer/);
  });

  test('a model file elsewhere follows the newest evaluated run of the same model, or the picked one, or the estimate', () => {
    rmSync(join(root, '.synops'), { recursive: true, force: true });
    const model = join(root, 'mnist.snn.json');
    writeFileSync(model, templateText('mnist-dvs.snn.json'));
    const none = withRunFigures(report, model, { workspace: root });
    assert.equal(none.basis.kind, 'estimate');
    assert.match(none.basis.kind === 'estimate' ? none.basis.assumption : '', /^No evaluated run of this model yet/);
    writeRun('older', { createdAt: '2026-01-01T00:00:00Z', scale: 1 });
    writeRun('newer', { createdAt: '2026-01-02T00:00:00Z', scale: 2 });
    writeRun('other-model', { createdAt: '2026-01-03T00:00:00Z', scale: 3, hash: '0000000000000000' });
    writeRun('ann-only', { createdAt: '2026-01-04T00:00:00Z', snn: null });
    const newest = withRunFigures(report, model, { workspace: root });
    assert.equal(newest.totals.synops, 2 * 607_500);
    assert.deepEqual(newest.figuresFrom, { runId: 'newer', how: 'latest', candidates: 2 });
    const picked = withRunFigures(report, model, { workspace: root, runId: 'older' });
    assert.equal(picked.totals.synops, 607_500);
    assert.equal(picked.figuresFrom?.how, 'picked');
    const estimate = withRunFigures(report, model, { workspace: root, runId: '' });
    assert.equal(estimate.totals.synops, report.totals.synops);
    assert.match(estimate.basis.kind === 'estimate' ? estimate.basis.assumption : '', /^Estimate chosen for this model instead of its 2 evaluated runs/);
  });

  test("a run's model file edited since: the estimate, saying the run measured another version", () => {
    const path = writeRun('edited', { createdAt: '2026-01-01T00:00:00Z', hash: 'ffffffffffffffff' });
    const out = withRunFigures(report, path);
    assert.equal(out.basis.kind, 'estimate');
    assert.match(out.basis.kind === 'estimate' ? out.basis.assumption : '', /^Run edited was measured on another version/);
  });
});
