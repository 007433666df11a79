// Third-party licences of what the extension ships: every npm package an esbuild bundle took code from (read
// from the bundles' metafiles) and every package copied beside the bundles, with its licence file's text.
// Written by esbuild.mjs to dist/THIRD_PARTY_LICENSES.txt, which the .vsix carries.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `node_modules/@scope/name/…` or `…/node_modules/name/…` → the package folder, or undefined for own code. */
export function packageDir(input) {
  const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.replace(/\\/g, '/'));
  return m?.[1];
}

function licenceFile(dir) {
  return readdirSync(dir).filter((f) => /^(licen[cs]e|copying|notice)(\.(md|txt))?$/i.test(f)).sort();
}

/**
 * The notices text for `metafiles` (esbuild results' metafiles) plus `extraPackages` (names in node_modules).
 * Packages without a licence file get their package.json `license` and a note that their licence comments
 * stay in the bundles (esbuild `legalComments: 'eof'`).
 */
export function thirdPartyNotices(metafiles, extraPackages, root = '.') {
  const dirs = new Set(extraPackages.map((n) => join('node_modules', n)));
  for (const meta of metafiles) for (const input of Object.keys(meta.inputs)) {
    const dir = packageDir(input);
    if (dir) dirs.add(dir);
  }
  const entries = [...dirs].map((dir) => {
    const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    return { dir, name: pkg.name, version: pkg.version, license: pkg.license ?? 'UNKNOWN' };
  }).sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  const seen = new Set();
  const parts = ['Third-party software shipped in SynOps Studio, with its licences.', ''];
  for (const e of entries) {
    const key = `${e.name}@${e.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    parts.push('='.repeat(78), `${key} — ${e.license}`, '='.repeat(78));
    const files = existsSync(join(root, e.dir)) ? licenceFile(join(root, e.dir)) : [];
    if (files.length === 0) parts.push(`The package ships no licence file; its package.json declares "${e.license}". The licence comments of its files, where it has them, are kept at the end of the bundles.`, '');
    for (const f of files) parts.push(readFileSync(join(root, e.dir, f), 'utf8').trimEnd(), '');
  }
  return { text: parts.join('\n') + '\n', packages: seen.size };
}
