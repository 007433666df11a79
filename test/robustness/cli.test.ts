// Issue #13's bar for malformed input, held by a generated corpus (corpus.ts) run through the real CLI
// bundle as child processes under a memory cap and a time limit: every case must end with a non-zero exit
// and a located one-line error — no stack trace, no hang, no out-of-memory — and must lose no data: every
// file that existed before an area's cases ran (the valid run, the damaged copies, the model, the
// recordings) must have the same bytes afterwards. A table of the outcomes per area is printed at the end.
import { strict as assert } from 'node:assert';
import { availableParallelism, tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { lstatSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildCli, runCli, runCliAsync, STACK_LINE, unprivileged, type CliRun } from '../unit/cli-bundle';
import { faultCases, manifestCases, modelCases, nirCases, optionCases, readerCases, runCases, writeFixture, type Area, type Case, type Fixture } from './corpus';

/** The V8 heap each case gets (`--max-old-space-size`), and the resident memory it may reach in all (heap, wasm, buffers). */
const HEAP_MB = 512;
const RSS_CAP_MB = 1024;
/** A case still running after this is a hang. */
const TIME_LIMIT_MS = 20_000;

/**
 * Reader cases that fail today, left to the readers' own hardening (src/core/data, another engineer's
 * work): they are generated but not run, and listed in the hand-over. Empty once the readers pass.
 */
const READER_OPEN: ReadonlySet<string> = new Set<string>([]);

type Outcome = 'clear' | 'crash' | 'hang' | 'oom';
interface Result { c: Case; r: CliRun; outcome: Outcome; why: string }

/** A located error line: the CLI's `synops <command>: …` naming a file, an option or a line, or a compiler-style `file:line:col: error:`. */
const LOCATED = /^(synops( [a-z]+)?: .*(\/|--|:\d+:\d+)|\S+:\d+:\d+: error: )/;
const OUT_OF_MEMORY = /heap out of memory|Reached heap limit|allocation failed|Invalid typed array length|Invalid array length/i;

function judge(c: Case, r: CliRun): Result {
  const last = r.err.trimEnd().split('\n').pop() ?? '';
  const res = (outcome: Outcome, why: string): Result => ({ c, r, outcome, why });
  if (r.timedOut) return res('hang', `still running after ${TIME_LIMIT_MS / 1000} s`);
  if (OUT_OF_MEMORY.test(r.err) || r.signal === 'SIGABRT' || r.code === 134) return res('oom', last);
  if ((r.peakMb ?? 0) > RSS_CAP_MB) return res('oom', `peak ${Math.round(r.peakMb!)} MB`);
  if (r.code === 0) return res('crash', 'accepted (exit 0)');
  if (r.code !== 1 && r.code !== 2) return res('crash', `exit ${r.code ?? r.signal}: ${last}`);
  if (STACK_LINE.test(r.err)) return res('crash', 'a stack trace reached the user');
  if (!LOCATED.test(last)) return res('crash', `not a located error: ${JSON.stringify(last)}`);
  return res('clear', last);
}

/** Runs cases a few at a time (the machine has few cores and is shared). */
async function runAll(bundle: string, f: Fixture, cases: Case[]): Promise<Result[]> {
  const results: Result[] = new Array(cases.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < cases.length; i = next++) {
      const c = cases[i];
      const r = await runCliAsync(bundle, c.args, { cwd: f.root, heapMb: HEAP_MB, timeoutMs: TIME_LIMIT_MS, preload: c.preload, user: c.unprivileged ? unprivileged() : undefined });
      results[i] = judge(c, r);
    }
  };
  await Promise.all(Array.from({ length: Math.min(2, availableParallelism()) }, worker));
  return results;
}

const table: Result[] = [];
/** Per area, the files that existed before its cases ran and were changed or removed by them. */
const lost = new Map<Area, string[]>();

