import { DATA_USAGE, runData } from './data';
import { describeFault, EXIT_FAULT, EXIT_INTERNAL, withFaults } from './errors';
import { EVENTS_USAGE, runEvents } from './events';
import { EXPORT_USAGE, IMPORT_USAGE, runExport, runImport } from './nir';
import { runSimulate, SIMULATE_USAGE } from './simulate';
import { REPRODUCE_USAGE, runReproduce } from './reproduce';
import { runSummary, SUMMARY_USAGE } from './summary';
import { EVAL_USAGE, runEval, runSweep, runTrain, SWEEP_USAGE, TRAIN_USAGE } from './train';

/**
 * Each command takes its arguments and returns the process exit code: 0 ok, 1 bad input or an ordinary
 * fault (a one-line message), 2 usage; a thrown ordinary fault is worded here (`errors.ts`), anything
 * else is an internal error, 70.
 */
const COMMANDS: Record<string, { run: (args: string[]) => number | Promise<number>; usage: string }> = {
  summary: { run: runSummary, usage: SUMMARY_USAGE },
  simulate: { run: runSimulate, usage: SIMULATE_USAGE },
  events: { run: runEvents, usage: EVENTS_USAGE },
  data: { run: runData, usage: DATA_USAGE },
  train: { run: runTrain, usage: TRAIN_USAGE },
  sweep: { run: runSweep, usage: SWEEP_USAGE },
  eval: { run: runEval, usage: EVAL_USAGE },
  reproduce: { run: runReproduce, usage: REPRODUCE_USAGE },
  import: { run: runImport, usage: IMPORT_USAGE },
  export: { run: runExport, usage: EXPORT_USAGE },
};

function usage(): string {
  return `usage: synops <command> [options]   (synops <command> --help: that command's options)\n\ncommands:\n${Object.values(COMMANDS).map((c) => c.usage).join('\n')}`;
}

/** The command line being run, for the name in messages of faults raised outside `main`'s await. */
let current = '';

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h') { console.log(usage()); return 0; }
  if (!command) { console.error(`synops: give a command: ${Object.keys(COMMANDS).join(', ')} (synops --help shows them)`); return 2; }
  const entry = COMMANDS[command];
  if (!entry) { console.error(`synops: unknown command "${command}"; commands: ${Object.keys(COMMANDS).join(', ')} (synops --help shows them)`); return 2; }
  // Every command answers --help with its usage, whatever else is on the line.
  if (rest.includes('--help') || rest.includes('-h')) { console.log(`usage: synops ${entry.usage.trimStart()}`); return 0; }
  current = command;
  return withFaults(command, () => entry.run(rest));
}

/** A fault thrown where nothing awaits it (a stream's error event): worded like the others, then exit. */
function last(e: unknown): void {
  const fault = describeFault(e, current);
  if (fault !== undefined) { console.error(`synops ${current}: ${fault}`); process.exit(EXIT_FAULT); }
  console.error(`synops: internal error: ${(e as Error)?.stack ?? String(e)}`);
  process.exit(EXIT_INTERNAL);
}

// Output piped into `head` that closes early is not a failure.
process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); else last(e); });
process.on('uncaughtException', last);

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
  console.error(`synops: internal error: ${(e as Error)?.stack ?? String(e)}`);
  process.exitCode = EXIT_INTERNAL;
});
