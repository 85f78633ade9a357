// One `jest` run covers the whole workspace, in three projects:
// - unit: fast tests with no server;
// - integration (*.int.test.ts): tests against a real Temporal dev server;
// - production (*.prod.test.ts): tests against the full Temporal server on PostgreSQL — TLS, mTLS,
//   JWT authorization, and faults (servers, workers and the database killed mid-run). Each file starts
//   its own PostgreSQL and server; `pnpm test:faults` runs only this project.
// Jest runs a project's global setup only when that project has tests selected, so
// `jest packages/config` never starts a server.
const { ESM_ONLY } = require('./jest.resolver.js');

const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
    // ES-module-only dependencies (see jest.resolver.js), down-levelled to CommonJS.
    '^.+\\.m?js$': ['@swc/jest', { module: { type: 'commonjs' }, jsc: { target: 'es2022' } }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(\\.pnpm/)?(${ESM_ONLY.map((p) => p.replace('@octokit', '@octokit[/+]')).join('|')}))`],
  resolver: '<rootDir>/jest.resolver.js',
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Workspace packages resolve to their sources so a test never runs against a stale build.
  moduleNameMapper: {
    // Sources import siblings as './x.js' (NodeNext); under jest they resolve to './x.ts'.
    '^(\\.{1,2}/.*)\\.js$': '$1',
    '^@aidp/(config|workflows|activities|client|worker|cli|testing)$': '<rootDir>/packages/$1/src',
    '^@aidp/(workflows|client)/contracts$': '<rootDir>/packages/$1/src/contracts',
    '^@aidp/testing/(.*)$': '<rootDir>/packages/testing/src/$1',
    '^@aidp/worker/(.*)$': '<rootDir>/packages/worker/src/$1',
  },
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60_000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['**/src/**/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.(int|prod)\\.test\\.ts$'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['**/src/**/__tests__/**/*.int.test.ts'],
      globalSetup: '<rootDir>/packages/testing/lib/jest/global-setup.js',
      setupFiles: ['<rootDir>/packages/testing/src/jest/setup-runtime.ts'],
      globalTeardown: '<rootDir>/packages/testing/lib/jest/global-teardown.js',
    },
    {
      ...shared,
      displayName: 'production',
      testMatch: ['**/src/**/__tests__/**/*.prod.test.ts'],
      globalSetup: '<rootDir>/packages/testing/lib/jest/production-setup.js',
      setupFiles: ['<rootDir>/packages/testing/src/jest/setup-runtime.ts'],
    },
  ],
};
