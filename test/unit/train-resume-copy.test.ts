// A copied set of runs resumes where the original stopped: a warm-started run's record names the original's
// warm start, and a copy asks for its own sibling of the same name (how a reproduction folder is copied).
import { strict as assert } from 'node:assert';
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { train } from '../../src/io/train/api';
import { tinyHalvesModel, writeHalvesDataset } from './halves-dataset';

const tmp = mkdtempSync(join(tmpdir(), 'synops-resume-copy-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('resuming a copied set of runs', () => {
  it('accepts the copy\'s own sibling as the warm start and refuses a same-named run elsewhere', async () => {
    const data = join(tmp, 'data');
    writeHalvesDataset(data);
    const model = { ...tinyHalvesModel(), conversion: { finetune: false as const } };
    const common = { model, data, workspace: tmp, epochs: 1, batchSize: 8, learningRate: 0.01, snnSamples: 0 };
    const runs = (root: string): string => join(root, 'runs');
    await train({ ...common, out: join(runs(join(tmp, 'orig')), 'baseline') });
    const stop = new AbortController();
    const ask = (root: string, from = join(runs(root), 'baseline')) => ({ ...common, epochs: 3, warmStart: from, out: join(runs(root), 'control') });
    await assert.rejects(train(ask(join(tmp, 'orig')), { signal: stop.signal, onProgress: (p) => { if (p.type === 'epoch') stop.abort(); } }), /cancelled/);
    cpSync(join(tmp, 'orig'), join(tmp, 'copy'), { recursive: true });
    cpSync(join(tmp, 'orig'), join(tmp, 'other'), { recursive: true });
    // Elsewhere: a run named `baseline` that is not the copy's sibling (nor the original) is another warm start.
    await assert.rejects(train({ ...ask(join(tmp, 'copy')), warmStart: join(runs(join(tmp, 'other')), 'baseline') }), /holds a run with other settings.*--from/);
    const r = await train(ask(join(tmp, 'copy')));
    assert.equal(r.resumedFromEpoch, 1);
    assert.deepEqual(r.metrics.map((m) => m.epoch), [1, 2, 3]);
  });

  it('stores the warm start relative to the run, so a moved reproduction names its own sibling', async () => {
    const data = join(tmp, 'data-moved');
    writeHalvesDataset(data);
    const model = { ...tinyHalvesModel(), conversion: { finetune: false as const } };
    const common = { model, data, workspace: tmp, epochs: 1, batchSize: 8, learningRate: 0.01, snnSamples: 0 };
    const runs = (root: string): string => join(root, 'runs');
    await train({ ...common, out: join(runs(join(tmp, 'here')), 'baseline') });
    const stop = new AbortController();
    const ask = (root: string) => ({ ...common, epochs: 3, warmStart: join(runs(root), 'baseline'), out: join(runs(root), 'control') });
    await assert.rejects(train(ask(join(tmp, 'here')), { signal: stop.signal, onProgress: (p) => { if (p.type === 'epoch') stop.abort(); } }), /cancelled/);
    const stored = JSON.parse(readFileSync(join(runs(join(tmp, 'here')), 'control', 'run.json'), 'utf8'));
    assert.equal(stored.config.warmStart, '../baseline');
    // Moved, not copied: the old folder is gone, and a run named `baseline` elsewhere is still refused.
    renameSync(join(tmp, 'here'), join(tmp, 'there'));
    cpSync(join(tmp, 'there'), join(tmp, 'elsewhere'), { recursive: true });
    await assert.rejects(train({ ...ask(join(tmp, 'there')), warmStart: join(runs(join(tmp, 'elsewhere')), 'baseline') }), /holds a run with other settings.*--from/);
    const r = await train(ask(join(tmp, 'there')));
    assert.equal(r.resumedFromEpoch, 1);
  });
});
