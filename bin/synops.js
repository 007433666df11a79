#!/usr/bin/env node
// Headless entry point: the same core the extension's worker runs, bundled by `npm run build`.
const path = require('node:path');
const fs = require('node:fs');
const bundle = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!fs.existsSync(bundle)) {
  console.error(`synops: ${path.relative(process.cwd(), bundle)} is missing; run "npm run build" first`);
  process.exit(2);
}
require(bundle);
