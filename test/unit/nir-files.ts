// NIR files written for tests with h5wasm directly (not through src/io/nir/hdf5.ts), in the layout the NIR
// library's nir.write() produces (version, node/type, node/nodes/<name>/…, node/edges), so the import is
// tested against files our exporter did not make.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadH5 } from '../../src/io/nir/hdf5';

/** A dataset: float32 (Float32Array), float64 (Float64Array), int64 (bigint[] / number[] with `int`), or strings. */
export type RawValue = Float32Array | Float64Array | { int: number[] } | string | string[];
export interface RawField { data: RawValue; shape?: number[] }
export interface RawGraph {
  version?: string | null;
  rootType?: string;
  nodes: Record<string, Record<string, RawValue | RawField>>;
  edges: [string, string][] | null;
  metadata?: Record<string, string>;
}

export const tmp = (): string => mkdtempSync(join(tmpdir(), 'synops-nir-'));

/** Writes `g` to `path` with h5wasm; `type` of each node is a field like the others. */
export async function writeRaw(path: string, g: RawGraph): Promise<string> {
  const h5 = await loadH5();
  const f = new h5.File(path, 'w');
  try {
    if (g.version !== null) f.create_dataset({ name: 'version', data: g.version ?? '1.0.4' });
    const root = f.create_group('node');
    root.create_dataset({ name: 'type', data: g.rootType ?? 'NIRGraph' });
    const nodes = root.create_group('nodes');
    for (const [name, fields] of Object.entries(g.nodes)) {
      const n = nodes.create_group(name);
      for (const [k, v] of Object.entries(fields)) put(n, k, v);
    }
    if (g.edges) root.create_dataset({ name: 'edges', data: g.edges.flat(), shape: [g.edges.length, 2] });
    if (g.metadata) {
      const m = root.create_group('metadata');
      for (const [k, v] of Object.entries(g.metadata)) m.create_dataset({ name: k, data: v });
    }
  } finally {
    f.close();
  }
  return path;
}

function put(g: { create_dataset: (o: never) => unknown }, name: string, v: RawValue | RawField): void {
  const field: RawField = typeof v === 'object' && 'data' in v && !(v instanceof Float32Array) && !(v instanceof Float64Array) ? v : { data: v as RawValue };
  const d = field.data;
  const create = (g.create_dataset as (o: Record<string, unknown>) => unknown).bind(g);
  if (typeof d === 'string') create({ name, data: d });
  else if (Array.isArray(d)) create({ name, data: d, shape: field.shape ?? [d.length] });
  else if (d instanceof Float32Array || d instanceof Float64Array) create({ name, data: d, shape: field.shape ?? [d.length], dtype: d instanceof Float32Array ? '<f' : '<d' });
  else create({ name, data: BigInt64Array.from(d.int, (x) => BigInt(x)), shape: field.shape ?? [d.int.length], dtype: '<q' });
}

/** Input [1, 2, 2] → Flatten → Linear [2, 4] → IF → Output [2]: the smallest network with a layout to get wrong. */
export function tinyGraph(weight = Float32Array.from([0.25, 1.5, 0, 0, 0, 0.5, 0, 0])): RawGraph {
  return {
    nodes: {
      input: { type: 'Input', shape: { int: [1, 2, 2] } },
      flat: { type: 'Flatten', start_dim: { data: { int: [0] }, shape: [] }, end_dim: { data: { int: [-1] }, shape: [] }, input_type: { int: [1, 2, 2] } },
      fc: { type: 'Linear', weight: { data: weight, shape: [2, 4] } },
      spk: { type: 'IF', r: new Float32Array([1, 1]), v_threshold: new Float32Array([1, 1]) },
      output: { type: 'Output', shape: { int: [2] } },
    },
    edges: [['input', 'flat'], ['flat', 'fc'], ['fc', 'spk'], ['spk', 'output']],
  };
}

/** Input [1, 4, 4] → Conv2d 2×1×3×3 (bias) → IF → SumPool2d 2 → Flatten → Affine [3, 2] → Output, float64 weights. */
export function convGraph(): RawGraph {
  const w = Float64Array.from({ length: 18 }, (_, i) => (i - 9) / 8);
  return {
    nodes: {
      input: { type: 'Input', shape: { int: [1, 4, 4] } },
      conv: {
        type: 'Conv2d', weight: { data: w, shape: [2, 1, 3, 3] }, bias: Float64Array.from([0.125, -0.25]),
        stride: { int: [1, 1] }, padding: { int: [0, 0] }, dilation: { int: [1, 1] }, groups: { data: { int: [1] }, shape: [] }, input_shape: { int: [4, 4] },
      },
      if1: { type: 'IF', r: { data: new Float32Array(8).fill(1), shape: [2, 2, 2] }, v_threshold: { data: new Float32Array(8).fill(1), shape: [2, 2, 2] } },
      pool: { type: 'SumPool2d', kernel_size: { int: [2, 2] }, stride: { int: [2, 2] }, padding: { int: [0, 0] } },
      flat: { type: 'Flatten', start_dim: { data: { int: [0] }, shape: [] }, end_dim: { data: { int: [-1] }, shape: [] } },
      fc: { type: 'Affine', weight: { data: Float64Array.from([1, 2, 3, 4, 5, 6]), shape: [3, 2] }, bias: Float64Array.from([0, 0.5, -0.5]) },
      output: { type: 'Output', shape: { int: [3] } },
    },
    edges: [['input', 'conv'], ['conv', 'if1'], ['if1', 'pool'], ['pool', 'flat'], ['flat', 'fc'], ['fc', 'output']],
  };
}
