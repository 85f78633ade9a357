import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** How to run one child process for an activity. */
export interface RunProcessOptions {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Written to the process's stdin, which is then closed. */
  stdin?: string;
  /** Everything the process prints goes here, in full (stdout and stderr interleaved). */
  logPath: string;
  /**
   * When set, each stream alone also goes to its own file: an agent's stdout carries the output its
   * adapter parses, and its stderr the CLI's own messages that classify a failure.
   */
  streamPaths?: { stdout: string; stderr: string };
  timeoutMs: number;
  /** Aborting kills the process group (activity cancellation). */
  signal?: AbortSignal;
  /** Called every `tickMs` while the process runs (heartbeats). */
  onTick?: () => void;
  tickMs?: number;
  /** How much of the output's end to keep in memory (default 4 KiB). */
  tailBytes?: number;
  /**
   * Records the process group here while it runs. A retry of the same step (after the worker running
   * it died) first kills the group recorded by the earlier attempt, so two agents never edit one
   * workspace at once.
   */
  pidFile?: string;
}

/** How a process ended. */
export interface ProcessOutcome {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  /** The end of the combined output. */
  tail: string;
  /** Set when the process could not be started at all (ENOENT, EACCES). */
  spawnError?: NodeJS.ErrnoException;
}

// After SIGTERM, a process group gets this long to exit before SIGKILL.
const KILL_GRACE_MS = 3_000;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** Kills the process group an earlier attempt recorded, if it still runs. */
function killRecordedGroup(pidFile: string): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 1) killGroup(pid, 'SIGKILL');
  rmSync(pidFile, { force: true });
}

/**
 * Runs a process in its own process group, streaming its output to a log file. On timeout or abort
 * the whole group — the process and everything it started — is terminated, and after the leader
 * exits any stragglers in its group are killed too, so nothing an agent or a check starts outlives it.
 */
export async function runProcess(options: RunProcessOptions): Promise<ProcessOutcome> {
  const started = Date.now();
  mkdirSync(dirname(options.logPath), { recursive: true });
  const log = createWriteStream(options.logPath);
  const streamLogs = options.streamPaths
    ? { stdout: createWriteStream(options.streamPaths.stdout), stderr: createWriteStream(options.streamPaths.stderr) }
    : undefined;
  const tailBytes = options.tailBytes ?? 4096;
  let tail = '';
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-tailBytes);
  };

  if (options.pidFile) killRecordedGroup(options.pidFile);
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    detached: true, // its own process group, so the whole tree can be signalled at once
    stdio: ['pipe', 'pipe', 'pipe'],
  });

  if (options.pidFile && child.pid !== undefined) writeFileSync(options.pidFile, String(child.pid));
  let timedOut = false;
  let cancelled = false;
  let escalation: NodeJS.Timeout | undefined;
  const terminate = () => {
    if (child.pid === undefined) return;
    killGroup(child.pid, 'SIGTERM');
    escalation ??= setTimeout(() => child.pid !== undefined && killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    terminate();
  }, options.timeoutMs);
  const onAbort = () => {
    cancelled = true;
    terminate();
  };
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort);
  const ticker = options.onTick ? setInterval(options.onTick, options.tickMs ?? 5_000) : undefined;

  child.stdout.on('data', keep);
  if (streamLogs) {
    child.stdout.on('data', (chunk: Buffer) => streamLogs.stdout.write(chunk));
    child.stderr.on('data', (chunk: Buffer) => streamLogs.stderr.write(chunk));
  }
  child.stderr.on('data', keep);
  child.stdin.on('error', () => undefined); // a process that never reads its stdin must not crash us
  child.stdin.end(options.stdin ?? '');

  const outcome = await new Promise<ProcessOutcome>((resolve) => {
    child.once('error', (err: NodeJS.ErrnoException) =>
      resolve({ exitCode: null, signal: null, timedOut, cancelled, durationMs: Date.now() - started, tail, spawnError: err }),
    );
    child.once('close', (code, signal) =>
      resolve({ exitCode: code, signal, timedOut, cancelled, durationMs: Date.now() - started, tail }),
    );
  });

  clearTimeout(timer);
  if (ticker) clearInterval(ticker);
  options.signal?.removeEventListener('abort', onAbort);
  if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL'); // stragglers left in the group
  if (escalation) clearTimeout(escalation);
  if (options.pidFile) rmSync(options.pidFile, { force: true });
  await Promise.all([
    new Promise<void>((resolve) => log.end(resolve)),
    ...Object.values(streamLogs ?? {}).map((stream) => new Promise<void>((resolve) => stream.end(resolve))),
  ]);
  return { ...outcome, tail };
}

/** The last `maxLines` lines of a text, without trailing blank lines. */
export function lastLines(text: string, maxLines: number): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  return lines.slice(-maxLines).join('\n');
}
