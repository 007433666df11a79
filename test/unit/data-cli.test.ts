// `synops events` and `synops data`: outputs and exit codes (0 ok, 1 bad input, 2 usage).
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, inflateSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { runData } from '../../src/cli/data';
import { runEvents } from '../../src/cli/events';
import { encodePngGray } from '../../src/cli/png';
import { encodeAedat2 } from '../../src/core/data/aedat2';
import { tempDir, write } from './data-fixtures';

const dir = tempDir();

/** Runs a CLI function with console output captured. */
async function capture(run: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (...a: unknown[]) => { out.push(a.join(' ')); };
  console.error = (...a: unknown[]) => { err.push(a.join(' ')); };
  try {
    return { code: await run(), out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

// 7,000 events over 6.999 ms, 1 in 4 ON.
const n = 7000;
const ev = { x: [] as number[], y: [] as number[], t: [] as number[], p: [] as number[] };
for (let i = 0; i < n; i++) { ev.x.push(i % 128); ev.y.push((i >> 7) % 128); ev.t.push(1000 + i); ev.p.push(i % 4 === 0 ? 1 : 0); }
const file = write(dir, 'rec.aedat', encodeAedat2(ev));

describe('synops events', () => {
  it('info --json gives format, sensor, count, times, rate and polarity balance', async () => {
    const r = await capture(() => runEvents(['info', file, '--json']));
    assert.equal(r.code, 0, r.err);
    const info = JSON.parse(r.out);
    assert.deepEqual([info.format, info.width, info.height, info.events, info.firstUs, info.lastUs, info.on, info.off], ['aedat2', 128, 128, 7000, 1000, 7999, 1750, 5250]);
    assert.ok(Math.abs(info.ratePerS - 7000 / 0.006999) < 1e-6);
    const text = await capture(() => runEvents(['info', file]));
    assert.match(text.out, /events\s+7,000/);
  });

  it('frames writes one PNG per chunk', async () => {
    const out = join(dir, 'frames');
    const r = await capture(() => runEvents(['frames', file, '--chunk', '3000', '--size', '64', '--out', out]));
    assert.equal(r.code, 0, r.err);
    const files = readdirSync(out).sort();
    assert.deepEqual(files, ['frame_0000.png', 'frame_0001.png', 'frame_0002.png']); // 3000 + 3000 + 1000
    const png = readFileSync(join(out, files[0]));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(png.readUInt32BE(16), 64);
  });

  it('exit codes: 1 for a bad file, 2 for bad usage', async () => {
    const bad = write(dir, 'bad.aedat', 'not an aedat file');
    const r = await capture(() => runEvents(['info', bad]));
    assert.equal(r.code, 1);
    assert.match(r.err, /bad\.aedat: byte 0: .*expected/);
    assert.equal((await capture(() => runEvents(['info']))).code, 2);
    assert.equal((await capture(() => runEvents(['nope', file]))).code, 2);
    assert.equal((await capture(() => runEvents(['frames', file, '--chunk', '0']))).code, 2);
    assert.equal((await capture(() => runEvents(['info', file, '--bogus']))).code, 2);
  });
});

describe('synops data', () => {
  it('synth writes the MNIST-DVS layout; usage errors exit 2', async () => {
    const out = join(dir, 'synth');
    const r = await capture(() => runData(['synth', '--out', out, '--per-digit', '1', '--seed', '2', '--scales', '4']));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /10 recordings/);
    assert.deepEqual(readdirSync(join(out, 'grabbed_data5', 'scale4')), ['mnist_5_scale04_0001.aedat']);
    assert.equal((await capture(() => runData(['synth']))).code, 2);
    assert.equal((await capture(() => runData(['synth', '--out', out, '--per-digit', 'x']))).code, 2);
    assert.equal((await capture(() => runData(['synth', '--out', out, '--scales', '5']))).code, 2);
    assert.equal((await capture(() => runData(['download']))).code, 2);
    assert.equal((await capture(() => runData(['download', 'nmnist']))).code, 2, 'no --dir');
  });
});

describe('PNG encoder', () => {
  it('writes a valid 2×1 greyscale PNG (IHDR width 2, height 1, bit depth 8, colour type 0)', () => {
    const png = Buffer.from(encodePngGray(new Uint8Array([0, 255]), 2, 1));
    assert.equal(png.toString('latin1', 12, 16), 'IHDR');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20), png[24], png[25]], [2, 1, 8, 0]);
    assert.equal(png.readUInt32BE(29), crc32(png.subarray(12, 29)), 'IHDR CRC');
    const idatLen = png.readUInt32BE(33);
    assert.equal(png.toString('latin1', 37, 41), 'IDAT');
    assert.deepEqual([...inflateSync(png.subarray(41, 41 + idatLen))], [0, 0, 255], 'filter byte 0, then the row');
  });
});
