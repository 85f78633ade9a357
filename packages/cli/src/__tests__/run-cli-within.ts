import { spawn, type ChildProcess } from 'node:child_process';
import { AIDP_BIN } from './run-cli';

/** How a command run with a time limit ended. */
export interface TimedRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** How long it ran, in milliseconds. */
  ms: number;
  /** It was still running at the limit, and was killed. */
  timedOut: boolean;
}

/** A started `aidp` process; `done` settles when it exits, or at the limit (when it is killed). */
export interface StartedCli {
  child: ChildProcess;
  output(): string;
  done: Promise<TimedRun>;
}

/**
 * Starts `aidp <args>` in `cwd` with exactly `env` (plus PATH and HOME), and kills it if it is still
 * running after `limitMs`: a command that hangs fails its test instead of the whole run.
 */
export function startCli(args: string[], options: { cwd?: string; env?: Record<string, string>; limitMs: number }): StartedCli {
  const started = Date.now();
  const child = spawn(process.execPath, [AIDP_BIN, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  let timedOut = false;
  const limit = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.limitMs);
  const done = new Promise<TimedRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(limit);
      resolve({ code, stdout, stderr, ms: Date.now() - started, timedOut });
    });
  });
  return { child, output: () => stdout + stderr, done };
}

/** Runs `aidp <args>` to its end, or kills it at `limitMs`. */
export async function runCliWithin(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; limitMs: number },
): Promise<TimedRun> {
  return await startCli(args, options).done;
}

/** Waits until `check` is true, polling; false when `ms` passed first. */
export async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}
