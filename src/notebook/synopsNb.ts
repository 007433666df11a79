/**
 * The extension's own small notebook file, `*.synops-nb`: JSON of cells with their outputs as text (every
 * SynOps output is JSON or text). Reading is lenient about what it can default (an empty file is an empty
 * notebook, a missing language is plaintext or markdown) and refuses what is not JSON in one line.
 */

export interface NbOutputItem { mime: string; data: string }
export interface NbCell { kind: 'code' | 'markdown'; language: string; source: string; outputs: { items: NbOutputItem[] }[] }

/** The file as written. */
export interface SynopsNotebookFile {
  format: 'synops-notebook';
  version: 1;
  cells: { kind: 'code' | 'markdown'; language?: string; source: string; outputs?: { items: NbOutputItem[] }[] }[];
}

/** The cells of a `.synops-nb` file's text; `file` names it in the error. */
export function parseSynopsNotebook(text: string, file = 'the notebook'): NbCell[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch (e) {
    throw new Error(`${file} is not a SynOps notebook (JSON of cells): ${(e as Error).message}`);
  }
  const cells = (parsed as Partial<SynopsNotebookFile> | null)?.cells;
  return (Array.isArray(cells) ? cells : []).map((c) => {
    const kind = c?.kind === 'markdown' ? 'markdown' : 'code';
    return {
      kind,
      language: typeof c?.language === 'string' ? c.language : kind === 'markdown' ? 'markdown' : 'plaintext',
      source: String(c?.source ?? ''),
      outputs: (Array.isArray(c?.outputs) ? c.outputs : []).map((o) => ({
        items: (Array.isArray(o?.items) ? o.items : []).map((i) => ({ mime: String(i?.mime), data: String(i?.data) })),
      })),
    };
  });
}

/** The text of a `.synops-nb` file holding `cells` (outputs left out of cells that have none). */
export function serializeSynopsNotebook(cells: NbCell[]): string {
  const file: SynopsNotebookFile = {
    format: 'synops-notebook',
    version: 1,
    cells: cells.map((c) => ({ kind: c.kind, language: c.language, source: c.source, ...(c.outputs.length ? { outputs: c.outputs } : {}) })),
  };
  return JSON.stringify(file, null, 2) + '\n';
}
