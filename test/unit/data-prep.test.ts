// Preparation of event recordings for training: chunking, frames, hot pixels, split by recording,
// dataset layouts and the on-disk frame cache.
import { strict as assert } from 'node:assert';
import { mkdirSync, readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeAedat2 } from '../../src/core/data/aedat2';
import { decodeFrames, encodeFrames } from '../../src/core/data/frameCodec';
import { parseLabels } from '../../src/core/data/labels';
import { FrameCache } from '../../src/io/data/cache';
import { scanDataset } from '../../src/io/data/datasets';
import { EventDataError, type EventBatch } from '../../src/core/data/events';
import { accumulate, chunkRanges, dropPixels, findHotPixels, recordingFrames } from '../../src/core/data/frames';
import { encodeNmnist } from '../../src/core/data/nmnist';
import { splitByRecording } from '../../src/core/data/split';
import { tempDir, write } from './data-fixtures';

const dir = tempDir();

function batch(ev: Array<[number, number, number?]>): EventBatch {
  return {
    x: Uint16Array.from(ev, (e) => e[0]), y: Uint16Array.from(ev, (e) => e[1]),
    t: Float64Array.from(ev, (_, i) => i), p: Uint8Array.from(ev, (e) => e[2] ?? 1), length: ev.length,
  };
}

describe('chunks and frames', () => {
  it('cuts n events into whole chunks, the rest dropped unless asked for', () => {
    assert.deepEqual(chunkRanges(7000, 3000), [[0, 3000], [3000, 6000]]);
    assert.deepEqual(chunkRanges(7000, 3000, true), [[0, 3000], [3000, 6000], [6000, 7000]]);
    assert.deepEqual(chunkRanges(2999), []);
    assert.throws(() => chunkRanges(10, 0), RangeError);
  });

  it('counts events per pixel, polarity ignored, summing 2×2 blocks for 128×128 → 64×64', () => {
    // (0,0) ON and (1,1) OFF fall in frame pixel (0,0); (2,0) in (1,0); (127,127) in (63,63).
    const f = accumulate(batch([[0, 0, 1], [1, 1, 0], [2, 0], [127, 127]]), [128, 128], [64, 64]);
    assert.deepEqual([f[0], f[1], f[63 * 64 + 63]], [2, 1, 1]);
    assert.equal(f.reduce((a, b) => a + b, 0), 4);
  });

  it('makes one frame per chunk', () => {
    const ev = batch(Array.from({ length: 10 }, (_, i) => [i, 0] as [number, number]));
    const f = recordingFrames(ev, [16, 4], { chunk: 4, size: [8, 2] });
    assert.equal(f.count, 2);
    // Chunk 0 holds x = 0..3 → frame pixels 0, 0, 1, 1; chunk 1 holds x = 4..7 → 2, 2, 3, 3.
    assert.deepEqual([...f.frames.subarray(0, 8)], [2, 2, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual([...f.frames.subarray(16, 24)], [0, 0, 2, 2, 0, 0, 0, 0]);
  });

  it('finds and drops a hot pixel', () => {
    // 30 pixels fire once, pixel (3, 2) fires 100 times: mean over active pixels = 130/31 ≈ 4.2, 100 > 10 × 4.2.
    const ev: Array<[number, number]> = Array.from({ length: 30 }, (_, i) => [i % 10, Math.floor(i / 10) + 4]);
    for (let i = 0; i < 100; i++) ev.push([3, 2]);
    const b = batch(ev);
    const mask = findHotPixels(b, [10, 10]);
    assert.deepEqual([...mask.keys()].filter((k) => mask[k]), [2 * 10 + 3]);
    assert.equal(dropPixels(b, 10, mask).length, 30);
  });
});

describe('split by recording', () => {
  it('never puts a recording on both sides, keeps every recording, is deterministic and stratified', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 200 }), fc.nat(), (labels, seed) => {
      const items = labels.map((label, i) => ({ id: `r${i}`, label }));
      const a = splitByRecording(items, { seed });
      const b = splitByRecording([...items].reverse(), { seed });
      const ids = (l: { id: string }[]): string[] => l.map((r) => r.id);
      assert.deepEqual(ids(a.test), ids(b.test), 'the input order must not matter');
      const test = new Set(ids(a.test));
      assert.ok(a.train.every((r) => !test.has(r.id)));
      assert.equal(a.train.length + a.test.length, items.length);
      for (let label = 0; label <= 4; label++) {
        const n = labels.filter((l) => l === label).length;
        assert.equal(a.test.filter((r) => r.label === label).length, Math.round(n * 0.2));
      }
    }), { numRuns: 100 });
  });

  it('chunks of one recording stay on its side', () => {
    const recs = Array.from({ length: 50 }, (_, i) => ({ id: `r${i}`, label: i % 10, chunks: 3 + (i % 4) }));
    const { train, test } = splitByRecording(recs, { seed: 7 });
    const chunkIds = (l: typeof recs): string[] => l.flatMap((r) => Array.from({ length: r.chunks }, (_, k) => `${r.id}#${k}`));
    const trainChunks = new Set(chunkIds(train));
    assert.ok(chunkIds(test).every((c) => !trainChunks.has(c)));
    assert.notDeepEqual(splitByRecording(recs, { seed: 8 }).test.map((r) => r.id), test.map((r) => r.id));
  });
});

