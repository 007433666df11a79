/**
 * The lock of a run folder: one training per folder at a time, so two processes never write the same
 * checkpoints; a lock left by a dead process of this host is taken over, saying so.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { TrainError } from '../../core/train/types';

/** The lock file of a run folder (see `lockRunFolder`). */
export const LOCK_FILE = '.lock';

/** What a lock file holds: who trains in the folder. */
interface LockInfo { pid: number; host: string; startedAt: string }

/** Whether process `pid` runs on this machine (signal 0 checks without signalling; EPERM: it runs, as another user). */
function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/**
 * Takes the run folder `dir` for this process (creating it): an exclusive lock file (`wx`) holding pid,
 * host and start time, so a second training on the same `--out` is refused instead of both writing the
 * same checkpoints. A lock left by a process of this host that no longer runs (killed, crashed) is taken
 * over and `note` says so; a lock of another host cannot be checked and is refused with how to remove
 * it. Returns the release function (call it in `finally`).
 */
export function lockRunFolder(dir: string, note: (message: string) => void = () => undefined): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  const mine: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
      let held: Partial<LockInfo> = {};
      try { held = JSON.parse(readFileSync(path, 'utf8')) as LockInfo; } catch { /* an empty or torn lock: judged below */ }
      const who = held.pid ? `process ${held.pid} on ${held.host ?? 'an unknown host'} since ${held.startedAt ?? 'an unknown time'}` : 'an unreadable lock';
      if (held.pid && held.host === mine.host && !alive(held.pid)) {
        note(`taking over the lock of ${dir}: ${who} no longer runs`);
        rmSync(path, { force: true });
        continue;
      }
      throw new TrainError('bad-input', `${dir} is in use by ${who} (${path}); wait for that training to end or choose another --out${held.host !== mine.host ? `; if nothing trains there any more, delete ${path}` : ''}`);
    }
    try { writeSync(fd, JSON.stringify(mine)); } finally { closeSync(fd); }
    return () => {
      // Only our own lock is removed: a lock taken over by another process after a long stall stays.
      try { if ((JSON.parse(readFileSync(path, 'utf8')) as LockInfo).pid === process.pid) rmSync(path, { force: true }); } catch { /* already gone */ }
    };
  }
}
