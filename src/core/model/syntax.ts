/**
 * One diagnostic for a JSON syntax error in a model file: the first error jsonc-parser finds, in plain
 * words, with a quick fix where the repair is certain (a missing comma between two values, a trailing
 * comma before `}` or `]`). Later errors are usually echoes of the first (a trailing comma gives both
 * "property name expected" and "value expected"), so only the first is reported.
 */
import { printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { ModelDiagnostic, Range } from '../../protocol/report';

const WORDS: Record<string, string> = {
  InvalidSymbol: 'this is not JSON here (names and strings need double quotes; true, false and null are lower case)',
  InvalidNumberFormat: 'this number is not valid JSON',
  PropertyNameExpected: 'a property name in double quotes is expected here',
  ValueExpected: 'a value is expected here',
  ColonExpected: 'a colon (:) is missing after the property name',
  CommaExpected: 'a comma is missing before this',
  CloseBraceExpected: 'a closing } is missing',
  CloseBracketExpected: 'a closing ] is missing',
  EndOfFileExpected: 'there is text after the end of the model object',
  UnexpectedEndOfComment: 'a comment is not closed',
  UnexpectedEndOfString: 'a string is not closed (a " is missing)',
  UnexpectedEndOfNumber: 'a number ends too early',
  InvalidUnicode: 'an invalid \\u escape in a string',
  InvalidEscapeCharacter: 'an invalid escape (\\) in a string',
  InvalidCharacter: 'a control character (a tab or line break) inside a string',
};

/** Offset of the last non-whitespace character before `offset`, or -1. */
function previousToken(text: string, offset: number): number {
  let i = Math.min(offset, text.length) - 1;
  while (i >= 0 && /\s/.test(text[i])) i--;
  return i;
}

/**
 * The diagnostic for the first of `errors` (undefined when there is none). `range(offset, length)` maps
 * text offsets to lines and characters; `source` names the file.
 */
export function syntaxDiagnostic(text: string, errors: readonly ParseError[], range: (offset: number, length: number) => Range, source: string): ModelDiagnostic | undefined {
  const e = errors[0];
  if (!e) return undefined;
  const code = printParseErrorCode(e.error);
  const at = range(e.offset, Math.max(1, e.length));
  const prev = previousToken(text, e.offset);
  // A comma followed by } or ]: jsonc-parser says "property name expected" or "value expected" at the bracket.
  if ((code === 'PropertyNameExpected' || code === 'ValueExpected') && prev >= 0 && text[prev] === ',' && (text[e.offset] === '}' || text[e.offset] === ']')) {
    const comma = range(prev, 1);
    return { code: 'json/trailing-comma', severity: 'error', range: comma,
      message: `${source}: a comma before ${text[e.offset]} has nothing after it; JSON allows no trailing comma`,
      fix: { title: 'Remove the trailing comma', range: comma, newText: '' } };
  }
  if (code === 'CommaExpected' && prev >= 0) {
    const after = range(prev + 1, 0);
    return { code: 'json/missing-comma', severity: 'error', range: at,
      message: `${source}: a comma is missing between this and the value before it`,
      fix: { title: 'Insert the missing comma', range: after, newText: ',' } };
  }
  return { code: 'json/syntax', severity: 'error', range: at, message: `${source}: JSON syntax error: ${WORDS[code] ?? code}` };
}
