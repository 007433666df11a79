// Inputs built to exhaust memory: each must be refused early with a located EventDataError (file, byte
// offset, the limit), or read with memory bounded by what is needed, never by what the input claims.
import { strict as assert } from 'node:assert';
import { closeSync, existsSync, openSync, ftruncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { runEvents } from '../../src/cli/events';
import { openAedat4 } from '../../src/core/data/aedat4';
import { prepareFrames } from '../../src/io/data/cache';
import { CIFAR_RECORD, MAX_CIFAR_RECORDS, readCifar, readCifarRecord } from '../../src/core/data/cifar';
import { CodecLimitError, MAX_PACKET_BYTES, ZSTD_MAX_WINDOW, zstdFrame } from '../../src/core/data/codecs';
import { EventDataError } from '../../src/core/data/events';
import { MAX_FRAME_PIXELS } from '../../src/core/data/frames';
import { MAX_IDX_BYTES, readIdx } from '../../src/core/data/idx';
import { binEvents, MAX_BIN_STEPS } from '../../src/core/sim/input';
import { captured } from './helpers';
import { aedat4, collect, concat, tempDir, write, zstdStored } from './data-fixtures';
import { fileSource } from '../../src/io/data/files';

const dir = tempDir();

/** Gzip members can be concatenated: n copies of one member inflate to n times its content. */
function gzipRepeat(content: Uint8Array, n: number): Uint8Array {
  const one = gzipSync(content, { level: 9 });
  const out = new Uint8Array(one.length * n);
  for (let i = 0; i < n; i++) out.set(one, i * one.length);
  return out;
}

/** IDX header: uint8 data, the given dimensions. */
function idxHeader(dims: number[]): Uint8Array {
  const h = new Uint8Array(4 + 4 * dims.length);
  h[2] = 0x08;
  h[3] = dims.length;
  const dv = new DataView(h.buffer);
  dims.forEach((d, i) => dv.setUint32(4 + 4 * i, d));
  return h;
}

describe('CIFAR-10: a huge file', () => {
  // 1,000,000 records = 3.07 GB, sparse on disk (all zeros: label 0, black images).
  const big = join(dir, 'huge_batch.bin');
  const fd = openSync(big, 'w');
  ftruncateSync(fd, 1_000_000 * CIFAR_RECORD);
  writeSync(fd, new Uint8Array([7, 255]), 0, 2, 999_999 * CIFAR_RECORD);
  closeSync(fd);

  it('reads one record by a positioned read, without reading the file', async () => {
    const heap = process.memoryUsage().arrayBuffers;
    const t0 = performance.now();
    const r = await readCifarRecord(fileSource(big), 999_999);
    assert.equal(r.count, 1_000_000);
    assert.equal(r.label, 7);
    assert.equal(r.image.length, 3072);
    assert.equal(r.image[0], 255);
    assert.ok(performance.now() - t0 < 1000, 'a positioned read');
    assert.ok(process.memoryUsage().arrayBuffers - heap < 64 << 20, 'memory stays small');
    await assert.rejects(readCifarRecord(fileSource(big), 1_000_000), /out of range/);
  });

  it('refuses to read it whole, naming the limit', async () => {
    await assert.rejects(readCifar(fileSource(big)), (e: unknown) => e instanceof EventDataError && e.code === 'unsupported'
      && e.file === big && e.offset === MAX_CIFAR_RECORDS * CIFAR_RECORD && /1000000 records/.test(e.message) && /split/.test(e.message));
  });
});

describe('gzipped IDX bombs', () => {
  it('stops inflating at the size the dimensions declare', async () => {
    // Declares 10 × 28 × 28 bytes, then inflates to 64 MiB of zeros: refused after a few KiB.
    const bomb = concat(gzipSync(idxHeader([10, 28, 28])), gzipRepeat(new Uint8Array(1 << 20), 64));
    const f = write(dir, 'bomb-idx3-ubyte.gz', bomb);
    await assert.rejects(readIdx(fileSource(f)), (e: unknown) => e instanceof EventDataError && e.file === f && e.offset === 16 + 7840
      && /inflates past the 7856 bytes the IDX dimensions declare/.test(e.message));
  });

  it('refuses dimensions larger than the stated limit before inflating them', async () => {
    const f = write(dir, 'huge-idx3-ubyte.gz', concat(gzipSync(idxHeader([100_000, 128, 128])), gzipRepeat(new Uint8Array(1 << 20), 4)));
    await assert.rejects(readIdx(fileSource(f)), (e: unknown) => e instanceof EventDataError && e.code === 'unsupported' && e.offset === 4
      && e.message.includes(`more than the ${MAX_IDX_BYTES}-byte limit`));
  });

  it('still reads a gzipped IDX file whole', async () => {
    const data = new Uint8Array(2 * 3 * 4).map((_, i) => i);
    const f = write(dir, 'ok-idx3-ubyte.gz', gzipSync(concat(idxHeader([2, 3, 4]), data)));
    const a = await readIdx(fileSource(f));
    assert.deepEqual(a.dims, [2, 3, 4]);
    assert.deepEqual([...a.data], [...data]);
  });
});

/** A Zstd frame without a declared content size: window descriptor `wd`, then `blocks` block headers. */
function zstdUnsized(wd: number, blocks: Uint8Array[]): Uint8Array {
  return concat(new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x00, wd]), ...blocks);
}
/** A Zstd block header (3 bytes, little-endian): last flag, type (0 raw, 1 RLE, 2 compressed), size. */
const block = (type: number, size: number, last: boolean): Uint8Array => {
  const h = (size << 3) | (type << 1) | (last ? 1 : 0);
  return new Uint8Array([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff]);
};
/** `n` RLE blocks of 128 KiB of byte 0: 4 bytes each, 32,768 times their size once decoded. */
const rleBomb = (n: number): Uint8Array[] => Array.from({ length: n }, (_, i) => concat(block(1, 128 << 10, i === n - 1), new Uint8Array([0])));

