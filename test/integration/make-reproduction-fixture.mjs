// Copies the small files of a `synops reproduce` output folder into the test workspace
// (test/integration/workspace/reproduction/): report.json, model.snn.json and each run's
// run.json, evaluation.json and model.snn.json. Metrics, checkpoints and saved weights stay behind;
// absolute paths in the JSON files become relative ones (to the output folder, or to the current folder).
// The baseline, with its saved weights, also becomes the workspace run `.synops/runs/fixture-trained`, the
// run the UI checks simulate an event file's chunk with.
// Usage: node test/integration/make-reproduction-fixture.mjs <reproduce output folder>
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = process.argv[2];
if (!src || !existsSync(join(src, 'report.json'))) {
  console.error('usage: node test/integration/make-reproduction-fixture.mjs <folder with report.json and runs/>');
  process.exit(2);
}
const root = resolve(src);
const portable = (v) => {
  if (typeof v === 'string' && isAbsolute(v)) return (v.startsWith(root) ? relative(root, v) || '.' : relative(process.cwd(), v)).split('\\').join('/');
  if (Array.isArray(v)) return v.map(portable);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, portable(x)]));
  return v;
};
const copy = (from, to) => {
  if (from.endsWith('.json')) writeFileSync(to, JSON.stringify(portable(JSON.parse(readFileSync(from, 'utf8'))), null, 1) + '\n');
  else copyFileSync(from, to);
};
const dest = join(dirname(fileURLToPath(import.meta.url)), 'workspace', 'reproduction');
rmSync(dest, { recursive: true, force: true });
mkdirSync(join(dest, 'runs'), { recursive: true });
for (const f of ['report.json', 'model.snn.json']) if (existsSync(join(src, f))) copy(join(src, f), join(dest, f));
for (const run of readdirSync(join(src, 'runs'))) {
  mkdirSync(join(dest, 'runs', run));
  for (const f of ['run.json', 'evaluation.json', 'model.snn.json']) {
    if (existsSync(join(src, 'runs', run, f))) copy(join(src, 'runs', run, f), join(dest, 'runs', run, f));
  }
}
const trained = join(dirname(dest), '.synops', 'runs', 'fixture-trained');
rmSync(trained, { recursive: true, force: true });
mkdirSync(join(trained, 'model'), { recursive: true });
for (const f of ['run.json', 'evaluation.json', 'model.snn.json', 'model/model.json', 'model/weights.bin']) copy(join(src, 'runs', 'baseline', f), join(trained, f));
console.log(`wrote ${dest} and ${trained}`);
