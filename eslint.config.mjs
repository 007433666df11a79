// Lint: typescript-eslint's recommended rules plus the layering of the project as import rules, so a
// wrong arrow between folders fails CI instead of a review (see the layering table in the README).
import tseslint from 'typescript-eslint';

const tfjs = { group: ['@tensorflow/*'], message: 'The host never computes: tfjs belongs to src/core and src/worker.' };
const vscodeApi = { name: 'vscode', message: 'Only src/host may use the VS Code API.' };
const nodeOnly = ['child_process', 'node:child_process'].map((name) => ({ name, message: 'src/core is pure computation: no processes.' }));
const folder = (name, why) => ({ group: [`**/${name}/**`, `**/${name}`], message: why });

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
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [vscodeApi, ...nodeOnly],
        patterns: [folder('host', 'src/core must not depend on the host.'), folder('worker', 'src/core must not depend on the worker.'),
          folder('webview', 'src/core must not depend on webviews.'), folder('cli', 'src/core must not depend on the CLI.')],
      }],
    },
  },
  {
    files: ['src/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [vscodeApi],
        patterns: [tfjs, folder('core', 'protocol holds shared definitions only.'), folder('host', 'protocol holds shared definitions only.'),
          folder('worker', 'protocol holds shared definitions only.')],
      }],
    },
  },
  {
    files: ['src/worker/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [vscodeApi], patterns: [folder('host', 'the worker never depends on the host.'), folder('webview', 'the worker never depends on webviews.')] }],
    },
  },
  {
    files: ['src/host/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [tfjs, folder('core', 'The host never computes: ask the worker.'), folder('worker', 'The host starts the worker bundle by path; it does not import it.')],
      }],
    },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [vscodeApi],
        patterns: [tfjs, folder('core', 'Webviews draw what the worker computed.'), folder('host', 'Webviews talk to the host by messages.'),
          folder('worker', 'Webviews never import the worker.'), { group: ['node:*'], message: 'Webviews run in a browser.' }],
      }],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [vscodeApi], patterns: [folder('host', 'The CLI runs without VS Code.')] }] },
  },
);
