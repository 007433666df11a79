/**
 * The runs of a workspace as the Runs view and the trade-off view list them: one row per run folder
 * under `.synops/runs/` (and per run of a sweep folder there), read from its `run.json` and, when evaluated, `evaluation.json`. A folder whose
 * files cannot be read is listed with the reason instead of failing the whole list.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { runsDir } from './run';
import type { Evaluation, RunInfo } from '../../core/train/types';
import type { RunRow } from '../../protocol/runs';
import { strategyLabel } from '../../protocol/strategy';

export type { RunRow };

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** Run folders under `.synops/runs/`: each run, and the runs of each sweep folder one level down (`<sweep>/<run>`). */
function runFolders(root: string): { id: string; dir: string }[] {
  const out: { id: string; dir: string }[] = [];
  for (const name of readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    const dir = join(root, name);
    if (existsSync(join(dir, 'run.json'))) { out.push({ id: name, dir }); continue; }
    for (const sub of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
      if (existsSync(join(dir, sub, 'run.json'))) out.push({ id: `${name}/${sub}`, dir: join(dir, sub) });
    }
  }
  return out;
}


/** SynOps in a few characters: 500 k, 1.2 M (targets are round numbers, so three digits are plenty). */
function short(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e6) return `${Number((n / 1e6).toPrecision(3))} M`;
  if (abs >= 1e3) return `${Number((n / 1e3).toPrecision(3))} k`;
  return String(Number(n.toPrecision(3)));
}

/** A run's name in lists: its strategy and, for the SynOp loss, its target (`SynOp loss + QReLU · S₀ 500 k`). */
export function runTitle(strategy: string, target?: number): string {
  const name = strategyLabel(strategy);
  return target !== undefined && strategy.startsWith('synops') ? `${name} · S₀ ${short(target)}` : name;
}

/**
 * Whether "Resume Run" can continue the run: it stopped (cancelled, or failed: a resume retries from the last
 * good epoch) and its checkpoint is there to continue from.
 */
export function canResume(dir: string, info: Pick<RunInfo, 'state'>): boolean {
  return (info.state === 'cancelled' || info.state === 'failed') && existsSync(join(dir, 'checkpoint.json'));
}

/** The runs of a workspace (`<workspace>/.synops/runs/`). */
export function listRuns(workspace: string): RunRow[] {
  return listRunsIn(runsDir(workspace));
}

/** The runs in one folder of run folders (a workspace's `.synops/runs/`, or a reproduction's `runs/`). */
export function listRunsIn(root: string): RunRow[] {
  if (!existsSync(root)) return [];
  return runFolders(root).map(({ id, dir }) => readRow(id, dir));
}

/**
 * The row of one run from its record and, when evaluated, its evaluation: what the lists show for it. A run
 * just made passes what it holds in memory; `listRunsIn` what it read.
 */
export function runRow(id: string, dir: string, info: RunInfo, ev?: Evaluation): RunRow {
  const row: RunRow = {
    id, dir, modelName: info.modelName, modelHash: info.modelHash, strategy: info.config.strategy, target: info.config.target, state: info.state,
    epochsDone: info.epochsDone, epochs: info.config.epochs, backend: info.backend.name, createdAt: info.createdAt,
    title: runTitle(info.config.strategy, info.config.target),
    ...(info.message ? { message: info.message } : {}),
    ...(canResume(dir, info) ? { resumable: true } : {}),
  };
  if (ev) {
    row.annAccuracy = ev.annQuantized.accuracy;
    row.annSynops = ev.annQuantized.totalSynops;
    row.snnAccuracy = ev.snn?.accuracy;
    row.snnSynops = ev.snn?.totalSynops;
    row.snnSamples = ev.snn?.samples;
    row.scaled = ev.scaled?.map((s) => ({ rho: s.rho, annAccuracy: s.annQuantized.accuracy, annSynops: s.annQuantized.totalSynops, snnAccuracy: s.snn?.accuracy, snnSynops: s.snn?.totalSynops }));
  }
  return row;
}

/** The row of the run folder `dir` read from its files, or the reason it cannot be read. */
function readRow(id: string, dir: string): RunRow {
  try {
    const info = readJson<RunInfo>(join(dir, 'run.json'));
    return runRow(id, dir, info, existsSync(join(dir, 'evaluation.json')) ? readJson<Evaluation>(join(dir, 'evaluation.json')) : undefined);
  } catch (e) {
    return { id, dir, problem: `cannot read ${dir}: ${(e as Error).message}` };
  }
}

/**
 * The id the lists give the run folder `dir` of `workspace`: its path under the workspace's runs folder
 * (`<run>` or `<sweep>/<run>`), or its folder name when it lies elsewhere (a run written to `out`).
 */
export function runIdOf(workspace: string | undefined, dir: string): string {
  const rel = workspace === undefined ? '' : relative(runsDir(workspace), dir);
  return rel && !rel.startsWith('..') && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel) ? rel.split(sep).join('/') : basename(dir);
}

/** The row of the one run folder `dir` of `workspace`, read alone (the other runs are not read). */
export function readRunRow(workspace: string | undefined, dir: string): RunRow {
  return readRow(runIdOf(workspace, dir), dir);
}
