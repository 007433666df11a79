// The event-file facts and the chunk raster that the workbench views draw.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { encodeAedat2 } from '../../src/core/data/aedat2';
import { readEventChunk } from '../../src/core/data/detect';
import type { ModelFile } from '../../src/core/model/types';
import { simulateEvents } from '../../src/core/sim/event-engine';
import { binEvents } from '../../src/core/sim/input';
import { describeEventFile } from '../../src/core/views/eventFile';
import { chunkRaster } from '../../src/core/views/raster';
import { tempDir, write } from './data-fixtures';
import { fileSource } from '../../src/io/data/files';

const dir = tempDir();

/** 7,000 events, one every 100 µs from t = 1,000 µs, on a 4×4 patch, ON for even indices. */
function sevenThousand(): string {
  const n = 7000;
  const ev = { x: [] as number[], y: [] as number[], t: [] as number[], p: [] as number[] };
  for (let i = 0; i < n; i++) { ev.x.push(10 + (i % 4)); ev.y.push(20 + ((i >> 2) % 4)); ev.t.push(1000 + 100 * i); ev.p.push(i % 2 === 0 ? 1 : 0); }
  return write(dir, 'seven.aedat', encodeAedat2(ev));
}

describe('event-file facts', () => {
  it('counts events, chunks, polarity and the rate per 10 ms', async () => {
    const f = await describeEventFile(fileSource(sevenThousand()), 3000);
    assert.equal(f.events, 7000);
    assert.equal(f.chunks, 3); // 3000 + 3000 + 1000
    assert.equal(f.onEvents, 3500);
    assert.equal(f.firstUs, 1000);
    assert.equal(f.lastUs, 1000 + 100 * 6999); // 700,900 µs
    assert.equal(f.rateBinMs, 10);
    // 100 events per 10 ms bin over 700 ms → 70 bins of 100
    assert.equal(f.rate.length, 70);
    assert.ok(f.rate.every((r) => r === 100));
    assert.equal([128, 128].join(), [f.width, f.height].join());
  });

  it('reads one chunk by streaming past the others, and names the file when it is past the end', async () => {
    const file = sevenThousand();
    const { events } = await readEventChunk(fileSource(file), 2, 3000, { blockBytes: 4096 });
    assert.equal(events.length, 1000);
    assert.equal(events.t[0], 1000 + 100 * 6000);
    await assert.rejects(readEventChunk(fileSource(file), 3, 3000), /seven\.aedat: chunk 3 starts at event 9000, but the file has 7000 events \(3 chunks of 3000\)/);
  });
});

describe('chunk raster', () => {
  it('without a model: the input events, decimated evenly with the count dropped stated', async () => {
    const { meta, events } = await readEventChunk(fileSource(sevenThousand()), 0, 3000);
    const full = chunkRaster(events, meta);
    assert.equal(full.input.total, 3000);
    assert.equal(full.input.dropped, 0);
    assert.equal(full.input.t[0], 0);
    assert.equal(full.steps, 300); // 3000 events × 100 µs = 300 ms at 1 ms bins
    assert.equal(full.layers.length, 0);
    assert.match(full.note ?? '', /Input events only/);
    const thin = chunkRaster(events, meta, { maxEntries: 1000 });
    assert.equal(thin.input.x.length, 1000);
    assert.equal(thin.input.dropped, 2000);
  });

  it('with a model: per-layer rasters whose entries add up to the simulated totals', async () => {
    const { meta, events } = await readEventChunk(fileSource(sevenThousand()), 0, 3000);
    // 128×128 sensor → 32×32 input (4×4 blocks): the 4×4 patch lands on input pixels (2..3, 5); conv weights 0.25.
    const model: ModelFile = {
      format: 'synops-model', version: 1, name: 'tiny', spikingOutput: true,
      input: { kind: 'events', shape: [1, 32, 32], sensor: [128, 128], chunkEvents: 3000, dtMs: 1 },
      layers: [
        { type: 'conv2d', name: 'c', outChannels: 2, kernel: 3 },
        { type: 'relu', name: 'r' },
        { type: 'flatten', name: 'f' },
        { type: 'linear', name: 'fc', outFeatures: 3 },
      ],
    };
    const weights = {
      c: { shape: [2, 1, 3, 3], weight: new Float32Array(18).fill(0.25) },
      fc: { shape: [3, 1800], weight: Float32Array.from({ length: 5400 }, (_, i) => ((i % 7) - 3) / 8) },
    };
    const raster = chunkRaster(events, meta, { model, weights });
    const direct = simulateEvents(model, weights, binEvents(events, model.input.shape, { sensor: [128, 128], steps: raster.steps, t0: events.t[0] }));
    assert.deepEqual(raster.layers.map((l) => l.name), direct.layers.map((l) => l.name));
    raster.layers.forEach((l, i) => {
      assert.equal(l.total, direct.layers[i].total);
      assert.equal(l.counts.reduce((a, b) => a + b, 0), l.total, `${l.name}: recorded entries add up to the total`);
      assert.equal(l.perStep.reduce((a, b) => a + b, 0), l.total);
    });
    assert.ok(raster.layers[0].total > 0, 'the conv layer spikes');
    assert.deepEqual(raster.output?.counts, Array.from(direct.output.values));
  });
});
