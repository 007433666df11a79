/**
 * The thread that reads one `.nir` file with its own copy of HDF5 (see `readNirFile` in `hdf5.ts`): gets
 * `{ file }`, answers with the graph or the problem, and ends. Emscripten prints an abort's message on
 * stderr; this thread's stderr is not passed on, the reply carries the message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readNirHere } from './hdf5';

void readNirHere((workerData as { file: string }).file).then((reply) => parentPort!.postMessage(reply));
