import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

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
