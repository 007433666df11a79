// writeAtomic (src/io/atomic.ts): the new content or the old, never a mix; flushed to disk before and after the rename.
import { strict as assert } from 'node:assert';
import fs, { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { writeAtomic } from '../../src/io/atomic';

const tmp = mkdtempSync(join(tmpdir(), 'synops-io-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('writeAtomic', () => {
  it('replaces the content and leaves no temporary file', () => {
    const f = join(tmp, 'a', 'run.json');
    writeAtomic(f, 'old');
    writeAtomic(f, new TextEncoder().encode('new content'));
    assert.equal(readFileSync(f, 'utf8'), 'new content');
    assert.deepEqual(readdirSync(join(tmp, 'a')), ['run.json']);
  });

  it('fsyncs the file before the rename and the folder after it (a power cut keeps old or new, not an empty file)', () => {
    const events: string[] = [];
    const real = { fsyncSync: fs.fsyncSync, renameSync: fs.renameSync };
    fs.fsyncSync = (fd: number) => { events.push(`fsync ${fs.fstatSync(fd).isDirectory() ? 'dir' : 'file'}`); real.fsyncSync(fd); };
    fs.renameSync = (a: fs.PathLike, b: fs.PathLike) => { events.push('rename'); real.renameSync(a, b); };
    try {
      writeAtomic(join(tmp, 'b.json'), '{}');
    } finally { Object.assign(fs, real); }
    assert.deepEqual(events, ['fsync file', 'rename', 'fsync dir']);
  });

  it('a failed write keeps the old file and removes its temporary file', () => {
    const f = join(tmp, 'c.json');
    writeFileSync(f, 'kept');
    const real = fs.renameSync;
    fs.renameSync = () => { throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }); };
    try {
      assert.throws(() => writeAtomic(f, 'lost'), /ENOSPC/);
    } finally { fs.renameSync = real; }
    assert.equal(readFileSync(f, 'utf8'), 'kept');
    assert.deepEqual(readdirSync(tmp).filter((n) => n.startsWith('c.json')), ['c.json']);
  });
});
