import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** The built `aidp` binary, run as a user runs it. */
export const AIDP_BIN = resolve(__dirname, '..', '..', 'bin', 'aidp.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `aidp <args>` in `cwd` with exactly `env` (plus PATH and HOME) and captures its streams. */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  return runCaptured(process.execPath, [AIDP_BIN, ...args], options);
}

/** Runs any program as `runCli` runs the CLI: exactly `env` (plus PATH and HOME), streams captured. */
export function runCaptured(
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}
