/**
 * A NIR graph (Neuromorphic Intermediate Representation, NIR 1.0 layout) as plain data: what
 * `hdf5.ts` reads from and writes to a `.nir` file, and what `to-model.ts` / `from-model.ts` translate.
 * No file access here and no HDF5: the layout of the file is
 *
 *   /version                 string, e.g. "1.0.4"
 *   /node/type               "NIRGraph"
 *   /node/nodes/<name>/type  string: "Conv2d", "IF", …; the node's other fields are datasets beside it
 *   /node/nodes/<name>/metadata/<key>   optional
 *   /node/edges              n×2 strings (source node, target node)
 *   /node/metadata/<key>     optional: what NIR cannot say (see `from-model.ts`)
 */

/** One dataset of a node, as read: numbers (float or integer) or strings, row-major, with its HDF5 shape. */
export type NirArray =
  | { kind: 'float'; dtype: 'float32' | 'float64'; shape: number[]; values: Float32Array | Float64Array }
  | { kind: 'int'; dtype: string; shape: number[]; values: number[] }
  | { kind: 'string'; dtype: 'string'; shape: number[]; values: string[] };

export interface NirNode {
  name: string;
  type: string;
  /** The node's datasets other than `type`, by name. */
  fields: Record<string, NirArray>;
  /** Sub-groups other than `metadata` (a nested graph's `nodes`), by name: the translation refuses them. */
  groups: string[];
  metadata: Record<string, NirArray>;
}

export interface NirGraph {
  version: string;
  nodes: NirNode[];
  edges: [string, string][];
  metadata: Record<string, NirArray>;
}

/** The HDF5 path of a node, for messages. */
export const nodePath = (name: string, field?: string): string => `/node/nodes/${name}${field ? `/${field}` : ''}`;

/** Node types the spiking simulator has a model for, as the messages list them. */
export const SUPPORTED_NODE_TYPES = ['Input', 'Output', 'Conv2d', 'Linear', 'Affine', 'IF', 'SumPool2d', 'AvgPool2d', 'Flatten'] as const;

/** The NIR version whose layout and IF semantics (subtract reset, no `v_reset`) the exporter writes. */
export const NIR_VERSION = '1.0.4';

export const float32 = (shape: number[], values: Float32Array): NirArray => ({ kind: 'float', dtype: 'float32', shape, values });
export const ints = (shape: number[], values: number[]): NirArray => ({ kind: 'int', dtype: 'int64', shape, values });
export const text = (value: string): NirArray => ({ kind: 'string', dtype: 'string', shape: [], values: [value] });

/** `float32 [8, 1, 3, 3]`-style words for an array's type and shape. */
export function describe(a: NirArray): string {
  return `${a.dtype} [${a.shape.join(', ')}]`;
}
