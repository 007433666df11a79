/**
 * Reading and writing `.nir` files (NIR 1.0 layout, see `graph.ts`) with the HDF5 library `h5wasm`. This is
 * the only file touching HDF5; it knows the NIR layout but nothing of the project's models (that is
 * `to-model.ts` / `from-model.ts`, pure). A file is untrusted: before a dataset is read its type and declared
 * shape are checked against `limits.ts`, so a huge declared array is refused without allocating it. Every
 * problem is a `FileFormatError` of one line: the file, the HDF5 path, what is wrong and what to do.
 */
import { readFileSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { writeAtomic } from '../atomic';
import { FileFormatError } from '../../core/jsonText';
import { MAX_NIR_ARRAY_ELEMENTS, MAX_NIR_DATA_BYTES, MAX_NIR_FILE_BYTES, MAX_NIR_NODES, MAX_NIR_STRING_BYTES } from '../../core/model/limits';
import { findSignature, readVlenStrings, type H5Module } from './hdf5-guards';
import { describe, type NirArray, type NirGraph, type NirNode } from '../../core/nir/graph';
import { inThread, type ThreadReply } from './read-pool';

type H5 = typeof import('h5wasm');
type H5Group = InstanceType<H5['Group']>;
type H5Dataset = InstanceType<H5['Dataset']>;

let loading: Promise<H5> | undefined;
/** h5wasm's Emscripten module, once loaded (for `readVlenStrings`). */
let h5Module: H5Module | undefined;

/** Loads h5wasm once; HDF5's own error printing is turned into thrown errors (nothing on stderr). */
export function loadH5(): Promise<H5> {
  loading ??= (async () => {
    const h5 = (await import('h5wasm/node')) as unknown as H5;
    const module = await h5.ready;
    module.activate_throwing_error_handler();
    h5Module = module as unknown as H5Module;
    return h5;
  })();
  return loading;
}

/** HDF5's error stack as one line: its innermost message (e.g. "truncated file: eof = 800, … stored_eof = 17016"). */
export function hdf5Reason(e: unknown): string {
  const text = String((e as Error)?.message ?? e);
  const lines = [...text.matchAll(/#\d+: .*? in [\w]+\(\): (.*)/g)].map((m) => m[1].trim());
  return (lines.at(-1) ?? text.split('\n')[0]).replace(/\s+/g, ' ');
}

const MAX_STRINGS = 4 * MAX_NIR_NODES;

const MAX_FIELDS = 64;

/**
 * Reads the NIR graph of `file`. File system errors (missing, unreadable) are thrown as they are; anything
 * else wrong is a `FileFormatError`. The file's size and HDF5 signature are checked here; HDF5 itself runs in
 * a thread of its own (`read-thread.ts`) with its own copy of the library: a damaged file can make HDF5 abort,
 * which leaves that copy unusable, so it is thrown away with the thread instead of breaking later reads. A
 * thread whose HDF5 did not abort serves the next read (up to `READS_PER_THREAD`).
 */
export async function readNirFile(file: string): Promise<NirGraph> {
  const fail = (where: string, msg: string): never => { throw new FileFormatError(file, `${file}: ${where}: ${msg}`); };
  const st = statSync(file);
  if (!st.isFile()) fail('/', 'not a regular file (a folder, pipe or device); a NIR graph is an HDF5 file *.nir');
  if (st.size > MAX_NIR_FILE_BYTES) fail('/', `${st.size.toLocaleString('en-US')} bytes, more than the ${MAX_NIR_FILE_BYTES.toLocaleString('en-US')} of the largest network this tool simulates`);
  // HDF5 data starts at 0 or after a user block of 512, 1024, … bytes (h5py's userblock_size, h5jam).
  if (findSignature(file, st.size) === undefined) fail('/', 'not an HDF5 file (no HDF5 signature at its start, nor after a user block of 512, 1024, 2048, … bytes); export the network with nir.write() or `synops export --nir`');
  const reply = await inThread(file);
  if ('graph' in reply) return reply.graph;
  return fail(reply.where, reply.message);
}

/**
 * False once the current read met an abort: Emscripten's `abort` (HDF5 gave up) and a trap (a bad memory
 * access) throw a `WebAssembly.RuntimeError` and leave this copy of HDF5 unusable. An HDF5 error stack is an
 * ordinary error (the throwing error handler), after which the library is sound.
 */
let clean = true;
/** Notes `e`, an exception of an HDF5 call of the current read, and returns it for the caller's message. */
function threw(e: unknown): unknown {
  if (abortedBy(e)) clean = false;
  return e;
}

/** Whether `e` is WebAssembly's end of the module (an abort or a trap) rather than an error HDF5 reported. */
export function abortedBy(e: unknown): boolean {
  return (e as Error)?.name === 'RuntimeError' || /^(Aborted|RuntimeError)\b/.test(String((e as Error)?.message ?? e));
}

/** Reads the graph in this thread (see `read-thread.ts`): answers with the graph or the place and words of the problem. */
export async function readNirHere(file: string): Promise<ThreadReply> {
  const fail = (where: string, message: string): never => { throw new ReadProblem(where, message); };
  clean = true;
  const reply = await readHere(file, fail);
  return { ...reply, reusable: clean };
}

async function readHere(file: string, fail: Fail): Promise<ThreadReply> {
  try {
    const h5 = await loadH5();
    let f: InstanceType<H5['File']>;
    try { f = new h5.File(file, 'r'); } catch (e) { return fail('/', `HDF5 cannot open it (${hdf5Reason(threw(e))}); the file is damaged or truncated: write it again`); }
    try {
      return { graph: readGraph(h5, f, fail) };
    } catch (e) {
      if (e instanceof ReadProblem) throw e;
      return fail('/', `HDF5 cannot read it (${hdf5Reason(threw(e))}); the file is damaged or truncated: write it again`);
    } finally {
      try { f.close(); } catch (e) { threw(e); /* a file HDF5 gave up on may not close; its thread ends */ }
    }
  } catch (e) {
    if (e instanceof ReadProblem) return { where: e.where, message: e.message };
    return { where: '/', message: `HDF5 cannot read it (${hdf5Reason(threw(e))}); the file is damaged: write it again` };
  }
}

class ReadProblem extends Error {
  constructor(readonly where: string, message: string) { super(message); }
}

type Fail = (where: string, msg: string) => never;

function readGraph(h5: H5, f: InstanceType<H5['File']>, fail: Fail): NirGraph {
  const budget = { bytes: 0, strings: MAX_NIR_STRING_BYTES };
  const get = (g: H5Group, path: string, key: string): unknown => {
    try { return g.get(key); } catch (e) { return fail(path, `HDF5 cannot read it (${hdf5Reason(threw(e))}); the file is damaged: write it again`); }
  };
  const dataset = (g: H5Group, path: string, key: string, required: boolean): NirArray | undefined => {
    const o = get(g, `${path}/${key}`, key);
    if (o === null || o === undefined) return required ? fail(`${path}/${key}`, 'missing; a NIR file written by nir.write() has it') : undefined;
    if (!(o instanceof h5.Dataset)) return fail(`${path}/${key}`, 'is a group or link, not a dataset');
    return readArray(o, `${path}/${key}`, budget, fail);
  };
  const str = (a: NirArray, where: string): string => (a.kind === 'string' && a.values.length === 1 ? a.values[0] : fail(where, `must be one string, got ${describe(a)}`));
  const group = (g: H5Group, path: string, key: string, required: boolean): H5Group | undefined => {
    const o = get(g, `${path}/${key}`, key);
    if (o === null || o === undefined) return required ? fail(`${path}/${key}`, 'missing; a NIR file has the group /node with nodes, edges and type "NIRGraph"') : undefined;
    if (!(o instanceof h5.Group)) return fail(`${path}/${key}`, 'is a dataset, not a group');
    return o;
  };
  const metadata = (g: H5Group, path: string): Record<string, NirArray> => {
    const m = group(g, path, 'metadata', false);
    const out: Record<string, NirArray> = {};
    if (!m) return out;
    const keys = m.keys();
    if (keys.length > MAX_FIELDS) fail(`${path}/metadata`, `has ${keys.length} entries; at most ${MAX_FIELDS}`);
    for (const k of keys) {
      const o = get(m, `${path}/metadata/${k}`, k);
      if (o instanceof h5.Dataset) out[k] = readArray(o, `${path}/metadata/${k}`, budget, fail);
    }
    return out;
  };

  const version = str(dataset(f, '', 'version', true)!, '/version');
  const root = group(f, '', 'node', true)!;
  const type = str(dataset(root, '/node', 'type', true)!, '/node/type');
  if (type !== 'NIRGraph') fail('/node/type', `is "${type}"; the root node of a NIR file is a "NIRGraph"`);
  const nodesGroup = group(root, '/node', 'nodes', true)!;
  const names = nodesGroup.keys();
  if (names.length > MAX_NIR_NODES) fail('/node/nodes', `has ${names.length.toLocaleString('en-US')} nodes; a network has at most ${MAX_NIR_NODES.toLocaleString('en-US')}`);
  const nodes: NirNode[] = [];
  for (const name of names) {
    const path = `/node/nodes/${name}`;
    const g = group(nodesGroup, '/node/nodes', name, true)!;
    const keys = g.keys();
    if (keys.length > MAX_FIELDS) fail(path, `has ${keys.length} entries; a NIR node has at most ${MAX_FIELDS}`);
    const node: NirNode = { name, type: str(dataset(g, path, 'type', true)!, `${path}/type`), fields: {}, groups: [], metadata: metadata(g, path) };
    for (const k of keys) {
      if (k === 'type' || k === 'metadata') continue;
      const o = get(g, `${path}/${k}`, k);
      if (o instanceof h5.Group) node.groups.push(k);
      else if (o instanceof h5.Dataset) node.fields[k] = readArray(o, `${path}/${k}`, budget, fail);
      else fail(`${path}/${k}`, 'is a link HDF5 cannot follow here, not a dataset');
    }
    nodes.push(node);
  }
  const e = dataset(root, '/node', 'edges', true)!;
  const edges: [string, string][] = [];
  const empty = e.values.length === 0;
  if (!empty && (e.kind !== 'string' || e.shape.length !== 2 || e.shape[1] !== 2)) fail('/node/edges', `must be an n×2 array of node names, got ${describe(e)}`);
  for (let i = 0; i < e.values.length; i += 2) edges.push([e.values[i] as string, e.values[i + 1] as string]);
  return { version, nodes, edges, metadata: metadata(root, '/node') };
}


/** Reads one dataset after checking its type and declared size: ints, floats (32/64 bit) or strings. */
function readArray(d: H5Dataset, where: string, budget: { bytes: number; strings: number }, fail: Fail): NirArray {
  const m = d.metadata;
  const shape = m.shape;
  if (!Array.isArray(shape)) return fail(where, 'has no dataspace (an empty dataset); write the array again');
  let n = 1;
  for (const s of shape) n *= s;
  const kind = m.type === 0 ? 'int' : m.type === 1 ? 'float' : m.type === 3 ? 'string' : undefined;
  if (!kind) return fail(where, `has an HDF5 type of class ${m.type} (compound, enum, reference, …); NIR arrays are numbers or strings`);
  if (kind === 'float' && m.size !== 4 && m.size !== 8) fail(where, `is a ${8 * m.size}-bit float; use float32 or float64`);
  if (kind === 'int' && ![1, 2, 4, 8].includes(m.size)) fail(where, `is a ${8 * m.size}-bit integer; use int64`);
  const limit = kind === 'string' ? MAX_STRINGS : MAX_NIR_ARRAY_ELEMENTS;
  if (!(n <= limit)) fail(where, `declares shape [${shape.join(', ')}], ${n.toLocaleString('en-US')} elements; at most ${limit.toLocaleString('en-US')} (the largest network this tool simulates); the file is damaged or not a network for it`);
  budget.bytes += n * (kind === 'string' ? (m.vlen ? 16 : m.size) : m.size);
  if (budget.bytes > MAX_NIR_DATA_BYTES) fail(where, `the datasets up to here declare more than ${MAX_NIR_DATA_BYTES.toLocaleString('en-US')} bytes; the file is not a network this tool can simulate`);
  const tooLong = (bytes: number): never => fail(where, `holds ${bytes.toLocaleString('en-US')} bytes of text, more than the ${MAX_NIR_STRING_BYTES.toLocaleString('en-US')} bytes of all the names, types and metadata of a network this tool simulates; the file is damaged or not a network for it`);
  if (kind === 'string' && !m.vlen) {
    // Fixed-length strings: their size is declared, so the check comes before the read.
    if (n * m.size > budget.strings) tooLong(n * m.size);
    budget.strings -= n * m.size;
  }
  let v: unknown;
  try {
    // Variable-length strings: measured in HDF5's copy before they become JavaScript strings.
    const handle = d as unknown as { file_id: bigint; path: string };
    v = kind === 'string' && m.vlen ? readVlenStrings(h5Module!, handle.file_id, handle.path, n, budget, tooLong) : d.value;
  } catch (e) {
    if (e instanceof ReadProblem) throw e;
    return fail(where, `HDF5 cannot read it (${hdf5Reason(threw(e))}); the file is damaged or truncated: write it again`);
  }
  if (kind === 'string') {
    const values = (Array.isArray(v) ? v : [v]).map((x) => (typeof x === 'string' ? x : String(x)));
    return { kind, dtype: 'string', shape, values };
  }
  if (kind === 'float') {
    if (v instanceof Float32Array) return { kind, dtype: 'float32', shape, values: v };
    if (v instanceof Float64Array) return { kind, dtype: 'float64', shape, values: v };
    if (typeof v === 'number') return { kind, dtype: m.size === 4 ? 'float32' : 'float64', shape, values: m.size === 4 ? Float32Array.of(v) : Float64Array.of(v) };
    return fail(where, 'could not be read as floats');
  }
  const raw: ArrayLike<number | bigint> = typeof v === 'number' || typeof v === 'bigint' ? [v] : (v as ArrayLike<number | bigint>);
  const values: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const x = Number(raw[i]);
    if (!Number.isSafeInteger(x)) fail(where, `element ${i} is ${String(raw[i])}, beyond any size a network has`);
    values.push(x);
  }
  return { kind, dtype: `${m.signed ? 'int' : 'uint'}${8 * m.size}`, shape, values };
}

/**
 * Writes `graph` to `file` in the NIR 1.0 layout: float arrays as float32 (deflate-compressed, as NIR's
 * writer does), integers as int64, strings as UTF-8 strings. Atomic: HDF5 writes a temporary file beside
 * `file`, whose bytes then replace `file` in one rename (`writeAtomic`).
 */
export async function writeNirFile(file: string, graph: NirGraph): Promise<void> {
  const h5 = await loadH5();
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.h5tmp`;
  try {
    const f = new h5.File(tmp, 'w');
    try {
      f.create_dataset({ name: 'version', data: graph.version });
      const root = f.create_group('node');
      root.create_dataset({ name: 'type', data: 'NIRGraph' });
      const nodes = root.create_group('nodes');
      for (const n of graph.nodes) {
        const g = nodes.create_group(n.name);
        g.create_dataset({ name: 'type', data: n.type });
        for (const [k, a] of Object.entries(n.fields)) writeArray(g, k, a);
        if (Object.keys(n.metadata).length) {
          const m = g.create_group('metadata');
          for (const [k, a] of Object.entries(n.metadata)) writeArray(m, k, a);
        }
      }
      root.create_dataset({ name: 'edges', data: graph.edges.flat(), shape: [graph.edges.length, 2] });
      if (Object.keys(graph.metadata).length) {
        const m = root.create_group('metadata');
        for (const [k, a] of Object.entries(graph.metadata)) writeArray(m, k, a);
      }
    } finally {
      f.close();
    }
    writeAtomic(file, readFileSync(tmp));
  } finally {
    rmSync(tmp, { force: true });
  }
}

function writeArray(g: H5Group, name: string, a: NirArray): void {
  if (a.kind === 'string') {
    g.create_dataset({ name, data: a.shape.length === 0 ? a.values[0] : a.values, shape: a.shape });
  } else if (a.kind === 'int') {
    g.create_dataset({ name, data: BigInt64Array.from(a.values, (x) => BigInt(x)), shape: a.shape, dtype: '<q' });
  } else {
    const data = a.values instanceof Float32Array ? a.values : Float32Array.from(a.values);
    const compress = a.shape.length > 0 && data.length > 0;
    g.create_dataset({ name, data, shape: a.shape, dtype: '<f', ...(compress ? { chunks: a.shape, compression: 4 } : {}) });
  }
}
