// In-host tests of the NIR commands: a .nir written by the test with h5wasm (test/unit/nir-files.ts, the
// layout nir.write() produces) is imported through "SynOps: Import NIR Graph"; its model file opens with
// the extension's lenses and chip-fit diagnostics; "Export to NIR" writes the network of a run trained by
// Train Model (the suite's own, else one trained here) as a .nir, which imports to the same model and weights.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import type { ModelFile } from '../../../src/core/model/types';
import { readTfjsWeightsFile } from '../../../src/io/sim/tfjs-weights';
import { writeHalvesDataset } from '../../unit/halves-dataset';
import { convGraph, writeRaw } from '../../unit/nir-files';
import { waitFor } from './wait';

type Imported = { modelPath: string; weightsPath: string; layers: number; notes: string[] };

function workspacePath(...parts: string[]): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return join(folder.uri.fsPath, ...parts);
}

/**
 * A finished run of Train Model in the workspace (the suite trains "tiny halves" before these tests); when
 * there is none (these tests alone), one trained here the same way: 1 epoch on the tiny two-class events.
 */
async function trainedRun(): Promise<string> {
  const runs = workspacePath('.synops', 'runs');
  const done = (existsSync(runs) ? readdirSync(runs) : []).map((id) => join(runs, id)).find((dir) => {
    try {
      const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { state?: string };
      const model = JSON.parse(readFileSync(join(dir, 'model.snn.json'), 'utf8')) as { name?: string };
      return run.state === 'done' && model.name === 'tiny halves' && existsSync(join(dir, 'model', 'model.json'));
    } catch { return false; }
  });
  if (done) return done;
  writeHalvesDataset(workspacePath('nir-data'));
  const model = {
    format: 'synops-model', version: 1, name: 'tiny halves', spikingOutput: true,
    input: { kind: 'events', shape: [1, 17, 17], sensor: [34, 34], chunkEvents: 200, dtMs: 1 },
    layers: [{ type: 'conv2d', name: 'conv1', outChannels: 4, kernel: 3 }, { type: 'relu', name: 'relu1' }, { type: 'avgpool', name: 'pool1', kernel: 2 },
      { type: 'flatten', name: 'flatten' }, { type: 'linear', name: 'fc', outFeatures: 2 }],
  };
  const uri = vscode.Uri.file(workspacePath('nir-tiny.snn.json'));
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(JSON.stringify(model, null, 2)));
  const r = await vscode.commands.executeCommand<{ runDir: string; row: { state: string } } | undefined>('synops.trainModel', { model: uri, strategy: 'baseline', data: workspacePath('nir-data'), epochs: 1, snnSamples: 0 });
  assert.ok(r && r.row.state === 'done', 'Train Model finished a run');
  return r.runDir;
}

const layerNames = (file: string): string[] => (JSON.parse(readFileSync(file, 'utf8')) as { layers: { name: string }[] }).layers.map((l) => l.name);

export const NIR_TESTS: Array<[string, () => Promise<void>]> = [
  ['nir: Import NIR Graph writes the model file and its weights, opens it with its lenses and chip diagnostics', async () => {
    mkdirSync(workspacePath('nir-in'), { recursive: true });
    const nir = await writeRaw(workspacePath('nir-in', 'conv.nir'), convGraph());
    const out = workspacePath('nir-in', 'conv.snn.json');
    const r = await vscode.commands.executeCommand<Imported | undefined>('synops.importNir', vscode.Uri.file(nir), vscode.Uri.file(out));
    assert.ok(r, 'the command returned the import');
    assert.equal(r.modelPath, out);
    assert.equal(r.weightsPath, workspacePath('nir-in', 'conv.weights', 'model.json'));
    assert.ok(existsSync(r.weightsPath) && existsSync(workspacePath('nir-in', 'conv.weights', 'weights.bin')), 'the TF.js weights are beside the model file');
    assert.deepEqual(layerNames(out), ['conv', 'if1', 'pool', 'flat', 'fc']);
    await waitFor('the model file in the active editor', () => vscode.window.activeTextEditor?.document.uri.fsPath === out);
    const uri = vscode.Uri.file(out);
    const titles = await waitFor('the lenses of the imported model', async () => {
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
      const t = (lenses ?? []).map((l) => l.command?.title ?? '').filter(Boolean);
      return t.some((x) => x.startsWith('Total:')) ? t : undefined;
    }, 60000);
    // conv 2×1×3×3 + 2 biases = 20 params, 2·2·2 outputs × 9 = 72 MACs; fc 3×2 + 3 = 9 params, 6 MACs (as `synops summary` prints).
    assert.ok(titles.some((t) => /^Total: .*SynOps.* · 29 params · 78 MACs · /.test(t)), titles.join(' | '));
    // The Affine/Conv2d biases break a Speck limit: an info diagnostic on the layer, from the same check as the report.
    const diags = await waitFor('the chip diagnostics of the imported model', () => {
      const d = vscode.languages.getDiagnostics(uri).filter((x) => String(typeof x.code === 'object' ? x.code.value : x.code) === 'chip/bias');
      return d.length ? d : undefined;
    });
    assert.ok(diags.every((d) => d.severity === vscode.DiagnosticSeverity.Information), 'chip findings are info, not errors');
  }],
  ['nir: Export to NIR writes a run made by Train Model, which imports to the same model and weights', async () => {
    const runDir = await trainedRun();
    const model = JSON.parse(readFileSync(join(runDir, 'model.snn.json'), 'utf8')) as ModelFile;
    const target = workspacePath('nir-out', 'trained.nir');
    mkdirSync(workspacePath('nir-out'), { recursive: true });
    const r = await vscode.commands.executeCommand<{ nodes: number; edges: number } | undefined>('synops.runs.exportNir', { id: basename(runDir), dir: runDir }, vscode.Uri.file(target));
    assert.ok(r && existsSync(target), 'the .nir is written');
    // Input, conv1, relu1, pool1, flatten, fc, the spiking output's IF, Output.
    assert.deepEqual([r.nodes, r.edges], [8, 7]);
    const back = await vscode.commands.executeCommand<Imported | undefined>('synops.importNir', vscode.Uri.file(target), vscode.Uri.file(workspacePath('nir-out', 'trained.snn.json')));
    assert.ok(back, 'the exported file imports');
    const imported = JSON.parse(readFileSync(back.modelPath, 'utf8')) as ModelFile;
    assert.deepEqual(imported, JSON.parse(JSON.stringify(model)), 'the model file comes back as the run has it');
    // The trained weights, as the run saved them and as the import wrote them, the same float32 values.
    const want = await readTfjsWeightsFile(join(runDir, 'model', 'model.json'), model);
    const got = await readTfjsWeightsFile(back.weightsPath, imported);
    assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort());
    for (const k of Object.keys(want)) {
      assert.deepEqual(got[k].shape, want[k].shape, k);
      assert.ok(Buffer.from(got[k].weight.buffer, got[k].weight.byteOffset, got[k].weight.byteLength).equals(Buffer.from(want[k].weight.buffer, want[k].weight.byteOffset, want[k].weight.byteLength)), `weights of ${k} bit for bit`);
    }
  }],
];
