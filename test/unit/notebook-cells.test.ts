// The notebook kernel's cell logic (src/notebook/), without VS Code: cell commands, outputs and their text
// fallbacks, the `.synops-nb` format and the exported `.ipynb`, on a real report (the MNIST-DVS template as
// the core analyses it) and the real fixture runs of the integration workspace (as the worker lists them).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeModelText } from '../../src/core/report';
import { withRunFigures } from '../../src/io/train/runReport';
import { listRunsIn } from '../../src/io/train/list';
import { tradeoffOf } from '../../src/io/views/tradeoff';
import { commandLines, parseCell, parseCommand, splitArgs } from '../../src/notebook/cells';
import { multiLine, runNotebook } from '../../src/notebook/ipynb';
import { rasterText, reportOutput, tradeoffText } from '../../src/notebook/outputs';
import { parseSynopsNotebook, serializeSynopsNotebook } from '../../src/notebook/synopsNb';
import { describeRun } from '../../src/protocol/runText';
import type { RasterPayload } from '../../src/protocol/views';
import { repoRoot } from './helpers';

const workspace = join(repoRoot, 'test/integration/workspace');
const runs = listRunsIn(join(workspace, '.synops/runs'));
const trained = runs.find((r) => r.id === 'fixture-trained')!;

function templateReport() {
  const file = join(repoRoot, 'templates/mnist-dvs.snn.json');
  const report = analyzeModelText(readFileSync(file, 'utf8'), file).report;
  assert.ok(report, 'the template analyses');
  return report;
}

describe('the report of a model file', () => {
  it('carries the file\'s training settings, which Train Model offers as its answers', () => {
    // templates/mnist-dvs.snn.json: "training": { "strategy": "synop-loss-qrelu", "epochs": 8, "batchSize": 256, "targetSynOps": 500000, … }
    assert.deepEqual(templateReport().training, { strategy: 'synop-loss-qrelu', epochs: 8, batchSize: 256, targetSynOps: 500000 });
  });
});

describe('cell commands', () => {
  it('split into words, quotes keeping spaces', () => {
    assert.deepEqual(splitArgs('raster "my data/rec 1.aedat" 2  run-7'), ['raster', 'my data/rec 1.aedat', '2', 'run-7']);
    assert.deepEqual(splitArgs('   '), []);
  });

  it('drop comments, blank lines and the %synops magic', () => {
    const source = '# a comment\n\n%synops report a.snn.json\r\n  // another\n%%synops tradeoff\ntradeoff  ';
    assert.deepEqual(commandLines(source), ['report a.snn.json', 'tradeoff', 'tradeoff']);
  });

  it('parse into typed commands, the chunk 0 when absent', () => {
    assert.deepEqual(parseCommand('report templates/mnist-dvs.snn.json'), { kind: 'report', model: 'templates/mnist-dvs.snn.json' });
    assert.deepEqual(parseCommand('tradeoff'), { kind: 'tradeoff' });
    assert.deepEqual(parseCommand('raster rec.aedat'), { kind: 'raster', file: 'rec.aedat', chunk: 0 });
    assert.deepEqual(parseCommand('raster rec.aedat 3 fixture-trained'), { kind: 'raster', file: 'rec.aedat', chunk: 3, run: 'fixture-trained' });
  });

  it('refuse wrong lines with the usage, before any command runs', () => {
    assert.throws(() => parseCommand('report'), /^Error: usage: report <model\.snn\.json>$/);
    assert.throws(() => parseCommand('report a b'), /usage: report/);
    assert.throws(() => parseCommand('tradeoff now'), /usage: tradeoff/);
    assert.throws(() => parseCommand('raster'), /usage: raster <event file> \[chunk\] \[run folder or id\]/);
    for (const chunk of ['-1', '1.5', 'two', '1e2']) assert.throws(() => parseCommand(`raster a.aedat ${chunk}`), /the chunk must be a whole number ≥ 0, not /, chunk);
    assert.throws(() => parseCommand('frobnicate'), /^Error: unknown command "frobnicate": the SynOps kernel knows report <model\.snn\.json>, tradeoff, raster/);
    // The bad third line fails the cell before the first two are run.
    assert.throws(() => parseCell('report a.snn.json\ntradeoff\nfrobnicate'), /unknown command "frobnicate"/);
  });
});

