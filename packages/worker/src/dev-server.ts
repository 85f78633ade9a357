import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { NativeConnection } from '@temporalio/worker';
import { describeListener, listeningProcess, localAddresses, probeListener } from './listener.js';
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
  /**
   * Settles when the server process ends, for whatever reason: resolves with an error saying how
   * (its exit code or signal, and the errors it printed), whether or not {@link stop} asked it to.
   */
  exited: Promise<DevServerExitedError>;
  /** Stops the server and waits for it to exit. */
  stop(): Promise<void>;
}

/** Why the dev server could not start, when it is one of the causes a user can act on. */
export type DevServerStartReason =
  /** The address to listen on is not one of this machine's. */
  | 'address-not-local'
  /** Something already listens on the port. */
  | 'port-in-use'
  /** The system does not let this user listen on the port (below 1024). */
  | 'port-not-allowed'
  /** The `temporal` process could not be run, or ended before it answered. */
  | 'server-failed'
  /** The server did not answer in time. */
  | 'timeout';

/** Raised when the dev server cannot be started; the message says why and what to do. */
export class DevServerStartError extends Error {
  override readonly name = 'DevServerStartError';
  constructor(
    message: string,
    /** Why, when known. */
    readonly reason: DevServerStartReason = 'server-failed',
    /** The option the reason is about: `ip`, `port` or `uiPort`. */
    readonly option?: 'ip' | 'port' | 'uiPort',
  ) {
    super(message);
  }
}

/** The dev server process ended; the message has its exit code or signal and the errors it printed. */
export class DevServerExitedError extends Error {
  override readonly name = 'DevServerExitedError';
  constructor(
    readonly code: number | null,
    readonly signal: NodeJS.Signals | null,
    /** The errors the server printed last, one per line; empty when it printed none. */
    readonly errors: string,
  ) {
    super(`the Temporal dev server exited (${signal ? `signal ${signal}` : `code ${code}`})` + (errors ? `: ${errors}` : ''));
  }
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
  return (await tryListen(port, host)) === undefined;
}

/** Listens on `host:port` for a moment; the error code when that fails (`EADDRINUSE`, `EADDRNOTAVAIL`, …). */
async function tryListen(port: number, host: string): Promise<string | undefined> {
  return await new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    probe.listen(port, host, () => probe.close(() => resolve(undefined)));
  });
}

const OPTION_WORDS = { port: 'port', uiPort: 'UI port' } as const;

/**
 * Checks that the dev server can listen on `ip:port` before starting it, and says what stands in
 * the way: an address this machine does not have, a port something else holds (and what: a Temporal
 * server, an HTTP server, which process when the system tells), or a port this user may not use.
 */
async function checkCanListen(ip: string, port: number, option: 'port' | 'uiPort'): Promise<void> {
  const code = await tryListen(port, ip);
  if (code === undefined) return;
  const what = OPTION_WORDS[option];
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    throw new DevServerStartError(
      `cannot listen on ${ip}: it is not an address of this machine (its addresses: ${localAddresses().join(', ')}); ` +
        'use one of those, or 0.0.0.0 for all of them',
      'address-not-local',
      'ip',
    );
  }
  if (code === 'EACCES' || code === 'EPERM') {
    throw new DevServerStartError(
      `cannot listen on ${what} ${port} of ${ip}: permission denied (ports below 1024 need privileges); choose a ${what} from 1024 to 65535`,
      'port-not-allowed',
      option,
    );
  }
  if (code === 'EADDRINUSE') {
    throw new DevServerStartError(
      `${what} ${port} on ${ip} is already in use by ${await holderOf(ip, port)}; stop it, or choose another ${what}`,
      'port-in-use',
      option,
    );
  }
  throw new DevServerStartError(`cannot listen on ${what} ${port} of ${ip}: ${code}`, 'server-failed', option);
}

