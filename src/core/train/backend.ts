/**
 * Picks the TensorFlow.js backend training runs on and says which one ran:
 * 1. `tensorflow` (`@tensorflow/tfjs-node`, native libtensorflow) when it is installed and loads in this
 *    Node (its native addon must match the Node ABI; a missing or mismatched addon is caught);
 * 2. `wasm` (`@tensorflow/tfjs-backend-wasm`, SIMD when the CPU has it) with the convolution gradients of
 *    `conv-grad.ts`, since its own filter gradient is missing;
 * 3. `cpu` (pure JS, ~25× slower than wasm), last resort.
 */
import * as tf from '@tensorflow/tfjs-core';
import { installConvGradients } from './conv-grad';
import { installPoolGradients } from './pool-grad';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  name: BackendName;
  /** What was tried and why a faster backend was not used, for the run record and the UI. */
  notes: string[];
  /** wasm: whether SIMD is on. */
  simd?: boolean;
  threads?: number;
}

/** Results of loading tfjs-node, by where it was looked for ('' = the usual module resolution). */
const nodeLoads = new Map<string, { ok: boolean; why?: string }>();

/**
 * Where "SynOps: Install Native Backend" puts tfjs-node (a folder with `node_modules/`), passed to the
 * worker as `SYNOPS_NATIVE_DIR`; empty when there is none.
 */
export function nativeDir(): string {
  return process.env.SYNOPS_NATIVE_DIR ?? '';
}

/**
 * Tries to load tfjs-node once per place (it registers the `tensorflow` backend as a side effect): from
 * `dir/node_modules` when given, else by the usual resolution. Never throws: "Cannot find module" (not
 * installed) and "native addon module ... can not be found" (installed without its binary, or built for
 * another Node ABI) both come back as `{ ok: false, why }`.
 */
export function tryLoadTfjsNode(dir = nativeDir()): { ok: boolean; why?: string } {
  const cached = nodeLoads.get(dir);
  if (cached) return cached;
  let result: { ok: boolean; why?: string };
  try {
    // A computed name keeps bundlers from trying to include the optional native package.
    const name = ['@tensorflow', 'tfjs-node'].join('/');
    const where = dir ? require.resolve(name, { paths: [dir] }) : name;
    // The optional native package, found at run time (layering allows @tensorflow/* in the core).
    // eslint-disable-next-line @typescript-eslint/no-require-imports, layering/imports
    require(where);
    result = tf.findBackend('tensorflow') ? { ok: true } : { ok: false, why: 'tfjs-node loaded but registered no "tensorflow" backend (a second copy of tfjs-core?)' };
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    const why = /Cannot find module/.test(msg) ? `tfjs-node is not installed${dir ? ` in ${dir}` : ''}`
      : /native addon module|can ?not be found|NODE_MODULE_VERSION|invalid ELF|\.node/.test(msg) ? `tfjs-node's native addon does not load in this Node (${msg.split('\n')[0]}); set synops.worker.nodePath to a Node whose ABI it was built for, or reinstall it`
        : `tfjs-node failed to load: ${msg.split('\n')[0]}`;
    result = { ok: false, why };
  }
  nodeLoads.set(dir, result);
  return result;
}

async function tryBackend(name: BackendName): Promise<boolean> {
  try {
    if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
    if (name === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
    if (!tf.findBackendFactory(name)) return false;
    const ok = await tf.setBackend(name);
    await tf.ready();
    return ok && tf.getBackend() === name;
  } catch {
    return false;
  }
}

/**
 * Sets the training backend. `prefer` forces one backend (an error if it does not load); otherwise the
 * order above. The convolution and pooling gradients are installed in every case (they only act on wasm and cpu).
 */
export async function selectBackend(prefer?: BackendName): Promise<BackendInfo> {
  installConvGradients();
  installPoolGradients();
  const notes: string[] = [];
  const order: BackendName[] = prefer ? [prefer] : ['tensorflow', 'wasm', 'cpu'];
  for (const name of order) {
    if (name === 'tensorflow') {
      const r = tryLoadTfjsNode();
      if (!r.ok) { notes.push(r.why!); continue; }
    }
    if (tf.getBackend() === name || await tryBackend(name)) {
      const info: BackendInfo = { name, notes };
      if (name === 'wasm') {
        info.simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const b = tf.backend() as any;
        info.threads = typeof b.getThreadsCount === 'function' ? b.getThreadsCount() : 1;
      }
      if (name === 'cpu') notes.push('the pure-JS cpu backend is very slow for training; expect ~25× less than wasm');
      return info;
    }
    notes.push(`backend ${name} did not initialise`);
  }
  throw new Error(`no TensorFlow.js backend could be initialised (${notes.join('; ')})`);
}

/** The backend currently set, as a `BackendName` (for records written after `selectBackend`). */
export function currentBackend(): BackendName {
  return tf.getBackend() as BackendName;
}

/** Threads per training step (`parallel.ts`): a number, or `auto` (one per core, see `defaultThreads`). */
export type ThreadsChoice = number | 'auto';
let threadsChoice: ThreadsChoice = 'auto';

/** Sets the threads training steps use in this process (CLI `--threads`, the worker's setting). */
export function setTrainThreads(choice: ThreadsChoice | undefined): void {
  if (choice === undefined) return;
  if (choice !== 'auto' && (!Number.isInteger(choice) || choice < 1 || choice > 64)) throw new Error(`threads must be auto or a whole number from 1 to 64, not ${choice}`);
  threadsChoice = choice;
}

/**
 * The threads one training step of batch `batchSize` uses on backend `name`: 1 on tfjs-node (TensorFlow
 * threads its own kernels), else the choice, never more than one per 8 samples of the batch.
 */
export function trainThreadsFor(name: BackendName, batchSize: number, auto: (batch: number) => number): number {
  if (name === 'tensorflow') return 1;
  const n = threadsChoice === 'auto' ? auto(batchSize) : threadsChoice;
  return Math.max(1, Math.min(n, Math.floor(batchSize / 8) || 1));
}
