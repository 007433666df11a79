import type { BuildOptions } from 'esbuild';
export declare const bundles: (BuildOptions & { outfile: string })[];
