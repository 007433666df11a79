/** The `labels.txt` of a flat event dataset folder (`src/io/data/datasets.ts` reads the file). */
import { EventDataError } from './events';

const utf8 = new TextEncoder();

/** Parses `labels.txt`: `<id>\t<label>` lines, `#` comment lines, blank lines ignored. */
export function parseLabels(text: string, file: string): Array<{ id: string; label: number }> {
  const out: Array<{ id: string; label: number }> = [];
  let offset = 0;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() && !line.startsWith('#')) {
      const m = line.match(/^(\S+)\s+(\d+)\s*$/);
      if (!m) throw new EventDataError('bad-layout', file, offset, `line ${JSON.stringify(line)}`, 'a "<id>\\t<label>" line');
      out.push({ id: m[1], label: Number(m[2]) });
    }
    offset += utf8.encode(raw).length + 1;
  }
  return out;
}
