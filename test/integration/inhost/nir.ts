// In-host tests of the NIR commands: a .nir written by the test with h5wasm (test/unit/nir-files.ts, the
// layout nir.write() produces) is imported through "SynOps: Import NIR Graph"; its model file opens with
// the extension's lenses and chip-fit diagnostics; "Export to NIR" writes a run's network back as a .nir,
// which imports to the same model.
import * as assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { convGraph, writeRaw } from '../../unit/nir-files';
import { waitFor } from './wait';

type Imported = { modelPath: string; weightsPath: string; layers: number; notes: string[] };

function workspacePath(...parts: string[]): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return join(folder.uri.fsPath, ...parts);
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
  ['nir: Export to NIR writes a run\'s network, which imports to the same model', async () => {
    // A run folder as training leaves it (model.snn.json, model/model.json + weights.bin), from the import above.
    const runDir = workspacePath('.synops', 'runs', 'nir-export');
    mkdirSync(runDir, { recursive: true });
    cpSync(workspacePath('nir-in', 'conv.snn.json'), join(runDir, 'model.snn.json'));
    cpSync(workspacePath('nir-in', 'conv.weights'), join(runDir, 'model'), { recursive: true });
    const target = workspacePath('nir-out', 'conv-run.nir');
    mkdirSync(workspacePath('nir-out'), { recursive: true });
    const r = await vscode.commands.executeCommand<{ nodes: number; edges: number } | undefined>('synops.runs.exportNir', { id: 'nir-export', dir: runDir }, vscode.Uri.file(target));
    assert.ok(r && existsSync(target), 'the .nir is written');
    assert.ok(r.nodes >= 7, `nodes: ${r.nodes}`);
    const back = await vscode.commands.executeCommand<Imported | undefined>('synops.importNir', vscode.Uri.file(target), vscode.Uri.file(workspacePath('nir-out', 'back.snn.json')));
    assert.ok(back, 'the exported file imports');
    assert.deepEqual(layerNames(back.modelPath), ['conv', 'if1', 'pool', 'flat', 'fc']);
    assert.deepEqual(readFileSync(join(workspacePath('nir-out', 'back.weights'), 'weights.bin')), readFileSync(join(runDir, 'model', 'weights.bin')), 'the weights round-trip bit for bit');
  }],
];
