/**
 * The thread that reads `.nir` files with its own copy of HDF5 (see `readNirFile` in `hdf5.ts`): gets
 * `{ file }`, answers with the graph or the problem and whether its HDF5 is still sound (`reusable`: then
 * the caller may send it the next file; otherwise it ends the thread). Emscripten prints an abort's message
 * on stderr; the reply carries that message, so this thread's console and stderr print nothing (silenced
 * here, before HDF5 loads and binds them, rather than piped to the caller: a piped stderr would keep the
 * caller's process alive while the thread waits idle for the next file).
 */
import { parentPort } from 'node:worker_threads';
import { readNirHere } from './hdf5';

const quiet = (): undefined => undefined;
console.error = quiet;
console.warn = quiet;
console.log = quiet;
process.stderr.write = (() => true) as typeof process.stderr.write;
process.stdout.write = (() => true) as typeof process.stdout.write;

parentPort!.on('message', (m: { file: string }) => void readNirHere(m.file).then((reply) => parentPort!.postMessage(reply)));
