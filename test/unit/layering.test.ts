// The import rules that keep the layers apart must actually fire: lint a probe text as if it lived in each folder.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';
import { repoRoot } from './helpers';

const eslint = new ESLint({ cwd: repoRoot });

async function restricted(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(repoRoot, file) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layering lint rules', () => {
  it('src/core cannot import vscode, child_process or the host', async () => {
    assert.equal((await restricted('src/core/probe.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n")).length, 1);
    assert.equal((await restricted('src/core/probe.ts', "import { fork } from 'node:child_process';\nexport const x = fork;\n")).length, 1);
    assert.equal((await restricted('src/core/probe.ts', "import { Ctx } from '../host/ctx';\nexport const x = Ctx;\n")).length, 1);
  });

  it('src/host cannot import tfjs or the core', async () => {
    const tf = await restricted('src/host/probe.ts', "import * as tf from '@tensorflow/tfjs-core';\nexport const x = tf;\n");
    assert.match(tf[0] ?? '', /The host never computes/);
    assert.equal((await restricted('src/host/probe.ts', "import { parseModel } from '../core/model/parse';\nexport const x = parseModel;\n")).length, 1);
  });

  it('webviews cannot import the core or node; allowed imports pass', async () => {
    assert.equal((await restricted('webview/report/probe.ts', "import { analyzeModelText } from '../../src/core/report';\nexport const x = analyzeModelText;\n")).length, 1);
    assert.equal((await restricted('webview/report/probe.ts', "import type { ModelReport } from '../../src/protocol/report';\nexport type X = ModelReport;\n")).length, 0);
    assert.equal((await restricted('src/host/probe.ts', "import { Ping } from '../protocol/messages';\nexport const x = Ping;\n")).length, 0);
  });
});
