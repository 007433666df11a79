/**
 * Activation: creates the context (worker, model service), registers commands, the code lens provider
 * and the report panel serializer. The host never computes: everything numeric comes from the worker.
 */
import * as vscode from 'vscode';
import { COMMANDS, EventFileEditorProvider } from './commands';
import { Config } from './config';
import { Ctx } from './ctx';
import { ModelCodeLensProvider } from './model/codeLens';
import { MODEL_GLOB } from './model/service';
import { registerReportSerializer } from './panels/reportPanel';
import { registerWorkbenchSerializers } from './panels/workbench';
import { registerLayerHover } from './hover';
import { NOTEBOOK_COMMANDS, registerNotebooks } from './notebook';
import { RUNS_COMMANDS, registerRunsView } from './runsView';

export function activate(extension: vscode.ExtensionContext): { ctx: Ctx } {
  const ctx = new Ctx(extension);
  extension.subscriptions.push(ctx);
  for (const [id, factory] of Object.entries({ ...COMMANDS, ...RUNS_COMMANDS, ...NOTEBOOK_COMMANDS })) {
    extension.subscriptions.push(vscode.commands.registerCommand(id, factory(ctx)));
  }
  extension.subscriptions.push(
    vscode.languages.registerCodeLensProvider({ pattern: MODEL_GLOB }, new ModelCodeLensProvider(ctx.models)),
    registerReportSerializer(ctx.extensionUri, ctx.models),
    ...registerWorkbenchSerializers(ctx),
    registerRunsView(ctx),
    registerNotebooks(ctx),
    registerLayerHover(ctx),
    vscode.window.registerCustomEditorProvider(EventFileEditorProvider.viewType, new EventFileEditorProvider(ctx)),
    vscode.window.registerCustomEditorProvider(`${EventFileEditorProvider.viewType}.option`, new EventFileEditorProvider(ctx)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (Config.restartKeys.some((k) => e.affectsConfiguration(k))) {
        void vscode.window.showInformationMessage('SynOps: the worker setting changes when the window reloads.', 'Reload Window')
          .then((pick) => { if (pick) void vscode.commands.executeCommand('workbench.action.reloadWindow'); });
      }
    }),
  );
  ctx.worker.start().catch((e: unknown) => ctx.log.error(`worker start failed: ${(e as Error).message}`));
  // The context is returned for the extension's own integration tests.
  return { ctx };
}

export function deactivate(): void {
  // Disposables registered on the extension context stop the worker.
}
