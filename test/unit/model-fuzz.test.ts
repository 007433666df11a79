// Fuzzing model files and TF.js manifests (#13): random mutations of the templates and random JSON in their
// fields must give either a model that keeps the stated limits or located diagnostics, never an exception;
// mutated manifests and weight files must give finite weights of the model's shapes or a plain Error with
// a message — never a TypeError/RangeError, never a hang. Runs are bounded to keep the suite quick.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MAX_NEURONS, MAX_PARAMETERS } from '../../src/core/model/limits';
import { parseModel } from '../../src/core/model/parse';
import { layerStats, numel } from '../../src/core/model/shapes';
import { readTfjsWeights } from '../../src/io/sim/tfjs-weights';
import { templateText } from './helpers';

const TEMPLATES = [templateText('mnist-dvs.snn.json'), templateText('cifar10-allconv.snn.json')];

/** parseModel never throws; a model it accepts has computable shapes within the limits; every diagnostic lies inside the text. */
function checkParse(text: string): void {
  const t0 = performance.now();
  const r = parseModel(text, 'fuzz.snn.json');
  assert.ok(performance.now() - t0 < 2000, 'parse took over 2 s');
  const lines = text.split('\n').length;
  for (const d of r.diagnostics) {
    assert.ok(d.message.length > 0 && !/\n\s+at /.test(d.message), 'a diagnostic is one message, not a stack');
    assert.ok(d.range.start.line >= 0 && d.range.start.line < lines + 1, `diagnostic line ${d.range.start.line} outside ${lines} lines`);
  }
  if (r.model && !r.diagnostics.some((d) => d.severity === 'error')) {
    const stats = layerStats(r.model);
    const neurons = stats.reduce((a, s) => a + numel(s.outShape), 0);
    assert.ok(neurons <= MAX_NEURONS, `accepted ${neurons} neurons`);
    assert.ok(stats.reduce((a, s) => a + s.params, 0) <= MAX_PARAMETERS, 'accepted too many parameters');
  }
}

/** Sets `value` at a random path of the parsed template (an object key or array index at any depth). */
function replaceAt(text: string, pick: number[], value: unknown): string {
  const root = JSON.parse(text) as unknown;
  let node = root as Record<string, unknown> | unknown[];
  for (let depth = 0; depth < pick.length; depth++) {
    const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    if (!keys.length) break;
    const k = keys[pick[depth] % keys.length];
    const child = (node as Record<string | number, unknown>)[k];
    if (depth === pick.length - 1 || child === null || typeof child !== 'object') { (node as Record<string | number, unknown>)[k] = value; break; }
    node = child as Record<string, unknown> | unknown[];
  }
  return JSON.stringify(root, null, 2);
}

describe('model file fuzzing', () => {
  it('byte-level mutations of the templates: a model within the limits or diagnostics, never an exception', () => {
    fc.assert(fc.property(fc.constantFrom(...TEMPLATES), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 3 }), fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 6 }), (base, edits) => {
      let t = base;
      for (const [at, kind, s] of edits) {
        const i = at % (t.length + 1);
        t = kind === 0 ? t.slice(0, i) + t.slice(i + 1) : kind === 1 ? t.slice(0, i) + s + t.slice(i) : kind === 2 ? t.slice(0, i) + s + t.slice(i + s.length) : t.slice(0, i);
      }
      checkParse(t);
    }), { numRuns: 300, seed: 11 });
  });

  it('random JSON at random places of the templates (huge, negative, fractional, wrong types)', () => {
    const values = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(0, -1, 0.5, 1e6, 1e300, 4097, 100000, '', 'magic', null, [], {}),
      fc.integer({ min: -10, max: 1 << 22 }).map((n) => [1, n, n]));
    fc.assert(fc.property(fc.constantFrom(...TEMPLATES), fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), values, (base, pick, v) => {
      checkParse(replaceAt(base, pick, v));
    }), { numRuns: 400, seed: 12 });
  });
});

/** A TF.js layers manifest for a 2-layer model: conv 1→2 (3×3) and linear 8→3, one shard. */
const MODEL = { input: { kind: 'image' as const, shape: [1, 4, 4] as [number, number, number], steps: 1 }, layers: [
  { type: 'conv2d' as const, name: 'conv', outChannels: 2, kernel: 3 }, { type: 'relu' as const, name: 'r' },
  { type: 'flatten' as const, name: 'f' }, { type: 'linear' as const, name: 'fc', outFeatures: 3 },
] };
const MANIFEST = { modelTopology: { config: {} }, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [
  { name: 'conv/kernel', shape: [3, 3, 1, 2], dtype: 'float32' }, { name: 'fc/kernel', shape: [8, 3], dtype: 'float32' }] }] };
const BIN = new Uint8Array(new Float32Array(18 + 24).map((_, i) => i / 10).buffer);

describe('TF.js manifest fuzzing', () => {
  it('mutated manifests and weight bytes: finite weights of the right size, or a plain located Error', async () => {
    await fc.assert(fc.asyncProperty(fc.option(fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), { nil: undefined, freq: 2 }),
      fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(-1, 1e12, 2 ** 31, 'float16', '../../etc/passwd', '/abs.bin', [1e9, 1e9], null)),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.oneof(fc.constant(0), fc.integer({ min: -8, max: 8 })),
      fc.array(fc.tuple(fc.nat(), fc.constantFrom(NaN, Infinity, -Infinity, 3.5)), { maxLength: 2 }),
      async (pick, v, flips, resize, pokes) => {
        // Half the runs keep the manifest whole, so the weight bytes themselves are what is tried.
        const text = pick ? replaceAt(JSON.stringify(MANIFEST), pick, v) : JSON.stringify(MANIFEST);
        const bin = new Uint8Array(Math.max(0, BIN.length + resize));
        bin.set(BIN.subarray(0, bin.length));
        for (const [at, b] of flips) if (bin.length) bin[at % bin.length] = b;
        for (const [at, x] of pokes) if (bin.length >= 4) new DataView(bin.buffer).setFloat32(4 * (at % (bin.length >> 2)), x, true);
        let w: Awaited<ReturnType<typeof readTfjsWeights>> | undefined;
        try {
          w = await readTfjsWeights(text, MODEL, async (p) => { if (p !== 'group1-shard1of1.bin') throw new Error(`no file ${p}`); return bin; });
        } catch (e) {
          assert.ok(e instanceof Error && !(e instanceof TypeError) && !(e instanceof RangeError), `threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
          assert.ok(e.message.length > 10, 'a message that says something');
          return;
        }
        // Outside the try: an assertion failing here must fail the property, not pass as "a plain Error".
        assert.deepEqual(Object.keys(w).sort(), ['conv', 'fc']);
        for (const l of Object.values(w)) for (const x of l.weight) assert.ok(Number.isFinite(x), 'accepted a non-finite weight');
      }), { numRuns: 300, seed: 13 });
  });
});
