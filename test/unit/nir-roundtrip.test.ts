// NIR export (#16): a model and its weights written as a NIR graph and imported again give the same model
// file and bit-identical weights — in the core, and through `synops export` / `synops import` on a run
// folder. Where Python's h5py (the library NIR's own reader uses) is installed, the written layout is checked
// as nir.read() takes it apart (nir_reader_check.py); without it that test says "not checked".
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ModelFile } from '../../src/core/model/types';
import { readModelFile } from '../../src/io/model/read';
import { layerStats } from '../../src/core/model/shapes';
import { modelToNir } from '../../src/core/nir/from-model';
import { ints } from '../../src/core/nir/graph';
import { readNirFile, writeNirFile } from '../../src/io/nir/hdf5';
import { loadNirModel } from '../../src/io/nir/load';
import { writeTfjsWeights } from '../../src/io/nir/tfjs-out';
import { readTfjsWeightsFile } from '../../src/io/sim/tfjs-weights';
import { expectedWeightShape, type ModelWeights } from '../../src/core/sim/weights';
import { buildCli, runCli } from './cli-bundle';
import { template } from './helpers';
import { tmp } from './nir-files';

/** Deterministic weights of every float32 kind: negatives, subnormals, values float64 would round differently. */
function weightsFor(model: ModelFile, withBias: boolean): ModelWeights {
  const stats = layerStats(model);
  let seed = 12345;
  const next = (): number => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return Math.fround((seed / 2 ** 32 - 0.5) * 0.3); };
  const w: ModelWeights = {};
  model.layers.forEach((l, i) => {
    if (l.type !== 'conv2d' && l.type !== 'linear') return;
    const shape = expectedWeightShape(model, stats, i);
    const weight = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, next);
    weight[0] = 1e-40; // a float32 subnormal survives only if nothing goes through float64 arithmetic
    w[l.name] = { shape, weight, ...(withBias && l.bias ? { bias: Float32Array.from({ length: shape[0] }, next) } : {}) };
  });
  return w;
}

/** The template with biases, a qrelu, a sum pooling with its own stride and a padded strided conv: every field NIR must carry. */
function richModel(): ModelFile {
  const m = template('mnist-dvs.snn.json');
  m.layers[0] = { type: 'conv2d', name: 'conv1', outChannels: 8, kernel: [3, 5], stride: 2, padding: 1, bias: true };
  m.layers[1] = { type: 'qrelu', name: 'relu1' };
  m.layers[2] = { type: 'sumpool', name: 'pool1', kernel: 2, stride: 1 };
  m.layers[11] = { type: 'linear', name: 'fc', outFeatures: 10, bias: true };
  return m;
}

/** Model files compared as JSON (the model file parser makes objects without a prototype). */
const plain = (x: unknown): unknown => JSON.parse(JSON.stringify(x));

const bytes = (a: Float32Array | undefined): string => (a ? Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex') : 'none');

function sameWeights(a: ModelWeights, b: ModelWeights): void {
  assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort());
  for (const k of Object.keys(a)) {
    assert.deepEqual(a[k].shape, b[k].shape, k);
    assert.equal(bytes(a[k].weight), bytes(b[k].weight), `weights of ${k} differ`);
    assert.equal(bytes(a[k].bias), bytes(b[k].bias), `bias of ${k} differs`);
  }
}

