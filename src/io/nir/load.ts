/** A `.nir` file as a model and weights: `readNirFile` then `nirToModel`, every problem one line naming the file. */
import { basename } from 'node:path';
import { FileFormatError } from '../../core/jsonText';
import { parseModel, type ParsedModel } from '../../core/model/parse';
import type { ModelDiagnostic } from '../../protocol/report';
import { nodePath } from '../../core/nir/graph';
import { readModelFile } from '../model/read';
import { readNirFile } from './hdf5';
import { NirError, nirToModel, type NirImport } from '../../core/nir/to-model';

/** Whether a path names a NIR graph (by its extension), for commands that take a model file or a `.nir`. */
export const isNirPath = (path: string): boolean => /\.nir$/i.test(path);

/** Reads and translates `file`; a `NirError` becomes a `FileFormatError`, file system errors stay as they are. */
export async function loadNirModel(file: string): Promise<NirImport> {
  const graph = await readNirFile(file);
  try {
    return nirToModel(graph, file, basename(file).replace(/\.nir$/i, ''));
  } catch (e) {
    if (e instanceof NirError) throw new FileFormatError(file, e.message);
    throw e;
  }
}

/**
 * A model file, or a `.nir` graph as one: the `ParsedModel` the commands check and report on (the
 * imported model's JSON, parsed), plus the graph's weights and neuron settings when it is a `.nir`.
 */
export async function readModelOrNir(path: string): Promise<{ parsed: ParsedModel; nir?: NirImport }> {
  if (!isNirPath(path)) return { parsed: readModelFile(path) };
  const nir = await loadNirModel(path);
  return { parsed: parseModel(JSON.stringify(nir.model, null, 2), path), nir };
}

/**
 * A diagnostic of a model imported from `file` as one line that names the graph's node instead of a line of
 * the generated model text: `file: /node/nodes/<layer>: severity: message [code]`.
 */
export function nirDiagnosticLine(file: string, parsed: ParsedModel, d: ModelDiagnostic): string {
  const at = d.range.start;
  const inside = (r: ParsedModel['layerRanges'][number]): boolean =>
    (at.line > r.start.line || (at.line === r.start.line && at.character >= r.start.character)) && (at.line < r.end.line || (at.line === r.end.line && at.character <= r.end.character));
  const index = parsed.layerRanges.findIndex(inside);
  const name = index >= 0 ? parsed.model?.layers[index]?.name : undefined;
  return `${file}: ${name ? nodePath(name) : '/node'}: ${d.severity}: ${d.message} [${d.code}]`;
}