/** What holds `ip:port`, in words: a Temporal server, or what else answered, and its process when known. */
async function holderOf(ip: string, port: number): Promise<string> {
  const host = ip === '0.0.0.0' ? '127.0.0.1' : ip === '::' ? '::1' : ip;
  const owner = listeningProcess(port, host);
  const pid = owner ? `pid ${owner.pid}: ${owner.command}` : undefined;
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const listener = await probeListener(host, port);
  // Temporal's frontend is an HTTP/2 server; only then is Temporal's own question worth asking.
  if (listener.kind === 'http2' && (await isTemporal(address))) return `a Temporal server${pid ? ` (${pid})` : ''}`;
  // Gone between the two checks, or listening on another interface only.
  if (listener.kind === 'none') return `another program${pid ? ` (${pid})` : ''}`;
  return `something that is not a Temporal server: ${describeListener(listener)}${pid ? `, ${pid}` : ''}`;
}

// Temporal's own question, with a deadline: a listener that takes the connection and says nothing
// would keep the native client waiting for half a minute.
async function isTemporal(address: string): Promise<boolean> {
  const attempt = (async () => {
    const connection = await NativeConnection.connect({ address });
    try {
      await connection.workflowService.getSystemInfo({});
      return true;
    } finally {
      await connection.close().catch(() => undefined);
    }
  })().catch(() => false);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 3_000)));
  try {
    return await Promise.race([attempt, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The errors in the dev server's output: its `level=ERROR msg="…"` lines (the Temporal CLI's log
 * format), else `Error: …` lines; empty when there are none.
 */
export function devServerErrors(output: string): string {
  const lines = output.split('\n');
  const logged = lines
    .filter((line) => /\blevel=(?:ERROR|FATAL)\b/.test(line))
    .map((line) => /\bmsg="((?:[^"\\]|\\.)*)"/.exec(line)?.[1]?.replace(/\\"/g, '"') ?? line.trim());
  const found = logged.length > 0 ? logged : lines.filter((line) => /^(?:Error|error):/.test(line.trim())).map((line) => line.trim());
  return [...new Set(found)].slice(-3).join('; ');
}

/**
 * Starts `temporal server start-dev` (SQLite, in memory unless `dbFile` is given) and resolves once the
 * frontend answers and the namespace exists.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const cliPath = options.cliPath ?? (await resolveTemporalCli(options.resolve)).path;
  const ip = options.ip ?? '127.0.0.1';
  // Port 0 checks the address alone.
  await checkCanListen(ip, options.port ?? 0, 'port');
  const port = options.port ?? (await freePort(ip));
  const uiPort = options.uiPort === false ? undefined : (options.uiPort ?? (await freePort(ip)));
  if (uiPort !== undefined && options.uiPort !== undefined) await checkCanListen(ip, uiPort, 'uiPort');
  const namespace = options.namespace ?? 'default';
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(port), '--log-level', 'warn'];
  if (uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(uiPort));
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  if (namespace !== 'default') args.push('--namespace', namespace);
  // Updates are used by later features; turning them on here keeps dev and production alike.
  args.push(
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
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
  // 'close' rather than 'exit': the output is complete by then, errors included.
  const exited = new Promise<DevServerExitedError>((resolve) =>
    child.once('close', (code, signal) => resolve(new DevServerExitedError(code, signal, devServerErrors(tail)))),
  );
  let exit: DevServerExitedError | undefined;
  void exited.then((e) => (exit = e));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));

  const address = `${ip.includes(':') ? `[${ip}]` : ip}:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  const ready = (async () => {
    for (;;) {
      if (exit !== undefined) {
        // Its own words when it logged an error (a port taken after our check, say), else its output.
        const said = exit.errors || tail.trim().split('\n').slice(-20).join('\n');
        throw new DevServerStartError(
          `temporal server start-dev exited with ${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`}: ${said}`,
        );
      }
      if (Date.now() > deadline) {
        await stopProcess(child, exited);
        throw new DevServerStartError(`temporal server start-dev did not answer at ${address} in time:\n${tail}`, 'timeout');
      }
      if (await answers(address, namespace)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  await Promise.race([ready, spawnError.then((err) => Promise.reject(new DevServerStartError(`cannot run ${cliPath}: ${err.message}`)))]);

  return {
    address,
    uiUrl:
      uiPort === undefined ? undefined : `http://${ip === '0.0.0.0' ? '127.0.0.1' : address.slice(0, address.lastIndexOf(':'))}:${uiPort}`,
    namespace,
    pid: child.pid ?? -1,
    exited,
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

async function stopProcess(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  // Give the server time to shut down cleanly, then insist.
  const insist = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(insist);
}
