// `npm run build:kernels`: regenerates conv-wasm.ts from conv.as (compile.ts says why it is committed).
import { writeFileSync } from 'node:fs';
import { compileConvKernels, moduleText, MODULE_PATH } from './compile';

compileConvKernels().then((bytes) => {
  writeFileSync(MODULE_PATH, moduleText(bytes));
  console.log(`${MODULE_PATH}: ${bytes.length} bytes of wasm`);
}, (e: Error) => {
  console.error(e.message);
  process.exitCode = 1;
});
