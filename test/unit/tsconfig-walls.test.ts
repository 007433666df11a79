// Each target's tsconfig keeps the other target's globals out: a probe file type-checked as if it lived in
// webview/ may not use Node's `process`, one in src/ may not use the DOM's `document`. The same probe in
// the other target type-checks, so a wall that fell (e.g. DOM added to src/tsconfig.json) fails here.
import { strict as assert } from 'node:assert';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { repoRoot } from './helpers';

/** The error codes of `code` checked as `file` (repo-relative) under the tsconfig.json of `project`. */
function diagnose(project: string, file: string, code: string): number[] {
  const configPath = join(repoRoot, project, 'tsconfig.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(String(d.messageText)); } });
  assert.ok(parsed, configPath);
  const probe = join(repoRoot, file);
  const host = ts.createCompilerHost(parsed.options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (f) => f === probe || fileExists(f);
  host.readFile = (f) => (f === probe ? code : readFile(f));
  host.getSourceFile = (f, lang, ...rest) => (f === probe ? ts.createSourceFile(f, code, lang) : getSourceFile(f, lang, ...rest));
  // The probe alone plus the target's ambient declarations (d.ts files of its folder), as the target sees them.
  const ambient = parsed.fileNames.filter((f) => f.endsWith('.d.ts') && f.startsWith(dirname(configPath)));
  const program = ts.createProgram([probe, ...ambient], parsed.options, host);
  return program.getSemanticDiagnostics(program.getSourceFile(probe)).map((d) => d.code);
}

const NODE_GLOBALS = 'export const a = process.env.HOME;\nexport const b = Buffer.from("x");\n';
const DOM_GLOBALS = 'export const a = document.title;\nexport const b = window.innerWidth;\n';

describe('a tsconfig per target', () => {
  it('webview code cannot use Node globals', () => {
    assert.equal(diagnose('webview', 'webview/report/probe.ts', NODE_GLOBALS).length, 2);
    assert.deepEqual(diagnose('webview', 'webview/report/probe.ts', DOM_GLOBALS), []);
  });

  it('core, protocol and host code cannot use DOM globals', () => {
    for (const file of ['src/core/probe.ts', 'src/protocol/probe.ts', 'src/host/probe.ts']) {
      assert.equal(diagnose('src', file, DOM_GLOBALS).length, 2, file);
      assert.deepEqual(diagnose('src', file, NODE_GLOBALS), [], file);
    }
  });

  it('the Node targets still know WebAssembly (src/core/webassembly.d.ts)', () => {
    assert.deepEqual(diagnose('src', 'src/core/probe.ts', 'export const ok = WebAssembly.validate(new Uint8Array(8));\n'), []);
  });
});
