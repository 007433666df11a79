/**
 * The cell commands of the SynOps notebook kernel, as text: one command per line, `#` or `//` start a
 * comment, a leading `%synops` (IPython-style magic) is allowed. Parsing only; the host runs the commands.
 *
 *   report <model.snn.json>              energy report          application/vnd.synops.report+json
 *   tradeoff                              the workspace's runs   application/vnd.synops.tradeoff+json
 *   raster <event file> [chunk] [run]     one chunk's raster     application/vnd.synops.raster+json
 */

/** One parsed command line. `chunk` is 0-based; `run` is a run folder or a run id. */
export type CellCommand =
  | { kind: 'report'; model: string }
  | { kind: 'tradeoff' }
  | { kind: 'raster'; file: string; chunk: number; run?: string };

/** The commands in one line, as the kernel's description and its errors list them. */
export const CELL_COMMANDS_HELP = 'report <model.snn.json> · tradeoff · raster <event file> [chunk] [run]';

/** Words of a command line; "double quotes" keep spaces. */
export function splitArgs(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|(\S+)/g)) out.push(m[1] ?? m[2]);
  return out;
}

/** The command lines of a cell: comments and blank lines dropped, a leading `%synops` removed. */
export function commandLines(source: string): string[] {
  return source.split(/\r?\n/).map((l) => l.trim().replace(/^%+synops\s+/, '')).filter((l) => l && !l.startsWith('#') && !l.startsWith('//'));
}

/** One command line parsed; a wrong one throws a one-line error that says the usage. */
export function parseCommand(line: string): CellCommand {
  const [command, ...args] = splitArgs(line);
  switch (command) {
    case 'report':
      if (args.length !== 1) throw new Error('usage: report <model.snn.json>');
      return { kind: 'report', model: args[0] };
    case 'tradeoff':
      if (args.length !== 0) throw new Error('usage: tradeoff (it takes no arguments: it draws every run of the workspace)');
      return { kind: 'tradeoff' };
    case 'raster': {
      if (args.length < 1 || args.length > 3) throw new Error('usage: raster <event file> [chunk] [run folder or id]');
      const chunk = args[1] === undefined ? 0 : Number(args[1]);
      if (!/^\d+$/.test(args[1] ?? '0') || !Number.isSafeInteger(chunk)) throw new Error(`raster: the chunk must be a whole number ≥ 0, not ${args[1]}`);
      return { kind: 'raster', file: args[0], chunk, ...(args[2] !== undefined ? { run: args[2] } : {}) };
    }
    default:
      throw new Error(`unknown command "${command}": the SynOps kernel knows ${CELL_COMMANDS_HELP.replace(/ · /g, ', ')}`);
  }
}

/** Every command of a cell, parsed before any runs: a typo on the last line costs no work on the first. */
export function parseCell(source: string): CellCommand[] {
  return commandLines(source).map(parseCommand);
}
