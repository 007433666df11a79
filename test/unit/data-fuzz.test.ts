// Fuzzing the readers: random bytes and random mutations of valid files must give either events that
// respect the file's own promises (inside the sensor, time never going back, polarity 0/1) or an
// EventDataError — never another exception, never a hang. Runs are bounded to keep the suite quick.
// CIFAR-10 batches, gzipped IDX and archives get the same treatment: data that keeps the format's promises
// (labels 0..9, arrays as long as their dimensions, files only inside the target folder) or a located
// EventDataError. Each run has a time limit, so a hang fails instead of stalling the suite.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { encodeAedat2 } from '../../src/core/data/aedat2';
import { extractArchive } from '../../src/io/data/archive';
import { CIFAR_RECORD, readCifar, readCifarRecord } from '../../src/core/data/cifar';
import { openEvents } from '../../src/core/data/detect';
import { EventDataError } from '../../src/core/data/events';
import { decodeIdx, readIdx } from '../../src/core/data/idx';
import { encodeNmnist } from '../../src/core/data/nmnist';
import { aedat4, ascii, concat, tarEntry, tempDir, write, zip, type Ev } from './data-fixtures';
import { fileSource } from '../../src/io/data/files';

const dir = tempDir();
let serial = 0;

/** Reads a whole file; checks the invariants of every event; returns 'ok' or 'error'. */
async function readChecked(file: string): Promise<'ok' | 'error'> {
  try {
    const r = await openEvents(fileSource(file));
    const { width, height } = r.meta;
    let prev = -Infinity;
    for await (const b of r.batches({ blockBytes: 64 })) {
      for (let i = 0; i < b.length; i++) {
        assert.ok(b.x[i] < width && b.y[i] < height, `event outside ${width}×${height}`);
        assert.ok(Number.isFinite(b.t[i]) && b.t[i] >= prev, `time went back: ${b.t[i]} after ${prev}`);
        assert.ok(b.p[i] === 0 || b.p[i] === 1);
        prev = b.t[i];
      }
    }
    return 'ok';
  } catch (e) {
    if (e instanceof EventDataError) return 'error';
    throw e;
  }
}

const mutation = fc.record({ pos: fc.nat(), kind: fc.constantFrom('flip', 'set', 'cut', 'insert'), val: fc.integer({ min: 0, max: 255 }) });

function mutate(bytes: Uint8Array, muts: Array<{ pos: number; kind: string; val: number }>): Uint8Array {
  let b: Uint8Array = bytes.slice();
  for (const m of muts) {
    if (!b.length) break;
    const at = m.pos % b.length;
    if (m.kind === 'flip') b[at] ^= 1 << (m.val & 7);
    else if (m.kind === 'set') b[at] = m.val;
    else if (m.kind === 'cut') b = b.slice(0, at);
    else b = concat(b.subarray(0, at), new Uint8Array([m.val]), b.subarray(at));
  }
  return b;
}

const events: Ev[] = Array.from({ length: 40 }, (_, i) => ({ x: (i * 5) % 32, y: (i * 3) % 24, t: 1000 + i * 10, p: i % 2 }));
const plain = { x: events.map((e) => e.x), y: events.map((e) => e.y), t: events.map((e) => e.t), p: events.map((e) => e.p) };
const valid: Record<string, Uint8Array> = {
  'f.aedat': encodeAedat2(plain),
  'f.bin': encodeNmnist(plain),
  'lz4.aedat4': aedat4({ compression: 1, packets: [{ stream: 0, events: events.slice(0, 20) }, { stream: 2, payload: new Uint8Array(6) }, { stream: 0, events: events.slice(20) }], table: 'good' }),
  'zstd.aedat4': aedat4({ compression: 3, packets: [{ stream: 0, events }] }),
  'f.dat': concat(ascii('% Width 32\n% Height 24\n'), new Uint8Array([0x0c, 8]), new Uint8Array(80).map((_, i) => (i % 8 === 4 ? i % 32 : 0))),
  'evt2.raw': concat(ascii('% evt 2.0\n% geometry 32x24\n% end\n'), ...evt2Words()),
};

/** EVT 2.0 words: a TIME_HIGH, then CD events and a second TIME_HIGH (little-endian 32-bit). */
function evt2Words(): Uint8Array[] {
  const w = (v: number): Uint8Array => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, v >>> 0, true); return b; };
  const words = [w((8 << 28) | 1)];
  events.forEach((e, i) => {
    if (i === 20) words.push(w((8 << 28) | 2));
    words.push(w(((e.p ? 1 : 0) << 28) | ((i & 0x3f) << 22) | (e.x << 11) | e.y));
  });
  return words;
}

/** Fails unless `e` is a located EventDataError (file, byte offset, expectation): the readers' own error. */
function assertOwnError(e: unknown): void {
  if (!(e instanceof EventDataError)) throw e;
  assert.match(e.message, /: byte \d+: .*; expected /);
}

const PER_RUN_MS = 2000;

