// Two gaps of the malformed-file checks (#16): HDF5 data after a user block (512, 1024, … bytes of anything
// before the superblock, as h5py's userblock_size or h5jam write it) reads as the same graph; variable-length
// strings, whose lengths no dataset metadata declares, are measured before they become JavaScript strings and
// refused past MAX_NIR_STRING_BYTES with the dataset's path, in bounded memory.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MAX_NIR_STRING_BYTES } from '../../src/core/model/limits';
import { loadNirModel } from '../../src/io/nir/load';
import { buildCli, runCli } from './cli-bundle';
import { convGraph, tinyGraph, tmp, writeRaw } from './nir-files';

const dir = tmp();
const plain = (x: unknown): unknown => JSON.parse(JSON.stringify(x, (_k, v: unknown) => (v instanceof Float32Array ? [...v] : v)));

describe('NIR files with a user block', () => {
  it('512, 1024 and 4096 bytes before the superblock: the same model and weights as without', async () => {
    const file = await writeRaw(join(dir, 'conv.nir'), convGraph());
    const want = await loadNirModel(file);
    const bytes = readFileSync(file);
    for (const size of [512, 1024, 4096]) {
      const ub = join(dir, `ub${size}.nir`);
      writeFileSync(ub, Buffer.concat([Buffer.alloc(size, 'user block text '), bytes]));
      const got = await loadNirModel(ub);
      assert.deepEqual(plain(got.model.layers), plain(want.model.layers), `user block ${size}`);
      assert.deepEqual(plain(got.weights), plain(want.weights), `user block ${size}`);
    }
  });

  it('a signature at a place the format does not allow (300 bytes in) is not HDF5: one located line', async () => {
    const file = await writeRaw(join(dir, 'conv300.nir'), convGraph());
    const odd = join(dir, 'odd.nir');
    writeFileSync(odd, Buffer.concat([Buffer.alloc(300, 1), readFileSync(file)]));
    await assert.rejects(loadNirModel(odd), /odd\.nir: \/: not an HDF5 file \(no HDF5 signature at its start, nor after a user block of 512, 1024, 2048, … bytes\)/);
  });
});

describe('variable-length strings', () => {
  it('a metadata string past the limit is refused at its path; strings within it are read', async () => {
    const g = tinyGraph();
    // 5,000,000 bytes > 4 × 2^20 = 4,194,304.
    g.metadata = { synops_model: 'x'.repeat(5_000_000) };
    const file = await writeRaw(join(dir, 'long.nir'), g);
    await assert.rejects(loadNirModel(file), (e: Error) => {
      assert.equal(e.message, `${file}: /node/metadata/synops_model: holds 5,000,000 bytes of text, more than the ${MAX_NIR_STRING_BYTES.toLocaleString('en-US')} bytes of all the names, types and metadata of a network this tool simulates; the file is damaged or not a network for it`);
      return true;
    });
    // Three strings of 1.5 MB: the third brings the file past 4 MiB and is the one named. Two are read.
    g.metadata = { a: 'y'.repeat(1_500_000), b: 'y'.repeat(1_500_000), c: 'y'.repeat(1_500_000) };
    await assert.rejects(loadNirModel(await writeRaw(join(dir, 'three.nir'), g)), /\/node\/metadata\/c: holds 1,500,000 bytes of text/);
    g.metadata = { a: 'é'.repeat(750_000), generator: 'SynOps Studio' };
    const two = await loadNirModel(await writeRaw(join(dir, 'two.nir'), g));
    assert.deepEqual(two.model.layers.map((l) => l.name), ['flat', 'fc']);
  });

  it('UTF-8 names and types read back as written', async () => {
    const g = tinyGraph();
    g.nodes['σ-fc'] = g.nodes.fc;
    delete g.nodes.fc;
    g.edges = [['input', 'flat'], ['flat', 'σ-fc'], ['σ-fc', 'spk'], ['spk', 'output']];
    const r = await loadNirModel(await writeRaw(join(dir, 'utf8.nir'), g));
    assert.deepEqual(r.model.layers.map((l) => l.name), ['flat', 'σ-fc']);
  });

  it('through the CLI with a 256 MB heap: a 40 MB string is one line naming it, and the process stays bounded', async () => {
    const g = tinyGraph();
    g.nodes.fc.type = `Linear${' '.repeat(40_000_000)}`;
    const file = await writeRaw(join(dir, 'type.nir'), g);
    const r = runCli(await buildCli(), ['summary', file], { heapMb: 256, timeoutMs: 120_000 });
    assert.equal(r.code, 1, r.err);
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.match(r.err, /\/node\/nodes\/fc\/type: holds 40,000,006 bytes of text/);
    // HDF5's own copy of the string (in the reading thread's wasm memory) is the bulk: about 4× the string.
    assert.ok((r.peakMb ?? 0) < 400, `peak ${r.peakMb} MB`);
  });
});
