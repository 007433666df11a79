// Fuzzing the readers: random bytes and random mutations of valid files must give either events that
// respect the file's own promises (inside the sensor, time never going back, polarity 0/1) or an
// EventDataError — never another exception, never a hang. Runs are bounded to keep the suite quick.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeAedat2 } from '../../src/core/data/aedat2';
import { openEvents } from '../../src/core/data/detect';
import { EventDataError } from '../../src/core/data/events';
import { decodeIdx } from '../../src/core/data/idx';
import { encodeNmnist } from '../../src/core/data/nmnist';
import { aedat4, ascii, concat, tempDir, write, type Ev } from './data-fixtures';

const dir = tempDir();
let serial = 0;

/** Reads a whole file; checks the invariants of every event; returns 'ok' or 'error'. */
async function readChecked(file: string): Promise<'ok' | 'error'> {
  try {
    const r = await openEvents(file);
    const { width, height } = r.meta;
    let prev = -Infinity;
    for await (const b of r.batches({ blockBytes: 64 })) {
      for (let i = 0; i < b.length; i++) {
        assert.ok(b.x[i] < width && b.y[i] < height, `event outside ${width}×${height}`);
        assert.ok(Number.isFinite(b.t[i]) && b.t[i] >= prev, `time went back: ${b.t[i]} after ${prev}`);
        assert.ok(b.p[i] === 0 || b.p[i] === 1);
        prev = b.t[i];
      }
    }
    return 'ok';
  } catch (e) {
    if (e instanceof EventDataError) return 'error';
    throw e;
  }
}

const mutation = fc.record({ pos: fc.nat(), kind: fc.constantFrom('flip', 'set', 'cut', 'insert'), val: fc.integer({ min: 0, max: 255 }) });

function mutate(bytes: Uint8Array, muts: Array<{ pos: number; kind: string; val: number }>): Uint8Array {
  let b: Uint8Array = bytes.slice();
  for (const m of muts) {
    if (!b.length) break;
    const at = m.pos % b.length;
    if (m.kind === 'flip') b[at] ^= 1 << (m.val & 7);
    else if (m.kind === 'set') b[at] = m.val;
    else if (m.kind === 'cut') b = b.slice(0, at);
    else b = concat(b.subarray(0, at), new Uint8Array([m.val]), b.subarray(at));
  }
  return b;
}

const events: Ev[] = Array.from({ length: 40 }, (_, i) => ({ x: (i * 5) % 32, y: (i * 3) % 24, t: 1000 + i * 10, p: i % 2 }));
const plain = { x: events.map((e) => e.x), y: events.map((e) => e.y), t: events.map((e) => e.t), p: events.map((e) => e.p) };
const valid: Record<string, Uint8Array> = {
  'f.aedat': encodeAedat2(plain),
  'f.bin': encodeNmnist(plain),
  'lz4.aedat4': aedat4({ compression: 1, packets: [{ stream: 0, events: events.slice(0, 20) }, { stream: 2, payload: new Uint8Array(6) }, { stream: 0, events: events.slice(20) }], table: 'good' }),
  'zstd.aedat4': aedat4({ compression: 3, packets: [{ stream: 0, events }] }),
  'f.dat': concat(ascii('% Width 32\n% Height 24\n'), new Uint8Array([0x0c, 8]), new Uint8Array(80).map((_, i) => (i % 8 === 4 ? i % 32 : 0))),
};

describe('reader fuzzing', () => {
  for (const [name, bytes] of Object.entries(valid)) {
    it(`mutations of a valid ${name} give valid events or a clear error`, async () => {
      assert.equal(await readChecked(write(dir, `valid-${name}`, bytes)), 'ok');
      await fc.assert(fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (muts) => {
        await readChecked(write(dir, `${serial++}-${name}`, mutate(bytes, muts)));
      }), { numRuns: 150 });
    });
  }

  it('random bytes behind each magic give valid events or a clear error', async () => {
    const prefixes = ['#!AER-DAT2.0\r\n', '#!AER-DAT4.0\r\n', '% Width 8\n', ''];
    await fc.assert(fc.asyncProperty(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 300 }), fc.constantFrom('.aedat', '.aedat4', '.dat', '.bin'), async (prefix, body, ext) => {
      await readChecked(write(dir, `${serial++}${ext}`, concat(ascii(prefix), body)));
    }), { numRuns: 150 });
  });

  it('IDX decoding of random bytes gives consistent arrays or a clear error', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (body, magic) => {
      const bytes = magic ? concat(new Uint8Array([0, 0, 8, 1, 0, 0, 0, body.length & 7]), body) : body;
      try {
        const a = decodeIdx(bytes, 'x');
        assert.equal(a.data.length, a.dims.reduce((x, y) => x * y, 1));
      } catch (e) {
        if (!(e instanceof EventDataError)) throw e;
      }
    }), { numRuns: 200 });
  });
});
