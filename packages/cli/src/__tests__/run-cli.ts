import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { main } from '../main';

/** The built `aidp` binary, run as a user runs it. */
export const AIDP_BIN = resolve(__dirname, '..', '..', 'bin', 'aidp.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** The working folder (default: the test's own). */
  cwd?: string;
  /** The environment, besides PATH and HOME. */
  env?: Record<string, string>;
  /** What standard input holds (default: nothing). */
  stdin?: string;
}

// Process-wide state a command must leave alone when it runs in-process: it answers with its exit
// code and its own streams, never by setting the process's status or handling its signals.
const PROCESS_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGPIPE'] as const;

function processState(): string {
  const listeners = PROCESS_SIGNALS.map((signal) => `${signal}: ${process.listenerCount(signal)}`);
  const streams = [process.stdout, process.stderr].map((stream) => `error: ${stream.listenerCount('error')}`);
  return JSON.stringify({ exitCode: process.exitCode, listeners, streams });
}

/** A stream that hands every chunk written to it to `append`, as it is written. */
function capture(append: (text: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      append(chunk.toString());
      done();
    },
  });
}

/**
 * Runs `aidp <args>` in-process, as clipanion's own tests run a command line: `main` with captured
 * streams, `cwd` as the working folder and exactly `env` (plus PATH and HOME) as the environment.
 * What only the process shows — its exit status, signals, a terminal, a closed pipe — takes
 * {@link runBuiltCli}.
 */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const before = processState();
  const code = await main(args, {
    cwd: options.cwd ?? process.cwd(),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    stdout: capture((text) => (stdout += text)),
    stderr: capture((text) => (stderr += text)),
    colorDepth: 1,
  });
  const after = processState();
  if (after !== before) throw new Error(`aidp ${args.join(' ')} changed the process: ${before} became ${after}`);
  return { code, stdout, stderr };
}

/** Runs the built binary, `aidp <args>`, in `cwd` with exactly `env` (plus PATH and HOME) and captures its streams. */
export function runBuiltCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  return runCaptured(process.execPath, [AIDP_BIN, ...args], options);
}

/** Runs any program as `runBuiltCli` runs the CLI: exactly `env` (plus PATH and HOME), streams captured. */
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
