// Trained weights are read confined to the real folder of their model.json (a symbolic link out of it is
// refused), their manifest is checked before allocating, and NaN or infinite weights are refused with the
// layer's name (issue #13, item 8). The spike raster cuts a recording as the model was trained (item 12).
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FileFormatError } from '../../src/core/jsonText';
import { readTfjsWeightsFile } from '../../src/io/sim/tfjs-weights';
import type { ModelFile } from '../../src/core/model/types';
import { rasterOfChunk } from '../../src/worker/views';
import { writeHalvesDataset } from './halves-dataset';
import { tinyModel, writeTinyWeights } from './tiny-model';

const dir = mkdtempSync(join(tmpdir(), 'synops-weights-'));
const model = tinyModel() as unknown as ModelFile;

describe('weights confined by real path', () => {
  it('reads weights that lie in the folder of model.json', async () => {
    const w = await readTfjsWeightsFile(writeTinyWeights(join(dir, 'ok')), model);
    assert.deepEqual(w.fc.shape, [2, 242]);
  });

  it('refuses a weight file that is a symbolic link out of the folder, though its name is inside', async () => {
    const folder = join(dir, 'link');
    const file = writeTinyWeights(folder);
    // The secret has the right size, so only the confinement can refuse it.
    const outside = join(dir, 'secret.bin');
    writeFileSync(outside, Buffer.alloc((18 + 484) * 4));
    writeFileSync(join(folder, 'model.json'), JSON.stringify({ weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'c1/kernel', shape: [3, 3, 1, 2], dtype: 'float32' }, { name: 'fc/kernel', shape: [242, 2], dtype: 'float32' }] }] }));
    symlinkSync(outside, join(folder, 'w.bin'));
    await assert.rejects(readTfjsWeightsFile(file, model), (e: Error) => {
      assert.ok(e instanceof FileFormatError);
      assert.match(e.message, /model\.json: weight file "w\.bin" resolves to .*secret\.bin, outside .*link; weight files must lie in the folder of model\.json/);
      return true;
    });
  });

  it('refuses NaN and infinite weights, naming the layer', async () => {
    for (const bad of [NaN, Infinity]) {
      const file = writeTinyWeights(join(dir, `bad-${bad}`), (name, i) => (name === 'fc/kernel' && i === 7 ? bad : 0.01));
      await assert.rejects(readTfjsWeightsFile(file, model), new RegExp(`the weights of layer "fc" hold ${bad} at element \\d+ of 484`));
    }
  });

  it('checks the manifest before allocating: a shape of 10¹² values is refused, not allocated', async () => {
    const folder = join(dir, 'huge');
    mkdirSync(folder);
    writeFileSync(join(folder, 'weights.bin'), Buffer.alloc(8));
    const file = join(folder, 'model.json');
    writeFileSync(file, JSON.stringify({ weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'fc/kernel', shape: [1e6, 1e6], dtype: 'float32' }] }] }));
    await assert.rejects(readTfjsWeightsFile(file, model), /describes more than 134,217,728 bytes of weights/);
    writeFileSync(file, '{"weightsManifest": [');
    await assert.rejects(readTfjsWeightsFile(file, model), /model\.json:1:22: damaged JSON/);
  });
});

describe('spike raster of an event file', () => {
  it('cuts chunks of the model\'s chunkEvents, not 3,000', async () => {
    const data = join(dir, 'halves');
    writeHalvesDataset(data, { recordings: 1, events: 400 });
    const modelPath = join(dir, 'chunk150.snn.json');
    writeFileSync(modelPath, JSON.stringify(tinyModel({ chunkEvents: 150 })));
    const weightsPath = writeTinyWeights(join(dir, 'raster'));
    const ctx = { signal: new AbortController().signal, progress: () => undefined };
    const r = await rasterOfChunk({ file: join(data, 'rec0.bin'), index: 1, modelPath, weightsPath }, ctx);
    // Chunk 1 of 150-event chunks: events 150..299 (with 3,000-event chunks there is no chunk 1 of 400 events).
    assert.equal(r.input.total, 150);
    assert.match(r.title, /chunk 2 \(150 events, chunks of 150 as tiny was trained\)/);
    const plain = await rasterOfChunk({ file: join(data, 'rec0.bin'), index: 0 }, ctx);
    assert.equal(plain.input.total, 400, 'without a model: 3,000-event chunks');
    // A dataset's recording: the simulated output carries the class label the listing gave (the host no longer sets it).
    assert.equal(r.output?.label, undefined);
    const labelled = await rasterOfChunk({ file: join(data, 'rec0.bin'), index: 1, modelPath, weightsPath, label: 1 }, ctx);
    assert.equal(labelled.output?.label, 1);
    assert.deepEqual({ ...labelled.output, label: undefined }, { ...r.output, label: undefined }, 'the same simulation');
    assert.equal((await rasterOfChunk({ file: join(data, 'rec0.bin'), index: 0, label: 1 }, ctx)).output, undefined, 'no output without a model');
  });
});
