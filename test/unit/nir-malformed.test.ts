// Malformed .nir files (#16): truncated or damaged HDF5, missing parts, edges to nowhere, shape mismatches,
// cycles, huge declared arrays, wrong dtypes — each a FileFormatError of one line naming the file and the
// HDF5 path, in bounded memory; then fast-check fuzzing of the bytes and of the graph. Runs are bounded.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FileFormatError } from '../../src/core/jsonText';
import { abortedBy, loadH5 } from '../../src/io/nir/hdf5';
import { loadNirModel } from '../../src/io/nir/load';
import { buildCli, runCli } from './cli-bundle';
import { convGraph, tinyGraph, tmp, writeRaw, type RawGraph } from './nir-files';

const dir = tmp();
let serial = 0;
const fresh = (): string => join(dir, `f${serial++}.nir`);

/** Loads `file`; returns 'ok' or the error's message after checking it is a one-line FileFormatError naming the file. */
async function outcome(file: string): Promise<string> {
  try {
    await loadNirModel(file);
    return 'ok';
  } catch (e) {
    assert.ok(e instanceof FileFormatError, `not a FileFormatError: ${(e as Error)?.stack ?? String(e)}`);
    assert.ok(e.message.startsWith(`${file}: /`), `does not name the file and an HDF5 path: ${e.message}`);
    assert.ok(!e.message.includes('\n'), `more than one line: ${e.message}`);
    return e.message;
  }
}

async function refused(g: RawGraph, want: RegExp): Promise<void> {
  const file = await writeRaw(fresh(), g);
  const m = await outcome(file);
  assert.match(m, want);
}

