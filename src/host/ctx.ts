import * as path from 'node:path';
import * as vscode from 'vscode';
import { Config } from './config';
import { ModelService } from './model/service';
import { WorkerClient, type WorkerState } from './workerProcess/client';

/** The folder of the extension's global storage that holds an installed tfjs-node. */
export function nativeBackendDir(extension: vscode.ExtensionContext): string {
  return path.join(extension.globalStorageUri.fsPath, 'native');
}

/** Everything the extension owns, created once on activation: the worker, the model service, the log. */
export class Ctx implements vscode.Disposable {
  readonly config = new Config();
  readonly log = vscode.window.createOutputChannel('SynOps Studio', { log: true });
  readonly worker: WorkerClient;
  readonly models: ModelService;
  private readonly status = vscode.window.createStatusBarItem('synops.worker', vscode.StatusBarAlignment.Left, 10);

  constructor(readonly extension: vscode.ExtensionContext) {
    this.status.name = 'SynOps worker';
    this.status.command = 'synops.checkWorker';
    this.worker = new WorkerClient({
      workerPath: path.join(extension.extensionPath, 'dist', 'worker', 'main.js'),
      execPath: this.config.workerNodePath,
      // Where "SynOps: Install Native Backend" puts tfjs-node; the worker's backend loader looks there.
      env: { SYNOPS_NATIVE_DIR: nativeBackendDir(extension) },
      client: `synops-studio ${extension.extension.packageJSON.version as string}`,
      log: (level, message) => this.log[level](message),
      onState: (state, detail) => this.showState(state, detail),
      onCrash: ({ code, signal, restartInMs }) => {
        const how = signal ? `signal ${signal}` : `exit code ${code}`;
        const next = restartInMs === undefined ? 'It will not be restarted again; reload the window after fixing the cause.' : `Restarting in ${(restartInMs / 1000).toFixed(1)} s.`;
        void vscode.window.showWarningMessage(`The SynOps worker stopped unexpectedly (${how}). ${next}`, 'Show Log').then((pick) => { if (pick) this.log.show(); });
      },
    });
    this.models = new ModelService(this.worker, this.config, this.log);
    this.showState('stopped', 'starts when first needed');
    this.status.show();
  }

  get extensionUri(): vscode.Uri {
    return this.extension.extensionUri;
  }

  private showState(state: WorkerState, detail?: string): void {
    const icons: Record<WorkerState, string> = { starting: '$(sync~spin)', ready: '$(pulse)', restarting: '$(sync~spin)', failed: '$(error)', stopped: '$(circle-slash)' };
    this.status.text = `${icons[state]} SynOps`;
    this.status.tooltip = `SynOps worker: ${state}${detail ? ` — ${detail}` : ''}${this.worker.pid ? ` (pid ${this.worker.pid})` : ''}. Click to check it.`;
  }

  dispose(): void {
    this.models.dispose();
    this.worker.dispose();
    this.status.dispose();
    this.log.dispose();
  }
}
