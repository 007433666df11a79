import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/**
 * Writes beside `target` and renames over it, so a crash never leaves half a file (the host's `writeAtomic`:
 * through `workspace.fs`, so it works on any file system the editor has). The temporary file is removed
 * when the rename fails.
 */
export async function writeAtomically(target: vscode.Uri, bytes: Uint8Array): Promise<void> {
  const tmp = target.with({ path: `${target.path}.${process.pid}.${randomBytes(3).toString('hex')}.tmp` });
  await vscode.workspace.fs.writeFile(tmp, bytes);
  try {
    await vscode.workspace.fs.rename(tmp, target, { overwrite: true });
  } catch (e) {
    await vscode.workspace.fs.delete(tmp).then(undefined, () => undefined);
    throw e;
  }
}
