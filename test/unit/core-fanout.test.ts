import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { layerStats } from '../../src/core/model/shapes';
import type { ModelFile } from '../../src/core/model/types';
import { connections, coverCounts, synopsOf, totalFanout } from '../../src/core/synops/fanout';
import { template } from './helpers';

function tiny(layers: ModelFile['layers'], shape = [1, 3, 3]): Pick<ModelFile, 'input' | 'layers'> {
  return { input: { kind: 'events', shape, chunkEvents: 10, dtMs: 1 }, layers };
}

describe('exact per-position fan-out', () => {
  it('3×3 input, 2×2 kernel, 5 channels: corners reach 1 output, the centre 4; the diagonal costs (1+4+1)·5 = 30', () => {
    const m = tiny([{ type: 'conv2d', name: 'c', outChannels: 5, kernel: 2 }]);
    const [conn] = connections(m, layerStats(m));
    // ny = nx = [1, 2, 1] → fan-out = 5·ny·nx
    assert.deepEqual([...conn.fanout], [5, 10, 5, 10, 20, 10, 5, 10, 5]);
    const diagonal = [1, 0, 0, 0, 1, 0, 0, 0, 1];
    assert.equal(synopsOf(conn, diagonal), 30);
  });

  it('counts windows with stride and padding: 5 wide, k 3, s 2, p 1 → [1, 2, 1, 2, 1]', () => {
    // windows (o·2 − 1 … o·2 + 1) for o = 0, 1, 2: {0,1}, {1,2,3}, {3,4}
    assert.deepEqual([...coverCounts(5, 3, 3, 2, 1)], [1, 2, 1, 2, 1]);
  });

  it('MNIST-DVS conv1: 8 at the corner, 16 beside it, 72 inside; the map sums to the MACs', () => {
    const m = template('mnist-dvs.snn.json');
    const conns = connections(m, layerStats(m));
    const input = conns[0];
    assert.equal(input.emitterName, 'input');
    assert.equal(input.receiverName, 'conv1');
    assert.equal(input.fanout[0], 8); // 8·1·1
    assert.equal(input.fanout[1], 16); // 8·1·2
    assert.equal(input.fanout[5 * 64 + 5], 72); // 8·3·3
    // Σ = 8·(Σ ny)(Σ nx) = 8·186·186 = 276,768 (every output window has 3 rows: 62·3 = 186)
    assert.equal(totalFanout(input), 276_768);
  });

  it('spikes pass the pooling once per receiving connection; floor pooling drops row and column 28', () => {
    const m = template('mnist-dvs.snn.json');
    const conns = connections(m, layerStats(m));
    const relu2 = conns.find((c) => c.emitterName === 'relu2');
    assert.ok(relu2);
    assert.equal(relu2.receiverName, 'conv3');
    assert.deepEqual(relu2.emitterShape, [12, 29, 29]);
    const at = (c: number, y: number, x: number): number => relu2.fanout[(c * 29 + y) * 29 + x];
    assert.equal(at(0, 0, 0), 12); // pooled (0,0) is conv3's corner input: 12·1·1
    assert.equal(at(3, 1, 1), 12); // same pooling window as (0,0)
    assert.equal(at(0, 4, 4), 108); // pooled (2,2): 12·3·3
    assert.equal(at(0, 28, 4), 0); // dropped row
    assert.equal(at(5, 4, 28), 0); // dropped column
    // Each pooled unit has 4 sources, so Σ = 4 × MACs(conv3) = 4 × 186,624 = 746,496.
    assert.equal(totalFanout(relu2), 746_496);
  });

  it('a linear layer fans out to all its outputs, also through pooling and flatten', () => {
    const m = template('mnist-dvs.snn.json');
    const conns = connections(m, layerStats(m));
    const relu3 = conns.find((c) => c.emitterName === 'relu3');
    assert.ok(relu3);
    assert.equal(relu3.receiverName, 'fc');
    assert.equal(relu3.fanout[0], 10);
    // 12·12·12 neurons, all inside a 2×2 window (12 is even): 1,728 × 10
    assert.equal(totalFanout(relu3), 17_280);
  });

  it('the output layer has no receiver; overlapping pooling counts each window', () => {
    const m = tiny([
      { type: 'relu', name: 'r' },
      { type: 'avgpool', name: 'p', kernel: 2, stride: 1 },
      { type: 'flatten', name: 'f' },
      { type: 'linear', name: 'fc', outFeatures: 3 },
      { type: 'relu', name: 'out' },
    ]);
    const conns = connections(m, layerStats(m));
    assert.deepEqual(conns.map((c) => `${c.emitterName}→${c.receiverName}`), ['r→fc']);
    // pooling 2×2 stride 1 on 3×3 → 2×2; the centre lies in 4 windows, an edge in 2, a corner in 1; ×3 outputs
    assert.deepEqual([...conns[0].fanout], [3, 6, 3, 6, 12, 6, 3, 6, 3]);
  });
});
