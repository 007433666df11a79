// Event and image readers on hand-made bytes: the decoded values, and one error per kind of bad input,
// each naming the file, the byte offset and what was expected.
import { strict as assert } from 'node:assert';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { encodeAedat2, openAedat2 } from '../../src/core/data/aedat2';
import { openAedat4 } from '../../src/core/data/aedat4';
import { cifarBatches, readCifar } from '../../src/core/data/cifar';
import { detectEventFormat, readAllEvents } from '../../src/core/data/detect';
import { EventDataError } from '../../src/core/data/events';
import { readIdx } from '../../src/core/data/idx';
import { encodeNmnist, openNmnist } from '../../src/core/data/nmnist';
import { openProphesee } from '../../src/core/data/prophesee';
import { aedat4, ascii, collect, concat, tempDir, write, type Ev } from './data-fixtures';
import { fileSource } from '../../src/io/data/files';

const dir = tempDir();

/** Asserts that `p` rejects with an EventDataError of `code` at `offset`, whose message names the file. */
async function rejects(p: Promise<unknown>, code: string, offset: number, file: string, expected?: RegExp): Promise<EventDataError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof EventDataError, `expected an EventDataError, got ${(e as Error).stack}`);
    assert.equal(e.code, code, e.message);
    assert.equal(e.offset, offset, e.message);
    assert.ok(e.message.startsWith(`${file}: byte ${offset}: `), e.message);
    assert.match(e.message, /; expected /);
    if (expected) assert.match(e.message, expected);
    return e;
  }
  assert.fail('expected a rejection');
}

const HEADER = '#!AER-DAT2.0\r\n# test\r\n';
/** One AEDAT 2.0 record: big-endian address and timestamp. */
const rec = (addr: number, t: number): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setUint32(0, addr);
  new DataView(b.buffer).setUint32(4, t);
  return b;
};

