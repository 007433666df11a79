import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { confinedPath, readTfjsWeights } from '../../src/io/sim/tfjs-weights';
import { net } from './sim-helpers';

/** A TF.js layers-format model.json over one shard holding `values` (float32). */
function tfjsFiles(weights: { name: string; shape: number[] }[], values: number[], path = 'group1-shard1of1.bin') {
  const json = JSON.stringify({ format: 'layers-model', modelTopology: {}, weightsManifest: [{ paths: [path], weights: weights.map((w) => ({ ...w, dtype: 'float32' })) }] });
  const bin = new Uint8Array(Float32Array.from(values).buffer);
  return { json, read: async (p: string) => { if (p !== path) throw new Error(`no file ${p}`); return bin; } };
}

describe('TF.js weights loader', () => {
  // conv 'c': 2 inputs → 1 output channel, 1×2 kernel; [1, 1, 2] input → [1, 1, 1] → flatten → linear 'l' to 2.
  const model = net([{ type: 'conv2d', name: 'c', outChannels: 1, kernel: [1, 2] }, { type: 'relu', name: 'r' }, { type: 'flatten', name: 'f' }, { type: 'linear', name: 'l', outFeatures: 2 }], [2, 1, 2]);

  it('converts conv [kH, kW, in, out] → [out, in, kH, kW] and dense [in, out] → [out, in]', async () => {
    // TF.js conv kernel [1, 2, 2, 1] in order (kw, in): (0,0)=1 (0,1)=2 (1,0)=3 (1,1)=4 → ours [out=0][in][kw]: in 0: 1, 3; in 1: 2, 4
    const { json, read } = tfjsFiles([{ name: 'c/kernel', shape: [1, 2, 2, 1] }, { name: 'l/kernel', shape: [1, 2] }], [1, 2, 3, 4, 5, 6]);
    const w = await readTfjsWeights(json, model, read);
    assert.deepEqual([...w.c.weight], [1, 3, 2, 4]);
    assert.deepEqual(w.c.shape, [1, 2, 1, 2]);
    assert.deepEqual([...w.l.weight], [5, 6]);
    assert.deepEqual(w.l.shape, [2, 1]);
  });

  it('permutes a dense layer behind a flatten from TF.js (h, w, c) order to (c, h, w)', async () => {
    // Input [2, 1, 2] flattened directly into linear 'l' (1 output). TF.js rows: (x0,c0) (x0,c1) (x1,c0) (x1,c1) = 1, 2, 3, 4
    // ours (c0,x0) (c0,x1) (c1,x0) (c1,x1) = 1, 3, 2, 4
    const m = net([{ type: 'flatten', name: 'f' }, { type: 'linear', name: 'l', outFeatures: 1 }], [2, 1, 2]);
    const { json, read } = tfjsFiles([{ name: 'l/kernel', shape: [4, 1] }], [1, 2, 3, 4]);
    assert.deepEqual([...(await readTfjsWeights(json, m, read)).l.weight], [1, 3, 2, 4]);
  });

  it('is strict: wrong shape, missing or extra weights, paths outside the folder', async () => {
    const bad = tfjsFiles([{ name: 'c/kernel', shape: [2, 1, 2, 1] }, { name: 'l/kernel', shape: [1, 2] }], [1, 2, 3, 4, 5, 6]);
    await assert.rejects(readTfjsWeights(bad.json, model, bad.read), /c\/kernel" has shape \[2, 1, 2, 1\]/);
    const missing = tfjsFiles([{ name: 'c/kernel', shape: [1, 2, 2, 1] }], [1, 2, 3, 4]);
    await assert.rejects(readTfjsWeights(missing.json, model, missing.read), /no "l\/kernel"/);
    const extra = tfjsFiles([{ name: 'c/kernel', shape: [1, 2, 2, 1] }, { name: 'l/kernel', shape: [1, 2] }, { name: 'x/kernel', shape: [1] }], [1, 2, 3, 4, 5, 6, 7]);
    await assert.rejects(readTfjsWeights(extra.json, model, extra.read), /does not know: x\/kernel/);
    const escape = tfjsFiles([{ name: 'c/kernel', shape: [1, 2, 2, 1] }], [1, 2, 3, 4], '../secret.bin');
    await assert.rejects(readTfjsWeights(escape.json, model, escape.read), /leaves its folder/);
    assert.throws(() => confinedPath('/etc/passwd'), /absolute/);
    assert.throws(() => confinedPath('C:x.bin'), /drive letter/);
    assert.equal(confinedPath('sub/w.bin'), 'sub/w.bin');
  });
});
