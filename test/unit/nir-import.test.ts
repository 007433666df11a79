// NIR import (#16): hand-made graphs written with h5wasm directly become the model and weights they
// describe; what the simulator has no model for is refused with the node's name, type and what is supported.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadNirModel } from '../../src/io/nir/load';
import { simulateEvents } from '../../src/core/sim/event-engine';
import { binEvents } from '../../src/core/sim/input';
import { convGraph, tinyGraph, tmp, writeRaw } from './nir-files';

describe('NIR import of graphs written by h5wasm', () => {
  it('Input → Flatten → Linear → IF → Output: weights in PyTorch layout, the IF before Output is the spiking output', async () => {
    const file = await writeRaw(join(tmp(), 'tiny.nir'), tinyGraph());
    const r = await loadNirModel(file);
    assert.deepEqual(r.model.layers, [{ type: 'flatten', name: 'flat' }, { type: 'linear', name: 'fc', outFeatures: 2, bias: false }]);
    assert.equal(r.model.spikingOutput, true);
    assert.deepEqual(r.model.input, { kind: 'events', shape: [1, 2, 2], chunkEvents: 3000, dtMs: 1 });
    assert.deepEqual([...r.weights.fc.weight], [0.25, 1.5, 0, 0, 0, 0.5, 0, 0]);
    assert.deepEqual(r.neuron, { threshold: 1, reset: 'subtract' });
    // One event at x = 1, y = 0 (flat index 1): output 0 gets W[0][1] = 1.5 → ⌊1.5⌋ = 1 spike, output 1 gets
    // W[1][1] = 0.5 → none. A transposed weight would give output 0 W[1][0]·… = 0 instead.
    const input = binEvents({ x: [1], y: [0], t: [0] }, [1, 2, 2], { dtMs: 1, steps: 2, t0: 0 });
    const sim = simulateEvents(r.model, r.weights, input, { neuron: r.neuron });
    assert.deepEqual([...sim.output.values], [1, 0]);
  });

  it('one threshold θ for every IF node is folded into the weights: θ = 2 leaves 1.5 / 2 below threshold 1', async () => {
    const g = tinyGraph();
    g.nodes.spk.v_threshold = new Float32Array([2, 2]);
    const r = await loadNirModel(await writeRaw(join(tmp(), 'th.nir'), g));
    assert.equal(r.neuron.threshold, 1);
    // The same event as above: output 0 gets 1.5 / 2 = 0.75 < 1 → no spike (with θ = 1 it spiked once).
    const input = binEvents({ x: [1], y: [0], t: [0] }, [1, 2, 2], { dtMs: 1, steps: 2, t0: 0 });
    assert.deepEqual([...simulateEvents(r.model, r.weights, input, { neuron: r.neuron }).output.values], [0, 0]);
  });

  it('Conv2d with bias, float64 weights, SumPool2d, Affine: exact float32 values, shapes checked', async () => {
    const file = await writeRaw(join(tmp(), 'conv.nir'), convGraph());
    const r = await loadNirModel(file);
    assert.deepEqual(r.model.layers.map((l) => l.type), ['conv2d', 'relu', 'sumpool', 'flatten', 'linear']);
    assert.deepEqual(r.model.layers[0], { type: 'conv2d', name: 'conv', outChannels: 2, kernel: 3, stride: 1, padding: 0, bias: true });
    assert.deepEqual(r.model.layers[4], { type: 'linear', name: 'fc', outFeatures: 3, bias: true });
    assert.equal(r.model.spikingOutput, false);
    // (i − 9) / 8 is exact in float32: −1.125 … 1.
    assert.deepEqual([...r.weights.conv.weight], Array.from({ length: 18 }, (_, i) => (i - 9) / 8));
    assert.deepEqual([...r.weights.conv.bias!], [0.125, -0.25]);
    assert.deepEqual(r.weights.fc.shape, [3, 2]);
    assert.deepEqual([...r.weights.fc.bias!], [0, 0.5, -0.5]);
  });

  it('a Conv2d bias of zeros is a layer without bias (the fixture Sinabs wrote has them)', async () => {
    const g = convGraph();
    g.nodes.conv.bias = new Float64Array(2);
    const r = await loadNirModel(await writeRaw(join(tmp(), 'zero.nir'), g));
    assert.equal((r.model.layers[0] as { bias?: boolean }).bias, false);
    assert.equal(r.weights.conv.bias, undefined);
  });

  for (const type of ['LIF', 'CubaLIF', 'Delay', 'LI', 'Scale']) {
    it(`a ${type} node is refused with its name, type and what is supported`, async () => {
      const g = tinyGraph();
      g.nodes.spk = { type, tau: new Float32Array([1, 1]) };
      const file = await writeRaw(join(tmp(), 'x.nir'), g);
      await assert.rejects(loadNirModel(file), (e: Error) => {
        assert.match(e.message, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: /node/nodes/spk: node "spk" has type ${type}.*supported: Input, Output, Conv2d, Linear, Affine, IF, SumPool2d, AvgPool2d, Flatten$`));
        assert.ok(!e.message.includes('\n'));
        return true;
      });
    });
  }

  it('a recurrent edge, a branch and a reset to another value than 0 are refused at their place (thresholds: nir-fold.test.ts)', async () => {
    const cases: [(g: ReturnType<typeof tinyGraph>) => void, RegExp][] = [
      [(g) => g.edges!.push(['spk', 'fc']), /\/node\/edges\[4\]: edge spk → fc closes a cycle \(a recurrent connection\)/],
      [(g) => { g.nodes.fc2 = { type: 'Linear', weight: { data: new Float32Array(8), shape: [2, 4] } }; g.edges!.push(['fc2', 'spk']); }, /node "spk" receives both "fc" and "fc2".*no merges/],
      [(g) => g.edges!.push(['spk', 'spk']), /\/node\/edges\[4\]: edge spk → spk is a recurrent \(self\) connection/],
      [(g) => { g.nodes.fc2 = { type: 'Linear', weight: { data: new Float32Array(8), shape: [2, 4] } }; g.edges!.push(['flat', 'fc2']); }, /node "flat" feeds both "fc" and "fc2".*no branches/],
      [(g) => { g.nodes.spk.v_reset = new Float32Array([0.5, 0.5]); }, /v_reset = 0\.5/],
    ];
    for (const [edit, want] of cases) {
      const g = tinyGraph();
      edit(g);
      await assert.rejects(loadNirModel(await writeRaw(join(tmp(), 'x.nir'), g)), want);
    }
  });
});
