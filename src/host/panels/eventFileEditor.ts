/** Read-only custom editor for event files (AEDAT 2/4, N-MNIST .bin, Prophesee .dat): the raster view on the file. */
import type * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { fillRaster } from './rasterView';

export class EventFileEditorProvider implements vscode.CustomReadonlyEditorProvider {
  static readonly viewType = 'synops.eventFile';
  constructor(private readonly ctx: Ctx) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(doc: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    await fillRaster(this.ctx, panel, doc.uri.fsPath);
  }
}
