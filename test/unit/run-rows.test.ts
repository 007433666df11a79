// A run's row is found by its own folder: its id under the workspace's runs folder, and one folder read alone.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { listRuns, readRunRow, runIdOf } from '../../src/io/train/list';

const workspace = mkdtempSync(join(tmpdir(), 'synops-rows-'));
after(() => rmSync(workspace, { recursive: true, force: true }));
const runs = join(workspace, '.synops', 'runs');

describe('run rows', () => {
  it('name a run by its path under the runs folder, or by its folder name elsewhere', () => {
    assert.equal(runIdOf(workspace, join(runs, 'r1')), 'r1');
    assert.equal(runIdOf(workspace, join(runs, 'sweep-a', 'r2')), 'sweep-a/r2');
    assert.equal(runIdOf(workspace, join(workspace, 'elsewhere', 'r3')), 'r3');
    assert.equal(runIdOf(undefined, join(runs, 'r1')), 'r1');
  });

  it('read one folder alone, with the reason when it cannot be read, as the list does', () => {
    mkdirSync(join(runs, 'broken'), { recursive: true });
    writeFileSync(join(runs, 'broken', 'run.json'), '{ not json');
    const row = readRunRow(workspace, join(runs, 'broken'));
    assert.equal(row.id, 'broken');
    assert.match(row.problem ?? '', /^cannot read .*broken: /);
    assert.deepEqual(listRuns(workspace), [row]);
  });
});
