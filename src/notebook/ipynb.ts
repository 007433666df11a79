/**
 * "Export Run as Notebook" as data: the `.ipynb` (nbformat 4.5) of a run — a summary, its energy report
 * and the workspace's trade-off as `display_data` outputs under the SynOps MIME types with a text
 * fallback — so the file opens with its outputs in VS Code, Jupyter or on GitHub.
 */
import type { ModelReport } from '../protocol/report';
import type { RunRow } from '../protocol/runs';
import { describeRun } from '../protocol/runText';
import type { TradeoffPayload } from '../protocol/views';
import { reportOutput, tradeoffOutput, type OutputItem } from './outputs';

/** nbformat's multi-line string: lines that keep their `\n`, the last one without. */
export type MultiLine = string[];

export interface IpynbOutput { output_type: 'display_data'; data: Record<string, unknown>; metadata: Record<string, unknown> }
export interface IpynbCell {
  cell_type: 'markdown' | 'code';
  id: string;
  metadata: Record<string, unknown>;
  source: MultiLine;
  execution_count?: null;
  outputs?: IpynbOutput[];
}
export interface Ipynb {
  nbformat: 4;
  nbformat_minor: 5;
  metadata: { language_info: { name: string }; synops: { runId: string; exportedBy: string; exportedAt: string } };
  cells: IpynbCell[];
}

/** `a\nb\n` → `['a\n', 'b\n']`; `a\nb` → `['a\n', 'b']`. */
export function multiLine(text: string): MultiLine {
  return text.split('\n').map((l, i, all) => (i < all.length - 1 ? `${l}\n` : l)).filter((l) => l !== '');
}

/** A cell id: 8 hex digits (nbformat 4.5 wants 1–64 of `[a-zA-Z0-9-_]`). */
export function newCellId(): string {
  const bytes = new Uint8Array(4);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A `display_data` output of items; text items become nbformat multi-line strings. */
export function displayData(items: OutputItem[]): IpynbOutput {
  return { output_type: 'display_data', data: Object.fromEntries(items.map((i) => ('text' in i ? [i.mime, multiLine(i.text)] : [i.mime, i.json]))), metadata: {} };
}

export interface RunNotebookInput {
  run: RunRow;
  report: ModelReport;
  tradeoff: TradeoffPayload;
  /** `SynOps Studio <version>` goes into the metadata. */
  version: string;
  /** ISO time of the export. */
  exportedAt: string;
  newId?: () => string;
}

/** The `.ipynb` of a run: a summary, its energy report, the workspace's trade-off. */
export function runNotebook({ run, report, tradeoff, version, exportedAt, newId = newCellId }: RunNotebookInput): Ipynb {
  const summary = [
    `# SynOps run ${run.id}`,
    '',
    `${run.modelName ? `Model **${run.modelName}**: ` : ''}${run.title ? `${run.title} · ` : ''}${describeRun(run)}; backend ${run.backend ?? '—'}, epochs ${run.epochsDone ?? '?'}/${run.epochs ?? '?'}.`,
    '',
    'The outputs below are drawn by the SynOps Studio notebook renderer (MIME types `application/vnd.synops.report+json` and',
    '`application/vnd.synops.tradeoff+json`, see its docs); elsewhere they show as text. To recompute them, run the cells with',
    'the "SynOps" kernel of SynOps Studio: each line is a command (`report <model.snn.json>`, `tradeoff`, `raster <event file> [chunk] [run]`).',
  ].join('\n');
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { language_info: { name: 'plaintext' }, synops: { runId: run.id, exportedBy: `SynOps Studio ${version}`, exportedAt } },
    cells: [
      { cell_type: 'markdown', id: newId(), metadata: {}, source: multiLine(summary) },
      {
        cell_type: 'code', id: newId(), metadata: {}, execution_count: null,
        source: multiLine(`# Energy report of run ${run.id}: SynOps per layer of its spiking network\nreport model.snn.json`),
        outputs: [displayData(reportOutput(report))],
      },
      {
        cell_type: 'code', id: newId(), metadata: {}, execution_count: null,
        source: multiLine('# Accuracy vs SynOps of every run in the workspace\ntradeoff'),
        outputs: [displayData(tradeoffOutput(tradeoff))],
      },
    ],
  };
}
