import * as vscode from 'vscode';
import type { ReportOptionsWire } from '../protocol/report';

/** Typed access to the `synops.*` settings, read fresh on each use. */
export class Config {
  private get section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration('synops');
  }

  /** Settings that only take effect when the worker restarts. */
  static readonly restartKeys = ['synops.worker.nodePath'];

  /**
   * Node binary for the worker; empty = the editor's own Node. Only the user's own (machine) setting counts:
   * a workspace's settings never choose an executable, trusted or not (the setting is `scope: machine`).
   */
  get workerNodePath(): string | undefined {
    return this.section.inspect<string>('worker.nodePath')?.globalValue || undefined;
  }

  /** The dataset mirror, from the user's own settings only (a workspace cannot redirect downloads). */
  get datasetMirror(): string | undefined {
    return this.section.inspect<string>('datasets.mirror')?.globalValue || undefined;
  }

  /** Options the worker needs to build a report; `profileOverride` is the panel's choice, if any. */
  reportOptions(profileOverride?: string): ReportOptionsWire {
    return {
      spikesPerNeuron: this.section.get<number>('estimate.spikesPerNeuron', 1),
      inputActivity: this.section.get<number>('estimate.inputActivity', 0.5),
      userProfiles: this.section.get<unknown[]>('energyProfiles', []),
      profileId: profileOverride || this.section.get<string>('energyProfile') || undefined,
    };
  }
}
