/**
 * Quick fixes for model files: the worker's analysis carries a certain repair on some diagnostics (a
 * missing or trailing comma); this offers it on that place, whichever diagnostic the editor shows there
 * (the worker's, or VS Code's JSON validation's for the same syntax error).
 */
import * as vscode from 'vscode';
import type { Range } from '../../protocol/report';
import { MODEL_GLOB, type ModelService } from './service';

const toRange = (r: Range): vscode.Range => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);

export class ModelQuickFixProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly models: ModelService) {}

  async provideCodeActions(doc: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const analysis = await this.models.analysis(doc).catch(() => undefined);
    const actions: vscode.CodeAction[] = [];
    for (const d of analysis?.diagnostics ?? []) {
      if (!d.fix) continue;
      const at = toRange(d.range);
      // The place of the error, widened to its line: the JSON extension may mark the same error a little differently.
      const line = new vscode.Range(at.start.line, 0, at.end.line, Number.MAX_SAFE_INTEGER);
      if (!line.intersection(range) && !toRange(d.fix.range).intersection(range)) continue;
      const action = new vscode.CodeAction(d.fix.title, vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      action.edit.replace(doc.uri, toRange(d.fix.range), d.fix.newText);
      action.diagnostics = context.diagnostics.filter((x) => x.range.intersection(line) && x.severity === vscode.DiagnosticSeverity.Error);
      action.isPreferred = true;
      actions.push(action);
    }
    return actions;
  }
}

/** Registers the quick fixes on model files (call once on activation). */
export function registerModelQuickFixes(models: ModelService): vscode.Disposable {
  return vscode.languages.registerCodeActionsProvider({ pattern: MODEL_GLOB }, new ModelQuickFixProvider(models), { providedCodeActionKinds: ModelQuickFixProvider.kinds });
}
