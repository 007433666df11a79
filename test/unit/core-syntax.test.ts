import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseModel } from '../../src/core/model/parse';

/** Applies a diagnostic's fix to the text (lines and characters → offsets). */
function applyFix(text: string, fix: NonNullable<ReturnType<typeof parseModel>['diagnostics'][number]['fix']>): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }): number => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return text.slice(0, offset(fix.range.start)) + fix.newText + text.slice(offset(fix.range.end));
}

describe('JSON syntax errors in a model file: one diagnostic, a fix where certain', () => {
  it('a missing comma: one error at the next property, a fix inserting "," after the previous value', () => {
    // line 0 `{`, line 1 `  "format": "synops-model",`, line 2 `  "version": 1` (no comma), line 3 `  "name": "x"`.
    const good = '{\n  "format": "synops-model",\n  "version": 1,\n  "name": "x"\n}';
    const text = good.replace('1,', '1');
    const d = parseModel(text, 'm.snn.json').diagnostics;
    assert.equal(d.length, 1, JSON.stringify(d));
    assert.equal(d[0].code, 'json/missing-comma');
    assert.deepEqual(d[0].range.start, { line: 3, character: 2 }); // the "name" key
    assert.equal(d[0].message, 'm.snn.json: a comma is missing between this and the value before it');
    // `  "version": 1` is 14 characters: the comma goes at character 14 of line 2.
    assert.deepEqual(d[0].fix?.range, { start: { line: 2, character: 14 }, end: { line: 2, character: 14 } });
    assert.equal(applyFix(text, d[0].fix!), good);
  });

  it('a trailing comma: one error on the comma (not two at the bracket), a fix removing it', () => {
    const good = '{\n  "format": "synops-model",\n  "layers": [1, 2]\n}';
    for (const [text, bracket] of [[good.replace('2]', '2,]'), ']'], [good.replace('2]\n', '2],\n'), '}']] as const) {
      const d = parseModel(text, 'm.snn.json').diagnostics;
      assert.equal(d.length, 1, JSON.stringify(d));
      assert.equal(d[0].code, 'json/trailing-comma');
      assert.equal(d[0].range.start.line, 2);
      assert.match(d[0].message, new RegExp(`^m\\.snn\\.json: a comma before \\${bracket} has nothing after it`));
      assert.equal(applyFix(text, d[0].fix!), good);
    }
  });

  it('an unquoted name: one error in words, no fix (the repair is not certain)', () => {
    const d = parseModel('{\n  format: "synops-model"\n}', 'm.snn.json').diagnostics;
    assert.equal(d.length, 1, JSON.stringify(d));
    assert.equal(d[0].code, 'json/syntax');
    assert.equal(d[0].fix, undefined);
    assert.match(d[0].message, /^m\.snn\.json: JSON syntax error: this is not JSON here \(names and strings need double quotes/);
  });
});