describe('AEDAT 2.0 (DVS128)', () => {
  // Address 0x030A = y 3 (bits 8–14), x 5 (bits 1–7), bit 0 = 0 → ON; 0x7F01 = y 127, x 0, OFF.
  const file = write(dir, 'a.aedat', concat(ascii(HEADER), rec(0x030a, 100), rec(0x7f01, 250), rec(0x8000, 260), rec(0x00fe, 260)));

  it('decodes x, y, polarity and skips special events', async () => {
    const r = await openAedat2(fileSource(file));
    assert.equal(r.meta.dataOffset, HEADER.length);
    assert.deepEqual(r.meta.header, ['#!AER-DAT2.0', '# test']);
    assert.deepEqual(await collect(r.batches()), [{ x: 5, y: 3, t: 100, p: 1 }, { x: 0, y: 127, t: 250, p: 0 }, { x: 127, y: 0, t: 260, p: 1 }]);
    assert.equal(r.skippedSpecial(), 1);
  });

  it('offers jAER\'s view (127 − x, 127 − y) and the upright MNIST-DVS view (127 − y, 127 − x)', async () => {
    assert.deepEqual((await collect((await openAedat2(fileSource(file), { orientation: 'jaer' })).batches()))[0], { x: 122, y: 124, t: 100, p: 1 });
    assert.deepEqual((await collect((await openAedat2(fileSource(file), { orientation: 'mnist-dvs-upright' })).batches()))[0], { x: 124, y: 122, t: 100, p: 1 });
    // Writing in a view and reading in the same view gives the events back.
    const f = write(dir, 'up.aedat', encodeAedat2({ x: [10], y: [20], t: [0], p: [0] }, [], 'mnist-dvs-upright'));
    assert.deepEqual(await collect((await openAedat2(fileSource(f), { orientation: 'mnist-dvs-upright' })).batches()), [{ x: 10, y: 20, t: 0, p: 0 }]);
    assert.deepEqual(await collect((await openAedat2(fileSource(f))).batches()), [{ x: 107, y: 117, t: 0, p: 0 }]);
  });

  it('streams in blocks: a record never straddles two blocks', async () => {
    const ev = await collect((await openAedat2(fileSource(file))).batches({ blockBytes: 9 }));
    assert.equal(ev.length, 3);
  });

  it('unwraps a 32-bit timestamp wrap', async () => {
    const f = write(dir, 'wrap.aedat', concat(ascii(HEADER), rec(0x0102, 0xffffff00), rec(0x0102, 0x10)));
    const ev = await collect((await openAedat2(fileSource(f))).batches());
    assert.deepEqual(ev.map((e) => e.t), [0xffffff00, 2 ** 32 + 0x10]);
  });

  it('round-trips through encodeAedat2', async () => {
    const ev = { x: [0, 127, 64], y: [0, 5, 127], t: [0, 10, 4e9], p: [1, 0, 1] };
    const f = write(dir, 'rt.aedat', encodeAedat2(ev));
    const back = await collect((await openAedat2(fileSource(f))).batches());
    assert.deepEqual(back, [0, 1, 2].map((i) => ({ x: ev.x[i], y: ev.y[i], t: ev.t[i], p: ev.p[i] })));
  });

  it('refuses a wrong magic, a truncated record, an address outside the sensor, a step back in time', async () => {
    const bad = write(dir, 'bad.aedat', ascii('#!AER-DAT9.9\r\n'));
    await rejects(openAedat2(fileSource(bad)), 'unsupported', 0, bad);
    const junk = write(dir, 'junk.aedat', ascii('hello world, this is not AEDAT'));
    await rejects(openAedat2(fileSource(junk)), 'bad-magic', 0, junk, /#!AER-DAT2\.0/);
    // 2 records of 8 bytes then 5 stray bytes: the bad record starts at header + 16.
    const cut = write(dir, 'cut.aedat', concat(ascii(HEADER), rec(0x0102, 1), rec(0x0102, 2), new Uint8Array(5)));
    await rejects(collect((await openAedat2(fileSource(cut))).batches()), 'truncated', HEADER.length + 16, cut, /8-byte records/);
    const wide = write(dir, 'wide.aedat', concat(ascii(HEADER), rec(0x0102, 1), rec(0x10102, 2)));
    await rejects(collect((await openAedat2(fileSource(wide))).batches()), 'out-of-sensor', HEADER.length + 8, wide, /16-bit DVS128 address/);
    const back = write(dir, 'back.aedat', concat(ascii(HEADER), rec(0x0102, 500), rec(0x0102, 499)));
    await rejects(collect((await openAedat2(fileSource(back))).batches()), 'time-backwards', HEADER.length + 12, back, /non-decreasing/);
    const endless = write(dir, 'endless.aedat', ascii('#!AER-DAT2.0 and no line end'));
    await rejects(openAedat2(fileSource(endless)), 'truncated', 0, endless);
  });
});

describe('N-MNIST .bin', () => {
  it('decodes the 5-byte records', async () => {
    // x 33, y 0, ON, t = 0x012345 µs; x 1, y 2, OFF, t = 0x7FFFFF µs (the largest).
    const f = write(dir, '1.bin', new Uint8Array([33, 0, 0x81, 0x23, 0x45, 1, 2, 0x7f, 0xff, 0xff]));
    assert.deepEqual(await collect((await openNmnist(fileSource(f))).batches()), [{ x: 33, y: 0, t: 0x012345, p: 1 }, { x: 1, y: 2, t: 0x7fffff, p: 0 }]);
  });

  it('refuses truncated records, out-of-sensor addresses and steps back in time', async () => {
    const cut = write(dir, 'cut.bin', new Uint8Array([1, 1, 0, 0, 1, 2, 2]));
    await rejects(collect((await openNmnist(fileSource(cut))).batches()), 'truncated', 5, cut);
    const out = write(dir, 'out.bin', new Uint8Array([1, 1, 0, 0, 1, 34, 2, 0, 0, 2]));
    await rejects(collect((await openNmnist(fileSource(out))).batches()), 'out-of-sensor', 5, out, /0\.\.33/);
    const back = write(dir, 'back.bin', new Uint8Array([1, 1, 0, 0, 9, 1, 1, 0, 0, 8]));
    await rejects(collect((await openNmnist(fileSource(back))).batches()), 'time-backwards', 7, back);
  });
});

describe('readers agree where formats overlap', () => {
  it('the same events as AEDAT 2.0 and as N-MNIST read back identically', async () => {
    const n = 500;
    const ev = { x: [] as number[], y: [] as number[], t: [] as number[], p: [] as number[] };
    for (let i = 0; i < n; i++) { ev.x.push((i * 7) % 34); ev.y.push((i * 13) % 34); ev.t.push(i * 37); ev.p.push(i % 3 === 0 ? 1 : 0); }
    const a = await readAllEvents(fileSource(write(dir, 'same.aedat', encodeAedat2(ev))));
    const b = await readAllEvents(fileSource(write(dir, 'same.bin', encodeNmnist(ev))));
    assert.equal(a.events.length, n);
    assert.deepEqual([...a.events.x], [...b.events.x]);
    assert.deepEqual([...a.events.y], [...b.events.y]);
    assert.deepEqual([...a.events.t], [...b.events.t]);
    assert.deepEqual([...a.events.p], [...b.events.p]);
    // And as AEDAT 4.0, in two packets, with Zstd.
    const evs: Ev[] = ev.x.map((x, i) => ({ x, y: ev.y[i], t: ev.t[i], p: ev.p[i] }));
    const c = await readAllEvents(fileSource(write(dir, 'same.aedat4', aedat4({ compression: 3, width: 34, height: 34, packets: [{ stream: 0, events: evs.slice(0, 200) }, { stream: 0, events: evs.slice(200) }] }))));
    assert.deepEqual([...c.events.t], [...a.events.t]);
    assert.deepEqual([...c.events.x], [...a.events.x]);
  });
});

describe('AEDAT 4.0', () => {
  const evs: Ev[] = [{ x: 1, y: 2, t: 1_600_000_000_000_000, p: 1 }, { x: 31, y: 23, t: 1_600_000_000_000_010, p: 0 }];
  const imu = { stream: 2, payload: new Uint8Array([9, 9, 9, 9, 9]) }; // never decompressed: skipped by stream id

  for (const compression of [0, 1, 3] as const) {
    it(`reads polarity packets (compression ${compression}) and skips IMU and trigger packets`, async () => {
      const f = write(dir, `c${compression}.aedat4`, aedat4({ compression, packets: [imu, { stream: 0, events: evs.slice(0, 1) }, { stream: 3, payload: new Uint8Array(3) }, { stream: 0, events: evs.slice(1) }], table: 'good' }));
      const r = await openAedat4(fileSource(f));
      assert.equal(r.meta.width, 32);
      assert.equal(r.meta.height, 24);
      assert.deepEqual(r.meta.streams.map((s) => s.type), ['EVTS', 'IMUS', 'TRIG']);
      assert.deepEqual(await collect(r.batches()), evs);
    });
  }

  it('does not trust a stale data-table position', async () => {
    const f = write(dir, 'stale.aedat4', aedat4({ packets: [{ stream: 0, events: evs.slice(0, 1) }, { stream: 0, events: evs.slice(1) }], table: 'stale' }));
    assert.deepEqual(await collect((await openAedat4(fileSource(f))).batches()), evs);
  });

  it('refuses lying headers and packets, outside addresses and steps back in time', async () => {
    const good = aedat4({ packets: [{ stream: 0, events: evs }] });
    const hlen = new DataView(good.buffer).getInt32(14, true);
    const lie = good.slice();
    new DataView(lie.buffer).setInt32(14, good.length, true);
    const f1 = write(dir, 'lie.aedat4', lie);
    await rejects(openAedat4(fileSource(f1)), 'bad-header', 14, f1, /IOHeader length/);

    const first = 18 + hlen; // the first packet header
    const cut = write(dir, 'cut.aedat4', good.subarray(0, good.length - 3));
    await rejects(collect((await openAedat4(fileSource(cut))).batches()), 'truncated', first + 4, cut, /fits the file/);

    const unknown = good.slice();
    new DataView(unknown.buffer).setInt32(first, 7, true);
    const f2 = write(dir, 'unknown.aedat4', unknown);
    await rejects(collect((await openAedat4(fileSource(f2))).batches()), 'bad-packet', first, f2, /declared in the header/);

    const f3 = write(dir, 'outside.aedat4', aedat4({ packets: [{ stream: 0, events: [{ x: 32, y: 0, t: 5, p: 1 }] }] }));
    await rejects(collect((await openAedat4(fileSource(f3))).batches()), 'out-of-sensor', first + 8, f3, /320?×24/);

    const back = aedat4({ packets: [{ stream: 0, events: [evs[1]] }, { stream: 0, events: [evs[0]] }] });
    const second = first + 8 + new DataView(back.buffer).getInt32(first + 4, true); // after the first packet
    const f4 = write(dir, 'back.aedat4', back);
    await rejects(collect((await openAedat4(fileSource(f4))).batches()), 'time-backwards', second + 8, f4, /non-decreasing/);

    const garbled = good.slice();
    garbled[first + 8] ^= 0xff; // breaks the LZ4 magic of the payload
    const f5 = write(dir, 'garbled.aedat4', garbled);
    await rejects(collect((await openAedat4(fileSource(f5))).batches()), 'bad-packet', first + 8, f5, /lz4 frame/);

    const wrongMagic = write(dir, 'wrong.aedat4', ascii('#!AER-DAT2.0\r\n'));
    await rejects(openAedat4(fileSource(wrongMagic)), 'unsupported', 0, wrongMagic);
  });
});

describe('Prophesee', () => {
  it('reads DAT CD events (x bits 0–13, y bits 14–27, polarity bits 28–31)', async () => {
    const ev = new Uint8Array(16);
    const dv = new DataView(ev.buffer);
    dv.setUint32(0, 1000, true); dv.setUint32(4, (1 << 28) | (7 << 14) | 300, true); // t 1000, x 300, y 7, ON
    dv.setUint32(8, 1001, true); dv.setUint32(12, (239 << 14) | 303, true); // x 303, y 239, OFF
    const f = write(dir, 'cd.dat', concat(ascii('% Date 2020-01-01\n% Version 2\n% Width 304\n% Height 240\n'), new Uint8Array([0x0c, 8]), ev));
    const r = await openProphesee(fileSource(f));
    assert.deepEqual([r.meta.width, r.meta.height, r.meta.format], [304, 240, 'prophesee-dat']);
    assert.deepEqual(await collect(r.batches()), [{ x: 300, y: 7, t: 1000, p: 1 }, { x: 303, y: 239, t: 1001, p: 0 }]);
  });

  it('reads DAT Event2d (type 0x00, as in N-CARS) like CD events and refuses other types', async () => {
    // The header of an N-CARS sample: no sensor size, so the Gen1 ATIS 304×240.
    const head = ascii('% Data file containing Event2D events.\n% Date 2016-11-01 10:24:13\n% Version 2\n');
    const ev = new Uint8Array(16);
    const dv = new DataView(ev.buffer);
    dv.setUint32(0, 52, true); dv.setUint32(4, (1 << 28) | (61 << 14) | 80, true); // t 52, x 80, y 61, ON
    dv.setUint32(8, 60, true); dv.setUint32(12, (99 << 14) | 2, true); // t 60, x 2, y 99, OFF
    const f = write(dir, 'ncars.dat', concat(head, new Uint8Array([0x00, 8]), ev));
    const r = await openProphesee(fileSource(f));
    assert.deepEqual([r.meta.width, r.meta.height, r.meta.dataOffset], [304, 240, head.length + 2]);
    assert.deepEqual(await collect(r.batches()), [{ x: 80, y: 61, t: 52, p: 1 }, { x: 2, y: 99, t: 60, p: 0 }]);
    const other = write(dir, 'ext.dat', concat(head, new Uint8Array([0x0e, 8]), ev));
    await rejects(openProphesee(fileSource(other)), 'unsupported', head.length, other, /Event2d \(type 0x00\)/);
  });

  it('reads EVT 2.0 words and refuses EVT 3.0', async () => {
    const w = (v: number): Uint8Array => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, v >>> 0, true); return b; };
    // CD before any TIME_HIGH is skipped; TIME_HIGH 2 → t = 2·64 + low.
    const words = [w((1 << 28) | 5), w((8 << 28) | 2), w((1 << 28) | (3 << 22) | (10 << 11) | 20), w((0 << 28) | (4 << 22) | (11 << 11) | 21)];
    const f = write(dir, 'e.raw', concat(ascii('% evt 2.0\n% geometry 640x480\n% end\n'), ...words));
    assert.deepEqual(await collect((await openProphesee(fileSource(f))).batches()), [{ x: 10, y: 20, t: 131, p: 1 }, { x: 11, y: 21, t: 132, p: 0 }]);
    const f3 = write(dir, 'e3.raw', ascii('% evt 3.0\n% end\n'));
    await rejects(openProphesee(fileSource(f3)), 'unsupported', 0, f3, /EVT 2\.0/);
  });
});

