/** The raster's "as the network sees it" events: sensor pixels mapped to the model's input pixels as `binEvents` maps them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { networkView } from '../../src/core/views/raster';
import { binEvents } from '../../src/core/sim/input';

test('128×128 sensor → 64×64 input: 2×2 blocks, and the same pixels the simulator bins', () => {
  const input = { width: 128, height: 128, x: [0, 1, 2, 127, 64], y: [0, 1, 3, 127, 65], t: [0, 10, 20, 1500, 2100], p: [1, 0, 1, 1, 0], total: 5, dropped: 0 };
  const v = networkView(input, [1, 64, 64], [128, 128]);
  // x: 0/2 = 0, 1/2 → 0, 2/2 = 1, 127/2 → 63, 64/2 = 32; y: 0, 0, 3/2 → 1, 63, 65/2 → 32
  assert.deepEqual(v.x, [0, 0, 1, 63, 32]);
  assert.deepEqual(v.y, [0, 0, 1, 63, 32]);
  assert.deepEqual([v.width, v.height, v.block], [64, 64, [2, 2]]);
  assert.deepEqual(v.t, input.t);
  // Independent check: the simulator's binning of the same events puts each one at y·64 + x of its step.
  const spikes = binEvents({ x: input.x, y: input.y, t: input.t, p: input.p }, [1, 64, 64], { sensor: [128, 128], dtMs: 1, t0: 0 });
  const seen = new Set<string>();
  for (let s = 0; s + 1 < spikes.stepStart.length; s++) for (let k = spikes.stepStart[s]; k < spikes.stepStart[s + 1]; k++) seen.add(`${s}:${spikes.index[k]}`);
  const mine = new Set(v.x.map((x, i) => `${Math.floor(v.t[i] / 1000)}:${v.y[i] * 64 + x}`));
  assert.deepEqual([...mine].sort(), [...seen].sort());
});

test('the viewer heading and the chunk\'s place in the recording come from the core', async () => {
  const { withFileFacts } = await import('../../src/core/views/raster');
  const facts = { file: 'a.aedat', format: 'aedat2', width: 128, height: 128, events: 6000, firstUs: 0, lastUs: 599_900, onEvents: 3000, rateBinMs: 10, rate: [100, 100], chunkEvents: 3000, chunks: 2 };
  const payload = { schemaVersion: 1 as const, title: 't', dtMs: 1, steps: 300, input: { width: 128, height: 128, x: [], y: [], t: [], p: [], total: 0, dropped: 0 }, layers: [], chunkStartUs: 300_000 };
  const v = withFileFacts(payload, facts, 'a.aedat', 1, 2);
  // 599,900 µs = 0.60 s; 3,000 of 6,000 ON = 50 %; chunk 2 starts 300 ms in and spans 300 steps of 1 ms.
  assert.equal(v.title, 'a.aedat — chunk 2 of 2 · aedat2 128×128 · 6,000 events over 0.60 s · 50 % ON');
  assert.deepEqual(v.rate, { binMs: 10, counts: [100, 100], chunkStartMs: 300, chunkEndMs: 600 });
});