describe('Zstd packets (AEDAT 4.0)', () => {
  it('refuses 32 KiB of RLE blocks that would decode to 1 GiB, before decoding', () => {
    const bomb = zstdUnsized(80, rleBomb(8190)); // window 1 MiB
    assert.ok(bomb.length < 32 << 10);
    const t0 = performance.now();
    assert.throws(() => zstdFrame(bomb), (e: unknown) => e instanceof CodecLimitError && e.message.includes(`more than the ${MAX_PACKET_BYTES}-byte limit`));
    assert.ok(performance.now() - t0 < 500, 'refused from the block headers, not by decoding');
  });

  it('refuses a window above 8 MiB when the frame does not declare its size', () => {
    const frame = zstdUnsized(160, [concat(block(0, 4, true), new Uint8Array(4))]); // a 1 GiB window for 4 bytes
    assert.throws(() => zstdFrame(frame), (e: unknown) => e instanceof CodecLimitError && e.message.includes(`${2 ** 30}-byte window`) && e.message.includes(String(ZSTD_MAX_WINDOW)));
  });

  it('still decodes frames within the limits, with and without a declared size', () => {
    const data = new Uint8Array(300_000).map((_, i) => i % 251);
    assert.deepEqual(zstdFrame(zstdStored(data)), data);
    const rle = zstdUnsized(80, [concat(block(1, 1000, false), new Uint8Array([9])), concat(block(0, 3, true), new Uint8Array([1, 2, 3]))]);
    assert.deepEqual([...zstdFrame(rle)], [...new Array(1000).fill(9), 1, 2, 3]);
  });

  it('the reader names the file, the packet and the limit', async () => {
    const f = write(dir, 'bomb.aedat4', aedat4({ compression: 3, packets: [{ stream: 0, events: [{ x: 1, y: 2, t: 3, p: 1 }] }, { stream: 0, payload: zstdUnsized(80, rleBomb(1000)) }] }));
    const r = await openAedat4(fileSource(f));
    const first = r.meta.dataOffset + 8 + zstdStored(new Uint8Array(48)).length; // the first packet: header + 48-byte event packet
    await assert.rejects(collect(r.batches()), (e: unknown) => e instanceof EventDataError && e.code === 'unsupported' && e.file === f
      && e.offset === first + 8 && /at most 64 MiB/.test(e.message));
  });
});

describe('frames of a sensor the header makes huge', () => {
  const oneEvent = (side: number): Uint8Array => aedat4({ compression: 0, width: side, height: side, packets: [{ stream: 0, events: [{ x: 5, y: 5, t: 10, p: 1 }] }] });

  it('events frames refuses a 32768² sensor before allocating its frame', async () => {
    const f = write(dir, 'wide.aedat4', oneEvent(32768));
    const out = join(dir, 'wide-frames');
    const r = await captured(() => runEvents(['frames', f, '--out', out]));
    assert.equal(r.value, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.ok(r.stderr.includes(`${f}: byte 0: the frame is 32768×32768`) && r.stderr.includes(String(MAX_FRAME_PIXELS)) && /--size/.test(r.stderr), r.stderr);
    assert.ok(!existsSync(out));
    // A small frame of the same file is fine, and so is the hot-pixel filter's count only within the limit.
    assert.equal((await captured(() => runEvents(['frames', f, '--size', '64', '--out', out]))).value, 0);
    const hot = await captured(() => runEvents(['frames', f, '--size', '64', '--hot-pixels', '--out', out]));
    assert.equal(hot.value, 1);
    assert.match(hot.stderr, /the sensor is 32768×32768/);
  });

  it('a 65536² AEDAT 4.0 sensor is refused when opened: int16 coordinates cannot address it', async () => {
    const f = write(dir, 'wider.aedat4', oneEvent(65536));
    await assert.rejects(openAedat4(fileSource(f)), (e: unknown) => e instanceof EventDataError && e.code === 'bad-header' && /1\.\.32768/.test(e.message));
  });

  it('events frames refuses a --size whose frame passes the limit', async () => {
    const f = write(dir, 'small.aedat4', oneEvent(32));
    const out = join(dir, 'big-frames');
    const r = await captured(() => runEvents(['frames', f, '--size', '100000', '--out', out]));
    // Refused either as bad input (the frame check) or as a usage error (a bound on --size itself).
    assert.ok(r.value === 1 || r.value === 2, `exit ${r.value}`);
    assert.match(r.stderr, /100000/);
    assert.ok(!existsSync(out));
  });

  it('training preparation refuses the same sensor', async () => {
    const f = write(dir, 'wide2.aedat4', oneEvent(32768));
    await assert.rejects(prepareFrames(f, { keepPartial: true }), (e: unknown) => e instanceof EventDataError && e.file === f && /the frame is 32768×32768/.test(e.message));
  });

  it('binning refuses events that span more steps than the limit', () => {
    const ev = { x: [0, 1], y: [0, 1], t: [0, 2 ** 40] }; // 2^40 µs: 35 years at 1 ms steps
    assert.throws(() => binEvents(ev, [1, 4, 4]), new RegExp(`more than ${MAX_BIN_STEPS}`));
    assert.equal(binEvents({ x: [0, 1], y: [0, 1], t: [0, 5000] }, [1, 4, 4]).steps, 6);
  });
});
