import { mkdtemp, mkdir, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { ConfigError } from '../errors.js';

/**
 * Temporary project directories for tests. Each is created under the OS temp folder and removed
 * after the test file; searches in tests pass `stopDir` so stray files above it never count.
 */
export function useTempDirs(): () => Promise<string> {
  const made: string[] = [];
  afterAll(async () => {
    await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await realpath(await mkdtemp(path.join(os.tmpdir(), 'aidp-config-')));
    made.push(dir);
    return dir;
  };
}

/** Writes files (relative path → content) under `root`, creating folders. */
export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(root, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
}

/** The ConfigError a call throws; fails the test when it throws something else or nothing. */
export async function configErrorOf(run: () => unknown): Promise<ConfigError> {
  try {
    await run();
  } catch (error) {
    expect((error as Error).name).toBe('ConfigError');
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

/** The message lines of the ConfigError a call throws. */
export async function errorLines(run: () => unknown): Promise<string[]> {
  return (await configErrorOf(run)).message.split('\n');
}
