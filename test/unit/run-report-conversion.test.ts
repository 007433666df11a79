/**
 * `withRunFigures` on a real run-folder layout (`.synops/runs/<id>/` with `run.json`, `model.snn.json` and
 * `evaluation.json`) in a temp dir: the spiking evaluation's conversion diagnosis becomes
 * `report.conversion`, and a run evaluated before the diagnosis existed still gets its other figures.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeModelText } from '../../src/core/report';
import { withRunFigures } from '../../src/io/train/runReport';
import type { EvalResult, Evaluation, RunInfo } from '../../src/core/train/types';
import type { ConversionDiagnosis, ModelReport } from '../../src/protocol/report';
import { templateText } from './helpers';

/** relu1 of the MNIST-DVS network has 8×62×62 = 30,752 neurons; the numbers are otherwise made up. */
const DIAGNOSIS: ConversionDiagnosis = {
  readout: 'spikes',
  samples: 200,
  layers: [
    { layer: 'relu1', neurons: 30_752, annSpikes: 4_100, snnSpikes: 3_950, annSilent: 0.81, snnSilent: 0.83 },
    { layer: 'relu2', neurons: 10_092, annSpikes: 900, snnSpikes: 610, annSilent: 0.92, snnSilent: 0.95 },
  ],
  accuracy: { annArgmax: 0.895, annReadout: 0.851, snn: 0.828 },
  silentOutputs: 12,
  warning: 'Most outputs are silent: train longer or raise the output gain.',
};

function evalResult(kind: 'ann' | 'snn', accuracy: number): EvalResult {
  return {
    kind, samples: 200, accuracy, seconds: 1, totalSynops: 515_000, hiddenSynops: 300_000,
    synopsPerLayer: [{ emitter: 'input', receiver: 'conv1', synops: 215_000 }, { emitter: 'relu1', receiver: 'conv2', synops: 300_000 }],
  };
}

let root: string;
let report: ModelReport;

/** Writes `.synops/runs/<id>/` as training leaves it; `snnExtra` is merged into `evaluation.snn`. */
function writeRun(id: string, snnExtra: Record<string, unknown> | undefined): string {
  const dir = join(root, '.synops', 'runs', id);
  mkdirSync(dir, { recursive: true });
  const info: RunInfo = {
    id, dir, modelName: report.modelName, modelHash: report.modelHash,
    config: { strategy: 'synops-qrelu', target: 600_000, epochs: 2, batchSize: 32, learningRate: 0.001, weightDecay: 0, countInputSynops: false, seed: 1, evalEachEpoch: true },
    activation: 'qrelu', backend: { name: 'wasm', notes: [] },
    data: { root: 'synth', kind: 'mnist-dvs', trainSamples: 800, testSamples: 200, recordings: { train: 800, test: 200 } },
    state: 'done', epochsDone: 2, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
  };
  const evaluation: Evaluation = {
    ann: evalResult('ann', 0.9),
    annQuantized: evalResult('ann', 0.895),
    snn: snnExtra ? { ...evalResult('snn', 0.828), ...snnExtra } : undefined,
  };
  writeFileSync(join(dir, 'model.snn.json'), templateText('mnist-dvs.snn.json'));
  writeFileSync(join(dir, 'run.json'), JSON.stringify(info, null, 2));
  writeFileSync(join(dir, 'evaluation.json'), JSON.stringify(evaluation, null, 2));
  return join(dir, 'model.snn.json');
}

describe('withRunFigures: conversion diagnosis', () => {
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'synops-run-report-'));
    const analyzed = analyzeModelText(templateText('mnist-dvs.snn.json'), 'mnist-dvs.snn.json');
    assert.ok(analyzed.report);
    report = analyzed.report;
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('copies evaluation.snn.diagnosis into report.conversion, beside the other run figures', () => {
    const out = withRunFigures(report, writeRun('qr-6e5', { diagnosis: DIAGNOSIS }));
    assert.deepEqual(out.conversion, DIAGNOSIS);
    assert.equal(out.runId, 'qr-6e5');
    assert.deepEqual(out.accuracy, { snn: 0.828, ann: 0.895 });
    assert.equal(out.layers.find((l) => l.name === 'conv2')?.synopsAnn, 300_000);
    // The report is plain JSON for the webviews: the diagnosis survives a round trip unchanged.
    assert.deepEqual(JSON.parse(JSON.stringify(out)).conversion, DIAGNOSIS);
  });

  test('a run evaluated before the diagnosis existed: no conversion key, the other figures as before', () => {
    const out = withRunFigures(report, writeRun('old-run', {}));
    assert.equal('conversion' in out, false);
    assert.equal(out.runId, 'old-run');
    assert.deepEqual(out.accuracy, { snn: 0.828, ann: 0.895 });
  });

  test('a run without a spiking evaluation has no conversion', () => {
    const out = withRunFigures(report, writeRun('ann-only', undefined));
    assert.equal('conversion' in out, false);
    assert.deepEqual(out.accuracy, { snn: undefined, ann: 0.895 });
  });

  test('a diagnosis of an unknown shape is left out rather than drawn', () => {
    for (const [id, diagnosis] of [['bad-readout', { ...DIAGNOSIS, readout: 'voltage' }], ['no-layers', { ...DIAGNOSIS, layers: undefined }], ['null', null]] as const) {
      const out = withRunFigures(report, writeRun(id, { diagnosis }));
      assert.equal('conversion' in out, false, id);
      assert.equal(out.runId, id);
    }
  });

  test('a model file outside a run folder is returned unchanged', () => {
    const dir = join(root, 'models');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'model.snn.json');
    writeFileSync(path, templateText('mnist-dvs.snn.json'));
    writeFileSync(join(dir, 'evaluation.json'), JSON.stringify({ snn: { diagnosis: DIAGNOSIS } }));
    assert.equal(withRunFigures(report, path), report);
  });
});
