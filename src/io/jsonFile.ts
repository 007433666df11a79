/**
 * Reads the JSON files this tool reads back (a run's `run.json`, `metrics.json`, `checkpoint.json`, a TF.js
 * `model.json`) with a size bound; the text is parsed by `src/core/jsonText.ts`, which reports damage in one
 * line that names the file.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { FileFormatError, MAX_JSON_FILE_BYTES, parseJsonText } from '../core/jsonText';

/**
 * Reads and parses a JSON file. A folder, pipe or device, or a file over `maxBytes`, is a
 * `FileFormatError` before anything is read; file system errors (ENOENT, EACCES, …) are thrown as they are.
 */
export function readJsonFile(file: string, fix: string, maxBytes = MAX_JSON_FILE_BYTES): unknown {
  if (!statSync(file).isFile()) throw new FileFormatError(file, `${file}: not a regular file (a folder, pipe or device); ${fix}`);
  const fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  let text: string;
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) throw new FileFormatError(file, `${file}: ${size.toLocaleString('en-US')} bytes, more than the ${maxBytes.toLocaleString('en-US')} such a file can have; ${fix}`);
    const bytes = Buffer.alloc(size);
    for (let at = 0; at < size;) {
      const n = readSync(fd, bytes, at, size - at, at);
      if (n === 0) break;
      at += n;
    }
    text = bytes.toString('utf8');
  } finally {
    closeSync(fd);
  }
  return parseJsonText(text, file, fix);
}
