// The layering rule (lint/layering.mjs with the table in eslint.config.mjs) must refuse every wrong import,
// however it is written, and let the real tree through: lint probe texts as if they lived in each folder.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';
import { repoRoot } from './helpers';

const eslint = new ESLint({ cwd: repoRoot });

/** The layering messages ESLint gives `code` placed at `file`. */
async function layering(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(repoRoot, file) });
  const fatal = result.messages.filter((m) => m.fatal);
  assert.deepEqual(fatal, [], `${file}: the probe must parse`);
  return result.messages.filter((m) => m.ruleId === 'layering/imports').map((m) => m.message);
}

/** Wrong imports, one per kind: [what, file it is placed in, code]. Each must be refused. */
const WRONG: [string, string, string][] = [
  ['core imports vscode', 'src/core/probe.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n"],
  ['core starts processes', 'src/core/probe.ts', "import { fork } from 'node:child_process';\nexport const x = fork;\n"],
  ['core imports child_process without node:', 'src/core/probe.ts', "import { spawn } from 'child_process';\nexport const x = spawn;\n"],
  ['core imports the host', 'src/core/probe.ts', "import { Ctx } from '../host/ctx';\nexport const x = Ctx;\n"],
  ['core imports the worker', 'src/core/probe.ts', "import * as w from '../worker/handlers';\nexport const x = w;\n"],
  ['core imports the CLI', 'src/core/model/probe.ts', "import { main } from '../../cli/main';\nexport const x = main;\n"],
  ['core imports webview code', 'src/core/probe.ts', "import * as r from '../../webview/report/render';\nexport const x = r;\n"],
  ['core requires vscode as import = require()', 'src/core/probe.ts', "import vscode = require('vscode');\nexport const x = vscode;\n"],
  ['core imports an unlisted package', 'src/core/probe.ts', "import * as _ from 'lodash';\nexport const x = _;\n"],
  ['core imports node:fs', 'src/core/probe.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"],
  ['core imports node:fs/promises', 'src/core/data/probe.ts', "import { readFile } from 'node:fs/promises';\nexport const x = readFile;\n"],
  ['core imports fs without node:', 'src/core/probe.ts', "import * as fs from 'fs';\nexport const x = fs;\n"],
  ['core requires node:fs', 'src/core/probe.ts', "// eslint-disable-next-line @typescript-eslint/no-require-imports\nexport const x = require('node:fs');\n"],
  ['core imports node:fs by dynamic import()', 'src/core/probe.ts', "export const x = () => import('node:fs/promises');\n"],
  ['core imports node:https', 'src/core/probe.ts', "import { get } from 'node:https';\nexport const x = get;\n"],
  ['core imports node:http', 'src/core/probe.ts', "import { request } from 'node:http';\nexport const x = request;\n"],
  ['core imports node:net', 'src/core/probe.ts', "import { connect } from 'node:net';\nexport const x = connect;\n"],
  ['the core file that was the last to read files imports node:fs again', 'src/core/data/blocks.ts', "import { open } from 'node:fs/promises';\nexport const x = open;\n"],
  ['the core byte-source file imports node:fs', 'src/core/data/bytes.ts', "import { open } from 'node:fs/promises';\nexport const x = open;\n"],
  ['core imports the io layer', 'src/core/probe.ts', "import { writeAtomic } from '../io/atomic';\nexport const x = writeAtomic;\n"],
  ['core imports the io layer by dynamic import()', 'src/core/train/probe.ts', "export const x = () => import('../../io/views/tradeoff');\n"],
  ['io imports vscode', 'src/io/probe.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n"],
  ['io imports the host', 'src/io/probe.ts', "import { Ctx } from '../host/ctx';\nexport const x = Ctx;\n"],
  ['io imports the worker', 'src/io/probe.ts', "import * as w from '../worker/handlers';\nexport const x = w;\n"],
  ['io imports the CLI', 'src/io/probe.ts', "import { main } from '../cli/main';\nexport const x = main;\n"],
  ['io starts processes', 'src/io/probe.ts', "import { fork } from 'node:child_process';\nexport const x = fork;\n"],
  ['host imports the io layer', 'src/host/probe.ts', "import { listRuns } from '../io/train/list';\nexport const x = listRuns;\n"],
  ['webview imports the io layer', 'webview/report/probe.ts', "import * as t from '../../src/io/views/tradeoff';\nexport const x = t;\n"],
  ['protocol imports the io layer', 'src/protocol/probe.ts', "import * as t from '../io/views/tradeoff';\nexport const x = t;\n"],
  ['protocol imports node:fs', 'src/protocol/probe.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"],
  ['protocol imports fs without node:', 'src/protocol/probe.ts', "import * as fs from 'fs';\nexport const x = fs;\n"],
  ['protocol imports webview code', 'src/protocol/probe.ts', "import { renderReport } from '../../webview/report/render';\nexport const x = renderReport;\n"],
  ['protocol imports the core', 'src/protocol/probe.ts', "import type { ModelFile } from '../core/model/types';\nexport type X = ModelFile;\n"],
  ['protocol imports tfjs', 'src/protocol/probe.ts', "import * as tf from '@tensorflow/tfjs-core';\nexport const x = tf;\n"],
  ['protocol imports the Node half of vscode-jsonrpc', 'src/protocol/probe.ts', "import { IPCMessageReader } from 'vscode-jsonrpc/node';\nexport const x = IPCMessageReader;\n"],
  ['protocol imports the worker', 'src/protocol/probe.ts', "export { handlers } from '../worker/handlers';\n"],
  ['host imports the core', 'src/host/probe.ts', "import { parseModel } from '../core/model/parse';\nexport const x = parseModel;\n"],
  ['host imports the core by dynamic import()', 'src/host/probe.ts', "export async function f() { return import('../core/report'); }\n"],
  ['host requires the core', 'src/host/probe.ts', "// eslint-disable-next-line @typescript-eslint/no-require-imports\nexport const x = require('../core/report');\n"],
  ['host re-exports the core', 'src/host/panels/probe.ts', "export * from '../../core/views/raster';\n"],
  ['host names a core type through import()', 'src/host/probe.ts', "export type X = import('../core/model/types').ModelFile;\n"],
  ['host imports webview code', 'src/host/probe.ts', "import { renderReport } from '../../webview/report/render';\nexport const x = renderReport;\n"],
  ['host imports the worker', 'src/host/probe.ts', "import * as w from '../worker/main';\nexport const x = w;\n"],
  ['host imports tfjs', 'src/host/probe.ts', "import * as tf from '@tensorflow/tfjs-core';\nexport const x = tf;\n"],
  ['host imports by a computed dynamic import()', 'src/host/probe.ts', "export async function f(name: string) { return import(name); }\n"],
  ['worker imports vscode', 'src/worker/probe.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n"],
  ['worker imports the host', 'src/worker/probe.ts', "import { Config } from '../host/config';\nexport const x = Config;\n"],
  ['worker imports webview code', 'src/worker/probe.ts', "import * as r from '../../webview/common/dom';\nexport const x = r;\n"],
  ['CLI imports the host', 'src/cli/probe.ts', "import { Ctx } from '../host/ctx';\nexport const x = Ctx;\n"],
  ['CLI imports vscode', 'src/cli/probe.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n"],
  ['webview imports node:fs', 'webview/report/probe.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"],
  ['webview imports vscode', 'webview/report/probe.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n"],
  ['webview imports the core', 'webview/report/probe.ts', "import { analyzeModelText } from '../../src/core/report';\nexport const x = analyzeModelText;\n"],
  ['webview imports the host', 'webview/report/probe.ts', "import { panelHtml } from '../../src/host/panels/panelHtml';\nexport const x = panelHtml;\n"],
  ['webview imports the core by dynamic import()', 'webview/raster/probe.ts', "export const x = () => import('../../src/core/views/raster');\n"],
  ['webview imports tfjs', 'webview/training/probe.ts', "import * as tf from '@tensorflow/tfjs-core';\nexport const x = tf;\n"],
  ['notebook logic imports vscode', 'src/notebook/probe.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n"],
  ['notebook logic imports node:fs', 'src/notebook/probe.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"],
  ['notebook logic imports the host', 'src/notebook/probe.ts', "import { Ctx } from '../host/ctx';\nexport const x = Ctx;\n"],
  ['notebook logic imports the core', 'src/notebook/probe.ts', "import { analyzeModelText } from '../core/report';\nexport const x = analyzeModelText;\n"],
  ['notebook logic imports the worker', 'src/notebook/probe.ts', "import * as w from '../worker/views';\nexport const x = w;\n"],
  ['worker imports notebook logic', 'src/worker/probe.ts', "import { parseCell } from '../notebook/cells';\nexport const x = parseCell;\n"],
  ['webview imports notebook logic', 'webview/report/probe.ts', "import { parseCell } from '../../src/notebook/cells';\nexport const x = parseCell;\n"],
  ['a new src/* folder', 'src/plugins/probe.ts', 'export const x = 1;\n'],
  ['a file directly in src/', 'src/probe.ts', 'export const x = 1;\n'],
  ['an import into a new src/* folder', 'src/host/probe.ts', "import { x } from '../plugins/x';\nexport const y = x;\n"],
];

/** Imports the table allows; none may be refused. */
const RIGHT: [string, string, string][] = [
  ['webview imports protocol types', 'webview/report/probe.ts', "import type { ModelReport } from '../../src/protocol/report';\nexport type X = ModelReport;\n"],
  ['webview imports plotly', 'webview/report/probe.ts', "import Plotly from 'plotly.js-dist-min';\nexport const x = Plotly;\n"],
  ['host imports the protocol and vscode', 'src/host/probe.ts', "import * as vscode from 'vscode';\nimport { Ping } from '../protocol/messages';\nexport const x = [vscode, Ping];\n"],
  ['host imports its own files by dynamic import()', 'src/host/probe.ts', "export const x = () => import('./config');\n"],
  ['host imports notebook logic', 'src/host/notebook/probe.ts', "import { parseCell } from '../../notebook/cells';\nexport const x = parseCell;\n"],
  ['notebook logic imports the protocol', 'src/notebook/probe.ts', "import { MIME_REPORT } from '../protocol/views';\nexport const x = MIME_REPORT;\n"],
  ['worker imports the core', 'src/worker/probe.ts', "import { analyzeModelText } from '../core/report';\nexport const x = analyzeModelText;\n"],
  ['core imports tfjs and node:path', 'src/core/probe.ts', "import * as tf from '@tensorflow/tfjs-core';\nimport { join } from 'node:path';\nexport const x = [tf, join];\n"],
  ['io imports the core, the protocol and node:fs', 'src/io/probe.ts', "import { parseModel } from '../core/model/parse';\nimport type { ModelReport } from '../protocol/report';\nimport { readFileSync } from 'node:fs';\nexport const x = [parseModel, readFileSync];\nexport type X = ModelReport;\n"],
  ['io imports https (downloads)', 'src/io/data/probe.ts', "import { get } from 'node:https';\nexport const x = get;\n"],
  ['worker imports the io layer', 'src/worker/probe.ts', "import { tradeoffPoints } from '../io/views/tradeoff';\nexport const x = tradeoffPoints;\n"],
  ['CLI imports the io layer', 'src/cli/probe.ts', "import * as t from '../io/views/tradeoff';\nexport const x = t;\n"],
  ['protocol imports vscode-jsonrpc', 'src/protocol/probe.ts', "import { RequestType } from 'vscode-jsonrpc';\nexport const x = RequestType;\n"],
];

describe('layering lint rule', () => {
  it(`refuses every one of the ${WRONG.length} wrong imports`, async () => {
    const passed: string[] = [];
    for (const [what, file, code] of WRONG) {
      const messages = await layering(file, code);
      if (messages.length === 0) passed.push(`${what} (${file})`);
    }
    console.log(`layering probes: ${WRONG.length - passed.length} of ${WRONG.length} wrong imports refused`);
    assert.deepEqual(passed, [], 'wrong imports that the lint configuration lets through');
  });

  it('says which layer, what and why', async () => {
    const [message] = await layering('src/host/probe.ts', "export async function f() { return import('../core/report'); }\n");
    assert.match(message, /^src\/host may not import src\/core\/report \(src\/core\)\. The host is glue/);
    const [unknown] = await layering('src/plugins/probe.ts', 'export const x = 1;\n');
    assert.match(unknown, /^src\/plugins is not a layer: add it to the layering table/);
  });

  it('lets the allowed imports through', async () => {
    for (const [what, file, code] of RIGHT) assert.deepEqual(await layering(file, code), [], what);
  });

  it('passes the real tree (src/, webview/)', async () => {
    const results = await eslint.lintFiles(['src', 'webview']);
    const problems = results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'layering/imports').map((m) => `${r.filePath}:${m.line} ${m.message}`));
    assert.deepEqual(problems, []);
    assert.ok(results.length > 100, `linted ${results.length} files`);
  });
});
