// Bundles the tests build with esbuild (the CLI, the worker), kept between test processes: a folder in the
// temporary directory named by a hash of everything a bundle is built from (src/, templates/, the bundle
// settings, the locked packages and the test helpers that build it), so the files that run a bundle build it
// once per change of the sources instead of 3–4 s each.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as esbuild from 'esbuild';
import { bundles } from '../../bundles.mjs';

const ROOT = join(__dirname, '..', '..');

/** Every file under `dir` (repo-relative), sorted. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(relative(ROOT, p));
    }
  };
  walk(join(ROOT, dir));
  return out.sort();
}

/** sha256 of the inputs: the bundles' metafiles list only src/, templates/ and node_modules/ (package-lock.json). */
function inputsHash(name: string, helpers: string[]): string {
  const h = createHash('sha256').update(`${name}\0`);
  for (const f of [...filesUnder('src'), ...filesUnder('templates'), 'bundles.mjs', 'package-lock.json', 'test/unit/bundle-cache.ts', ...helpers]) {
    h.update(`${f}\0`).update(readFileSync(join(ROOT, f))).update('\0');
  }
  return h.digest('hex').slice(0, 20);
}

/** Removes folders of other sources unused for a day (one is left per edit of the sources). */
function dropStale(prefix: string): void {
  const pattern = new RegExp(`^${prefix}-[0-9a-f]{20}$`);
  for (const entry of readdirSync(tmpdir())) {
    if (!pattern.test(entry)) continue;
    const p = join(tmpdir(), entry);
    try {
      if (Date.now() - statSync(p).mtimeMs > 86_400_000) rmSync(p, { recursive: true, force: true });
    } catch { /* another process removed it */ }
  }
}

/**
 * The folder `<tmp>/<prefix>-<hash>` holding `parts`, built by `build(dir)` when it is missing or incomplete.
 * A build goes to a folder of its own, renamed into place when complete, so test processes building at once
 * never see half a bundle; the loser of the rename uses the winner's. The folder is readable by every user.
 */
export async function cachedBundle(prefix: string, helpers: string[], parts: string[], build: (dir: string) => Promise<void>): Promise<string> {
  const dir = join(tmpdir(), `${prefix}-${inputsHash(prefix, helpers)}`);
  if (parts.every((f) => existsSync(join(dir, f)))) return dir;
  dropStale(prefix);
  // A folder missing a part (cleaned up by hand) is rebuilt.
  rmSync(dir, { recursive: true, force: true });
  const fresh = mkdtempSync(join(tmpdir(), `${prefix}-build-`));
  chmodSync(fresh, 0o755);
  try {
    await build(fresh);
    renameSync(fresh, dir);
  } catch (e) {
    rmSync(fresh, { recursive: true, force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
  }
  return dir;
}

/** The bundle `npm run build` writes to `distFile` (its settings in bundles.mjs), written to `outfile` without a source map. */
export async function buildBundleAs(distFile: string, outfile: string): Promise<void> {
  const b = bundles.find((x) => x.outfile === distFile);
  if (!b) throw new Error(`bundles.mjs has no bundle ${distFile}`);
  await esbuild.build({ ...b, outfile, sourcemap: false, logLevel: 'error' });
}