/** Every regular file under `dir` (links, pipes and devices are not followed), with the SHA-256 of its bytes. */
function snapshot(dir: string, into = new Map<string, string>()): Map<string, string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) snapshot(p, into);
    else if (st.isFile()) into.set(p, createHash('sha256').update(readFileSync(p)).digest('hex'));
  }
  return into;
}

/** The files of `before` whose bytes differ in `after`, or that are gone. */
function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...before].filter(([p, h]) => after.get(p) !== h).map(([p]) => p);
}

/** The summary table: per area, inputs tried and what became of them. */
function summary(results: Result[]): string {
  const areas = [...new Set(results.map((x) => x.c.area))] as Area[];
  const rows = [...areas, 'total'].map((a) => {
    const rs = a === 'total' ? results : results.filter((x) => x.c.area === a);
    const n = (o: Outcome): number => rs.filter((x) => x.outcome === o).length;
    const gone = a === 'total' ? [...lost.values()].flat().length : (lost.get(a as Area)?.length ?? 0);
    return [a, String(rs.length), String(n('clear')), String(n('crash')), String(n('hang')), String(n('oom')), String(gone)];
  });
  const head = ['area', 'inputs tried', 'clear errors', 'crashes', 'hangs', 'out-of-memory', 'files lost'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i ? c.padStart(w[i]) : c.padEnd(w[i]))).join('  ');
  return [line(head), w.map((x) => '-'.repeat(x)).join('  '), ...rows.map(line)].join('\n');
}

describe('robustness: malformed input through the CLI', () => {
  let bundle = '';
  let f: Fixture;
  const cases = new Map<Area, Case[]>();

  before(async () => {
    bundle = await buildCli();
    f = writeFixture(mkdtempSync(join(tmpdir(), 'synops-robust-')));
    const r = runCli(bundle, ['train', f.model, '--data', f.data, '--out', f.run, '--snn-samples', '0', '--threads', '1', '--workspace', f.workspace], { cwd: f.root });
    assert.equal(r.code, 0, `the valid run the damaged ones are copied from: ${r.err}`);
    cases.set('model files', modelCases(f));
    cases.set('TF.js manifests', manifestCases(f));
    cases.set('run folders', runCases(f));
    cases.set('CLI options', optionCases(f));
    cases.set('faults', faultCases(f));
    cases.set('readers', readerCases(f, READER_OPEN));
    cases.set('NIR graphs', await nirCases(f));
  });

  after(() => {
    if (!table.length) return;
    const slow = [...table].sort((a, b) => b.r.ms - a.r.ms).slice(0, 5).map((x) => `${x.c.name} ${(x.r.ms / 1000).toFixed(1)} s`);
    console.log(`\n${summary(table)}\nslowest: ${slow.join('; ')}\n(heap ${HEAP_MB} MB, resident cap ${RSS_CAP_MB} MB, ${TIME_LIMIT_MS / 1000} s per case${READER_OPEN.size ? `; ${READER_OPEN.size} reader cases left to the readers' hardening` : ''})`);
  });

  for (const area of ['model files', 'TF.js manifests', 'run folders', 'CLI options', 'faults', 'readers', 'NIR graphs'] as Area[]) {
    it(`${area}: every case is a located one-line error`, async () => {
      const before = snapshot(f.root);
      const results = await runAll(bundle, f, cases.get(area) ?? []);
      table.push(...results);
      lost.set(area, changed(before, snapshot(f.root)));
      assert.deepEqual(lost.get(area), [], `files changed or removed by failing commands (data lost): ${lost.get(area)!.join(', ')}`);
      const bad = results.filter((x) => x.outcome !== 'clear');
      assert.equal(bad.length, 0, bad.map((x) => `${x.outcome}: ${x.c.name} (synops ${x.c.args.join(' ')})\n  ${x.why}\n  ${x.r.err.split('\n').slice(0, 6).join('\n  ')}`).join('\n'));
    });
  }
});