describe('NIR export and import round trip', () => {
  for (const [label, model, withBias] of [['the paper\'s template', template('mnist-dvs.snn.json'), false], ['biases, qrelu, strided sum pooling, padded conv', richModel(), true]] as const) {
    it(`${label}: same model file, bit-identical weights`, async () => {
      const weights = weightsFor(model, withBias);
      const file = join(tmp(), 'net.nir');
      await writeNirFile(file, modelToNir(model, weights));
      const back = await loadNirModel(file);
      assert.deepEqual(plain(back.model), plain(model));
      sameWeights(back.weights, weights);
      assert.equal(back.neuron.reset, 'subtract');
      assert.equal(back.neuron.spike, 'multi');
    });
  }

  it('without the metadata (as another tool would keep only the graph) the same network, dropout aside', async () => {
    const model = richModel();
    const weights = weightsFor(model, true);
    const graph = modelToNir(model, weights);
    graph.metadata = {};
    const file = join(tmp(), 'bare.nir');
    await writeNirFile(file, graph);
    const back = await loadNirModel(file);
    assert.deepEqual(back.model.layers.map((l) => `${l.type}:${l.name}`), model.layers.filter((l) => l.type !== 'dropout').map((l) => `${l.type === 'qrelu' ? 'relu' : l.type}:${l.name}`));
    sameWeights(back.weights, weights);
  });

  it('the written layout is NIR 1.0: /version, /node/type NIRGraph, nodes with type and arrays, n×2 edges', async () => {
    const model = template('mnist-dvs.snn.json');
    const file = join(tmp(), 'layout.nir');
    await writeNirFile(file, modelToNir(model, weightsFor(model, false)));
    const g = await readNirFile(file);
    assert.equal(g.version, '1.0.4');
    assert.deepEqual(g.nodes.map((n) => n.name).sort(), ['conv1', 'conv2', 'conv3', 'fc', 'flatten', 'input', 'output', 'pool1', 'pool2', 'pool3', 'relu1', 'relu2', 'relu3', 'spike_output'].sort());
    const conv1 = g.nodes.find((n) => n.name === 'conv1')!;
    assert.equal(conv1.type, 'Conv2d');
    assert.deepEqual(conv1.fields.weight.shape, [8, 1, 3, 3]);
    assert.equal(conv1.fields.weight.dtype, 'float32');
    assert.equal(conv1.fields.stride.dtype, 'int64');
    assert.deepEqual(g.edges[0], ['input', 'conv1']);
    assert.deepEqual(g.edges.at(-1), ['spike_output', 'output']);
  });

  it('synops export <run> --nir, then synops import: the run\'s model and TF.js weights come back bit for bit', async () => {
    const cli = await buildCli();
    const dir = tmp();
    const run = join(dir, 'run');
    mkdirSync(join(run, 'model'), { recursive: true });
    const model = richModel();
    const weights = weightsFor(model, true);
    writeFileSync(join(run, 'model.snn.json'), JSON.stringify(model, null, 2));
    writeTfjsWeights(join(run, 'model'), model, weights);
    const ex = runCli(cli, ['export', run, '--nir', join(dir, 'net.nir')], { timeoutMs: 60_000 });
    assert.equal(ex.code, 0, ex.err);
    // conv1's 3×5 kernel: nir_reader_check.py (NIR's type check restated) refuses its shapes, so export says so.
    assert.match(ex.out, /note: conv1 has a 3×5 kernel: NIR's own type check computes a Conv2d's width with its kernel height/);
    const im = runCli(cli, ['import', join(dir, 'net.nir'), '--out', join(dir, 'back', 'net.snn.json')], { timeoutMs: 60_000 });
    assert.equal(im.code, 0, im.err);
    const pm = readModelFile(join(dir, 'back', 'net.snn.json'));
    assert.deepEqual(plain(pm.model), plain(model));
    sameWeights(await readTfjsWeightsFile(join(dir, 'back', 'net.weights', 'model.json'), model), weights);
    const summary = runCli(cli, ['summary', join(dir, 'net.nir')], { timeoutMs: 60_000 });
    assert.equal(summary.code, 0, summary.err);
    assert.match(summary.out, /conv1 +conv2d/);
    // A graph whose IF threshold is 2: imported with every weight row before an IF halved (exact: a power of
    // two), threshold 1, so the model file runs the same network.
    const graph = modelToNir(model, weights);
    for (const n of graph.nodes) if (n.type === 'IF') (n.fields.v_threshold.values as Float32Array).fill(2);
    await writeNirFile(join(dir, 'th2.nir'), graph);
    const th = runCli(cli, ['import', join(dir, 'th2.nir'), '--out', join(dir, 'th2.snn.json')], { timeoutMs: 60_000 });
    assert.equal(th.code, 0, th.err);
    assert.match(th.out, /note: r\/v_threshold of relu1, relu2, relu3, spike_output folded into the weights before them/);
    const halved = await readTfjsWeightsFile(join(dir, 'th2.weights', 'model.json'), model);
    for (const k of Object.keys(weights)) {
      assert.equal(bytes(halved[k].weight), bytes(weights[k].weight.map((x) => x / 2)), `weights of ${k}`);
      assert.equal(bytes(halved[k].bias), bytes(weights[k].bias?.map((x) => x / 2)), `bias of ${k}`);
    }
  });

  it('an independent HDF5 reader (jsfive, pure JavaScript after pyfive) reads the exported layout and values', async () => {
    const jsfive = await import('jsfive');
    const model = richModel();
    const weights = weightsFor(model, true);
    const file = join(tmp(), 'jsfive.nir');
    await writeNirFile(file, modelToNir(model, weights));
    const b = readFileSync(file);
    const f = new jsfive.File(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength), 'jsfive.nir');
    assert.deepEqual(f.get('version').value, ['1.0.4']);
    assert.deepEqual(f.get('node/type').value, ['NIRGraph']);
    const edges = f.get('node/edges');
    assert.deepEqual(edges.shape, [13, 2]); // 11 layers (dropout left out), Input, the spiking output, Output: 14 nodes
    assert.deepEqual(edges.value.slice(0, 4), ['input', 'conv1', 'conv1', 'relu1']);
    const type = (n: string): string => f.get(`node/nodes/${n}/type`).value[0];
    assert.deepEqual(['conv1', 'relu1', 'pool1', 'flatten', 'fc', 'spike_output', 'output'].map(type), ['Conv2d', 'IF', 'SumPool2d', 'Flatten', 'Affine', 'IF', 'Output']);
    const w = f.get('node/nodes/conv1/weight');
    assert.equal(w.dtype, '<f4');
    assert.deepEqual(w.shape, [8, 1, 3, 5]);
    assert.equal(bytes(Float32Array.from(w.value as number[])), bytes(weights.conv1.weight));
    assert.equal(bytes(Float32Array.from(f.get('node/nodes/fc/bias').value as number[])), bytes(weights.fc.bias));
    assert.deepEqual(f.get('node/nodes/conv1/stride').value, [2, 2]);
    assert.deepEqual(f.get('node/nodes/conv1/padding').value, [1, 1]);
    assert.deepEqual(f.get('node/nodes/pool1/stride').value, [1, 1]);
    assert.equal(f.get('node/nodes/conv1/stride').dtype, '<i8');
    assert.deepEqual(f.get('node/metadata/synops_reset').value, ['subtract']);
  });

  // The interpreters scripts/install-nir-peers.sh tries, in its order (Debian's python3-h5py is for /usr/bin/python3).
  const python = [process.env.SYNOPS_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p)
    .find((p) => spawnSync(p, ['-c', 'import h5py'], { encoding: 'utf8' }).status === 0);
  const check = join(__dirname, 'nir_reader_check.py');
  const readerCheck = (file: string): ReturnType<typeof spawnSync> => spawnSync(python!, [check, file], { encoding: 'utf8', timeout: 60_000 });
  it('h5py (NIR\'s own HDF5 library) reads the exported file as nir.read() takes it apart: fields per node type, type check along the edges', { skip: python ? false : 'not checked: h5py absent (scripts/install-nir-peers.sh installs Debian\'s python3-h5py)' }, async () => {
    // The paper's network, and one with biases, a qrelu, a strided sum pooling and a padded strided conv.
    const rich = richModel();
    rich.layers[0] = { type: 'conv2d', name: 'conv1', outChannels: 8, kernel: 3, stride: 2, padding: 1, bias: true };
    for (const [name, model, bias] of [['paper', template('mnist-dvs.snn.json'), false], ['rich', rich, true]] as const) {
      const file = join(tmp(), `${name}.nir`);
      await writeNirFile(file, modelToNir(model, weightsFor(model, bias)));
      const r = readerCheck(file);
      assert.equal(r.status, 0, `${name}: ${String(r.stdout)}${String(r.stderr)}`);
      assert.match(String(r.stdout), /^nir layout ok: 14 nodes, 13 edges, version 1\.0\.4$/m);
    }
    // A 3×5 kernel: NIR's type check takes the kernel height for both axes (conv1's width 32 instead of 31),
    // which is why `synops export` notes such a kernel.
    const wide = richModel();
    const wideFile = join(tmp(), 'wide.nir');
    await writeNirFile(wideFile, modelToNir(wide, weightsFor(wide, true)));
    assert.match(String(readerCheck(wideFile).stdout), /type mismatch: conv1\.output \[8, 32, 32\] -> relu1\.input \[8, 32, 31\]/);
    // The checker is not a rubber stamp: the file the NIR library wrote passes, a changed node fails.
    const shared = join(__dirname, '..', '..', '..', 'shared', 'data', 'nir', 'paper_mnist_dvs_sinabs_seed1.nir');
    if (existsSync(shared)) assert.equal(readerCheck(shared).status, 0, String(readerCheck(shared).stdout));
    const graph = modelToNir(rich, weightsFor(rich, true));
    graph.nodes.find((n) => n.name === 'pool1')!.fields.extra = ints([], [1]);
    const bad = join(tmp(), 'extra.nir');
    await writeNirFile(bad, graph);
    const r = readerCheck(bad);
    assert.equal(r.status, 1);
    assert.match(String(r.stdout), /\/node\/nodes\/pool1 \(SumPool2d\) has fields SumPool2d does not take: \['extra'\]/);
  });
});
