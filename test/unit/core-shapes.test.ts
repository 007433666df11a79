import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { layerStats, windowOut } from '../../src/core/model/shapes';
import { template } from './helpers';

describe('layerStats on the paper networks', () => {
  it('MNIST-DVS: shapes 64→62→31→29→14→12→6, 6,552 parameters, the MACs of the issue', () => {
    const stats = layerStats(template('mnist-dvs.snn.json'));
    const by = Object.fromEntries(stats.map((s) => [s.name, s]));
    assert.deepEqual(by.conv1.outShape, [8, 62, 62]); // 64 − 3 + 1
    assert.deepEqual(by.pool1.outShape, [8, 31, 31]); // 62 / 2
    assert.deepEqual(by.conv2.outShape, [12, 29, 29]); // 31 − 2
    assert.deepEqual(by.pool2.outShape, [12, 14, 14]); // floor(29 / 2): row and column 28 dropped
    assert.deepEqual(by.conv3.outShape, [12, 12, 12]);
    assert.deepEqual(by.pool3.outShape, [12, 6, 6]);
    assert.deepEqual(by.flatten.outShape, [432]); // 12·6·6
    assert.deepEqual(by.fc.outShape, [10]);
    // params: 1·8·9 = 72; 8·12·9 = 864; 12·12·9 = 1,296; 432·10 = 4,320; sum 6,552
    assert.deepEqual([by.conv1.params, by.conv2.params, by.conv3.params, by.fc.params], [72, 864, 1_296, 4_320]);
    assert.equal(stats.reduce((a, s) => a + s.params, 0), 6_552);
    // MACs: 62·62·72 = 276,768; 29·29·864 = 726,624; 12·12·1,296 = 186,624; 4,320
    assert.deepEqual([by.conv1.macs, by.conv2.macs, by.conv3.macs, by.fc.macs], [276_768, 726_624, 186_624, 4_320]);
    assert.equal(stats.filter((s) => s.type === 'relu' || s.type === 'avgpool').every((s) => s.macs === 0 && s.params === 0), true);
  });

  it('CIFAR-10 All-ConvNet: 32→32→16→16→16→8→8→8→8→1, 1,617,312 parameters, 344,875,008 MACs', () => {
    const stats = layerStats(template('cifar10-allconv.snn.json'));
    const convs = stats.filter((s) => s.type === 'conv2d');
    assert.deepEqual(convs.map((s) => s.outShape[1]), [32, 32, 16, 16, 16, 8, 8, 8, 8]); // stride 2 pad 1: floor((32 + 2 − 3)/2) + 1 = 16
    // params: 3·96·9 = 2,592; 96·96·9 = 82,944; 96·192·9 = 165,888; 4 × 192·192·9 = 4 × 331,776;
    //         192·192 = 36,864; 192·10 = 1,920 → 1,617,312
    assert.equal(stats.reduce((a, s) => a + s.params, 0), 1_617_312);
    // MACs: 1,024·2,592 + 1,024·82,944 + 256·165,888 + 2·256·331,776 + 2·64·331,776 + 64·36,864 + 64·1,920
    //     = 2,654,208 + 84,934,656 + 42,467,328 + 169,869,312 + 42,467,328 + 2,359,296 + 122,880 = 344,875,008
    assert.equal(stats.reduce((a, s) => a + s.macs, 0), 344_875_008);
    assert.deepEqual(stats.at(-1)?.outShape, [10]); // sum pool 8×8 → [10, 1, 1] → flatten
  });

  it('windowOut is floor mode: (n + 2p − k)/s + 1', () => {
    assert.equal(windowOut(29, 2, 2, 0), 14); // 27/2 = 13.5 → 13, + 1
    assert.equal(windowOut(5, 3, 2, 1), 3); // (5 + 2 − 3)/2 + 1
    assert.equal(windowOut(7, 3, 3, 0), 2); // 4/3 → 1, + 1
  });

  it('throws a ShapeError naming the layer when a kernel does not fit', () => {
    const m = template('mnist-dvs.snn.json');
    const conv3 = m.layers.find((l) => l.name === 'conv3');
    if (conv3?.type !== 'conv2d') throw new Error('template changed');
    conv3.kernel = 15; // its input is 12×14×14
    assert.throws(() => layerStats(m), /layer 6 "conv3" \(conv2d\): kernel 15×15 is larger than its 14×14 input/);
  });
});
