/** File writes that never leave half a file behind. */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes `data` to `path` atomically and durably: into a temporary file beside it, flushed to the disk
 * (fsync), renamed over `path`, then the folder flushed so the rename itself survives a power cut. A reader,
 * a crash or a power cut sees the old content or the new one, never a mix or an empty file. Creates the
 * parent folder.
 */
export function writeAtomic(path: string, data: Uint8Array | string): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  try {
    const fd = openSync(tmp, 'wx');
    try {
      for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally { closeSync(fd); }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    // A failed write or fsync (a full disk) carries no path: name the file meant, for the message.
    const err = e as NodeJS.ErrnoException;
    if (err && typeof err === 'object' && err.code && !err.path) err.path = path;
    throw e;
  }
  syncFolder(dir);
}

/** Flushes a folder's entries (the rename); where folders cannot be opened for it (Windows), there is nothing to do. */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (e) {
    if (!['EISDIR', 'EPERM', 'EACCES', 'EINVAL'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
