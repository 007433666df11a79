/**
 * NIR graphs in and out as files: what `synops import`, `synops export` and the editor's Import NIR Graph /
 * Export to NIR commands all call. Problems the user fixes are `FileFormatError`s, one line naming the file.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { writeAtomic } from '../atomic';
import { FileFormatError } from '../../core/jsonText';
import { diagnosticLine, readModelFile } from '../model/read';
import { readTfjsWeightsFile } from '../sim/tfjs-weights';
import { modelToNir } from '../../core/nir/from-model';
import { writeNirFile } from './hdf5';
import { loadNirModel, nirDiagnosticLine, readModelOrNir } from './load';
import { buildReport, type ReportOptions } from '../../core/report';
import type { ModelReport } from '../../protocol/report';
import { writeTfjsWeights } from './tfjs-out';

/** Where an import writes the weights of `modelPath`: `<name>.weights/` beside it. */
export const weightsDirFor = (modelPath: string): string => join(dirname(modelPath), `${basename(modelPath).replace(/\.snn\.json$|\.json$/i, '')}.weights`);

/** The model file an import writes by default: `<name>.snn.json` beside the `.nir`. */
export const modelPathFor = (nirPath: string): string => join(dirname(nirPath), `${basename(nirPath).replace(/\.nir$/i, '')}.snn.json`);

export interface NirImported {
  modelPath: string;
  /** The TF.js `model.json` of the weights. */
  weightsPath: string;
  layers: number;
  spikingOutput: boolean;
  /** What was assumed or restored, one sentence each. */
  notes: string[];
}

/** Imports `file` (a `.nir`) as the model file `out` (`*.snn.json`) and its TF.js weights in `<out>.weights/`. */
export async function importNirFile(file: string, out = modelPathFor(file)): Promise<NirImported> {
  if (!out.endsWith('.snn.json')) throw new FileFormatError(out, `${out}: a model file is named *.snn.json; choose such a name`);
  const imported = await loadNirModel(file);
  const weightsPath = writeTfjsWeights(weightsDirFor(out), imported.model, imported.weights, { importedFrom: basename(file), neuron: imported.neuron });
  writeAtomic(out, `${JSON.stringify(imported.model, null, 2)}\n`);
  return { modelPath: out, weightsPath, layers: imported.model.layers.length, spikingOutput: !!imported.model.spikingOutput, notes: imported.notes };
}

export interface NirExported {
  file: string; nodes: number; edges: number; version: string;
  /** What a NIR reader may make of the file differently, one sentence each. */
  notes: string[];
}

/** Writes the trained network of `runDir` (`model.snn.json` and `model/model.json`) as the NIR graph `target`. */
export async function exportRunToNir(runDir: string, target: string): Promise<NirExported> {
  if (!statSync(runDir).isDirectory()) throw new FileFormatError(runDir, `${runDir} is not a folder; give a run folder (.synops/runs/<id>)`);
  const modelPath = join(runDir, 'model.snn.json');
  const weightsPath = join(runDir, 'model', 'model.json');
  if (!existsSync(modelPath)) throw new FileFormatError(runDir, `${runDir} has no model.snn.json; give a run folder (.synops/runs/<id>)`);
  if (!existsSync(weightsPath)) throw new FileFormatError(runDir, `${runDir} has no trained model (model/model.json); train the run first`);
  const pm = readModelFile(modelPath);
  const errors = pm.diagnostics.filter((d) => d.severity === 'error');
  if (!pm.model || errors.length) throw new FileFormatError(modelPath, errors.map((d) => diagnosticLine(modelPath, d)).join('\n') || `${modelPath}: not a valid model file`);
  const weights = await readTfjsWeightsFile(weightsPath, pm.model);
  const graph = modelToNir(pm.model, weights);
  await writeNirFile(resolve(target), graph);
  // NIR computes a Conv2d's output shape with the kernel height on both axes (nir/ir/conv.py, 1.0.4 to its
  // current source), so its reader's type check refuses the shapes a non-square kernel gives.
  const notes = pm.model.layers.filter((l) => l.type === 'conv2d' && typeof l.kernel !== 'number' && l.kernel[0] !== l.kernel[1])
    .map((l) => `${l.name} has a ${(l as { kernel: number[] }).kernel.join('×')} kernel: NIR's own type check computes a Conv2d's width with its kernel height, so read this file with nir.read(…, type_check=False)`);
  return { file: target, nodes: graph.nodes.length, edges: graph.edges.length, version: graph.version, notes };
}

/**
 * The energy report of a `.nir` graph as the model it imports to (what `synops summary` shows for a `.nir`),
 * with the import's notes. Layers carry no ranges: the graph has no text lines to reveal.
 */
export async function nirReport(file: string, options: ReportOptions = {}): Promise<{ report: ModelReport; notes: string[] }> {
  const { parsed, nir } = await readModelOrNir(file);
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length || !parsed.model) throw new FileFormatError(file, errors.map((d) => nirDiagnosticLine(file, parsed, d)).join('\n') || `${file}: not a graph this tool can run`);
  const report = buildReport(parsed, options);
  return {
    report: {
      ...report,
      layers: report.layers.map(({ range: _range, ...row }) => row),
      chipFit: report.chipFit && { ...report.chipFit, problems: report.chipFit.problems.map(({ range: _range, ...p }) => p) },
    },
    notes: nir?.notes ?? [],
  };
}
