// Tiny throwaway projects for tests that run real test runners (node:test, jest) on real files.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** jest's own command-line entry, from this repository's dependencies: runs without a network. */
export const JEST_BIN = require.resolve('jest/bin/jest');

/** A jest command for a check: the repository's jest, with no cache shared with other runs. */
export const JEST_COMMAND = `node ${JEST_BIN} --ci --no-cache`;

/** A new folder holding `files` (path → content). */
export function tempProject(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'aidp-part-'));
  writeFiles(dir, files);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

/**
 * Runs `command` with `sh -c` in `cwd`, as a check runs, and returns its exit code and its output
 * (stdout and stderr together, not on a terminal). The test runner's own variables are left out so a
 * nested jest behaves as it would in a check.
 */
export function sh(command: string, cwd: string): { status: number | null; output: string } {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(JEST_|NODE_OPTIONS$|NODE_ENV$|FORCE_COLOR$|NODE_TEST_CONTEXT$)/.test(key)) env[key] = value;
  }
  const result = spawnSync('sh', ['-c', `${command} 2>&1`], { cwd, env: { ...env, CI: 'true' }, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, output: result.stdout };
}