describe('cell outputs', () => {
  it('a report: the SynOps MIME item with the report, and a text fallback with its totals and layers', () => {
    const report = templateReport();
    const [json, text] = reportOutput(report);
    assert.deepEqual(json, { mime: 'application/vnd.synops.report+json', json: report });
    assert.equal(text.mime, 'text/plain');
    const lines = ('text' in text ? text.text : '').split('\n');
    assert.equal(lines[0], `SynOps report: ${report.modelName}`);
    // 6,552 parameters and 1,194,336 MACs: the template's figures (the in-host suite checks the same).
    assert.match(lines[1], /SynOps per sample \(estimated\), 6,552 parameters, 1,194,336 MACs$/);
    assert.ok(lines.some((l) => /^ {2}conv2: [\d,]+ SynOps$/.test(l)), lines.join('\n'));
  });

  it('a run\'s report says the run and its accuracies', () => {
    const file = join(trained.dir, 'model.snn.json');
    const report = withRunFigures(analyzeModelText(readFileSync(file, 'utf8'), file).report!, file);
    const text = reportOutput(report)[1];
    assert.match('text' in text ? text.text : '', new RegExp(`^SynOps report: .* \\(run fixture-trained\\)\\n[\\d,]+ SynOps per sample \\(measured\\)`));
    assert.match('text' in text ? text.text : '', /\naccuracy: SNN \d+\.\d %, quantized ANN \d+\.\d %/);
  });

  it('a trade-off: one line a point, strategies as people read them', () => {
    const { payload } = tradeoffOf(workspace, 'workspace');
    const lines = tradeoffText(payload).split('\n');
    assert.equal(lines[0], payload.title);
    assert.equal(lines.length, payload.points.length + 1);
    const p = payload.points[0];
    assert.ok(lines.some((l) => l.startsWith(`  ${p.runId}`) && l.includes(' at ') && l.endsWith(' SynOps')), lines.join('\n'));
    assert.ok(!lines.some((l) => /synop-loss|weight-scaling/.test(l)), 'no wire spellings in the text');
    assert.equal(tradeoffText({ ...payload, points: [] }), `${payload.title}: no evaluated runs.`);
  });

  it('a raster: events, steps, spikes per layer and the predicted class', () => {
    const payload = {
      schemaVersion: 1, title: 'chunk 1 of rec.aedat', dtMs: 1, steps: 20,
      input: { width: 2, height: 2, x: [], y: [], t: [], p: [], total: 1500, dropped: 0 },
      layers: [{ name: 'conv1', shape: [4], neurons: [], steps: [], counts: [], perStep: [], total: 12345, dropped: 0 }],
      output: { counts: [1, 3], predicted: 1, ties: [] },
    } satisfies RasterPayload;
    assert.equal(rasterText(payload), 'chunk 1 of rec.aedat: 1500 input events, 20 steps of 1 ms\n  conv1: 12,345 spikes\n  predicted class 1');
  });
});

describe('.synops-nb files', () => {
  it('round-trip cells and outputs', () => {
    const cells = [
      { kind: 'markdown' as const, language: 'markdown', source: '# Notes', outputs: [] },
      { kind: 'code' as const, language: 'plaintext', source: 'report a.snn.json', outputs: [{ items: [{ mime: 'text/plain', data: 'hello' }] }] },
    ];
    const text = serializeSynopsNotebook(cells);
    assert.ok(text.endsWith('}\n'));
    const file = JSON.parse(text) as { format: string; version: number; cells: object[] };
    assert.equal(file.format, 'synops-notebook');
    assert.equal(file.version, 1);
    assert.ok(!('outputs' in file.cells[0]), 'a cell without outputs has no outputs key');
    assert.deepEqual(parseSynopsNotebook(text), cells);
  });

  it('default what they can: an empty file, missing languages and outputs', () => {
    assert.deepEqual(parseSynopsNotebook('  \n'), []);
    assert.deepEqual(parseSynopsNotebook('{"cells":[{"kind":"markdown","source":"x"},{"source":"tradeoff"}]}'), [
      { kind: 'markdown', language: 'markdown', source: 'x', outputs: [] },
      { kind: 'code', language: 'plaintext', source: 'tradeoff', outputs: [] },
    ]);
  });

  it('refuse text that is not JSON in one line naming the file', () => {
    assert.throws(() => parseSynopsNotebook('{"cells": [', 'lab.synops-nb'), (e: Error) => /^lab\.synops-nb is not a SynOps notebook \(JSON of cells\): /.test(e.message) && !e.message.includes('\n'));
  });
});

describe('exported .ipynb', () => {
  it('multi-line strings keep their newlines but the last', () => {
    assert.deepEqual(multiLine('a\nb'), ['a\n', 'b']);
    assert.deepEqual(multiLine('a\nb\n'), ['a\n', 'b\n']);
    assert.deepEqual(multiLine(''), []);
  });

  it('nbformat 4.5: a summary, the report and the trade-off as display_data with text fallbacks', () => {
    const report = templateReport();
    const { payload } = tradeoffOf(workspace, 'workspace');
    let n = 0;
    const nb = runNotebook({ run: trained, report, tradeoff: payload, version: '0.1.0', exportedAt: '2026-01-02T03:04:05.000Z', newId: () => `id${++n}` });
    assert.equal(nb.nbformat, 4);
    assert.equal(nb.nbformat_minor, 5);
    assert.deepEqual(nb.metadata.synops, { runId: 'fixture-trained', exportedBy: 'SynOps Studio 0.1.0', exportedAt: '2026-01-02T03:04:05.000Z' });
    assert.deepEqual(nb.cells.map((c) => [c.cell_type, c.id]), [['markdown', 'id1'], ['code', 'id2'], ['code', 'id3']]);
    assert.equal(nb.cells[0].source[0], '# SynOps run fixture-trained\n');
    assert.ok(nb.cells[0].source.some((l) => l.includes(describeRun(trained))), 'the summary describes the run');
    assert.deepEqual(nb.cells[1].source, ['# Energy report of run fixture-trained: SynOps per layer of its spiking network\n', 'report model.snn.json']);
    const [reportOut] = nb.cells[1].outputs!;
    assert.equal(reportOut.output_type, 'display_data');
    assert.equal(reportOut.data['application/vnd.synops.report+json'], report);
    assert.ok(Array.isArray(reportOut.data['text/plain']) && (reportOut.data['text/plain'] as string[])[0].startsWith('SynOps report: '));
    assert.equal(nb.cells[2].outputs![0].data['application/vnd.synops.tradeoff+json'], payload);
    // Real ids: 8 hex digits, all different.
    const real = runNotebook({ run: trained, report, tradeoff: payload, version: '0.1.0', exportedAt: '' });
    const ids = real.cells.map((c) => c.id);
    assert.ok(ids.every((id) => /^[0-9a-f]{8}$/.test(id)) && new Set(ids).size === 3, ids.join());
  });
});
