/**
 * Where a model file's measured simulation result lives: `path/to/name.snn.json` →
 * `path/to/.synops/results/name.sim.json`. A naming convention shared by the worker (which reads and
 * writes the file) and the host (which watches it); pure string work.
 */
export function resultPathFor(modelPath: string): string {
  const slash = Math.max(modelPath.lastIndexOf('/'), modelPath.lastIndexOf('\\'));
  const dir = modelPath.slice(0, slash + 1);
  const base = modelPath.slice(slash + 1).replace(/\.snn\.json$/i, '').replace(/\.json$/i, '');
  return `${dir}.synops/results/${base}.sim.json`;
}
