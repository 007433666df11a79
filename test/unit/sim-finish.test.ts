/**
 * The spiking layers' counts channels-first with their SynOps summed in the same pass
 * (`countsChannelsFirst`, `event-finish.ts`) against the two passes it replaces: the transposition, then
 * `synopsOf` over its result. Random shapes and values that are not whole numbers, so that only the same
 * order of the sum gives the same bits.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { clToCf, countsChannelsFirst } from '../../src/core/sim/event-ops';
import { synopsOf, type Connection } from '../../src/core/synops/fanout';
import type { Shape } from '../../src/core/model/types';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 2 ** 32; };
}

describe('counts channels-first with their SynOps', () => {
  it('equal the transposition, then synopsOf (the same bits), for 3-D and flat layers', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.boolean(), fc.integer({ min: 1, max: 2 ** 30 }), (c, h, w, flat, seed) => {
      const rand = lcg(seed);
      const shape: Shape = flat ? [c * h * w] : [c, h, w];
      const perm = clToCf(shape);
      const n = c * h * w;
      const values = Float64Array.from({ length: n }, () => (rand() < 0.5 ? 0 : rand() * 10));
      const fanout = Float64Array.from({ length: n }, () => rand() * 1e3);
      // The reference: counts written through the permutation, then the sum in channels-first order.
      const want = new Float64Array(n);
      for (let i = 0; i < n; i++) want[perm === null ? i : perm[i]] = values[i];
      const conn = { emitterName: 'r', fanout } as unknown as Connection;
      const got = countsChannelsFirst(values, shape, perm, fanout);
      assert.deepEqual(got.counts, want);
      assert.ok(Object.is(got.synops, synopsOf(conn, want)), `${got.synops} vs ${synopsOf(conn, want)}`);
      assert.deepEqual(countsChannelsFirst(values, shape, perm, null), { counts: want, synops: 0 });
    }), { numRuns: 200, seed: 5 });
  });
});
