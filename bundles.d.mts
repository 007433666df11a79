import type { BuildOptions, Plugin } from 'esbuild';
export declare const bundles: (BuildOptions & { outfile: string })[];
export declare const wasmBeside: string[];
export declare const plotlyFile: string;
export declare const plotlyGlobal: Plugin;
export declare const copiedPackages: { name: string; files: [string, string][] }[];
