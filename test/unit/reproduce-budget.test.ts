// The `medium` reproduction budget and the synthetic data folder of each size: the budget's epochs and
// targets resolve, `synth` lands in `synth-<N>` for any size but the default 100, the reproduction threads
// the size through every stage, and the command accepts `--budget medium` and `--per-digit`.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REPRODUCE_USAGE, runReproduce } from '../../src/cli/reproduce';
import { BUDGETS, controlEpochs, finetuneEpochsOf, fitBudget, lrStepsOf, targetCount, targetsOf, trainingText } from '../../src/core/reproduce/budget';
import type { ReproduceReport } from '../../src/core/reproduce/types';
import { dataDir, resolveData, synthDataDir } from '../../src/io/train/api';
import { TrainError, type RunInfo } from '../../src/core/train/types';
import { captured } from './helpers';

const workspace = mkdtempSync(join(tmpdir(), 'synops-budget-'));

describe('the medium budget', () => {
  after(() => rmSync(workspace, { recursive: true, force: true }));

  it('trains the quick chain on the paper-size synthetic set with fewer, longer epochs', () => {
    const m = BUDGETS.medium;
    assert.equal(m.synthPerDigit, 1000);
    assert.equal(m.snnSamples, 2000);
    assert.deepEqual([m.sweep, m.batchSize, m.learningRate, m.seed], ['chain', 32, 1e-3, 1]);
    // Quick's targets but its last (0.035, for N-MNIST's chains), and the same ρ.
    assert.deepEqual(targetsOf(m, 1e6), targetsOf(BUDGETS.quick, 1e6).slice(0, 7));
    assert.deepEqual(m.rhos, BUDGETS.quick.rhos);
    // ≈ 35,600 training samples: 1,113 steps per epoch at batch 32, above both step minimums, so the
    // baseline keeps 6 epochs and each link 1; the control adds 7 targets × 1 = 7.
    const big = fitBudget(m, 35600);
    assert.deepEqual([big.epochs, big.chain?.epochs, controlEpochs(big), targetCount(big)], [6, 1, 7, 7]);
    assert.match(trainingText(big), /baseline 6 epochs at batch 32; each SynOp model fine-tuned from the previous one \(the first from the baseline\) for 1 epochs; control: the baseline trained on for 7 epochs/);
    // 27 epochs of 35,600 samples at 650 per s ≈ 24.6 min: the bulk of the ≈ 47 min estimate in its note.
    const epochs = big.epochs + controlEpochs(big) + 2 * targetCount(big) * big.chain!.epochs;
    assert.equal(epochs, 27);
    assert.ok(Math.abs((epochs * 35600) / 650 / 60 - 24.6) < 0.1);
    assert.match(m.note, /1,000 recordings per digit.*2,000 of the held-out samples.*≈ 47 min/);
    // On a small folder (N-MNIST's 1,786 training samples) the step minimums make it the quick budget's training.
    const small = fitBudget(m, 1786);
    const quick = fitBudget(BUDGETS.quick, 1786);
    assert.deepEqual([small.epochs, small.chain?.epochs], [quick.epochs, quick.chain?.epochs]);
    assert.deepEqual(Object.keys(BUDGETS), ['quick', 'medium', 'full', 'smoke']);
  });

  it('fine-tuning through time makes at least the budget\'s steps: more epochs on a small split only', () => {
    const ft = { epochs: 8, maxSamples: 4096, batchSize: 32 };
    // N-MNIST: ⌈1786/32⌉ = 56 steps an epoch, ⌈850/56⌉ = ⌈15.2⌉ = 16. Synthetic: ⌈3504/32⌉ = 110, ⌈850/110⌉ =
    // ⌈7.7⌉ = 8; seed 2's 3,478 samples: 109 steps, ⌈7.8⌉ = 8. 880 steps would give that split 9.
    assert.equal(finetuneEpochsOf(ft, 1786, 850), 16);
    assert.equal(finetuneEpochsOf(ft, 3504, 850), 8);
    assert.equal(finetuneEpochsOf(ft, 3478, 850), 8);
    assert.equal(finetuneEpochsOf(ft, 3478, 880), 9);
    // A large split keeps its epochs; the subset caps the steps: 35,600 samples use 4,096, 128 steps an epoch.
    assert.equal(finetuneEpochsOf(ft, 35600, 850), 8);
    // 2,048 samples: 64 steps an epoch, ⌈850/64⌉ = ⌈13.3⌉ = 14.
    assert.equal(finetuneEpochsOf({ ...ft, epochs: 1, maxSamples: 2048 }, 35600, 850), 14);
    // No minimum, or no samples: the fine-tuning's own epochs.
    assert.equal(finetuneEpochsOf(ft, 1786, undefined), 8);
    assert.equal(finetuneEpochsOf(ft, 0, 850), 8);
    assert.equal(BUDGETS.quick.finetuneMinSteps, 850);
    assert.equal(BUDGETS.medium.finetuneMinSteps, undefined, 'medium keeps its 1 epoch on 2,048 samples');
  });

  it('a learning-rate decay steps at the first of each model\'s last epochs, never at its first', () => {
    const d = { lrDecay: { last: 0.25, factor: 0.1 } };
    // 8 epochs, last ¼: ⌈2⌉ = 2 epochs at lr × 0.1, from epoch 7. 36 epochs: ⌈9⌉ = 9, from 28. 5: ⌈1.25⌉ = 2, from 4.
    assert.deepEqual(lrStepsOf(d, 8), { epochs: [7], factor: 0.1 });
    assert.deepEqual(lrStepsOf(d, 36), { epochs: [28], factor: 0.1 });
    assert.deepEqual(lrStepsOf(d, 5), { epochs: [4], factor: 0.1 });
    // 2 epochs: one at each rate; 1 epoch, or no decay: none (a single epoch would train at the decayed rate only).
    assert.deepEqual(lrStepsOf({ lrDecay: { last: 0.9, factor: 0.1 } }, 2), { epochs: [2], factor: 0.1 });
    assert.equal(lrStepsOf(d, 1), undefined);
    assert.equal(lrStepsOf({}, 8), undefined);
    assert.match(trainingText({ ...fitBudget(BUDGETS.quick, 1786), ...d }), /each model's last 25 % of epochs at the learning rate × 0.1$/);
  });

  it('keeps the default synthetic folder for 100 per digit and gives every other size its own', () => {
    const ws = join(tmpdir(), 'ws');
    assert.equal(synthDataDir(ws), join(ws, '.synops', 'data', 'synth'));
    assert.equal(synthDataDir(ws, 100), join(ws, '.synops', 'data', 'synth'));
    assert.equal(synthDataDir(ws, 1000), join(ws, '.synops', 'data', 'synth-1000'));
    assert.equal(dataDir({ data: 'synth', workspace: ws, synthPerDigit: 7 }), join(ws, '.synops', 'data', 'synth-7'));
    assert.equal(dataDir({ data: 'synth', workspace: ws }), join(ws, '.synops', 'data', 'synth'));
    for (const bad of [0, -3, 1.5, NaN]) assert.throws(() => synthDataDir(ws, bad), (e: unknown) => e instanceof TrainError && e.code === 'bad-input', String(bad));
  });

  it('generates a small size once into synth-<N>', async () => {
    const ws = join(workspace, 'gen');
    const dir = await resolveData({ data: 'synth', workspace: ws, synthPerDigit: 1 });
    assert.equal(dir, join(ws, '.synops', 'data', 'synth-1'));
    assert.ok(existsSync(join(dir, '.complete')));
    const files = readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.aedat'));
    assert.equal(files.length, 10, 'one recording per digit');
    assert.ok(!existsSync(join(ws, '.synops', 'data', 'synth')), 'the default folder is untouched');
    const again = await resolveData({ data: 'synth', workspace: ws, synthPerDigit: 1 });
    assert.equal(again, dir);
  });

  it('the command takes --budget medium and --per-digit, and lists medium', async () => {
    assert.match(REPRODUCE_USAGE, /--budget quick\|medium\|full\|smoke/);
    assert.match(REPRODUCE_USAGE, /--per-digit N/);
    const huge = await captured(() => runReproduce(['--budget', 'huge']));
    assert.equal(huge.value, 2);
    assert.match(huge.stderr, /--budget is quick, medium, full, smoke/);
    // Accepted: what stops these two is the option after it.
    const folder = await captured(() => runReproduce(['--budget', 'medium', '--data', workspace, '--per-digit', '5']));
    assert.equal(folder.value, 2);
    assert.match(folder.stderr, /^synops reproduce: --per-digit sets the size of the synthetic digits; it needs --data synth \(synops reproduce --help shows the usage\)$/m);
    const zero = await captured(() => runReproduce(['--budget', 'medium', '--per-digit', '0']));
    assert.equal(zero.value, 2);
    assert.match(zero.stderr, /--per-digit must be an integer ≥ 1, got 0/);
    const full = await captured(() => runReproduce(['--budget', 'full', '--link-steps', '800']));
    assert.equal(full.value, 2);
    assert.match(full.stderr, /--link-steps sets the steps of a chain's links; the full budget trains each model from fresh weights/);
    const none = await captured(() => runReproduce(['--link-steps', '0']));
    assert.match(none.stderr, /--link-steps must be an integer ≥ 1, got 0/);
    for (const v of ['0', '1', 'x']) {
      const lr = await captured(() => runReproduce(['--lr-decay', v]));
      assert.equal(lr.value, 2);
      assert.match(lr.stderr, new RegExp(`--lr-decay is the fraction of each model's epochs trained at a tenth of the learning rate, in \\(0, 1\\), not ${v}`));
    }
    const seed = await captured(() => runReproduce(['--seed', '1.5']));
    assert.match(seed.stderr, /--seed must be an integer ≥ 1, got 1.5/);
    const proto = await captured(() => runReproduce(['--budget', 'toString']));
    assert.equal(proto.value, 2);
  });

  it('reproduces on synth-<N> in every stage when --per-digit sets the size (smoke budget)', async () => {
    const out = join(workspace, 'report');
    const r = await captured(() => runReproduce(['--data', 'synth', '--budget', 'smoke', '--per-digit', '5', '--snn-samples', '2', '--link-steps', '40', '--finetune-steps', '3', '--seed', '2', '--lr-decay', '0.5', '--workspace', workspace, '--out', out]));
    assert.equal(r.value, 0, r.stderr);
    const synth5 = join(workspace, '.synops', 'data', 'synth-5');
    assert.match(r.stderr, /data synth \(5 recordings per digit\), budget smoke/);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ReproduceReport;
    assert.equal(report.summary.dataset.root, synth5);
    assert.equal(report.budget.synthPerDigit, 5);
    // 50 recordings, 80/20 by recording within each digit: 40 training, 10 held out.
    assert.deepEqual(report.summary.split.recordings, { train: 40, test: 10 });
    // --link-steps 40 at batch 8: ceil(40 / ceil(train / 8)) epochs per link (2 on ≈ 180 samples, where the
    // smoke budget's own links are 1 epoch); the control adds 2 targets × that. --seed 2 reaches every run.
    const link = Math.max(1, Math.ceil(40 / Math.ceil(report.summary.split.samples.train / 8)));
    assert.equal(link, 2, `${report.summary.split.samples.train} training samples`);
    assert.equal(report.summary.split.seed, 2);
    assert.equal(report.summary.control?.epochs, 2 * link);
    for (const p of report.points) {
      const info = JSON.parse(readFileSync(join(out, p.run, 'run.json'), 'utf8')) as RunInfo;
      assert.equal(info.data.root, synth5, p.run);
      assert.equal(info.config.seed, 2, p.run);
      if (p.strategy === 'synops' || p.strategy === 'synops-qrelu') assert.equal(info.config.epochs, link, p.run);
      // --finetune-steps 3: smoke fine-tunes 1 epoch on 16 samples, one step at batch 32, so 3 epochs.
      if (p.strategy !== 'scale') {
        assert.equal(info.config.conversion?.finetune && info.config.conversion.finetune.epochs, 3, p.run);
        const through = (JSON.parse(readFileSync(join(out, p.run, 'metrics.json'), 'utf8')) as { throughTime?: unknown }[]).filter((m) => m.throughTime);
        assert.equal(through.length, 3, p.run);
      }
      // --lr-decay 0.5: the links' second epoch and the control's last two at a tenth; the 1-epoch baseline constant.
      const steps: { epochs: number[]; factor: number } | undefined = p.strategy === 'scale' || (p.strategy === 'baseline' && !p.control) ? undefined : { epochs: [p.control ? 2 * link - 1 : link], factor: 0.1 };
      assert.deepEqual(info.config.lrSteps, steps, p.run);
    }
    // The rate each epoch trained at, as its metrics record it: the last link's 1e-3 then 1e-4.
    const last = report.points.filter((p) => p.strategy === 'synops-qrelu').at(-1)!;
    const rates = (JSON.parse(readFileSync(join(out, last.run, 'metrics.json'), 'utf8')) as { epoch: number; learningRate: number; throughTime?: unknown }[]).filter((m) => !m.throughTime).map((m) => m.learningRate);
    assert.deepEqual(rates.map((x) => +x.toPrecision(6)), [1e-3, 1e-4]);
    // The baseline's spiking evaluation (with the weight scaling) is on the held-out split, as before.
    const baseline = JSON.parse(readFileSync(join(out, 'runs', 'baseline', 'evaluation.json'), 'utf8'));
    assert.deepEqual(baseline.data, { root: synth5, split: 'test', samples: report.summary.split.samples.test });
    assert.ok(!existsSync(join(workspace, '.synops', 'data', 'synth')), 'nothing read the default folder');
  });
});