describe('reader fuzzing', () => {
  for (const [name, bytes] of Object.entries(valid)) {
    it(`mutations of a valid ${name} give valid events or a clear error`, async () => {
      assert.equal(await readChecked(write(dir, `valid-${name}`, bytes)), 'ok');
      await fc.assert(fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (muts) => {
        await readChecked(write(dir, `${serial++}-${name}`, mutate(bytes, muts)));
      }), { numRuns: 150, timeout: PER_RUN_MS });
    });
  }

  it('random bytes behind each magic give valid events or a clear error', async () => {
    const prefixes = ['#!AER-DAT2.0\r\n', '#!AER-DAT4.0\r\n', '% Width 8\n', ''];
    await fc.assert(fc.asyncProperty(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 300 }), fc.constantFrom('.aedat', '.aedat4', '.dat', '.bin'), async (prefix, body, ext) => {
      await readChecked(write(dir, `${serial++}${ext}`, concat(ascii(prefix), body)));
    }), { numRuns: 150 });
  });

  it('IDX decoding of random bytes gives consistent arrays or a clear error', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (body, magic) => {
      const bytes = magic ? concat(new Uint8Array([0, 0, 8, 1, 0, 0, 0, body.length & 7]), body) : body;
      try {
        const a = decodeIdx(bytes, 'x');
        assert.equal(a.data.length, a.dims.reduce((x, y) => x * y, 1));
      } catch (e) {
        if (!(e instanceof EventDataError)) throw e;
      }
    }), { numRuns: 200 });
  });

  it('mutations of a CIFAR-10 batch give labels 0..9 and whole images, or a clear error', async () => {
    const records = concat(...[3, 0, 9].map((label, k) => concat(new Uint8Array([label]), new Uint8Array(3072).fill(k * 40))));
    await fc.assert(fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.nat(4), async (muts, index) => {
      const f = write(dir, `${serial++}-data_batch_1.bin`, mutate(records, muts));
      try {
        const all = await readCifar(fileSource(f), { blockBytes: CIFAR_RECORD });
        assert.equal(all.images.length, all.count * 3072);
        assert.ok(all.labels.every((l) => l <= 9));
        if (index < all.count) {
          const one = await readCifarRecord(fileSource(f), index);
          assert.equal(one.label, all.labels[index]);
          assert.deepEqual(one.image, all.images.subarray(index * 3072, (index + 1) * 3072));
        }
      } catch (e) {
        assertOwnError(e);
      }
    }), { numRuns: 100, timeout: PER_RUN_MS });
  });

  it('mutations of a gzipped IDX file give consistent arrays or a clear error', async () => {
    const idx = concat(new Uint8Array([0, 0, 8, 2, 0, 0, 0, 3, 0, 0, 0, 5]), new Uint8Array(15).map((_, i) => i * 7));
    const gz = gzipSync(idx);
    await fc.assert(fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.boolean(), async (muts, inside) => {
      // Mutating the gzip bytes mostly breaks the stream; mutating the IDX before gzipping keeps it valid gzip.
      const bytes = inside ? gzipSync(mutate(idx, muts)) : mutate(gz, muts);
      try {
        const a = await readIdx(fileSource(write(dir, `${serial++}-idx1-ubyte.gz`, bytes)));
        assert.equal(a.data.length, a.dims.reduce((x, y) => x * y, 1));
      } catch (e) {
        assertOwnError(e);
      }
    }), { numRuns: 150, timeout: PER_RUN_MS });
  });

  const archives: Record<string, Uint8Array> = {
    'a.zip': zip([{ name: 'Train/1/00001.bin', data: new Uint8Array(200).map((_, i) => i), deflate: true }, { name: 'Train/2/00002.bin', data: ascii('stored'), deflate: false }]),
    'a.tar': concat(tarEntry('cifar/data_batch_1.bin', new Uint8Array(700).map((_, i) => i % 13)), tarEntry('cifar/readme.txt', ascii('hi')), new Uint8Array(1024)),
    'a.tar.gz': gzipSync(concat(tarEntry('cifar/test_batch.bin', new Uint8Array(600).map((_, i) => i % 11)), new Uint8Array(1024))),
  };
  for (const [name, bytes] of Object.entries(archives)) {
    it(`mutations of ${name} extract inside the target folder or fail with a clear error`, async () => {
      await fc.assert(fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (muts) => {
        const jail = join(dir, `jail-${serial++}`);
        mkdirSync(jail);
        const f = write(jail, name, mutate(bytes, muts));
        try {
          await extractArchive(f, join(jail, 'out'));
        } catch (e) {
          assertOwnError(e);
        }
        // Whatever happened, nothing was written beside the target folder.
        assert.deepEqual(readdirSync(jail).filter((n) => n !== name && n !== 'out'), []);
        assert.ok(!existsSync(join(dir, 'evil.bin')));
      }), { numRuns: 60, timeout: PER_RUN_MS });
    });
  }
});
