/**
 * JSON text of the files this tool reads back (a run's `run.json`, `metrics.json`, `checkpoint.json`, a TF.js
 * `model.json`): damage reported as `file:line:column: what; the fix` in one line instead of a bare
 * `SyntaxError` without a file. Reading the file, with a size bound, is `src/io/jsonFile.ts`.
 */
import { parse, type ParseError } from 'jsonc-parser';

/** A file that exists but cannot be used as what it should be: its message is one line that names it. */
export class FileFormatError extends Error {
  override readonly name = 'FileFormatError';
  constructor(readonly file: string, message: string) { super(message); }
}

/**
 * Largest JSON file read back, in bytes: a `metrics.json` of 10,000 epochs is about 10 MB; a TF.js
 * `model.json` of `MAX_LAYERS` layers under 1 MB. Anything larger is not one of ours.
 */
export const MAX_JSON_FILE_BYTES = 64 << 20;

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) { line++; start = i + 1; }
  return { line, column: offset - start + 1 };
}

/**
 * Where the nesting of arrays and objects first passes `max` (the offset of that bracket), or
 * -1. Strings are skipped; comments too, so a bracket inside one is not counted (comments are refused by
 * the parse itself). Runs before the parser, which recurses once per level.
 */
export function excessiveNesting(text: string, max: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22) { // a string: skip to its closing quote
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (ch === 0x2f && text.charCodeAt(i + 1) === 0x2f) {
      while (i < text.length && text.charCodeAt(i) !== 10) i++;
    } else if (ch === 0x2f && text.charCodeAt(i + 1) === 0x2a) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 1;
    } else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > max) return i;
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return -1;
}

/** Parses `text` of `file`; damage throws a `FileFormatError` at its line and column, with `fix`. */
export function parseJsonText(text: string, file: string, fix: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const m = /position (\d+)/.exec(message);
    const { line, column } = lineColumn(text, m ? Number(m[1]) : errorOffset(text));
    // V8 quotes the whole text in some messages ("Unexpected token 'x', "{…}" is not valid JSON"): cut it.
    const why = message.split(', "')[0].replace(/ at position \d+.*$/, '').replace(/ in JSON$/, '');
    throw new FileFormatError(file, `${file}:${line}:${column}: damaged JSON (${why}); ${fix}`);
  }
}

/** Offset of the first syntax error, as jsonc-parser finds it (V8 does not always say); bounded nesting first, since it recurses. */
function errorOffset(text: string): number {
  const deep = excessiveNesting(text, 1000);
  if (deep >= 0) return deep;
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false });
  return errors[0]?.offset ?? text.length;
}