describe('CIFAR-10 and MNIST IDX', () => {
  it('reads CIFAR records: label byte, then R, G, B planes of 32×32', async () => {
    const rec1 = new Uint8Array(3073); rec1[0] = 3; rec1[1] = 10; rec1[1 + 1024] = 20; rec1[3072] = 30;
    const rec2 = new Uint8Array(3073); rec2[0] = 9;
    const f = write(dir, 'data_batch_1.bin', concat(rec1, rec2));
    const c = await readCifar(fileSource(f));
    assert.deepEqual([...c.labels], [3, 9]);
    assert.deepEqual([c.images[0], c.images[1024], c.images[3071], c.images[3072]], [10, 20, 30, 0]);
    let seen = 0;
    for await (const b of cifarBatches(fileSource(f), { blockBytes: 3073 })) seen += b.count;
    assert.equal(seen, 2);
    const cut = write(dir, 'cut_batch.bin', concat(rec1, rec2.subarray(0, 100)));
    await rejects(readCifar(fileSource(cut)), 'truncated', 3073, cut, /3073-byte records/);
    const bad = rec1.slice(); bad[0] = 10;
    const fb = write(dir, 'bad_batch.bin', concat(rec2, bad));
    await rejects(readCifar(fileSource(fb)), 'bad-packet', 3073, fb, /0\.\.9/);
  });

  it('reads IDX images and labels, gzipped or not, and refuses lying dimensions', async () => {
    const labels = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]);
    const fl = write(dir, 'labels-idx1-ubyte', labels);
    assert.deepEqual(await readIdx(fileSource(fl)), { type: 'uint8', dims: [3], data: new Uint8Array([7, 2, 1]) });
    const fz = write(dir, 'labels-idx1-ubyte.gz', gzipSync(labels));
    assert.deepEqual((await readIdx(fileSource(fz))).dims, [3]);
    const images = concat(new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2]), new Uint8Array(8).map((_, i) => i));
    assert.deepEqual((await readIdx(fileSource(write(dir, 'img-idx3-ubyte', images)))).dims, [2, 2, 2]);
    const lie = write(dir, 'lie-idx1-ubyte', new Uint8Array([0, 0, 8, 1, 0, 0, 0, 9, 7, 2, 1]));
    await rejects(readIdx(fileSource(lie)), 'truncated', 8, lie, /matches the dimensions/);
    const magic = write(dir, 'magic-idx', new Uint8Array([1, 2, 3, 4]));
    await rejects(readIdx(fileSource(magic)), 'bad-magic', 0, magic);
  });
});

describe('format detection', () => {
  it('tells formats by magic, then extension, and refuses the rest', async () => {
    assert.equal(await detectEventFormat(fileSource(write(dir, 'x.aedat', ascii(HEADER)))), 'aedat2');
    assert.equal(await detectEventFormat(fileSource(write(dir, 'x.whatever', aedat4({ packets: [] })))), 'aedat4');
    assert.equal(await detectEventFormat(fileSource(write(dir, 'x.bin', new Uint8Array(5)))), 'nmnist');
    assert.equal(await detectEventFormat(fileSource(write(dir, 'x.dat', ascii('% Width 10\n')))), 'prophesee-dat');
    const txt = write(dir, 'x.txt', 'hello');
    await rejects(detectEventFormat(fileSource(txt)), 'unsupported', 0, txt, /format not supported/);
    await rejects(detectEventFormat(fileSource(`${dir}/missing.aedat`)), 'io', 0, `${dir}/missing.aedat`);
  });
});
