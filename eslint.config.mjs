// @ts-check
import js from '@eslint/js';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`, `${m}/*`, `node:${m}/*`]);

export default tseslint.config(
  {
    ignores: ['**/lib/**', '**/node_modules/**', 'coverage/**', 'packages/*/bin/**', '**/*.js', '**/*.mjs', '**/*.cjs'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['packages/*/src/**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
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
        { object: 'Date', property: 'now', message: 'Logic must not depend on the clock: decide from workflow state, and take times from workflowInfo().' },
        { object: 'Math', property: 'random', message: 'Randomness breaks replay: use uuid4() from @temporalio/workflow.' },
      ],
    },
  },
);
