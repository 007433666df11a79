/** Reading a model file from disk: the one way the CLI, training and the worker's views load one. */
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { MAX_MODEL_FILE_BYTES } from '../../core/model/limits';
import { parseModel, type ModelDiagnostic, type ParsedModel } from '../../core/model/parse';

const AT_START = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };

/**
 * Reads `path` and parses it with `parseModel`. What is not a regular file (a folder, a named pipe that
 * would block the read, a device that never ends) or is larger than `MAX_MODEL_FILE_BYTES` is refused as a
 * diagnostic at 1:1 without reading it. File system errors (ENOENT, EACCES, …) are thrown as they are,
 * for the caller to word. A UTF-8 byte order mark is dropped.
 */
export function readModelFile(path: string): ParsedModel {
  const refuse = (code: string, message: string): ParsedModel => ({ diagnostics: [{ code, severity: 'error', range: AT_START, message }], layerRanges: [] });
  if (!statSync(path).isFile()) return refuse('file/not-regular', 'not a regular file (a folder, pipe or device); a model file is a *.snn.json file');
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const size = fstatSync(fd).size;
    if (size > MAX_MODEL_FILE_BYTES) return refuse('limit/file-size', `${size.toLocaleString('en-US')} bytes; a model file has at most ${MAX_MODEL_FILE_BYTES.toLocaleString('en-US')} (is this the right file?)`);
    const bytes = Buffer.alloc(size);
    for (let at = 0; at < size;) {
      const n = readSync(fd, bytes, at, size - at, at);
      if (n === 0) break;
      at += n;
    }
    return parseModel(bytes.toString('utf8').replace(/^\uFEFF/, ''), path);
  } finally {
    closeSync(fd);
  }
}

/** A diagnostic as compilers print one: `file:line:column: severity: message [code]`, 1-based. */
export function diagnosticLine(file: string, d: ModelDiagnostic): string {
  return `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity}: ${d.message} [${d.code}]`;
}
