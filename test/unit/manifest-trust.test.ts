// Untrusted workspaces run no code and choose no executables (#13.2): what the manifest declares to VS Code,
// and that the host reads the executable and mirror settings from the user's own settings only.
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from './helpers';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const props: Record<string, { scope?: string }> = pkg.contributes.configuration.properties;
const CODE_OR_FETCH = ['synops.worker.nodePath', 'synops.datasets.mirror'];

function hostSources(dir = join(repoRoot, 'src', 'host')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? hostSources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('workspace trust', () => {
  it('the executable and the download mirror are machine settings, restricted in untrusted workspaces', () => {
    for (const key of CODE_OR_FETCH) {
      assert.equal(props[key]?.scope, 'machine', `${key} is scope machine (a workspace's settings cannot set it)`);
      assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(key), `${key} is restricted`);
    }
  });

  it('every command that runs code, trains or downloads needs a trusted workspace', () => {
    const enablement = new Map<string, string | undefined>(pkg.contributes.commands.map((c: { command: string; enablement?: string }) => [c.command, c.enablement]));
    for (const id of ['synops.trainModel', 'synops.runSweep', 'synops.evaluateRun', 'synops.installNativeBackend', 'synops.downloadDataset']) {
      assert.match(enablement.get(id) ?? '', /isWorkspaceTrusted/, `${id} needs trust`);
    }
  });

  it('the NIR commands, which write model files and graphs, need a trusted workspace', () => {
    const enablement = new Map<string, string | undefined>(pkg.contributes.commands.map((c: { command: string; enablement?: string }) => [c.command, c.enablement]));
    for (const id of ['synops.importNir', 'synops.runs.exportNir']) {
      assert.match(enablement.get(id) ?? '', /isWorkspaceTrusted/, `${id} needs trust`);
    }
    // The host checks too: a command run from a script or a keybinding is not held back by `enablement`.
    assert.match(readFileSync(join(repoRoot, 'src', 'host', 'nir.ts'), 'utf8'), /if \(!requireTrust\(title\)\) return undefined;[\s\S]*if \(!requireTrust\(title\)\) return undefined;/);
  });

  it("the host reads those settings only through the user's own value (inspect().globalValue), never get()", () => {
    const offenders = hostSources().filter((f) => /\.get<[^>]*>\(\s*'(worker\.nodePath|datasets\.mirror)'/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
    const config = readFileSync(join(repoRoot, 'src', 'host', 'config.ts'), 'utf8');
    for (const key of ['worker.nodePath', 'datasets.mirror']) assert.match(config, new RegExp(`inspect<string>\\('${key.replace('.', '\\.')}'\\)\\?\\.globalValue`));
  });
});
