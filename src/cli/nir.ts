/** `synops import <file.nir>` and `synops export <run dir> --nir <file.nir>`: NIR graphs in and out. */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { writeAtomic } from '../core/io';
import { diagnosticLine, readModelFile } from '../core/model/read';
import { writeNirFile } from '../core/nir/hdf5';
import { modelToNir } from '../core/nir/from-model';
import { isNirPath, loadNirModel } from '../core/nir/load';
import { writeTfjsWeights } from '../core/nir/tfjs-out';
import { readTfjsWeightsFile } from '../core/sim/tfjs-weights';
import { parseArgs, usageError } from './args';
import { CliError, withFaults } from './errors';

export const IMPORT_USAGE = `  import <file.nir> [--out <model.snn.json>]
      a NIR graph (Conv2d, Linear, Affine, IF, SumPool2d/AvgPool2d, Flatten) as a model file and its TF.js
      weights (<model>.weights/model.json); summary and simulate also take the .nir file directly`;

export const EXPORT_USAGE = `  export <run dir> --nir <file.nir>
      the run's trained network as a NIR graph (NIR 1.0 layout), with what NIR cannot say in its metadata`;

/** Where `import` writes the weights of `modelPath`: `<name>.weights/` beside it. */
export const weightsDirFor = (modelPath: string): string => join(dirname(modelPath), `${basename(modelPath).replace(/\.snn\.json$|\.json$/i, '')}.weights`);

export function runImport(args: string[]): Promise<number> {
  return withFaults('import', async () => {
    const { positional, opts, error } = parseArgs(args, ['out'], []);
    if (error) return usageError('import', error);
    if (positional.length !== 1) return usageError('import', 'give exactly one .nir file');
    const file = positional[0];
    if (!isNirPath(file)) return usageError('import', `${file} is not a .nir file`);
    const out = typeof opts.get('out') === 'string' ? (opts.get('out') as string) : join(dirname(file), `${basename(file).replace(/\.nir$/i, '')}.snn.json`);
    if (!out.endsWith('.snn.json')) return usageError('import', `--out ${out}: a model file is named *.snn.json`);
    const imported = await loadNirModel(file);
    const th = imported.neuron.threshold ?? 1;
    if (th !== 1) {
      // A model file has no threshold: simulating the written files would run θ = 1, another network.
      throw new CliError(`${file}: /node/nodes: the IF nodes have v_threshold ${th}; a model file runs threshold 1, so the written network would spike differently: simulate the .nir itself (synops simulate ${file} …), or divide the weights before each IF by ${th} and export with v_threshold 1`);
    }
    const dir = weightsDirFor(out);
    const weightsPath = writeTfjsWeights(dir, imported.model, imported.weights, { importedFrom: basename(file), neuron: imported.neuron });
    writeAtomic(out, `${JSON.stringify(imported.model, null, 2)}\n`);
    console.log(`${file} → ${out} (${imported.model.layers.length} layers${imported.model.spikingOutput ? ', spiking output' : ''}) and ${weightsPath}`);
    for (const n of imported.notes) console.log(`  note: ${n}`);
    console.log(`  simulate: synops simulate ${out} --weights ${weightsPath} --input <events or fixture>`);
    return 0;
  });
}

export function runExport(args: string[]): Promise<number> {
  return withFaults('export', async () => {
    const { positional, opts, error } = parseArgs(args, ['nir'], []);
    if (error) return usageError('export', error);
    if (positional.length !== 1) return usageError('export', 'give exactly one run folder');
    const target = opts.get('nir');
    if (typeof target !== 'string') return usageError('export', '--nir <file.nir> is required (the only export format so far)');
    if (!isNirPath(target)) return usageError('export', `--nir ${target}: name the file *.nir`);
    const runDir = positional[0];
    if (!statSync(runDir).isDirectory()) throw new CliError(`${runDir} is not a folder; give a run folder (.synops/runs/<id>)`);
    const modelPath = join(runDir, 'model.snn.json');
    const weightsPath = join(runDir, 'model', 'model.json');
    if (!existsSync(modelPath)) throw new CliError(`${runDir} has no model.snn.json; give a run folder (.synops/runs/<id>)`);
    if (!existsSync(weightsPath)) throw new CliError(`${runDir} has no trained model (model/model.json); train the run first`);
    const pm = readModelFile(modelPath);
    const errors = pm.diagnostics.filter((d) => d.severity === 'error');
    if (!pm.model || errors.length) { for (const d of errors) console.error(diagnosticLine(modelPath, d)); return 1; }
    const weights = await readTfjsWeightsFile(weightsPath, pm.model);
    const graph = modelToNir(pm.model, weights);
    await writeNirFile(resolve(target), graph);
    console.log(`${runDir} → ${target}: ${graph.nodes.length} nodes, ${graph.edges.length} edges (NIR ${graph.version} layout)`);
    return 0;
  });
}
