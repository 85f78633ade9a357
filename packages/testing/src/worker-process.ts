import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { temporalAddress } from './temporal.js';

/** The built `aidp` binary. */
export const AIDP_BIN = resolve(__dirname, '..', '..', 'cli', 'bin', 'aidp.js');

/** A real `aidp temporal worker` process. */
export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves once the worker polls its task queue; rejects if it exits first. */
  polling: Promise<void>;
  /** Everything it printed so far, both streams. */
  output(): string;
  /** Sends `signal` (SIGTERM by default) unless it already exited, and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `aidp temporal worker --config <configFile>` with `env` on top of this process's environment. */
export function startWorkerProcess(configFile: string, env: Record<string, string> = {}): WorkerProcess {
  const child = spawn(process.execPath, [AIDP_BIN, 'temporal', 'worker', '--config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env, NO_COLOR: '1' },
  });
  let output = '';
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const polling = new Promise<void>((resolvePolling, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Worker polling')) resolvePolling();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited early (${code}):\n${output}`)));
  });
  polling.catch(() => undefined);
  return {
    child,
    polling,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
}

/** What {@link writeKillableWorkerConfig} writes besides its defaults. */
export interface KillableWorkerConfig {
  taskQueue: string;
  /** The server's address (default: the shared dev server). */
  address?: string;
  /** `temporal.timeouts.activity_heartbeat` in seconds (default 3). */
  heartbeatSeconds?: number;
  /** More `temporal.worker` settings. */
  worker?: Record<string, unknown>;
  /** More top-level sections: `github`, `agent`, `work_loop`, … */
  sections?: Record<string, unknown>;
}

/**
 * Writes, in a new folder, the aidp.yml of a worker a test is going to kill: short heartbeats and
 * retries, so another worker takes its activities over within seconds, a one-second shutdown grace,
 * and no metrics. Returns the file's path, for {@link startWorkerProcess}.
 */
export function writeKillableWorkerConfig(options: KillableWorkerConfig): string {
  const configFile = join(mkdtempSync(join(tmpdir(), 'aidp-worker-')), 'aidp.yml');
  const raw = {
    temporal: {
      target_host: options.address ?? temporalAddress(),
      task_queue: options.taskQueue,
      timeouts: { activity_heartbeat: options.heartbeatSeconds ?? 3 },
      retry: { initial_interval: 1, maximum_interval: 2 },
      worker: { shutdown_grace_period: 1, ...options.worker },
    },
    metrics: { enabled: false },
    ...options.sections,
  };
  // JSON is YAML.
  writeFileSync(configFile, `${JSON.stringify(raw, null, 2)}\n`);
  return configFile;
}
