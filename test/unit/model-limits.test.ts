// Model files are untrusted: every size is bounded (limits.ts) before anything is allocated, every field
// of the training and conversion blocks is checked at its place, and one parse decides for the editor,
// the CLI and training (issue #13, item 6).
import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MAX_JSON_DEPTH, MAX_LAYERS, MAX_MODEL_FILE_BYTES } from '../../src/core/model/limits';
import { fittingSide, parseModel } from '../../src/core/model/parse';
import { readModelFile } from '../../src/io/model/read';
import { templateText } from './helpers';

const mnist = templateText('mnist-dvs.snn.json');
const dir = mkdtempSync(join(tmpdir(), 'synops-limits-'));

/** A small valid model with `over` merged into it. */
function model(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    format: 'synops-model', version: 1, name: 'm',
    input: { kind: 'events', shape: [1, 34, 34], chunkEvents: 100, dtMs: 1 },
    layers: [{ type: 'flatten', name: 'f' }, { type: 'linear', name: 'fc', outFeatures: 2 }, { type: 'relu', name: 'r' }],
    ...over,
  };
}

/** Errors of a text as `code@line:column` (1-based), the way the CLI prints their place. */
function errors(text: string): string[] {
  return parseModel(text, 'm.snn.json').diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}@${d.range.start.line + 1}:${d.range.start.character + 1}`);
}

const messageOf = (text: string): string => parseModel(text).diagnostics.filter((d) => d.severity === 'error').map((d) => d.message).join(' | ');

describe('model file limits', () => {
  it('refuses absurd sizes at the value that asks for them, without allocating', () => {
    const t0 = performance.now();
    // 100,000 channels: conv outChannels is at most 4,096.
    let text = mnist.replace('"outChannels": 8', '"outChannels": 100000');
    assert.deepEqual(errors(text), ['limit/layer@8:57']); // conv1's line, at the 100000
    assert.match(messageOf(text), /"outChannels" must be a whole number from 1 to 4,096 \(output channels\), not 100,000/);
    // A 64×4096×4096 image (1.07e9 elements) and a 1e6×1e6 one.
    text = JSON.stringify(model({ input: { kind: 'image', shape: [64, 4096, 4096], steps: 10 } }));
    assert.match(messageOf(text), /\[64, 4096, 4096\] has 1,073,741,824 elements; an input has at most 2,097,152/);
    text = JSON.stringify(model({ input: { kind: 'image', shape: [1, 1e6, 1e6], steps: 10 } }));
    assert.match(messageOf(text), /is 1,000,000×1,000,000; an input side is at most 4,096/);
    // 6,000 layers: refused as a whole, not 6,000 diagnostics.
    const many = Array.from({ length: 6000 }, (_, i) => ({ type: 'relu', name: `r${i}` }));
    text = JSON.stringify(model({ layers: many }));
    assert.deepEqual(errors(text).map((e) => e.split('@')[0]), ['limit/layers']);
    assert.match(messageOf(text), new RegExp(`6,000 layers; a model has at most ${MAX_LAYERS.toLocaleString('en-US')}`));
    assert.ok(performance.now() - t0 < 2000, 'bounds are checked before any allocation');
  });

  it('bounds neurons and parameters at the layer that passes them', () => {
    // 16 channels of 1024×1024 = 16.8 M neurons > 2²³.
    let text = JSON.stringify(model({ input: { kind: 'image', shape: [1, 1024, 1024], steps: 1 }, layers: [{ type: 'conv2d', name: 'c', outChannels: 16, kernel: 1 }, { type: 'relu', name: 'r' }] }), null, 1);
    assert.deepEqual(errors(text).map((e) => e.split('@')[0]), ['limit/neurons']);
    assert.match(messageOf(text), /layer 0 "c" \(conv2d\): its output \[16, 1024, 1024\] brings the network to 17,825,792 neurons per sample; a model has at most 8,388,608/);
    // 1,048,576 inputs × 64 outputs = 67 M parameters > 2²⁵.
    text = JSON.stringify(model({ input: { kind: 'image', shape: [1, 1024, 1024], steps: 1 }, layers: [{ type: 'flatten', name: 'f' }, { type: 'linear', name: 'fc', outFeatures: 64 }] }), null, 1);
    assert.match(messageOf(text), /layer 1 "fc" \(linear\): its 67,108,864 parameters .*at most 33,554,432/);
  });

  it('refuses JSON nested 100,000 deep and an oversized file with a diagnostic, not a stack overflow', () => {
    const deep = `{"format": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const d = parseModel(deep, 'deep.snn.json').diagnostics;
    assert.equal(d.length, 1);
    assert.equal(d[0].code, 'limit/depth');
    assert.equal(d[0].range.start.character, 11 + MAX_JSON_DEPTH - 1, 'at the bracket that passes the limit');
    const big = join(dir, 'big.snn.json');
    writeFileSync(big, `{"description": "${'x'.repeat(MAX_MODEL_FILE_BYTES)}"}`);
    assert.deepEqual(readModelFile(big).diagnostics.map((x) => x.code), ['limit/file-size']);
  });

  it('checks every field of the training block at its place', () => {
    const text = JSON.stringify(model({ training: { strategy: 'magic', seed: 'abc', epochs: 2.5, batchSize: 0, learningRate: 1e999, weightDecay: -1, targetSynOps: 0, epoch: 3 } }), null, 1);
    const ds = parseModel(text).diagnostics;
    const byCode = (c: string): string[] => ds.filter((d) => d.code === c).map((d) => d.message);
    assert.match(byCode('model/training.strategy')[0], /"training.strategy" must be "weight-scaling" or "synop-loss" or "synop-loss-qrelu" or "baseline", got "magic"/);
    assert.match(byCode('model/training.seed')[0], /"training.seed" must be a whole number from 0 to 4,294,967,295, got "abc"/);
    assert.match(byCode('model/training.epochs')[0], /got 2.5/);
    assert.match(byCode('model/training.batchSize')[0], /from 1 to 8,192, got 0/);
    // JSON has no Infinity, but 1e999 parses to it.
    assert.match(byCode('model/training.learningRate')[0], /a number in \(0, 1\] .*got null/);
    assert.equal(byCode('model/training.weightDecay').length, 1);
    assert.equal(byCode('model/training.targetSynOps').length, 1);
    // A misspelt field is a warning at its key, not silently ignored.
    const typo = ds.find((d) => d.code === 'model/unknown-field');
    assert.equal(typo?.severity, 'warning');
    assert.match(typo?.message ?? '', /"training": "epoch" is not one of its fields/);
    const line = text.split('\n')[typo!.range.start.line];
    assert.equal(line.slice(typo!.range.start.character, typo!.range.end.character), '"epoch"');
  });

  it('checks the conversion block and the input: sensor, dtMs, chunkEvents', () => {
    let text = JSON.stringify(model({ conversion: { readout: 'votes', normalize: {}, calibrate: { samples: 0 }, finetune: { epochs: 1e999, bins: 4 }, aids: true } }));
    const codes = parseModel(text).diagnostics.map((d) => `${d.severity} ${d.code}`).sort();
    assert.deepEqual(codes, ['error model/conversion.calibrate.samples', 'error model/conversion.finetune.epochs', 'error model/conversion.normalize.percentile', 'error model/conversion.readout', 'warning model/unknown-field']);
    for (const sensor of [[0, 0], [-34, 34], [34]]) {
      text = JSON.stringify(model({ input: { kind: 'events', shape: [1, 34, 34], sensor, chunkEvents: 100, dtMs: 1 } }));
      assert.deepEqual(errors(text).map((e) => e.split('@')[0]), ['input/sensor'], JSON.stringify(sensor));
    }
    text = JSON.stringify(model({ input: { kind: 'events', shape: [1, 64, 64], sensor: [34, 34], chunkEvents: 100, dtMs: 1 } }));
    assert.match(messageOf(text), /the 34×34 sensor is not a whole multiple of the 64×64 input .*an input that fits is \[1, 34, 34\]/);
    text = JSON.stringify(model({ input: { kind: 'events', shape: [1, 34, 34], chunkEvents: 1e12, dtMs: 1e999 } }));
    assert.deepEqual(errors(text).map((e) => e.split('@')[0]).sort(), ['input/chunkEvents', 'input/dtMs']);
    text = JSON.stringify(model({ input: { kind: 'events', shape: [3, 34, 34], chunkEvents: 100, dtMs: 1 } }));
    assert.match(messageOf(text), /events has 1 channel \(polarity ignored\) or 2 \(OFF, ON\), not 3/);
    assert.equal(fittingSide(128, 50), 32);
    assert.equal(fittingSide(34, 64), 34);
  });

  it('refuses comments wherever they are, in the editor\'s parse and the file reader alike', () => {
    // Before the fix a comment before the root parsed and one inside threw from JSON.parse.
    const before = `// a model\n${mnist}`;
    const inside = mnist.replace('"version": 1,', '"version": 1, // the format version');
    for (const text of [before, inside]) {
      const d = parseModel(text, 'c.snn.json').diagnostics;
      assert.deepEqual(d.map((x) => x.code), ['json/comment']);
      assert.match(d[0].message, /comments are not allowed in a model file/);
    }
    assert.equal(parseModel(inside).diagnostics[0].range.start.line, 2);
    const file = join(dir, 'c.snn.json');
    writeFileSync(file, inside);
    assert.deepEqual(readModelFile(file).diagnostics, parseModel(inside, file).diagnostics);
    // A byte order mark is no comment: the file reads as its text does without one.
    writeFileSync(file, `\uFEFF${mnist}`);
    assert.ok(readModelFile(file).model);
  });

  it('refuses a folder or a named pipe as a model file without reading it', () => {
    assert.deepEqual(readModelFile(dir).diagnostics.map((d) => d.code), ['file/not-regular']);
  });
});
