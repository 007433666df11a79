/**
 * Opening a `.nir` file shows the energy report of the network it holds (a read-only custom editor): the
 * worker reads the graph and builds the report as `synops summary` does for a `.nir`; the host only passes
 * it to the report page. Import NIR Graph turns it into an editable model file. A graph that cannot be shown
 * gets its one-line error in the page and as a notification with Open File (which reveals the `.nir`).
 */
import * as vscode from 'vscode';
import { NirReport } from '../../protocol/messages';
import type { Ctx } from '../ctx';
import { showWorkerError } from '../workerProcess/errors';
import { reportView } from './reportPanel';

export class NirEditorProvider implements vscode.CustomReadonlyEditorProvider {
  static readonly viewType = 'synops.nirGraph';
  constructor(private readonly ctx: Ctx) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(doc: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    let profileId = this.ctx.models.profileOverride;
    // The worker reads the graph while the page paints its frame; the shell posts the report once the page is ready.
    const view = reportView(panel.webview, this.ctx.extensionUri, 'SynOps: NIR graph', (m) => {
      if (m.type === 'profileChanged') { profileId = m.profileId; void update(); }
      else if (m.type === 'pickRun') {
        // A graph file has no runs of its own: its model file does, once imported and trained.
        void vscode.window.showInformationMessage('SynOps: a .nir graph has no runs; import it (SynOps: Import NIR Graph) to train it or to show measured figures.', 'Import NIR Graph')
          .then((pick) => { if (pick) void vscode.commands.executeCommand('synops.importNir', doc.uri); });
      }
    });
    let toldUser = false;
    const update = async (): Promise<void> => {
      try {
        const r = await this.ctx.worker.request(NirReport.type, { file: doc.uri.fsPath, options: this.ctx.config.reportOptions(profileId) });
        for (const n of r.notes) this.ctx.log.info(`${doc.uri.fsPath}: ${n}`);
        view.post({ type: 'report', report: r.report, uri: doc.uri.toString() });
      } catch (e) {
        view.post({ type: 'error', message: `Cannot show this NIR graph: ${e instanceof Error ? e.message : String(e)}` });
        // A damaged or unsupported graph is bad input: the message again, with Open File, as for a model file
        // (once per editor: a profile change asks again and gets the same answer).
        if (!toldUser) { toldUser = true; void showWorkerError(e, 'SynOps: NIR graph', this.ctx.log); }
      }
    };
    panel.onDidDispose(() => view.dispose());
    void update();
  }
}
