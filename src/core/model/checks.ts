/**
 * The vocabulary of the model-file checks (`parse.ts`, `trainingChecks.ts`): a problem is reported at a JSON
 * path of the file, and a few field checks say in the message what the field must be.
 */
import type { Severity } from '../../protocol/report';

/** A place in the model file's JSON: keys and array indices from the root. */
export type JsonPath = (string | number)[];

export type Report = (path: JsonPath, code: string, message: string, severity?: Severity) => void;
export interface Checker { report: Report; reportKey: (path: JsonPath, key: string, code: string, message: string) => void }

export function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

/** A whole number in `[min, max]`. */
export function isIntIn(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

export const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
export const count = (n: number): string => n.toLocaleString('en-US');

/** Warns about fields a block does not have: a misspelt field would otherwise be ignored silently. */
export function unknownFields(v: Record<string, unknown>, path: JsonPath, known: readonly string[], what: string, check: Checker): void {
  for (const key of Object.keys(v)) {
    if (!known.includes(key)) check.reportKey(path, key, 'model/unknown-field', `${what}: ${JSON.stringify(key)} is not one of its fields (${known.join(', ')}); it is ignored`);
  }
}

/** A field that must be one of `allowed` strings when present. */
export function oneOf(report: Report, path: JsonPath, value: unknown, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value as string)) report(path, `model/${path.join('.')}`, `"${path.join('.')}" must be ${allowed.map((a) => `"${a}"`).join(' or ')}, got ${JSON.stringify(value)}`);
}

/** A number field that must pass `ok` when present (and be finite: JSON has no Infinity, but 1e999 parses to it). */
export function numberField(report: Report, block: Record<string, unknown>, path: JsonPath, ok: (x: number) => boolean, what: string, required = false): void {
  const x = block[path[path.length - 1] as string];
  if (x === undefined && !required) return;
  if (!(typeof x === 'number' && Number.isFinite(x) && ok(x))) report(path, `model/${path.join('.')}`, `"${path.join('.')}" must be ${what}, got ${JSON.stringify(x) ?? 'nothing'}`);
}
