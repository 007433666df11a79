// The decoders read a ByteSource they are given: bytes in memory decode exactly as the same bytes in a file,
// every read is at most one block, and every source opened is closed, also when decoding fails half-way.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { encodeAedat2 } from '../../src/core/data/aedat2';
import { memorySource, type ByteSource } from '../../src/core/data/bytes';
import { CIFAR_RECORD, readCifar } from '../../src/core/data/cifar';
import { openEvents, readAllEvents } from '../../src/core/data/detect';
import { EventDataError, type EventBatch } from '../../src/core/data/events';
import { encodeNmnist } from '../../src/core/data/nmnist';
import { fileSource } from '../../src/io/data/files';
import { collect, tempDir, write } from './data-fixtures';

const dir = tempDir();

/** One batch as a stream of batches. */
async function* once(b: EventBatch): AsyncGenerator<EventBatch> { yield b; }

/** `src` with its reads and opens counted: the largest read, the bytes read, opens and closes. */
function counted(src: ByteSource): ByteSource & { largest: number; total: number; reads: number; opens: number; closes: number } {
  const c = {
    name: src.name, largest: 0, total: 0, reads: 0, opens: 0, closes: 0,
    async open(expected?: string) {
      const b = await src.open(expected);
      c.opens++;
      return {
        size: b.size,
        read: async (offset: number, length: number) => {
          c.reads++;
          c.largest = Math.max(c.largest, length);
          const got = await b.read(offset, length);
          c.total += got.length;
          return got;
        },
        close: async () => { c.closes++; await b.close(); },
      };
    },
  };
  return c;
}

// 100 N-MNIST events: x = i mod 34, y = (3i) mod 34, t = 10·i µs, ON for even i.
const n = 100;
const ev = {
  x: Array.from({ length: n }, (_, i) => i % 34), y: Array.from({ length: n }, (_, i) => (3 * i) % 34),
  t: Array.from({ length: n }, (_, i) => 10 * i), p: Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 0)),
};
const nmnist = encodeNmnist(ev);

describe('decoders on a ByteSource', () => {
  it('decode bytes in memory exactly as the same bytes in a file', async () => {
    const aedat = encodeAedat2({ x: [5, 0, 127], y: [3, 127, 0], t: [100, 250, 260], p: [1, 0, 1] }, ['memory']);
    for (const [name, bytes] of [['a.aedat', aedat], ['n.bin', nmnist]] as const) {
      const fromFile = await readAllEvents(fileSource(write(dir, name, bytes)));
      const fromMemory = await readAllEvents(memorySource(name, bytes));
      assert.equal(fromMemory.meta.format, fromFile.meta.format);
      assert.deepEqual(await collect(once(fromMemory.events)), await collect(once(fromFile.events)));
    }
    // The N-MNIST events come back as written (event 7: x 7, y 21, t 70 µs, OFF).
    const { events } = await readAllEvents(memorySource('n.bin', nmnist));
    assert.equal(events.length, n);
    assert.deepEqual([events.x[7], events.y[7], events.t[7], events.p[7]], [7, 21, 70, 0]);
  });

  it('read one block at a time: 500 bytes in 60-byte blocks are 9 reads, none larger than a block', async () => {
    const src = counted(memorySource('n.bin', nmnist));
    const reader = await openEvents(src);
    // Format detection reads the first 16 bytes; N-MNIST's opening reads nothing (its size only).
    assert.deepEqual([src.reads, src.total], [1, 16]);
    // blockBytes 64 → whole 5-byte records: ⌊64/5⌋·5 = 60 bytes a read; ⌈500/60⌉ = 9 reads (8 of 60, one of 20).
    const events = await collect(reader.batches({ blockBytes: 64 }));
    assert.equal(events.length, n);
    assert.equal(src.reads, 1 + 9);
    assert.equal(src.largest, 60);
    assert.equal(src.total, 16 + 500);
    assert.equal(src.opens, src.closes);
  });

  it('close what they opened when the bytes are bad half-way', async () => {
    // Event 50's timestamp goes back: 0 µs after 490 µs.
    const bad = encodeNmnist({ ...ev, t: ev.t.map((t, i) => (i === 50 ? 0 : t)) });
    const src = counted(memorySource('bad.bin', bad));
    await assert.rejects(readAllEvents(src, { blockBytes: 64 }), (e: unknown) => e instanceof EventDataError && e.code === 'time-backwards' && e.file === 'bad.bin' && e.offset === 50 * 5 + 2);
    assert.ok(src.opens > 0);
    assert.equal(src.opens, src.closes);
    // CIFAR: a label of 10 in record 1 of 2 is refused, the source closed.
    const cifar = new Uint8Array(2 * CIFAR_RECORD);
    cifar[CIFAR_RECORD] = 10;
    const c = counted(memorySource('c.bin', cifar));
    await assert.rejects(readCifar(c), /c\.bin: byte 3073: label 10 of record 1/);
    assert.equal(c.opens, c.closes);
  });

  it('a file source refuses a folder in one line that names it', async () => {
    await assert.rejects(readAllEvents(fileSource(dir)), (e: unknown) => e instanceof EventDataError && e.code === 'io' && e.message.startsWith(`${dir}: byte 0: the path is a folder`));
  });
});
