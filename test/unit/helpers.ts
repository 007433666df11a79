import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseModel } from '../../src/core/model/parse';
import type { ModelFile } from '../../src/core/model/types';

export const repoRoot = join(__dirname, '..', '..');

export function templateText(file: 'mnist-dvs.snn.json' | 'cifar10-allconv.snn.json'): string {
  return readFileSync(join(repoRoot, 'templates', file), 'utf8');
}

export function template(file: 'mnist-dvs.snn.json' | 'cifar10-allconv.snn.json'): ModelFile {
  const parsed = parseModel(templateText(file), file);
  if (!parsed.model) throw new Error(`template ${file} does not parse: ${JSON.stringify(parsed.diagnostics)}`);
  return parsed.model;
}
