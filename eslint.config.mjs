// @ts-check
import js from '@eslint/js';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`, `${m}/*`, `node:${m}/*`]);

// The repository's own JavaScript (root configs, scripts, bins) and the benchmark. No package tsconfig
// includes these files, so the project service opens them in a default project (tsconfig.scripts.json:
// allowJs, checkJs, Node's types) and the type-aware rules see them too. The bins and the benchmark
// are checked against the packages they require, so lint after a build.
const scripts = ['*.js', '*.mjs', 'scripts/*.mjs', 'bench/*.js', 'bench/*.ts', 'packages/*/bin/*.js', 'packages/*/scripts/*.js'];

// Scripts run on Node: their globals are the ones the Node running the lint defines (the Node that runs
// the scripts), so there is no list of globals to keep up to date.
const nodeGlobals = Object.fromEntries(Object.getOwnPropertyNames(globalThis).map((name) => [name, /** @type {const} */ ('readonly')]));

export default tseslint.config(
  {
    // examples/ is a sample user project, with its own tooling, that AIDP runs against.
    ignores: ['**/lib/**', '**/node_modules/**', 'coverage/**', 'examples/**'],
  },
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: scripts,
          defaultProject: 'tsconfig.scripts.json',
          maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 16,
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  js.configs.recommended,
  // Type-aware: every package's sources and tests, and the scripts above.
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['**/__tests__/**/*.ts'],
    rules: {
      // @types/jest types the asymmetric matchers (`expect.any(String)`, `expect.stringContaining(…)`)
      // as `any`, and placing them in an expected object is what they are for. The other no-unsafe-*
      // rules stay on, so an untyped value (a parsed fixture) is still caught where it is used.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: nodeGlobals },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { __dirname: 'readonly', __filename: 'readonly' } },
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      // `const { join } = require('node:path')` is CommonJS's named import; the rule takes it for a
      // method pulled off an object.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node APIs, no wall clock, no
    // randomness, and none of our Node-side packages. The bundle test enforces the same at build level.
    files: ['packages/workflows/src/**/*.ts'],
    ignores: ['packages/workflows/src/**/__tests__/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, '@temporalio/worker', '@temporalio/client', '@temporalio/activity', '@temporalio/testing'].map(
            (name) => ({ name, message: 'Workflow code runs in the Temporal sandbox: do this in an activity.' }),
          ),
          patterns: [
            {
              group: ['@aidp/config', '@aidp/activities', '@aidp/client', '@aidp/worker', '@aidp/cli', '@aidp/testing'],
              message: '@aidp/workflows depends on no other AIDP package (it is bundled into the sandbox).',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'No process in the workflow sandbox: pass values in the workflow input.' },
        { name: 'Buffer', message: 'No Buffer in the workflow sandbox.' },
        { name: 'require', message: 'Use imports; the sandbox bundles them.' },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'Date',
          property: 'now',
          message: 'Logic must not depend on the clock: decide from workflow state, and take times from workflowInfo().',
        },
        { object: 'Math', property: 'random', message: 'Randomness breaks replay: use uuid4() from @temporalio/workflow.' },
      ],
    },
  },
);
