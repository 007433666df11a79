import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { sortRows, SORT_KEYS } from '../../webview/tradeoff/sort';
import type { TradeoffPoint } from '../../src/protocol/views';

const p = (runId: string, accuracy: number, synops: number, extra: Partial<TradeoffPoint> = {}): TradeoffPoint => ({ runId, strategy: 'synop-loss', accuracy, synops, ...extra });

describe('trade-off table sort', () => {
  const rows = [p('a', 0.9, 300), p('b', 0.8, 100, { accuracyAnn: 0.7 }), p('c', 0.9, 200), p('d', 0.85, 400, { accuracyAnn: 0.95 })];
  it('sorts numbers both ways, ties in the table\'s order', () => {
    assert.deepEqual(sortRows(rows, (r) => r.accuracy, 'asc').map((r) => r.runId), ['b', 'd', 'a', 'c']);
    // descending: 0.9 (a, c: ties keep a before c), 0.85, 0.8
    assert.deepEqual(sortRows(rows, (r) => r.accuracy, 'desc').map((r) => r.runId), ['a', 'c', 'd', 'b']);
    assert.deepEqual(sortRows(rows, (r) => SORT_KEYS['synops-per-mac'](r, 1000), 'asc').map((r) => r.runId), ['b', 'c', 'a', 'd']);
  });
  it('puts rows without a value last in either direction', () => {
    assert.deepEqual(sortRows(rows, (r) => r.accuracyAnn, 'asc').map((r) => r.runId), ['b', 'd', 'a', 'c']);
    assert.deepEqual(sortRows(rows, (r) => r.accuracyAnn, 'desc').map((r) => r.runId), ['d', 'b', 'a', 'c']);
  });
  it('compares names with numbers in them by value (synops-2 before synops-10)', () => {
    const named = [p('synops-10', 0, 0), p('synops-2', 0, 0), p('baseline', 0, 0)];
    assert.deepEqual(sortRows(named, (r) => SORT_KEYS.run(r), 'asc').map((r) => r.runId), ['baseline', 'synops-2', 'synops-10']);
  });
});
