import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { parseModel } from '../../src/core/model/parse';
import { templateText } from './helpers';

const mnist = templateText('mnist-dvs.snn.json');

/** 0-based line of the first occurrence of `needle` in the text. */
function lineOf(text: string, needle: string): number {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, `${needle} not in text`);
  return text.slice(0, i).split('\n').length - 1;
}

describe('parseModel diagnostics', () => {
  it('accepts both templates, with only the floor-pooling note on MNIST-DVS pool2', () => {
    const m = parseModel(mnist, 'mnist-dvs.snn.json');
    assert.ok(m.model);
    assert.deepEqual(m.diagnostics.map((d) => `${d.severity} ${d.code}`), ['info shape/pool-remainder']);
    assert.match(m.diagnostics[0].message, /"pool2".*29×29.*drops 1 row\(s\) and 1 column\(s\) \(29→14\)/);
    assert.equal(m.diagnostics[0].range.start.line, lineOf(mnist, '"name": "pool2"'));
    const c = parseModel(templateText('cifar10-allconv.snn.json'));
    assert.deepEqual(c.diagnostics, []);
    assert.equal(c.layerRanges.length, 28);
  });

  it('puts an impossible kernel at the kernel value of that layer', () => {
    const text = mnist.replace('"name": "conv2", "outChannels": 12, "kernel": 3', '"name": "conv2", "outChannels": 12, "kernel": 40');
    const m = parseModel(text, 'broken.snn.json');
    assert.equal(m.model, undefined);
    const [d] = m.diagnostics.filter((x) => x.severity === 'error');
    assert.equal(d.code, 'shape/kernel');
    assert.match(d.message, /layer 3 "conv2" \(conv2d\): kernel 40×40 is larger than its 31×31 input; use a kernel of at most 31/);
    const line = lineOf(text, '"kernel": 40');
    assert.equal(d.range.start.line, line);
    // the range covers exactly the value 40
    const lineText = text.split('\n')[line];
    assert.equal(lineText.slice(d.range.start.character, d.range.end.character), '40');
  });

  it('names an unknown layer type and the types it knows', () => {
    const text = mnist.replace('{ "type": "relu", "name": "relu2" }', '{ "type": "lif", "name": "relu2" }');
    const [d] = parseModel(text).diagnostics.filter((x) => x.severity === 'error');
    assert.equal(d.code, 'layer/unknown-type');
    assert.match(d.message, /layer 4 "relu2": unknown layer type "lif"; use one of conv2d, linear, relu, qrelu/);
    assert.equal(d.range.start.line, lineOf(text, '"lif"'));
  });

  it('reports JSON syntax errors at their place and stops there', () => {
    const text = '{\n  "format": "synops-model",\n  "version": 1,,\n}';
    const m = parseModel(text, 'x.snn.json');
    assert.equal(m.diagnostics.length, 1); // only the first error: later ones echo it
    assert.equal(m.diagnostics[0].code, 'json/syntax');
    assert.equal(m.diagnostics[0].range.start.line, 2);
    assert.equal(m.diagnostics[0].message, 'x.snn.json: JSON syntax error: a property name in double quotes is expected here');
  });

  it('a linear layer on an unflattened input and a duplicate name are errors', () => {
    let text = mnist.replace('{ "type": "flatten", "name": "flatten" },', '');
    let [d] = parseModel(text).diagnostics.filter((x) => x.severity === 'error');
    assert.match(d.message, /"fc" \(linear\): needs a flat input but gets \[12, 6, 6\]; add a flatten layer before it/);
    text = mnist.replace('"name": "relu3"', '"name": "relu1"');
    [d] = parseModel(text).diagnostics.filter((x) => x.severity === 'error');
    assert.equal(d.code, 'layer/duplicate-name');
    assert.match(d.message, /layer 7: name "relu1" is already used by layer 1/);
  });

  it('warns when a weight layer gets another weight layer\'s output without spikes in between', () => {
    const text = mnist.replace('{ "type": "relu", "name": "relu1" },', '');
    const d = parseModel(text).diagnostics.find((x) => x.code === 'snn/no-spikes-in');
    assert.ok(d);
    assert.equal(d.severity, 'warning');
    assert.match(d.message, /"conv2" receives the output of another weight layer/);
  });

  it('checks the input block and the format header', () => {
    const text = mnist.replace('"chunkEvents": 3000', '"chunkEvents": -5').replace('"version": 1', '"version": 2');
    const codes = parseModel(text).diagnostics.map((d) => d.code).sort();
    assert.deepEqual(codes, ['input/chunkEvents', 'model/version']);
  });

  it('checks training.augment: an event model may ask for a jitter; a bad field is named with its fix', () => {
    const withAug = (aug: string): string => mnist.replace('"training": {', `"training": { "augment": ${aug},`);
    assert.deepEqual(parseModel(withAug('{ "cropPad": 2 }')).diagnostics.filter((d) => d.severity === 'error'), []);
    assert.deepEqual(parseModel(withAug('false')).diagnostics.filter((d) => d.severity === 'error'), []);
    const codes = parseModel(withAug('{ "cropPad": -1, "flip": "yes", "inputDropout": 1 }')).diagnostics.map((d) => d.code).sort();
    assert.deepEqual(codes, ['model/training.augment.cropPad', 'model/training.augment.flip', 'model/training.augment.inputDropout']);
    assert.match(parseModel(withAug('7')).diagnostics[0]!.message, /"training.augment" must be false or \{ "cropPad", "flip", "inputDropout" \}/);
  });
});
