// Writes the small NIR graph of the unit tests (test/unit/nir-files.ts: Conv2d with bias → IF → SumPool2d →
// Flatten → Affine, written with h5wasm in the layout nir.write() produces) to the path given, for the UI
// check that opens a .nir in the editor. Run by run.sh with tsx.
import { convGraph, writeRaw } from '../unit/nir-files';

const target = process.argv[2];
if (!target) { console.error('usage: make-nir-fixture.ts <file.nir>'); process.exit(2); }
writeRaw(target, convGraph()).catch((e: unknown) => { console.error(e); process.exit(1); });
