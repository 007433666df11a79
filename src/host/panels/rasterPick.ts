/**
 * What "Show Spike Raster" offers when it is not given a file: the workspace's datasets (`.synops/data/<name>`
 * and the ones downloaded before) and its event recordings (five folders deep under `.synops/data` as well as
 * beside the models), with "Browse…" for anything else. Listing files is glue; the worker reads them.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { knownDatasets } from '../datasets';
import type { Ctx } from '../ctx';

/** Event-file extensions the viewer reads (AEDAT 2/4, N-MNIST `.bin`, Prophesee `.dat`/`.raw`). */
const EVENT_GLOB = '**/*.{aedat,aedat4,bin,dat,raw}';
/** Recordings listed at most; a dataset with more is offered as one entry (its recordings in the panel's picker). */
const MAX_RECORDINGS = 200;

type Item = vscode.QuickPickItem & { value?: string; browse?: boolean };

export async function pickRasterSource(ctx: Ctx): Promise<string | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const items: Item[] = [];
  const datasets: Item[] = [];
  const seen = new Set<string>();
  if (folder?.uri.scheme === 'file') {
    const dataDir = vscode.Uri.joinPath(folder.uri, '.synops', 'data');
    const entries = await vscode.workspace.fs.readDirectory(dataDir).then((e) => e, () => [] as [string, vscode.FileType][]);
    for (const [name, type] of entries) {
      if (!(type & vscode.FileType.Directory)) continue;
      const dir = vscode.Uri.joinPath(dataDir, name).fsPath;
      seen.add(dir);
      datasets.push({ label: `$(database) ${name}`, description: `.synops/data/${name}`, detail: 'dataset: its recordings in the panel\'s picker', value: dir });
    }
  }
  for (const [kind, dir] of Object.entries(knownDatasets(ctx))) {
    if (seen.has(dir) || kind === 'cifar10') continue;
    datasets.push({ label: `$(database) ${kind}`, description: dir, detail: 'downloaded dataset', value: dir });
  }
  if (datasets.length) items.push({ label: 'Datasets', kind: vscode.QuickPickItemKind.Separator }, ...datasets);
  // Before the recordings, which can be many: always in sight.
  items.push({ label: datasets.length ? '' : 'Elsewhere', kind: vscode.QuickPickItemKind.Separator }, { label: '$(folder-opened) Browse…', description: 'an event file or a dataset folder anywhere', browse: true });
  if (folder) {
    // Runs keep their weights in .bin files: never offered as recordings.
    const files = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, EVENT_GLOB), '{**/node_modules/**,**/.synops/runs/**}', MAX_RECORDINGS);
    const recordings = files.map((f) => path.relative(folder.uri.fsPath, f.fsPath))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).map((rel): Item => ({
      label: `$(pulse) ${path.basename(rel)}`, description: path.dirname(rel) === '.' ? '' : path.dirname(rel), value: path.join(folder.uri.fsPath, rel),
    }));
    if (recordings.length) items.push({ label: files.length >= MAX_RECORDINGS ? `Recordings (the first ${MAX_RECORDINGS})` : 'Recordings', kind: vscode.QuickPickItemKind.Separator }, ...recordings);
  }
  const pick = await vscode.window.showQuickPick(items, { title: 'SynOps: Show Spike Raster', placeHolder: 'Which recording or dataset?', matchOnDescription: true, ignoreFocusOut: true });
  if (!pick) return undefined;
  if (!pick.browse) return pick.value;
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, canSelectFolders: true, openLabel: 'Show raster', filters: { 'Event files': ['aedat', 'aedat4', 'bin', 'dat', 'raw'] } });
  return picked?.[0]?.fsPath;
}
