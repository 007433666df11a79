// `synops eval --snn` prints NeuroBench's metrics beside ours (#16): a real run trained by `synops train` (child
// process) on the tiny two-class event dataset, evaluated by `synops eval` (child process); the table's
// numbers checked by hand where they follow from the shapes, and against `--json` of the same evaluation.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { NeuroBenchReport } from '../../src/protocol/neurobench';
import { buildCli, runCli } from './cli-bundle';
import { tinyHalvesModel, writeHalvesDataset } from './halves-dataset';

const ws = mkdtempSync(join(tmpdir(), 'synops-eval-nb-'));

const TINY = tinyHalvesModel();

describe('synops eval --snn: the NeuroBench table of a trained run', () => {
  let cli = '';
  const run = join(ws, 'run');
  const data = join(ws, 'data');
  before(async () => {
    cli = await buildCli();
    writeHalvesDataset(data);
    writeFileSync(join(ws, 'tiny.snn.json'), JSON.stringify(TINY));
    const tr = runCli(cli, ['train', join(ws, 'tiny.snn.json'), '--data', data, '--epochs', '1', '--batch', '8', '--snn-samples', '0', '--out', run, '--workspace', ws, '--backend', 'cpu'], { timeoutMs: 300_000 });
    assert.equal(tr.code, 0, tr.err);
  });
  after(() => rmSync(ws, { recursive: true, force: true }));

  it('per weight layer and in total: Dense and Footprint from the shapes, ACs = our SynOps on binary input, the same numbers as --json', () => {
    const args = ['eval', run, '--data', data, '--snn', '--snn-samples', '4', '--workspace', ws];
    const ev = runCli(cli, args, { timeoutMs: 300_000 });
    assert.equal(ev.code, 0, ev.err);
    const js = runCli(cli, [...args, '--json'], { timeoutMs: 300_000 });
    assert.equal(js.code, 0, js.err);
    const nb = (JSON.parse(js.out) as { snn: { neurobench: NeuroBenchReport } }).snn.neurobench;
    const out = ev.out;
    // 200-event chunks of events 50 µs apart: 10 ms, 10 steps of 1 ms, every sample.
    assert.match(out, /^NeuroBench metrics \(per sample, mean of 4, 10 steps\):$/m);
    const n = (s: string): number => Number(s.replace(/,/g, ''));
    const row = (name: string): string[] => {
      const line = out.split('\n').find((l) => l.startsWith(`${name} `));
      assert.ok(line, `no row ${name} in\n${out}`);
      return line.replace(/ \*/g, '').trim().split(/ {2,}/);
    };
    // conv1: 4·15·15 = 900 outputs × 3·3 taps = 8,100 per step, × 10 steps = 81,000 Dense; 36 float32 = 144 B.
    const [, from1, acs1, macs1, dense1, ours1, macSteps1, cs1, fp1] = row('conv1');
    assert.deepEqual([from1, dense1, macSteps1, fp1], ['input', '81,000', '0', '144']);
    // Every input pixel gets at most one event per step here (max input 1): all ACs, and with no zero weight
    // NeuroBench's count equals ours (one operation per spike and connection).
    assert.equal(n(macs1), 0);
    assert.ok(n(acs1) > 0);
    assert.equal(acs1, ours1);
    assert.equal(cs1, '0.0000');
    // fc reads the average pooling of relu1's spikes (values k⁻² = 0.25 … 1): every step with input counts
    // as MACs. 2·196 = 392 weights: Dense 392 × 10 = 3,920; 392 · 4 B = 1,568 B.
    const [, from2, acs2, macs2, dense2, , macSteps2, , fp2] = row('fc');
    assert.deepEqual([from2, acs2, dense2, fp2], ['relu1', '0', '3,920', '1,568']);
    assert.ok(n(macs2) > 0);
    assert.match(macSteps2, /^10 \(max 1\)$/);
    // Totals: the sums (81,000 + 3,920 = 84,920 Dense; 144 + 1,568 = 1,712 B).
    const [, acsT, macsT, denseT, oursT, csT, fpT] = row('total');
    assert.deepEqual([denseT, csT, fpT], ['84,920', '0.0000', '1,712']);
    assert.equal(n(acsT), n(acs1) + n(acs2));
    // The table prints what --json carries (means rounded as the table rounds them).
    assert.equal(n(acs1), Math.round(nb.layers[0].effectiveAcs));
    assert.equal(n(macs2), Math.round(nb.layers[1].effectiveMacs));
    assert.equal(n(macsT), Math.round(nb.totals.effectiveMacs));
    assert.equal(n(oursT), Math.round(nb.totals.synops));
    assert.deepEqual(nb.layers.map((l) => [l.name, l.dense, l.footprintBytes, l.weights]), [['conv1', 81_000, 144, 36], ['fc', 3_920, 1_568, 392]]);
    // ActivationSparsity: 1 − non-zero outputs / (900 neurons · 10 steps).
    const a = nb.activations[0];
    assert.equal(a.sparsity, 1 - a.nonzero / (900 * 10));
    assert.match(out, new RegExp(`^ActivationSparsity ${a.sparsity.toFixed(4)} \\(relu1 ${a.sparsity.toFixed(4)}\\)$`, 'm'));
    // The ×10 row of a membrane readout is its spike counts (the gain cannot change the membrane's argmax).
    const g = (JSON.parse(js.out) as { snnOutputGain: { outputGain: number; spikeReadout?: { accuracy: number } } }).snnOutputGain;
    assert.equal(g.outputGain, 10);
    assert.ok(g.spikeReadout, 'a membrane readout reports its spike counts');
    assert.equal(row('SNN, output ×10, spike counts')[1], `${(100 * g.spikeReadout.accuracy).toFixed(2)} %`);
    assert.match(out, /^\* MACs: NeuroBench counts a step as ACs only when all of the layer's inputs are in \{−1, 0, 1\}/m);
  });
});
