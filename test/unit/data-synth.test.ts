// The synthetic DVS digit set: the pixel model on hand-checked steps, determinism, and events that sit
// where the digit is.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readAllEvents } from '../../src/core/data/detect';
import { scanDataset } from '../../src/io/data/datasets';
import { Rng, subSeed } from '../../src/core/data/rng';
import { DvsRecording, DvsSensor } from '../../src/core/data/synth/dvs';
import { mnistDvsPath, mnistImage, synthDataset, synthRecording } from '../../src/io/data/synth/generate';
import { pixelsPerDigitPixel, randomPath } from '../../src/core/data/synth/scene';
import { tempDir } from './data-fixtures';
import { fileSource } from '../../src/io/data/files';

const dir = tempDir();

describe('DVS pixel model', () => {
  it('emits one event per threshold crossed, interpolated in time, and honours the refractory period', () => {
    const sensor = new DvsSensor({ width: 2, height: 1, threshold: 0.25, thresholdSigma: 0, hotPixels: 0, refractoryUs: 0 }, 1);
    const rec = new DvsRecording(sensor, new Float32Array(2));
    // Log intensity 0 → 0.55 over [1000, 2000) µs: ON crossings at 0.25 and 0.5, i.e. at
    // 1000 + 1000·0.25/0.55 = 1454.5 → 1454 µs and 1000 + 1000·0.5/0.55 = 1909.1 → 1909 µs.
    rec.update(1, 0.55, 1000, 1000);
    // 0.55 → 0.2 over [2000, 3000): one OFF crossing (reference 0.5 → 0.25) at 2000 + 1000·0.30/0.35 = 2857 µs.
    rec.update(1, 0.2, 2000, 1000);
    assert.deepEqual(rec.out, { x: [1, 1, 1], y: [0, 0, 0], t: [1454, 1909, 2857], p: [1, 1, 0] });
    const slow = new DvsRecording(new DvsSensor({ width: 1, height: 1, threshold: 0.25, thresholdSigma: 0, hotPixels: 0, refractoryUs: 500 }, 1), new Float32Array(1));
    slow.update(0, 0.55, 1000, 1000);
    assert.deepEqual(slow.out.t, [1454], 'the second crossing, 455 µs later, falls in the refractory period');
    assert.ok(Math.abs(slow.ref[0] - 0.5) < 1e-6, 'but the reference still moves');
  });

  it('gives each pixel its own thresholds around the mean', () => {
    const s = new DvsSensor({ width: 64, height: 64, threshold: 0.25, thresholdSigma: 0.03 }, 5);
    const mean = s.cOn.reduce((a, b) => a + b, 0) / s.cOn.length;
    assert.ok(Math.abs(mean - 0.25) < 0.005);
    assert.ok(new Set(s.cOn).size > 1000);
  });
});

describe('synthetic MNIST-DVS set', () => {
  it('same seed → identical bytes; another seed → other bytes', async () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    const c = join(dir, 'c');
    const small = { perDigit: 1, durationMs: 100, scales: [8 as const] };
    const r = await synthDataset({ out: a, seed: 4, ...small });
    await synthDataset({ out: b, seed: 4, ...small });
    await synthDataset({ out: c, seed: 5, ...small });
    assert.equal(r.files, 10);
    for (let d = 0; d <= 9; d++) {
      const p = mnistDvsPath(d, 8, 1);
      assert.ok(readFileSync(join(a, p)).equals(readFileSync(join(b, p))), `digit ${d} differs between two runs`);
      assert.ok(!readFileSync(join(a, p)).equals(readFileSync(join(c, p))));
    }
    const idx = scanDataset(a, { scale: 8 });
    assert.deepEqual(idx.recordings.map((x) => x.label), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const { meta, events } = await readAllEvents(fileSource(idx.recordings[3].file), { orientation: 'mnist-dvs-upright' });
    assert.deepEqual([meta.format, meta.width, meta.height], ['aedat2', 128, 128]);
    assert.ok(events.length > 300, `only ${events.length} events`);
    // Read upright, the file holds exactly the simulated screen events.
    const sensor = new DvsSensor({ width: 128, height: 128 }, subSeed(4, 'sensor'));
    const sim = synthRecording(mnistImage(3, 0), 8, sensor, subSeed(4, '3/8/0'), { durationMs: 100 });
    assert.deepEqual([...events.x], [...sim.x]);
    assert.deepEqual([...events.y], [...sim.y]);
    assert.deepEqual([...events.t], [...sim.t]);
  });

  it('puts the events where the digit is', () => {
    const seed = subSeed(1, 'test');
    const scale = 16;
    const sensor = new DvsSensor({ width: 128, height: 128, noiseHz: 0, hotPixels: 0 }, 3); // digit events only
    const img = mnistImage(3, 0);
    const ev = synthRecording(img, scale, sensor, seed, { durationMs: 200 });
    assert.ok(ev.x.length > 2000, `${ev.x.length} events`);
    for (let i = 1; i < ev.t.length; i++) assert.ok(ev.t[i] >= ev.t[i - 1]);
    // Rebuild the path the generator drew (same seed, same first draws) and look at 20 ms around 100 ms.
    const s = pixelsPerDigitPixel(scale);
    const [cx, cy] = randomPath(new Rng(seed), 128, 28 * s, (60 * scale) / 16).at(100_000);
    const mask = new Uint8Array(128 * 128);
    for (let py = 0; py < 128; py++) {
      for (let px = 0; px < 128; px++) {
        // Digit pixel under the sensor pixel, with 2 sensor pixels of slack for the motion in 10 ms.
        for (let dy = -2; dy <= 2 && !mask[py * 128 + px]; dy++) {
          for (let dx = -2; dx <= 2; dx++) {
            const u = Math.round((px + dx + 0.5 - cx) / s + 13.5);
            const v = Math.round((py + dy + 0.5 - cy) / s + 13.5);
            if (u >= 0 && v >= 0 && u < 28 && v < 28 && img[v * 28 + u] > 0.1) { mask[py * 128 + px] = 1; break; }
          }
        }
      }
    }
    let inside = 0;
    let n = 0;
    for (let i = 0; i < ev.t.length; i++) {
      if (ev.t[i] < 90_000 || ev.t[i] >= 110_000) continue;
      n++;
      inside += mask[ev.y[i] * 128 + ev.x[i]];
    }
    const area = mask.reduce((a, b) => a + b, 0) / mask.length;
    assert.ok(n > 100, `${n} events in the window`);
    assert.ok(area < 0.2, `the digit covers ${area} of the sensor`);
    assert.ok(inside / n > 0.95, `${inside} of ${n} events on the digit (it covers ${(100 * area).toFixed(1)} % of the sensor)`);
  });
});
