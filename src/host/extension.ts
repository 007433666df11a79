/**
 * Activation: creates the context (worker client, model service), registers commands, the code lens provider
 * and the report panel serializer. The host never computes: everything numeric comes from the worker, which
 * is started by the first request (a model file opened, a command run), not here: activation stays cheap.
 *
 * What activates the extension (package.json `activationEvents`, plus what VS Code 1.100 infers from the
 * contributions): a workspace holding a `*.snn.json` model, its commands, the Runs view, its custom editors,
 * a SynOps notebook (`*.synops-nb`) and its restored panels. Not any JSON file, not any Jupyter notebook.
 */
import * as vscode from 'vscode';
import { COMMANDS, EventFileEditorProvider } from './commands';
import { Config } from './config';
import { Ctx } from './ctx';
import { ModelCodeLensProvider } from './model/codeLens';
import { MODEL_GLOB } from './model/service';
import { registerReportSerializer } from './panels/reportPanel';
import { registerRasterSerializer } from './panels/rasterView';
import { registerTradeoffSerializer } from './panels/tradeoffView';
import { registerTrainingSerializer } from './panels/trainingMonitor';
import { registerLayerHover } from './hover';
import { registerModelQuickFixes } from './model/quickFix';
import { NOTEBOOK_COMMANDS, registerNotebooks } from './notebook';
import { RUNS_COMMANDS, registerRunsView } from './runs';
import { NIR_COMMANDS } from './nir';
import { NirEditorProvider } from './panels/nirEditor';

/** What `activate` returns: the context and how long activation took, for the extension's own tests. */
export interface SynopsApi { ctx: Ctx; activationMs: number }

export function activate(extension: vscode.ExtensionContext): SynopsApi {
  const started = performance.now();
  const ctx = new Ctx(extension);
  extension.subscriptions.push(ctx);
  for (const [id, factory] of Object.entries({ ...COMMANDS, ...RUNS_COMMANDS, ...NOTEBOOK_COMMANDS, ...NIR_COMMANDS })) {
    extension.subscriptions.push(vscode.commands.registerCommand(id, factory(ctx)));
  }
  extension.subscriptions.push(
    vscode.languages.registerCodeLensProvider({ pattern: MODEL_GLOB }, new ModelCodeLensProvider(ctx.models)),
    registerReportSerializer(ctx.extensionUri, ctx.models),
    registerTradeoffSerializer(ctx),
    registerRasterSerializer(ctx),
    registerTrainingSerializer(ctx),
    registerRunsView(ctx),
    registerNotebooks(ctx),
    registerLayerHover(ctx),
    registerModelQuickFixes(ctx.models),
    vscode.window.registerCustomEditorProvider(EventFileEditorProvider.viewType, new EventFileEditorProvider(ctx)),
    vscode.window.registerCustomEditorProvider(`${EventFileEditorProvider.viewType}.option`, new EventFileEditorProvider(ctx)),
    vscode.window.registerCustomEditorProvider(NirEditorProvider.viewType, new NirEditorProvider(ctx)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (Config.restartKeys.some((k) => e.affectsConfiguration(k))) {
        void vscode.window.showInformationMessage('SynOps: the worker setting changes when the window reloads.', 'Reload Window')
          .then((pick) => { if (pick) void vscode.commands.executeCommand('workbench.action.reloadWindow'); });
      }
    }),
  );
  const activationMs = performance.now() - started;
  ctx.log.info(`activated in ${activationMs.toFixed(1)} ms; the worker starts on first use`);
  return { ctx, activationMs };
}

export function deactivate(): void {
  // Disposables registered on the extension context stop the worker.
}
