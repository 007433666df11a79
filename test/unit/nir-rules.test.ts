// The spike and reset rules NIR 1.0.4 cannot say (#16): the graph's metadata (synops_spike, synops_reset)
// goes into the model file `synops import` writes (conversion.spike / conversion.reset), so simulating the
// written model file runs the same network as simulating the .nir; and export writes them back.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ModelFile } from '../../src/core/model/types';
import { parseModel } from '../../src/core/model/parse';
import { layerStats } from '../../src/core/model/shapes';
import { expectedWeightShape, type ModelWeights } from '../../src/core/sim/weights';
import { modelToNir } from '../../src/core/nir/from-model';
import { text } from '../../src/core/nir/graph';
import { readNirFile, writeNirFile } from '../../src/io/nir/hdf5';
import { loadNirModel } from '../../src/io/nir/load';
import { buildCli, runCli } from './cli-bundle';
import { repoRoot, template } from './helpers';
import { tinyGraph, tmp, writeRaw } from './nir-files';

const shared = join(repoRoot, '..', 'shared', 'data');
const nir = join(shared, 'nir', 'paper_mnist_dvs_sinabs_seed1.nir');
const aedat = join(shared, 'mnist-dvs', 'mnist_0_scale04_0001.aedat');

describe('spike and reset rules through NIR', () => {
  it('a model file states them as conversion.spike / conversion.reset; other values are errors', () => {
    const m = template('mnist-dvs.snn.json');
    const ok = parseModel(JSON.stringify({ ...m, conversion: { spike: 'single', reset: 'zero' } }), 'm.snn.json');
    assert.deepEqual(ok.diagnostics.filter((d) => d.severity === 'error'), []);
    const bad = parseModel(JSON.stringify({ ...m, conversion: { spike: 'one', reset: 'none' } }), 'm.snn.json');
    assert.deepEqual(bad.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), ['"conversion.spike" must be "multi" or "single", got "one"', '"conversion.reset" must be "subtract" or "zero", got "none"']);
  });

  it('export writes the model file\'s rules into the metadata; import brings back the same model file', async () => {
    const m: ModelFile = { ...template('mnist-dvs.snn.json'), conversion: { readout: 'spikes', spike: 'single', reset: 'zero' } };
    const stats = layerStats(m);
    const weights: ModelWeights = {};
    m.layers.forEach((l, i) => {
      if (l.type !== 'conv2d' && l.type !== 'linear') return;
      const shape = expectedWeightShape(m, stats, i);
      weights[l.name] = { shape, weight: Float32Array.from({ length: shape.reduce((x, y) => x * y, 1) }, (_, k) => ((k % 7) - 3) / 8) };
    });
    const g = modelToNir(m, weights);
    assert.deepEqual([g.metadata.synops_spike.values[0], g.metadata.synops_reset.values[0]], ['single', 'zero']);
    const file = join(tmp(), 'single-zero.nir');
    await writeNirFile(file, g);
    const back = await loadNirModel(file);
    assert.deepEqual(JSON.parse(JSON.stringify(back.model)), JSON.parse(JSON.stringify(m)));
    assert.deepEqual(back.neuron, { threshold: 1, reset: 'zero', spike: 'single' });
  });

  it('a graph with only the metadata (no synops_model): the imported model file carries them; the defaults are left out', async () => {
    const g = tinyGraph();
    g.metadata = { synops_reset: 'zero', synops_spike: 'single' };
    const r = await loadNirModel(await writeRaw(join(tmp(), 'rules.nir'), g));
    assert.deepEqual(r.model.conversion, { spike: 'single', reset: 'zero' });
    assert.deepEqual(r.neuron, { threshold: 1, reset: 'zero', spike: 'single' });
    assert.ok(r.notes.some((n) => /one spike per neuron and step and reset to zero \(the graph's metadata\): kept in the model file as conversion\.spike and conversion\.reset/.test(n)), r.notes.join(' | '));
    g.metadata = { synops_reset: 'subtract', synops_spike: 'multi' };
    assert.equal((await loadNirModel(await writeRaw(join(tmp(), 'defaults.nir'), g))).model.conversion, undefined);
  });

  it('synops import, then simulate the written model file: the same spikes as simulating the .nir, not those of the default rules', { skip: !existsSync(nir) || !existsSync(aedat) ? 'the shared NIR graph or recording is missing' : false }, async () => {
    const cli = await buildCli();
    const dir = tmp();
    // The NIR library's graph of the paper's network, with the rules a zero-reset single-spike export states.
    const graph = await readNirFile(nir);
    graph.metadata = { ...graph.metadata, synops_reset: text('zero'), synops_spike: text('single') };
    const file = join(dir, 'rules.nir');
    await writeNirFile(file, graph);
    const im = runCli(cli, ['import', file, '--out', join(dir, 'rules.snn.json')], { timeoutMs: 60_000 });
    assert.equal(im.code, 0, im.err);
    const written = JSON.parse(readFileSync(join(dir, 'rules.snn.json'), 'utf8')) as ModelFile;
    assert.deepEqual(written.conversion, { spike: 'single', reset: 'zero' });
    const sim = (args: string[]): { totalSynops: number; output: { values: number[] }; layers: { spikes: number }[] } => {
      const r = runCli(cli, ['simulate', ...args, '--input', aedat, '--json'], { timeoutMs: 120_000 });
      assert.equal(r.code, 0, r.err);
      return JSON.parse(r.out);
    };
    const fromNir = sim([file]);
    const fromModel = sim([join(dir, 'rules.snn.json'), '--weights', join(dir, 'rules.weights', 'model.json')]);
    assert.deepEqual(fromModel.layers.map((l) => l.spikes), fromNir.layers.map((l) => l.spikes));
    assert.deepEqual(fromModel.output.values, fromNir.output.values);
    assert.equal(fromModel.totalSynops, fromNir.totalSynops);
    // The default rules (the shared graph as the NIR library wrote it) spike differently on this recording.
    const defaults = sim([nir]);
    assert.notDeepEqual(defaults.layers.map((l) => l.spikes), fromNir.layers.map((l) => l.spikes));
  });
});