describe('dataset layouts', () => {
  const ev = { x: [1, 2, 3], y: [1, 2, 3], t: [0, 1, 2], p: [1, 0, 1] };

  it('reads labels.txt with # header lines and finds each recording', () => {
    assert.deepEqual(parseLabels('#sample #class\r\n1\t5\n2\t0\n\n', 'l.txt'), [{ id: '1', label: 5 }, { id: '2', label: 0 }]);
    assert.throws(() => parseLabels('#h\n1\t5\nbad line here\n', 'l.txt'), (e: EventDataError) => e.code === 'bad-layout' && e.offset === 7);
    const flat = join(dir, 'flat');
    mkdirSync(flat);
    write(flat, 'labels.txt', '#sample #class\n1\t5\n2\t0\n');
    write(flat, '1.bin', encodeNmnist(ev));
    write(flat, '2.bin', encodeNmnist(ev));
    const idx = scanDataset(flat);
    assert.equal(idx.kind, 'flat');
    assert.deepEqual(idx.recordings.map((r) => [r.id, r.label]), [['1', 5], ['2', 0]]);
    write(flat, 'labels.txt', '1\t5\n3\t1\n');
    assert.throws(() => scanDataset(flat), /recording "3" has no file/);
  });

  it('recognises the MNIST-DVS and N-MNIST layouts', () => {
    const m = join(dir, 'mnist-dvs');
    for (const [d, s] of [[0, 16], [0, 4], [7, 16]]) {
      mkdirSync(join(m, `grabbed_data${d}`, `scale${s}`), { recursive: true });
      write(join(m, `grabbed_data${d}`, `scale${s}`), `mnist_${d}_scale${String(s).padStart(2, '0')}_0001.aedat`, encodeAedat2(ev));
    }
    const idx = scanDataset(m);
    assert.deepEqual(idx.recordings.map((r) => [r.label, r.group]), [[0, 'scale16'], [7, 'scale16']]);
    assert.equal(scanDataset(m, { scale: 4 }).recordings.length, 1);
    const n = join(dir, 'nmnist');
    for (const part of ['Train', 'Test']) { mkdirSync(join(n, part, '3'), { recursive: true }); write(join(n, part, '3'), '00001.bin', encodeNmnist(ev)); }
    assert.deepEqual(scanDataset(n).recordings.map((r) => r.id), ['Train/3/00001', 'Test/3/00001']);
    assert.throws(() => scanDataset(join(dir, 'flat', '1.bin')), /not a folder/);
  });
});

describe('frame cache', () => {
  it('round-trips frames and refuses partial files', () => {
    const f = { frames: Uint16Array.from([1, 2, 3, 65535]), count: 1, width: 2, height: 2 };
    const bytes = encodeFrames(f);
    assert.deepEqual(decodeFrames(bytes), f);
    assert.equal(decodeFrames(bytes.subarray(0, bytes.length - 1)), undefined);
  });

  it('serves the second epoch from disk, misses when the recording changes, leaves no temporary files', async () => {
    const n = 7000;
    const ev = { x: [] as number[], y: [] as number[], t: [] as number[], p: [] as number[] };
    for (let i = 0; i < n; i++) { ev.x.push(i % 128); ev.y.push((i * 7) % 128); ev.t.push(i); ev.p.push(i & 1); }
    const file = write(dir, 'rec.aedat', encodeAedat2(ev));
    const cache = new FrameCache(join(dir, 'cache'));
    const prep = { chunk: 3000, size: [64, 64] as [number, number] };
    const first = await cache.frames(file, prep);
    assert.equal(first.count, 2);
    const second = await cache.frames(file, prep);
    assert.deepEqual(cache.stats, { hits: 1, misses: 1 });
    assert.deepEqual(second, first);
    await cache.frames(file, { ...prep, chunk: 1000 });
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    await cache.frames(file, prep);
    assert.deepEqual(cache.stats, { hits: 1, misses: 3 });
    assert.ok(readdirSync(join(dir, 'cache')).every((f) => f.endsWith('.frames')));
  });
});
