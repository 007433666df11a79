// Inputs built to exhaust memory: each must be refused early with a located EventDataError (file, byte
// offset, the limit), or read with memory bounded by what is needed, never by what the input claims.
import { strict as assert } from 'node:assert';
import { closeSync, openSync, ftruncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { CIFAR_RECORD, MAX_CIFAR_RECORDS, readCifar, readCifarRecord } from '../../src/core/data/cifar';
import { EventDataError } from '../../src/core/data/events';
import { MAX_IDX_BYTES, readIdx } from '../../src/core/data/idx';
import { concat, tempDir, write } from './data-fixtures';

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
    const r = await readCifarRecord(big, 999_999);
    assert.equal(r.count, 1_000_000);
    assert.equal(r.label, 7);
    assert.equal(r.image.length, 3072);
    assert.equal(r.image[0], 255);
    assert.ok(performance.now() - t0 < 1000, 'a positioned read');
    assert.ok(process.memoryUsage().arrayBuffers - heap < 64 << 20, 'memory stays small');
    await assert.rejects(readCifarRecord(big, 1_000_000), /out of range/);
  });

  it('refuses to read it whole, naming the limit', async () => {
    await assert.rejects(readCifar(big), (e: unknown) => e instanceof EventDataError && e.code === 'unsupported'
      && e.file === big && e.offset === MAX_CIFAR_RECORDS * CIFAR_RECORD && /1000000 records/.test(e.message) && /split/.test(e.message));
  });
});

describe('gzipped IDX bombs', () => {
  it('stops inflating at the size the dimensions declare', async () => {
    // Declares 10 × 28 × 28 bytes, then inflates to 64 MiB of zeros: refused after a few KiB.
    const bomb = concat(gzipSync(idxHeader([10, 28, 28])), gzipRepeat(new Uint8Array(1 << 20), 64));
    const f = write(dir, 'bomb-idx3-ubyte.gz', bomb);
    await assert.rejects(readIdx(f), (e: unknown) => e instanceof EventDataError && e.file === f && e.offset === 16 + 7840
      && /inflates past the 7856 bytes the IDX dimensions declare/.test(e.message));
  });

  it('refuses dimensions larger than the stated limit before inflating them', async () => {
    const f = write(dir, 'huge-idx3-ubyte.gz', concat(gzipSync(idxHeader([100_000, 128, 128])), gzipRepeat(new Uint8Array(1 << 20), 4)));
    await assert.rejects(readIdx(f), (e: unknown) => e instanceof EventDataError && e.code === 'unsupported' && e.offset === 4
      && e.message.includes(`more than the ${MAX_IDX_BYTES}-byte limit`));
  });

  it('still reads a gzipped IDX file whole', async () => {
    const data = new Uint8Array(2 * 3 * 4).map((_, i) => i);
    const f = write(dir, 'ok-idx3-ubyte.gz', gzipSync(concat(idxHeader([2, 3, 4]), data)));
    const a = await readIdx(f);
    assert.deepEqual(a.dims, [2, 3, 4]);
    assert.deepEqual([...a.data], [...data]);
  });
});
