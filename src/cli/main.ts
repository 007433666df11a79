import { DATA_USAGE, runData } from './data';
import { EVENTS_USAGE, runEvents } from './events';
import { runSimulate, SIMULATE_USAGE } from './simulate';
import { REPRODUCE_USAGE, runReproduce } from './reproduce';
import { runSummary, SUMMARY_USAGE } from './summary';
import { EVAL_USAGE, runEval, runSweep, runTrain, SWEEP_USAGE, TRAIN_USAGE } from './train';

/** Each command takes its arguments and returns the process exit code (0 ok, 1 bad input, 2 usage). */
const COMMANDS: Record<string, { run: (args: string[]) => number | Promise<number>; usage: string }> = {
  summary: { run: runSummary, usage: SUMMARY_USAGE },
  simulate: { run: runSimulate, usage: SIMULATE_USAGE },
  events: { run: runEvents, usage: EVENTS_USAGE },
  data: { run: runData, usage: DATA_USAGE },
  train: { run: runTrain, usage: TRAIN_USAGE },
  sweep: { run: runSweep, usage: SWEEP_USAGE },
  eval: { run: runEval, usage: EVAL_USAGE },
  reproduce: { run: runReproduce, usage: REPRODUCE_USAGE },
};

function usage(): string {
  return `usage: synops <command> [options]\n\ncommands:\n${Object.values(COMMANDS).map((c) => c.usage).join('\n')}`;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') { console.log(usage()); return command ? 0 : 2; }
  const entry = COMMANDS[command];
  if (!entry) { console.error(`synops: unknown command "${command}"\n${usage()}`); return 2; }
  return entry.run(rest);
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
  console.error(`synops: internal error: ${(e as Error).stack ?? String(e)}`);
  process.exitCode = 70;
});
