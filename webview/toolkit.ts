/**
 * Registers the VS Code webview UI toolkit components the views use (`<vscode-checkbox>`), once per page.
 * Both the report panel and the notebook renderer call it before drawing.
 */
import { provideVSCodeDesignSystem, vsCodeCheckbox } from '@vscode/webview-ui-toolkit';

let registered = false;

export function registerToolkit(): void {
  if (registered || customElements.get('vscode-checkbox')) return;
  provideVSCodeDesignSystem().register(vsCodeCheckbox());
  registered = true;
}
