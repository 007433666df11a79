// Readers given a named pipe, a device or a folder instead of a file: each must refuse it at once with an
// EventDataError naming the path, never open it (opening a pipe for reading waits for a writer forever).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openAedat4 } from '../../src/core/data/aedat4';
import { extractArchive } from '../../src/io/data/archive';
import { cifarCount, readCifar, readCifarRecord } from '../../src/core/data/cifar';
import { scanDataset } from '../../src/io/data/datasets';
import { openEvents } from '../../src/core/data/detect';
import { EventDataError } from '../../src/core/data/events';
import { readIdx } from '../../src/core/data/idx';
import { openNmnist } from '../../src/core/data/nmnist';
import { openProphesee } from '../../src/core/data/prophesee';
import { tempDir } from './data-fixtures';
import { fileSource } from '../../src/io/data/files';

const dir = tempDir();
const fifos: string[] = [];

/** A named pipe at `name` (made by mkfifo, as a user or a script would). */
function fifo(name: string): string {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  fifos.push(path);
  return path;
}

// A reader stuck in open() holds a thread of libuv's pool and keeps the test process alive: opening the
// write end releases it (this succeeds only when a reader is waiting), so a failing test still ends.
// Blocked opens queue behind each other in the pool, so this is repeated for a moment.
after(async () => {
  for (let round = 0; round < 20; round++) {
    for (const f of fifos) {
      try { closeSync(openSync(f, constants.O_WRONLY | constants.O_NONBLOCK)); } catch { /* no reader waiting */ }
    }
    await new Promise((r) => setTimeout(r, 25));
  }
});

/** Resolves with what `p` did, or 'hung' after `ms`. */
async function within<T>(p: Promise<T>, ms = 2000): Promise<T | unknown | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((r) => { timer = setTimeout(() => r('hung'), ms); });
  try {
    return await Promise.race([p.then(() => 'no error', (e: unknown) => e), hung]);
  } finally {
    clearTimeout(timer);
  }
}

function assertRefused(got: unknown, path: string, kind: RegExp): void {
  assert.notEqual(got, 'hung', `${path}: the reader blocked`);
  assert.ok(got instanceof EventDataError, `${path}: expected an EventDataError, got ${String(got)}`);
  assert.equal(got.code, 'io');
  assert.equal(got.file, path);
  assert.match(got.message, kind);
  assert.match(got.message, /regular file/);
}

describe('special files', () => {
  const readers: Array<[string, string, (f: string) => Promise<unknown>]> = [
    ['openEvents (AEDAT 2.0 by extension)', 'a.aedat', (f) => openEvents(fileSource(f))],
    ['openEvents (N-MNIST)', 'b.bin', (f) => openEvents(fileSource(f))],
    ['openEvents (Prophesee DAT)', 'c.dat', (f) => openEvents(fileSource(f))],
    ['openAedat4', 'd.aedat4', (f) => openAedat4(fileSource(f))],
    ['openNmnist', 'e.bin', (f) => openNmnist(fileSource(f))],
    ['openProphesee (EVT 2.0)', 'f.raw', (f) => openProphesee(fileSource(f))],
    ['cifarCount', 'g.bin', (f) => cifarCount(fileSource(f))],
    ['readCifar', 'h.bin', (f) => readCifar(fileSource(f))],
    ['readCifarRecord', 'i.bin', (f) => readCifarRecord(fileSource(f), 0)],
    ['readIdx', 'j-idx3-ubyte', (f) => readIdx(fileSource(f))],
    ['extractArchive (zip)', 'k.zip', (f) => extractArchive(f, join(dir, 'k'))],
    ['extractArchive (tar.gz)', 'l.tar.gz', (f) => extractArchive(f, join(dir, 'l'))],
  ];
  for (const [what, name, read] of readers) {
    it(`${what} refuses a named pipe at once`, { timeout: 5000 }, async () => {
      const path = fifo(name);
      assertRefused(await within(read(path)), path, /named pipe \(FIFO\)/);
    });
  }

  it('a character device and a folder are refused too', async () => {
    assertRefused(await within(openEvents(fileSource('/dev/zero'))), '/dev/zero', /character device/);
    const folder = join(dir, 'folder.aedat');
    mkdirSync(folder);
    assertRefused(await within(openEvents(fileSource(folder))), folder, /a folder/);
  });

  it('a labels.txt that is a pipe is refused when scanning a dataset folder', { timeout: 5000 }, () => {
    const root = join(dir, 'flat');
    mkdirSync(root);
    execFileSync('mkfifo', [join(root, 'labels.txt')]);
    fifos.push(join(root, 'labels.txt'));
    assert.throws(() => scanDataset(root), (e: unknown) => e instanceof EventDataError && /not a regular file/.test(e.message));
  });
});
