/** `synops import <file.nir>` and `synops export <run dir> --nir <file.nir>`: NIR graphs in and out. */
import { FileFormatError } from '../core/jsonText';
import { exportRunToNir, importNirFile, modelPathFor, weightsDirFor } from '../io/nir/files';
import { isNirPath } from '../io/nir/load';
import { parseArgs, usageError } from './args';
import { withFaults } from './errors';

export { weightsDirFor };

export const IMPORT_USAGE = `  import <file.nir> [--out <model.snn.json>]
      a NIR graph (Conv2d, Linear, Affine, IF, SumPool2d/AvgPool2d, Flatten) as a model file and its TF.js
      weights (<model>.weights/model.json); summary and simulate also take the .nir file directly`;

export const EXPORT_USAGE = `  export <run dir> --nir <file.nir>
      the run's trained network as a NIR graph (NIR 1.0 layout), with what NIR cannot say in its metadata`;

export function runImport(args: string[]): Promise<number> {
  return withFaults('import', async () => {
    const { positional, opts, error } = parseArgs(args, ['out'], []);
    if (error) return usageError('import', error);
    if (positional.length !== 1) return usageError('import', 'give exactly one .nir file');
    const file = positional[0];
    if (!isNirPath(file)) return usageError('import', `${file} is not a .nir file`);
    const out = typeof opts.get('out') === 'string' ? (opts.get('out') as string) : modelPathFor(file);
    if (!out.endsWith('.snn.json')) return usageError('import', `--out ${out}: a model file is named *.snn.json`);
    const r = await importNirFile(file, out);
    console.log(`${file} → ${out} (${r.layers} layers${r.spikingOutput ? ', spiking output' : ''}) and ${r.weightsPath}`);
    for (const n of r.notes) console.log(`  note: ${n}`);
    console.log(`  simulate: synops simulate ${out} --weights ${r.weightsPath} --input <events or fixture>`);
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
    let r;
    try {
      r = await exportRunToNir(runDir, target);
    } catch (e) {
      // A model file with errors: each error on its own line, as `synops summary` prints them.
      if (e instanceof FileFormatError && e.message.includes('\n')) { console.error(e.message); return 1; }
      throw e;
    }
    console.log(`${runDir} → ${target}: ${r.nodes} nodes, ${r.edges} edges (NIR ${r.version} layout)`);
    for (const n of r.notes) console.log(`  note: ${n}`);
    return 0;
  });
}
