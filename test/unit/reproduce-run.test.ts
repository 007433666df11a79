// The whole reproduction, end to end through the command, on a tiny N-MNIST-format dataset made here
// (20 recordings on the 34×34 sensor) with the seconds-long `smoke` budget: every strategy's models are
// trained, simulated, and reported in report.json and report.html.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runReproduce } from '../../src/cli/reproduce';
import type { ReproduceReport } from '../../src/core/reproduce/types';
import { writeHalvesDataset } from './halves-dataset';

const workspace = mkdtempSync(join(tmpdir(), 'synops-reproduce-'));
const dataDir = join(workspace, 'nmnist');
const out = join(workspace, 'report');

/** 20 recordings of 1,600 events (one 1,500-event sample each). */
const makeDataset = (): void => writeHalvesDataset(dataDir, { events: 1600, dtUs: 20 });

/** Runs `fn` with stdout lines collected and stderr silenced. */
async function quiet<T>(fn: () => Promise<T>): Promise<{ value: T; stdout: string }> {
  const log = console.log;
  const write = process.stderr.write.bind(process.stderr);
  let stdout = '';
  console.log = (...a: unknown[]) => { stdout += a.join(' ') + '\n'; };
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try { return { value: await fn(), stdout }; } finally { console.log = log; process.stderr.write = write; }
}

describe('synops reproduce, end to end', () => {
  before(makeDataset);
  after(() => rmSync(workspace, { recursive: true, force: true }));

  it('refuses a bad budget with the usage', async () => {
    const err = console.error;
    let msg = '';
    console.error = (m: string) => { msg += m; };
    try { assert.equal(await runReproduce(['--budget', 'huge']), 2); } finally { console.error = err; }
    assert.match(msg, /--budget is quick, medium, full, smoke/);
  });

  it('runs every strategy on a tiny N-MNIST folder and writes both reports', async () => {
    const { value: code, stdout } = await quiet(() => runReproduce(['--data', dataDir, '--budget', 'smoke', '--out', out, '--workspace', workspace]));
    assert.equal(code, 0);
    const model = JSON.parse(readFileSync(join(out, 'model.snn.json'), 'utf8'));
    assert.deepEqual(model.input.shape, [1, 34, 34]);
    assert.equal(model.input.chunkEvents, 1500);
    const r = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ReproduceReport;
    assert.deepEqual(r.points.map((p) => p.strategy), ['baseline', 'scale', 'baseline', 'synops', 'synops', 'synops-qrelu', 'synops-qrelu']);
    assert.deepEqual(r.points.map((p) => p.control ?? false), [false, false, true, false, false, false, false]);
    assert.equal(r.points[1].rho, 0.5);
    for (const p of r.points) {
      assert.ok(p.snn && p.snn.samples === 4, `${p.strategy}: spiking evaluation of 4 samples`);
      assert.equal(p.snn.synopsPerLayer.length, 4);
      assert.ok(p.ann.totalSynops > 0 && p.energy.annMacJoules > 0);
      // A unique largest spike count is also the argmax, so the integer readout never scores more.
      assert.ok(p.ann.readout && p.ann.readout.accuracy <= p.ann.accuracy && p.ann.readout.silent <= p.ann.readout.ties, JSON.stringify(p.ann.readout));
      assert.ok(existsSync(join(out, p.run, 'evaluation.json')), p.run);
    }
    // The smoke budget chains: the baseline (1 epoch) starts both chains, each link starts from the one
    // before, and the control trains the baseline on for 2 targets × 1 epoch. run.json names the warm start
    // relative to the run (a reproduction folder moves whole).
    const config = (run: string) => JSON.parse(readFileSync(join(out, run, 'run.json'), 'utf8')).config as { warmStart?: string; epochs: number };
    assert.equal(config('runs/baseline').warmStart, undefined);
    assert.deepEqual([config('runs/baseline-control').warmStart, config('runs/baseline-control').epochs], ['../baseline', 2]);
    assert.equal(r.summary.control?.epochs, 2);
    for (const strategy of ['synops', 'synops-qrelu']) {
      assert.equal(config(`runs/${strategy}-00`).warmStart, '../baseline');
      assert.equal(config(`runs/${strategy}-01`).warmStart, `../${strategy}-00`);
    }
    const targets = r.points.filter((p) => p.strategy === 'synops').map((p) => p.target!);
    assert.ok(Math.abs(targets[0] / targets[1] - 2) < 0.01, 'targets 0.5× and 0.25× the baseline');
    const s = r.summary;
    assert.equal(s.dataset.kind, 'flat');
    assert.deepEqual(s.split.recordings, { train: 16, test: 4 });
    assert.equal(s.split.snnSamples, 4);
    assert.ok(Number.isFinite(s.baseline.snnSynops) && s.annMacs > 0);
    assert.equal(typeof s.criterion.met, 'boolean');
    assert.equal(s.conversion?.models, 2, 'both SynOp+QReLU models split their conversion loss');
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    assert.ok(!/http|<script/i.test(html));
    assert.match(stdout, /synops-qrelu/);
    assert.match(stdout, /ANN-Q readout/);
    assert.match(stdout, /split 80\/20 by recording/);
  });

  it('--rerender rebuilds the same summary and figures from the points alone, and refuses a foreign report.json', async () => {
    const before = { json: readFileSync(join(out, 'report.json'), 'utf8'), html: readFileSync(join(out, 'report.html'), 'utf8') };
    // Without the runs, nothing but the points can feed it.
    rmSync(join(out, 'runs'), { recursive: true });
    const { value: code, stdout } = await quiet(() => runReproduce(['--out', out, '--rerender']));
    assert.equal(code, 0);
    assert.equal(readFileSync(join(out, 'report.json'), 'utf8'), before.json);
    assert.equal(readFileSync(join(out, 'report.html'), 'utf8'), before.html);
    assert.match(stdout, /synops-qrelu/);
    assert.match(stdout, /ANN-Q readout/);
    const other = join(workspace, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'report.json'), '{"kind":"something-else"}');
    const err = console.error;
    let msg = '';
    console.error = (m: string) => { msg += m; };
    try { assert.equal(await runReproduce(['--out', other, '--rerender']), 1); } finally { console.error = err; }
    assert.match(msg, /other\/report\.json is not a reproduction report \("kind" is "something-else"\)/);
  });
});
