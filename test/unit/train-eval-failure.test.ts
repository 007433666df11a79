// A run whose spiking evaluation cannot read its data (a recording damaged after the epochs loaded it into
// memory) ends "failed" with the reader's one-line reason, not "running" forever; its last checkpoint stays,
// so Resume (once the file is whole again) evaluates without training. A cancel during the evaluation is
// recorded as cancelled. Real files: the tiny two-class dataset (20 recordings, 8 held-out samples).
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { train } from '../../src/io/train/api';
import { resumeRequest } from '../../src/io/train/resume';
import { FINETUNE_DEFAULTS } from '../../src/io/train/request';
import { canResume } from '../../src/io/train/list';
import type { RunInfo } from '../../src/core/train/types';
import { tinyHalvesModel, writeHalvesDataset } from './halves-dataset';

const workspace = mkdtempSync(join(tmpdir(), 'synops-eval-failure-'));

const TINY = tinyHalvesModel();

/** The default epochs through time of an event model, after the ANN's. */
const FT = FINETUNE_DEFAULTS.epochs;

const info = (dir: string): RunInfo => JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunInfo;

describe('a run whose evaluation fails or is cancelled', () => {
  after(() => rmSync(workspace, { recursive: true, force: true }));

  it('a recording damaged after loading: failed with the reader\'s reason, checkpoint kept, Resume evaluates once it is whole', async () => {
    const data = join(workspace, 'data');
    writeHalvesDataset(data);
    const files = readdirSync(data).filter((f) => f.endsWith('.bin'));
    const whole = new Map(files.map((f) => [f, readFileSync(join(data, f))]));
    const out = join(workspace, 'run-a');
    // When the evaluation starts (2 epochs and the default FT of fine-tuning through time done), every recording
    // loses its last 2 bytes: 400 records of 5 bytes = 2,000 bytes → 1,998, a last record of 3 of 5 bytes. The
    // spiking simulation reads the held-out recordings' events again.
    const damage = (p: { type: string; phase?: string }): void => {
      if (p.type === 'phase' && p.phase === 'evaluate') for (const [f, b] of whole) writeFileSync(join(data, f), b.subarray(0, b.length - 2));
    };
    await assert.rejects(train({ model: TINY, data, workspace, epochs: 2, batchSize: 8, learningRate: 0.01, snnSamples: 4, out }, { onProgress: damage }),
      /the last record has 3 of 5 bytes/);
    const failed = info(out);
    assert.equal(failed.state, 'failed');
    assert.match(failed.message ?? '', /rec\d+\.bin.*the last record has 3 of 5 bytes/);
    assert.ok(!failed.message!.includes('\n'), 'one line');
    assert.equal(failed.epochsDone, 2 + FT);
    assert.equal(JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8')).epoch, 2 + FT);
    assert.ok(canResume(out, failed));
    assert.ok(!existsSync(join(out, 'evaluation.json')));
    // Repaired, Resume trains nothing more and evaluates.
    for (const [f, b] of whole) writeFileSync(join(data, f), b);
    const r = await train(resumeRequest(out, workspace, 4));
    assert.equal(r.resumedFromEpoch, 2 + FT);
    assert.deepEqual(r.metrics.map((m) => m.epoch), Array.from({ length: 2 + FT }, (_, i) => i + 1));
    assert.equal(info(out).state, 'done');
    assert.equal(r.evaluation.snn?.samples, 4);
  });

  it('cancelled during the evaluation: cancelled, and Resume says it evaluates again', async () => {
    const data = join(workspace, 'data');
    const out = join(workspace, 'run-b');
    const stop = new AbortController();
    await assert.rejects(train({ model: TINY, data, workspace, epochs: 1, batchSize: 8, learningRate: 0.01, snnSamples: 4, out },
      { signal: stop.signal, onProgress: (p) => { if (p.type === 'phase' && p.phase === 'evaluate') stop.abort(); } }));
    const stopped = info(out);
    assert.equal(stopped.state, 'cancelled');
    assert.match(stopped.message ?? '', /resume evaluates the trained network again$/);
    assert.ok(canResume(out, stopped));
  });
});
