import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.cache/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly',
        setImmediate: 'readonly', clearImmediate: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
        URL: 'readonly', fetch: 'readonly', Headers: 'readonly', AbortSignal: 'readonly', AbortController: 'readonly',
        Buffer: 'readonly', performance: 'readonly', queueMicrotask: 'readonly', globalThis: 'readonly',
        FinalizationRegistry: 'readonly', WeakRef: 'readonly', TextEncoder: 'readonly', Response: 'readonly',
      },
    },
    rules: {
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // The folders of src/ are the stages of the data flow, lowest first; a folder imports only from
  // folders below it (read/ only from model/), so no stage reaches up and no circle can form
  // across folders (test/source-imports-have-no-cycles.test.ts checks within folders).
  ...layers(),
);

function layers() {
  const order = ['model', 'propagation', 'record', 'encode', 'deliver', 'http', 'jobs', 'setup', 'frameworks', 'cli'];
  const allowed = Object.fromEntries(order.map((name, i) => [name, order.slice(0, i + 1)]));
  allowed.read = ['model', 'read'];
  // report/ lays out what read/ reads as an HTML page; only the CLI uses it.
  allowed.report = ['model', 'read', 'report'];
  allowed.cli = [...allowed.cli, 'read', 'report'];
  const all = [...order, 'read', 'report'];
  return Object.entries(allowed).map(([folder, may]) => {
    const above = all.filter((f) => !may.includes(f));
    return {
      files: [`src/${folder}/**/*.ts`],
      rules: {
        'no-restricted-imports': ['error', {
          patterns: [
            { regex: `^\\.\\./(${above.join('|')})/`, message: `src/${folder}/ may import only from ${may.map((f) => `src/${f}/`).join(', ')}: the data flow goes one way (see "How it works" in the README).` },
            { regex: '^\\.\\./(\\.\\./)*index\\.js$', message: 'src/index.ts is the public surface; import the module itself.' },
          ],
        }],
      },
    };
  });
}
