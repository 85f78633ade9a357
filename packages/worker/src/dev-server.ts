import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { NativeConnection } from '@temporalio/worker';
import { resolveTemporalCli, type ResolveTemporalCliOptions } from './temporal-cli.js';

/** Options of {@link startDevServer}. */
export interface DevServerOptions {
  /** Path of the `temporal` CLI; found (or built) with {@link resolveTemporalCli} when absent. */
  cliPath?: string;
  /** Passed to {@link resolveTemporalCli} when `cliPath` is absent. */
  resolve?: ResolveTemporalCliOptions;
  /** Interface to listen on (default 127.0.0.1). */
  ip?: string;
  /** Frontend gRPC port (default: a free port). */
  port?: number;
  /** Web UI port; `false` runs headless (default: a free port). */
  uiPort?: number | false;
  /** SQLite file that keeps state across restarts (default: in memory). */
  dbFile?: string;
  /** Namespace to create besides `default`. */
  namespace?: string;
  /** Where the server's own output goes (default: discarded). */
  onOutput?: (chunk: string) => void;
  /** How long to wait for the server to answer (default 60 s; the first start of a binary is slow). */
  startTimeoutMs?: number;
}

/** A running local Temporal dev server. */
export interface DevServer {
  /** `host:port` of the frontend, for clients and workers. */
  address: string;
  /** The Web UI, when not headless. */
  uiUrl?: string;
  namespace: string;
  /** The server process id. */
  pid: number;
  /** Stops the server and waits for it to exit. */
  stop(): Promise<void>;
}

/** Raised when the dev server cannot be started; the message carries the server's last output. */
export class DevServerStartError extends Error {
  override readonly name = 'DevServerStartError';
}

/** A port that was free a moment ago (the OS picks it). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** True when nothing listens on `host:port`. */
export async function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return await new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

/**
 * Starts `temporal server start-dev` (SQLite, in memory unless `dbFile` is given) and resolves once the
 * frontend answers and the namespace exists.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const cliPath = options.cliPath ?? (await resolveTemporalCli(options.resolve)).path;
  const ip = options.ip ?? '127.0.0.1';
  const port = options.port ?? (await freePort(ip));
  const uiPort = options.uiPort === false ? undefined : (options.uiPort ?? (await freePort(ip)));
  const namespace = options.namespace ?? 'default';
  for (const [what, p] of [['port', port], ['UI port', uiPort]] as const) {
    if (p !== undefined && !(await isPortFree(p, ip))) {
      throw new DevServerStartError(
        `${what} ${p} on ${ip} is already in use (is another Temporal server running?); choose another ${what}`,
      );
    }
  }
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(port), '--log-level', 'warn'];
  if (uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(uiPort));
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  if (namespace !== 'default') args.push('--namespace', namespace);
  // Updates are used by later features; turning them on here keeps dev and production alike.
  args.push(
    '--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value', 'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
  );

  const child = spawn(cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer) => {
    const text = chunk.toString();
    tail = (tail + text).slice(-4000);
    options.onOutput?.(text);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));

  const address = `${ip}:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  const ready = (async () => {
    for (;;) {
      if (exitCode !== undefined) {
        throw new DevServerStartError(`temporal server start-dev exited with code ${exitCode}:\n${tail}`);
      }
      if (Date.now() > deadline) {
        await stopProcess(child, exited);
        throw new DevServerStartError(`temporal server start-dev did not answer at ${address} in time:\n${tail}`);
      }
      if (await answers(address, namespace)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  await Promise.race([ready, spawnError.then((err) => Promise.reject(new DevServerStartError(`cannot run ${cliPath}: ${err.message}`)))]);

  return {
    address,
    uiUrl: uiPort === undefined ? undefined : `http://${ip === '0.0.0.0' ? '127.0.0.1' : ip}:${uiPort}`,
    namespace,
    pid: child.pid ?? -1,
    stop: () => stopProcess(child, exited),
  };
}

async function answers(address: string, namespace: string): Promise<boolean> {
  let connection: NativeConnection | undefined;
  try {
    connection = await NativeConnection.connect({ address });
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

async function stopProcess(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  // Give the server time to shut down cleanly, then insist.
  const insist = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(insist);
}
