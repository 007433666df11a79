// A copied set of runs resumes where the original stopped: a warm-started run's record names the original's
// warm start, and a copy asks for its own sibling of the same name (how a reproduction folder is copied).
import { strict as assert } from 'node:assert';
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { train } from '../../src/io/train/api';
import { tinyHalvesModel, writeHalvesDataset } from './halves-dataset';

const tmp = mkdtempSync(join(tmpdir(), 'synops-resume-copy-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const runs = (root: string): string => join(root, 'runs');

/**
 * A finished `runs/baseline` under `root` and a `runs/control` warm-started from it, cancelled after its first
 * epoch (of 3), as a reproduction folder holds them; `ask(root)` is the control's request in a folder `root`.
 */
async function cancelledChain(root: string, dataName: string) {
  const data = join(tmp, dataName);
  writeHalvesDataset(data);
  const model = { ...tinyHalvesModel(), conversion: { finetune: false as const } };
  const common = { model, data, workspace: tmp, epochs: 1, batchSize: 8, learningRate: 0.01, snnSamples: 0 };
  await train({ ...common, out: join(runs(root), 'baseline') });
  const stop = new AbortController();
  const ask = (at: string) => ({ ...common, epochs: 3, warmStart: join(runs(at), 'baseline'), out: join(runs(at), 'control') });
  await assert.rejects(train(ask(root), { signal: stop.signal, onProgress: (p) => { if (p.type === 'epoch') stop.abort(); } }), /cancelled/);
  return ask;
}

describe('resuming a copied set of runs', () => {
  it('accepts the copy\'s own sibling as the warm start and refuses a same-named run elsewhere (a record with an absolute path)', async () => {
    const ask = await cancelledChain(join(tmp, 'orig'), 'data');
    // Older versions stored the warm start as an absolute path: the copy's record names the original's baseline.
    const record = join(runs(join(tmp, 'orig')), 'control', 'run.json');
    const info = JSON.parse(readFileSync(record, 'utf8'));
    writeFileSync(record, JSON.stringify({ ...info, config: { ...info.config, warmStart: join(runs(join(tmp, 'orig')), 'baseline') } }));
    cpSync(join(tmp, 'orig'), join(tmp, 'copy'), { recursive: true });
    cpSync(join(tmp, 'orig'), join(tmp, 'other'), { recursive: true });
    // Elsewhere: a run named `baseline` that is not the copy's sibling (nor the original) is another warm start.
    await assert.rejects(train({ ...ask(join(tmp, 'copy')), warmStart: join(runs(join(tmp, 'other')), 'baseline') }), /holds a run with other settings.*--from/);
    const r = await train(ask(join(tmp, 'copy')));
    assert.equal(r.resumedFromEpoch, 1);
    assert.deepEqual(r.metrics.map((m) => m.epoch), [1, 2, 3]);
  });

  it('stores the warm start relative to the run, so a moved reproduction names its own sibling', async () => {
    const ask = await cancelledChain(join(tmp, 'here'), 'data-moved');
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
