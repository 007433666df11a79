/**
 * What the CLI prints for a failure. Ordinary faults — a file the user named is missing or damaged, a
 * folder is not writable, the disk is full, the data does not fit the model — are one line naming the
 * file (and where in it) and the fix, exit 1. Anything else is a bug in this tool: exit 70 with the
 * stack, so it can be reported.
 */
import { DownloadError } from '../io/data/download';
import { EventDataError } from '../core/data/events';
import { FileFormatError } from '../core/jsonText';
import { TrainError } from '../core/train/types';

/** Exit code of an ordinary fault (bad input, file system) and of a bug. */
export const EXIT_FAULT = 1;
export const EXIT_INTERNAL = 70;

/** A problem the CLI itself found, already worded as one line. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/** What `err.code` means, in words. */
const REASONS: Record<string, string> = {
  EACCES: 'permission denied', EPERM: 'operation not permitted', ENOSPC: 'no space left on the disk', EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system', ENOENT: 'no such file or folder', EISDIR: 'it is a folder, not a file', ENOTDIR: 'a part of the path is a file, not a folder',
  EMFILE: 'too many open files', ENFILE: 'too many open files in the system', EEXIST: 'it already exists', ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links', EIO: 'input/output error', EFBIG: 'the file is too large', EBUSY: 'the file is busy', ENOTEMPTY: 'the folder is not empty',
  EXDEV: 'it is on another device', ETXTBSY: 'the file is busy',
};

const WRITES = new Set(['mkdir', 'rename', 'write', 'fsync', 'unlink', 'rmdir', 'rm', 'copyfile', 'symlink', 'link', 'ftruncate', 'chmod', 'utime', 'futime', 'close']);

/** Where a command writes, as the end of "choose a writable …". */
const WRITES_TO: Record<string, string> = {
  train: '--out (or --workspace)', sweep: '--out (or --workspace)', reproduce: '--out (or --workspace)', eval: 'run folder (copy the run somewhere you can write)',
  events: '--out', data: '--out or --dir', import: '--out', export: '--nir path', simulate: 'model folder (--save writes beside the model)',
};

interface ErrnoLike { code: string; syscall?: string; path?: string; dest?: string; message: string }

function isErrno(e: unknown): e is ErrnoLike {
  const x = e as Partial<ErrnoLike> | undefined;
  return !!x && typeof x.code === 'string' && /^E[A-Z]+$/.test(x.code) && typeof x.message === 'string' && x.code in REASONS;
}

/** A file system error as `cannot write /x/run.json: permission denied (EACCES); choose a writable --out`. */
export function fsFault(e: ErrnoLike, command: string): string {
  // An atomic write goes through `<file>.<pid>.<hex>.tmp` (io.ts): name the file meant.
  const tmp = /^(.*)\.\d+\.[0-9a-f]{8}\.tmp$/.exec(e.path ?? '');
  const path = e.syscall === 'rename' ? e.dest ?? e.path : tmp ? tmp[1] : e.path;
  // An `open` may be for reading or writing; a read-only file system only refuses writes.
  const writing = WRITES.has(e.syscall ?? '') || !!tmp || e.code === 'EROFS';
  const opening = e.syscall === 'open' && !writing;
  const verb = e.syscall === 'mkdir' ? 'cannot create the folder' : writing ? 'cannot write' : opening ? 'cannot open' : e.syscall === 'scandir' ? 'cannot list' : e.syscall === 'read' ? 'cannot read' : 'cannot use';
  const writable = `choose a writable ${WRITES_TO[command] ?? 'folder'}`;
  let fix: string;
  switch (e.code) {
    case 'EACCES': case 'EPERM': case 'EROFS':
      fix = writing ? writable : opening && WRITES_TO[command] ? `check its permissions, or ${writable}` : 'check its permissions, or run as a user who may read it';
      break;
    case 'ENOSPC': case 'EDQUOT': case 'EFBIG':
      fix = `free some space and run again${['train', 'sweep', 'reproduce'].includes(command) ? ' (an unfinished run resumes from its last checkpoint)' : ''}`;
      break;
    case 'ENOENT': fix = writing ? 'check that its folder exists' : 'check the path'; break;
    case 'EISDIR': fix = 'give a file, not a folder'; break;
    case 'ENOTDIR': fix = 'check the path: one of its folders is a file'; break;
    case 'EMFILE': case 'ENFILE': fix = 'close other programs or raise the limit (ulimit -n)'; break;
    case 'EEXIST': fix = 'remove it or choose another folder'; break;
    case 'ELOOP': fix = 'check the symbolic links on the path'; break;
    default: fix = 'check the path and the disk';
  }
  return `${verb} ${path ?? '(unknown path)'}: ${REASONS[e.code]} (${e.code}); ${fix}`;
}

/**
 * The one line for an ordinary fault, or undefined for a bug. Reader, download, training and damaged-file
 * errors already name the file and the fix; file system errors get them here.
 */
export function describeFault(e: unknown, command: string): string | undefined {
  if (e instanceof CliError || e instanceof TrainError || e instanceof EventDataError || e instanceof DownloadError || e instanceof FileFormatError) return oneLine((e as Error).message);
  if (isErrno(e)) return fsFault(e, command);
  return undefined;
}

/**
 * Runs a command, printing an ordinary fault as `synops <command>: <one line>` and returning exit 1; a bug
 * is rethrown (exit 70 with its stack in `main`). Each command's exported entry goes through it, so a
 * caller of `runEvents` & co. gets the exit code the CLI would give.
 */
export async function withFaults(command: string, run: () => number | Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (e) {
    const fault = describeFault(e, command);
    if (fault === undefined) throw e;
    console.error(`synops ${command}: ${fault}`);
    return EXIT_FAULT;
  }
}

/** Messages are one line: a multi-line message (a quoted file, a nested error) is joined. */
export function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}