describe('malformed NIR files', () => {
  it('not HDF5, empty, truncated at every 1/8 of the file: one line each', async () => {
    const good = await writeRaw(fresh(), convGraph());
    const bytes = readFileSync(good);
    const junk = fresh();
    writeFileSync(junk, 'this is not an HDF5 file');
    assert.match(await outcome(junk), /: \/: not an HDF5 file/);
    const empty = fresh();
    writeFileSync(empty, '');
    assert.match(await outcome(empty), /not an HDF5 file/);
    for (let k = 1; k < 8; k++) {
      const cut = fresh();
      writeFileSync(cut, bytes.subarray(0, Math.floor((bytes.length * k) / 8)));
      assert.match(await outcome(cut), /damaged or truncated|truncated file/);
    }
  });

  it('missing version, node, nodes, edges, a node\'s type or a required field', async () => {
    await refused({ ...tinyGraph(), version: null }, /\/version: missing/);
    await refused({ ...tinyGraph(), edges: null }, /\/node\/edges: missing/);
    await refused({ ...tinyGraph(), rootType: 'Linear' }, /\/node\/type: is "Linear"; the root node of a NIR file is a "NIRGraph"/);
    const noType = tinyGraph();
    delete noType.nodes.fc.type;
    await refused(noType, /\/node\/nodes\/fc\/type: missing/);
    const noWeight = tinyGraph();
    delete noWeight.nodes.fc.weight;
    await refused(noWeight, /\/node\/nodes\/fc\/weight: node "fc" \(Linear\): has no "weight"/);
    const noOutput = tinyGraph();
    delete noOutput.nodes.output;
    await refused(noOutput, /\/node\/edges\[3\]: edge spk → output names node "output", which \/node\/nodes does not have/);
  });

  it('edges to nowhere, dangling nodes, a chain that stops, a cycle', async () => {
    const g1 = tinyGraph();
    g1.edges![1] = ['flat', 'nowhere'];
    await refused(g1, /\/node\/edges\[1\]: edge flat → nowhere names node "nowhere"/);
    const g2 = tinyGraph();
    g2.edges!.pop();
    await refused(g2, /\/node\/nodes\/spk: node "spk" leads nowhere/);
    const g3 = tinyGraph();
    g3.nodes.extra = { type: 'Flatten' };
    await refused(g3, /\/node\/nodes\/extra: node "extra" \(Flatten\) is not on the path from Input to Output/);
    const g4 = tinyGraph();
    g4.nodes.a = { type: 'Flatten' };
    g4.nodes.b = { type: 'Flatten' };
    g4.edges!.push(['a', 'b'], ['b', 'a']);
    await refused(g4, /\/node\/edges\[5\]: edge b → a closes a cycle/);
  });

  it('shape mismatches between nodes are refused at the node', async () => {
    const g1 = tinyGraph(new Float32Array(6));
    g1.nodes.fc.weight = { data: new Float32Array(6), shape: [2, 3] };
    await refused(g1, /\/node\/nodes\/fc\/weight: node "fc" \(Linear\): weight has 3 inputs, its input has 4/);
    const g2 = convGraph();
    g2.nodes.input.shape = { int: [2, 4, 4] };
    await refused(g2, /\/node\/nodes\/conv\/weight: node "conv" \(Conv2d\): weight has 1 input channels, its input has 2/);
    const g3 = convGraph();
    g3.nodes.conv.input_shape = { int: [5, 5] };
    await refused(g3, /input_shape \[5, 5\] disagrees with the 4×4 input/);
    const g4 = tinyGraph();
    g4.nodes.output.shape = { int: [3] };
    await refused(g4, /\/node\/nodes\/output\/shape: node "output" \(Output\): shape \[3\] disagrees/);
    const g5 = tinyGraph();
    g5.nodes.spk.r = new Float32Array([1, 1, 1]);
    await refused(g5, /\/node\/nodes\/spk\/r: .*r has 3 values, the node has 2 neurons/);
  });

  it('wrong dtypes: weights as strings or ints, a fractional stride, a non-finite weight', async () => {
    const g1 = tinyGraph();
    g1.nodes.fc.weight = { data: ['a', 'b'], shape: [2] };
    await refused(g1, /\/node\/nodes\/fc\/weight: node "fc" \(Linear\): weight is string \[2\]; it must be float32 or float64/);
    const g2 = tinyGraph();
    g2.nodes.fc.weight = { data: { int: [1, 2, 3, 4, 5, 6, 7, 8] }, shape: [2, 4] };
    await refused(g2, /weight is int64 \[2, 4\]; it must be float32 or float64/);
    const g3 = convGraph();
    g3.nodes.conv.stride = Float64Array.from([1.5, 1.5]);
    await refused(g3, /\/node\/nodes\/conv\/stride: .*stride is float64 \[2\]; it must hold whole numbers/);
    const g4 = tinyGraph(Float32Array.from([0, Number.NaN, 0, 0, 0, 0, 0, 0]));
    await refused(g4, /\/node\/nodes\/fc\/weight: .*weight holds NaN at element 1/);
  });

  it('a dataset declaring 10 GB (2.5 G float32, stored as one tiny chunk) is refused from its shape, in bounded memory', async () => {
    const h5 = await loadH5();
    const file = fresh();
    const g = tinyGraph();
    delete g.nodes.fc.weight;
    await writeRaw(file, g);
    const f = new h5.File(file, 'a');
    const fcGroup = f.get('node/nodes/fc') as InstanceType<typeof h5.Group>;
    const d = fcGroup.create_dataset({ name: 'weight', data: new Float32Array(4), shape: [4], maxshape: [null], chunks: [1024] });
    d.resize([2_500_000_000]);
    f.close();
    assert.ok(readFileSync(file).length < 100_000, 'the file itself is small');
    assert.match(await outcome(file), /\/node\/nodes\/fc\/weight: declares shape \[2500000000\], 2,500,000,000 elements; at most 33,554,432/);
    // The same through the CLI with a 256 MB heap: refused, and the process stays small.
    const r = runCli(await buildCli(), ['summary', file], { heapMb: 256, timeoutMs: 60_000 });
    assert.equal(r.code, 1, r.err);
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.match(r.err, /declares shape \[2500000000\]/);
    assert.ok((r.peakMb ?? 0) < 400, `peak ${r.peakMb} MB`);
  });

  it('fuzz: random byte damage of a valid file → a model or a located one-line error', async () => {
    const good = await writeRaw(fresh(), convGraph());
    const bytes = readFileSync(good);
    let damaged = 0;
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({ at: fc.nat(bytes.length - 1), value: fc.nat(255) }), { minLength: 1, maxLength: 8 }),
      fc.option(fc.nat(bytes.length), { nil: undefined }),
      async (edits, cut) => {
        const b = Buffer.from(bytes);
        for (const e of edits) b[e.at] = e.value;
        const file = fresh();
        writeFileSync(file, cut === undefined ? b : b.subarray(0, cut));
        if (await outcome(file) !== 'ok') damaged++;
      }), { numRuns: 60, seed: 16 });
    // Damage must not break later reads (a thread whose HDF5 aborted is replaced; see the test above).
    assert.ok(damaged > 30, `only ${damaged} of 60 damaged files refused`);
    assert.equal(await outcome(good), 'ok');
  });

  it('a reading thread is kept after an error HDF5 reports, not after WebAssembly aborts or traps', async () => {
    // A module whose only function is `unreachable`: calling it traps with a real WebAssembly.RuntimeError.
    // Bytes: magic, version 1; type section (1 type: () → ()); function section (1 function of type 0);
    // export section ("f", function 0); code section (1 body: no locals, unreachable, end).
    const wasm = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 7, 5, 1, 1, 0x66, 0, 0, 10, 5, 1, 3, 0, 0, 0x0b]);
    const f = (await WebAssembly.instantiate(wasm)).instance.exports.f as () => void;
    let trap: unknown;
    try { f(); } catch (e) { trap = e; }
    assert.ok(trap instanceof Error && abortedBy(trap), String(trap));
    assert.ok(abortedBy(new Error('Aborted(Assertion failed)')));
    // What the throwing error handler raises for a damaged file: the library stays usable.
    const h5 = await loadH5();
    const junk = fresh();
    writeFileSync(junk, 'not HDF5');
    let reported: unknown;
    try { new h5.File(junk, 'r'); } catch (e) { reported = e; }
    assert.ok(reported !== undefined && !abortedBy(reported), String(reported));
  });

  it('fuzz: random graph edits (nodes dropped or retyped, edges rewired, shapes and values changed) → a model or a located error', async () => {
    const types = ['Input', 'Output', 'Conv2d', 'Linear', 'Affine', 'IF', 'SumPool2d', 'AvgPool2d', 'Flatten', 'LIF', 'Threshold'];
    await fc.assert(fc.asyncProperty(
      fc.array(fc.oneof(
        fc.record({ op: fc.constant('drop' as const), node: fc.nat() }),
        fc.record({ op: fc.constant('retype' as const), node: fc.nat(), type: fc.constantFrom(...types) }),
        fc.record({ op: fc.constant('rewire' as const), edge: fc.nat(), end: fc.nat(1), node: fc.nat() }),
        fc.record({ op: fc.constant('shape' as const), node: fc.nat(), field: fc.nat(), dims: fc.array(fc.integer({ min: -2, max: 70_000 }), { maxLength: 4 }) }),
      ), { minLength: 1, maxLength: 4 }),
      async (ops) => {
        const g = convGraph();
        for (const op of ops) {
          const names = Object.keys(g.nodes);
          if (!names.length) break;
          const name = names[op.node % names.length];
          if (op.op === 'drop') delete g.nodes[name];
          else if (op.op === 'retype') g.nodes[name].type = op.type;
          else if (op.op === 'rewire' && g.edges!.length) g.edges![op.edge % g.edges!.length][op.end] = name;
          else if (op.op === 'shape') {
            const fields = Object.keys(g.nodes[name]).filter((k) => k !== 'type');
            if (!fields.length) continue;
            const k = fields[op.field % fields.length];
            // Integer fields get the new dims as values; float fields a small array of that declared shape.
            const n = op.dims.reduce((a, b) => a * Math.max(b, 0), 1);
            g.nodes[name][k] = n <= 4096 && op.dims.every((d) => d >= 0) && op.field % 2
              ? { data: new Float32Array(n).fill(0.5), shape: op.dims }
              : { int: op.dims.length ? op.dims : [0] };
          }
        }
        await outcome(await writeRaw(fresh(), g));
      }), { numRuns: 80, seed: 16 });
  });
});
