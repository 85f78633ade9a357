import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

/** How to run one child process for an activity. */
export interface RunProcessOptions {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Written to the process's stdin, which is then closed. */
  stdin?: string;
  /** Everything the process prints goes here (stdout and stderr interleaved), up to `maxLogBytes`. */
  logPath: string;
  /**
   * The most the log keeps; past it, the end of the output is kept under a line saying how much was
   * dropped. Default: no limit.
   */
  maxLogBytes?: number;
  /**
   * When set, the end of each stream alone — up to this many bytes — is kept in memory and returned:
   * an agent's stdout carries the output its adapter parses, and its stderr the CLI's own messages
   * that classify a failure. Nothing is written twice to disk.
   */
  streamTailBytes?: number;
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
  /** With `streamTailBytes`: the end of each stream alone. */
  streams?: { stdout: string; stderr: string };
  /** Bytes of output the log dropped to stay within `maxLogBytes` (0 when it kept everything). */
  droppedBytes: number;
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
  const log = new CappedLog(options.logPath, options.maxLogBytes ?? Number.POSITIVE_INFINITY);
  const tailBytes = options.tailBytes ?? 4096;
  let tail = '';
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-tailBytes);
  };
  const streamTails = options.streamTailBytes
    ? { stdout: new TailBuffer(options.streamTailBytes), stderr: new TailBuffer(options.streamTailBytes) }
    : undefined;

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
  if (streamTails) {
    child.stdout.on('data', (chunk: Buffer) => streamTails.stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => streamTails.stderr.push(chunk));
  }
  child.stderr.on('data', keep);
  child.stdin.on('error', () => undefined); // a process that never reads its stdin must not crash us
  child.stdin.end(options.stdin ?? '');

  const outcome = await new Promise<Omit<ProcessOutcome, 'tail' | 'droppedBytes'>>((resolve) => {
    child.once('error', (err: NodeJS.ErrnoException) =>
      resolve({ exitCode: null, signal: null, timedOut, cancelled, durationMs: Date.now() - started, spawnError: err }),
    );
    child.once('close', (code, signal) => resolve({ exitCode: code, signal, timedOut, cancelled, durationMs: Date.now() - started }));
  });

  clearTimeout(timer);
  if (ticker) clearInterval(ticker);
  options.signal?.removeEventListener('abort', onAbort);
  if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL'); // stragglers left in the group
  if (escalation) clearTimeout(escalation);
  if (options.pidFile) rmSync(options.pidFile, { force: true });
  const droppedBytes = log.close();
  return {
    ...outcome,
    tail,
    droppedBytes,
    ...(streamTails ? { streams: { stdout: streamTails.stdout.text(), stderr: streamTails.stderr.text() } } : {}),
  };
}

/** The last `limit` bytes pushed into it. */
class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.chunks.length > 1 && this.size - this.chunks[0]!.length >= this.limit) this.size -= this.chunks.shift()!.length;
  }

  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.limit)).toString('utf8');
  }
}

/**
 * A log file that never keeps more than `limit` bytes of output. Writes are synchronous, so the file
 * is complete whenever the process has ended. Past the limit the file rolls over to `<path>.1` (at
 * most twice the limit on disk while the process runs); on close the two are cut to the last `limit`
 * bytes under a line that says how much was dropped.
 */
class CappedLog {
  private fd: number;
  private written = 0;
  private rolled = false;
  private total = 0;

  constructor(
    private readonly path: string,
    private readonly limit: number,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    rmSync(`${path}.1`, { force: true });
    this.fd = openSync(path, 'w');
  }

  write(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.written + chunk.length > this.limit && this.written > 0) {
      closeSync(this.fd);
      renameSync(this.path, `${this.path}.1`);
      this.fd = openSync(this.path, 'w');
      this.written = 0;
      this.rolled = true;
    }
    // A single chunk larger than the whole limit: only its end can be kept.
    const part = chunk.length > this.limit ? chunk.subarray(chunk.length - this.limit) : chunk;
    if (part !== chunk) this.rolled = true;
    writeSync(this.fd, part);
    this.written += part.length;
  }

  /** Closes the file; returns the number of bytes it dropped. */
  close(): number {
    closeSync(this.fd);
    if (!this.rolled) return 0;
    const current = readFileSync(this.path);
    const older = `${this.path}.1`;
    let previous = Buffer.alloc(0);
    const wanted = this.limit - current.length;
    if (wanted > 0 && existsSync(older)) {
      const size = statSync(older).size;
      const length = Math.min(wanted, size);
      previous = Buffer.alloc(length);
      const fd = openSync(older, 'r');
      readSync(fd, previous, 0, length, size - length);
      closeSync(fd);
    }
    rmSync(older, { force: true });
    const kept = previous.length + current.length;
    const dropped = this.total - kept;
    const note = `[aidp: the first ${dropped} bytes of this output were dropped to keep the log within ${this.limit} bytes; the last ${kept} bytes follow]\n`;
    writeFileSync(this.path, Buffer.concat([Buffer.from(note), previous, current]));
    return dropped;
  }
}

/** The last `maxLines` lines of a text, without trailing blank lines. */
export function lastLines(text: string, maxLines: number): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  return lines.slice(-maxLines).join('\n');
}
