import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import Long from 'long';
import { isPortFree } from '@aidp/worker';
import { aidpCacheDir, findGo, goInstall } from '@aidp/worker/go-install';
import { createCertificates, type TestCertificates } from './certificates.js';
import { startPostgres, type PostgresServer } from './postgres.js';

/**
 * The Temporal server release the production-like tests build: the newest 1.30.x whose go.mod asks for
 * a Go that the supported toolchains have (1.30.9 requires Go 1.26.10) and has no `replace` directive,
 * so `go install` can build it from the module proxy.
 */
export const TEMPORAL_SERVER_VERSION = 'v1.30.8';
const SERVER_MODULE = 'go.temporal.io/server';
// `go install` names binaries after the package folder: cmd/server → server, cmd/tools/sql → sql.
const PACKAGES = { server: `${SERVER_MODULE}/cmd/server`, sql: `${SERVER_MODULE}/cmd/tools/sql` } as const;

/** Raised when the Temporal server cannot be found, built or started; the message says why. */
export class TemporalServerError extends Error {
  override readonly name = 'TemporalServerError';
}

/** Where the full server and its SQL schema tool are. */
export interface TemporalServerBinaries {
  /** `temporal-server` (`go.temporal.io/server/cmd/server`). */
  server: string;
  /** `temporal-sql-tool` (`go.temporal.io/server/cmd/tools/sql`). */
  sqlTool: string;
  /** How they were found: `AIDP_TEMPORAL_SERVER_BIN`, the build cache, or a fresh build. */
  origin: 'env' | 'cache' | 'built';
}

/** Options of {@link resolveTemporalServer}. */
export interface ResolveTemporalServerOptions {
  /** Environment to read `AIDP_TEMPORAL_SERVER_BIN`, `AIDP_CACHE_DIR`, `XDG_CACHE_HOME`, `PATH` from. */
  env?: NodeJS.ProcessEnv;
  /** Build with `go install` when nothing is found (default true). */
  build?: boolean;
  /** Told before a build starts (it takes many minutes the first time). */
  onBuildStart?: (dir: string) => void;
}

/** `$AIDP_CACHE_DIR`, else `$XDG_CACHE_HOME/aidp`, else `~/.cache/aidp`, then `temporal-server-<version>`. */
export function temporalServerCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(aidpCacheDir(env), `temporal-server-${TEMPORAL_SERVER_VERSION.slice(1)}`);
}

function runs(path: string, args: string[]): boolean {
  if (!existsSync(path)) return false;
  return spawnSync(path, args, { stdio: 'ignore', timeout: 30_000 }).status === 0;
}

function binariesIn(dir: string): { server: string; sqlTool: string } | undefined {
  for (const [server, sqlTool] of [
    ['server', 'sql'],
    ['temporal-server', 'temporal-sql-tool'],
  ] as const) {
    const found = { server: join(dir, server), sqlTool: join(dir, sqlTool) };
    if (runs(found.server, ['--version']) && runs(found.sqlTool, ['--help'])) return found;
  }
  return undefined;
}

/**
 * Finds the full Temporal server and its SQL tool: `$AIDP_TEMPORAL_SERVER_BIN` (a folder with
 * `temporal-server` and `temporal-sql-tool`, as in Temporal's release archives, or `server` and `sql`),
 * else the build cache, else builds both once with `go install` into the cache folder.
 */
export async function resolveTemporalServer(options: ResolveTemporalServerOptions = {}): Promise<TemporalServerBinaries> {
  const env = options.env ?? process.env;
  if (env.AIDP_TEMPORAL_SERVER_BIN) {
    const found = binariesIn(env.AIDP_TEMPORAL_SERVER_BIN);
    if (found) return { ...found, origin: 'env' };
    throw new TemporalServerError(
      `AIDP_TEMPORAL_SERVER_BIN is set to "${env.AIDP_TEMPORAL_SERVER_BIN}", but it holds no working ` +
        'temporal-server and temporal-sql-tool (or server and sql). Point it at their folder, or unset it.',
    );
  }
  const cacheDir = temporalServerCacheDir(env);
  const binDir = join(cacheDir, 'bin');
  const cached = binariesIn(binDir);
  if (cached) return { ...cached, origin: 'cache' };
  if (options.build === false) {
    throw new TemporalServerError(`The Temporal server is not built yet (looked in ${binDir}); run scripts/setup.sh.`);
  }
  const go = findGo(env);
  if (!go) {
    throw new TemporalServerError(
      `The Temporal server is not built, and Go is not installed to build it. Install Go 1.25.14 or newer, ` +
        `or put temporal-server and temporal-sql-tool ${TEMPORAL_SERVER_VERSION} in a folder named by AIDP_TEMPORAL_SERVER_BIN.`,
    );
  }
  options.onBuildStart?.(binDir);
  const logPath = join(cacheDir, 'build.log');
  await goInstall({
    go,
    packages: Object.values(PACKAGES).map((p) => `${p}@${TEMPORAL_SERVER_VERSION}`),
    binDir,
    logPath,
    env,
    works: (dir) => binariesIn(dir) !== undefined,
    failure: (problem) =>
      new TemporalServerError(
        'exitCode' in problem
          ? `Building the Temporal server ${TEMPORAL_SERVER_VERSION} with "go install" failed (exit ${problem.exitCode}); see ${logPath}. ` +
              'Check that the Go module proxy is reachable (go env GOPROXY) and that Go is 1.25.14 or newer.'
          : `The Temporal server was built into ${problem.builtInto} but does not run; see ${logPath}.`,
      ),
  });
  const built = binariesIn(binDir);
  if (!built) throw new TemporalServerError(`The Temporal server was built into ${binDir} but does not run.`);
  return { ...built, origin: 'built' };
}

/** Options of {@link startTemporalServer}. */
export interface StartTemporalServerOptions {
  /** Where the server keeps its state; the databases are created on it with the SQL tool. */
  postgres: PostgresServer;
  /** Found with {@link resolveTemporalServer} when absent. */
  binaries?: TemporalServerBinaries;
  /**
   * TLS on the frontend: `server` (clients verify the server's certificate) or `mtls` (clients must
   * present a certificate signed by the test CA as well). Certificates are created unless given.
   */
  tls?: 'server' | 'mtls';
  certificates?: TestCertificates;
  /** JWT authorization: tokens are verified with the keys served at `jwksUrl`. */
  jwt?: { jwksUrl: string };
  /** Namespaces to register (default `['default']`). */
  namespaces?: string[];
  /** The server's own output (default: kept only for error messages). */
  onOutput?: (chunk: string) => void;
  /** How long to wait for the server (default 120 s). */
  startTimeoutMs?: number;
}

/** A running full Temporal server (all services in one process) on PostgreSQL. */
export interface TemporalServer {
  /** `host:port` of the public frontend. */
  address: string;
  /** Plaintext frontend inside the cluster, without authorization (what the server's own workers use). */
  internalAddress: string;
  /** The certificates in use, when TLS is on. */
  certificates?: TestCertificates;
  /** The process id, or undefined while down. */
  pid(): number | undefined;
  /** Sends a signal to the server (SIGKILL for a crash) and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the server again (after {@link TemporalServer.kill}) with the same configuration and data. */
  restart(): Promise<void>;
  /** Stops the server and removes its files. Safe to call twice. */
  stop(): Promise<void>;
}

const execFileAsync = (file: string, args: string[]) =>
  new Promise<void>((resolve, reject) => {
    execFile(file, args, { timeout: 300_000 }, (error, stdout, stderr) =>
      error ? reject(new TemporalServerError(`${file} ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`)) : resolve(),
    );
  });

/** Creates a database and brings its schema to the newest version the tool embeds. */
async function createDatabase(sqlTool: string, postgres: PostgresServer, database: string, schema: string): Promise<void> {
  const common = [
    '--plugin',
    'postgres12',
    '--endpoint',
    postgres.host,
    '--port',
    String(postgres.port),
    '--user',
    postgres.user,
    '--database',
    database,
  ];
  await execFileAsync(sqlTool, [...common, 'create-database']);
  await execFileAsync(sqlTool, [...common, 'setup-schema', '--version', '0.0']);
  await execFileAsync(sqlTool, [...common, 'update-schema', '--schema-name', schema]);
}

/**
 * Starts the full Temporal server (frontend, internal frontend, history, matching and worker services in
 * one process) on PostgreSQL: creates its two databases with the SQL tool, writes its configuration,
 * starts it and registers the namespaces. Resolves once the public frontend accepts connections and the
 * namespaces answer.
 */
export async function startTemporalServer(options: StartTemporalServerOptions): Promise<TemporalServer> {
  const binaries = options.binaries ?? (await resolveTemporalServer());
  const { postgres } = options;
  const dir = mkdtempSync(join(tmpdir(), 'aidp-temporal-server-'));
  const certificates = options.tls ? (options.certificates ?? createCertificates()) : undefined;
  const ownsCertificates = options.tls !== undefined && options.certificates === undefined;
  const suffix = randomUUID().slice(0, 8);
  const databases = { default: `temporal_${suffix}`, visibility: `temporal_visibility_${suffix}` };
  try {
    await createDatabase(binaries.sqlTool, postgres, databases.default, 'postgresql/v12/temporal');
    await createDatabase(binaries.sqlTool, postgres, databases.visibility, 'postgresql/v12/visibility');
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    if (ownsCertificates) certificates?.remove();
    throw err;
  }

  const host = '127.0.0.1';
  const taken = new Set<number>();
  const port = async () => await lowFreePort(host, taken);
  const services: Record<string, { rpc: Record<string, unknown> }> = {};
  for (const name of ['frontend', 'internal-frontend', 'history', 'matching', 'worker']) {
    services[name] = { rpc: { grpcPort: await port(), membershipPort: await port(), bindOnIP: host } };
  }
  services.frontend!.rpc.httpPort = await port();
  services['internal-frontend']!.rpc.httpPort = await port();
  const frontendPort = services.frontend!.rpc.grpcPort as number;
  const internalPort = services['internal-frontend']!.rpc.grpcPort as number;

  const store = (database: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName: database,
      connectAddr: `${postgres.host}:${postgres.port}`,
      connectProtocol: 'tcp',
      user: postgres.user,
      password: '',
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const dynamicConfigFile = join(dir, 'dynamicconfig.yaml');
  writeFileSync(
    dynamicConfigFile,
    [
      // As in the dev server: Updates are used by later features.
      'frontend.enableUpdateWorkflowExecution:',
      '  - value: true',
      'frontend.enableUpdateWorkflowExecutionAsyncAccepted:',
      '  - value: true',
      '',
    ].join('\n'),
  );
  const config = {
    log: { stdout: true, level: 'warn', format: 'json' },
    persistence: {
      defaultStore: 'default',
      visibilityStore: 'visibility',
      numHistoryShards: 4,
      datastores: { default: store(databases.default, 20), visibility: store(databases.visibility, 5) },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: host },
      // Only the public frontend is secured; the services talk to each other (and the server's own
      // workers, through the internal frontend) in plain text on 127.0.0.1.
      ...(certificates || options.jwt
        ? {
            ...(certificates
              ? {
                  tls: {
                    frontend: {
                      server: {
                        certFile: certificates.serverCert,
                        keyFile: certificates.serverKey,
                        ...(options.tls === 'mtls' ? { requireClientAuth: true, clientCaFiles: [certificates.caCert] } : {}),
                      },
                    },
                  },
                }
              : {}),
            ...(options.jwt
              ? {
                  authorization: {
                    jwtKeyProvider: { keySourceURIs: [options.jwt.jwksUrl], refreshInterval: '1m' },
                    permissionsClaimName: 'permissions',
                    authorizer: 'default',
                    claimMapper: 'default',
                  },
                }
              : {}),
          }
        : {}),
    },
    services,
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `${host}:${frontendPort}` },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
    dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
  };
  // JSON is YAML, and needs no YAML library here.
  const configFile = join(dir, 'temporal.yaml');
  writeFileSync(configFile, JSON.stringify(config, null, 2));

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let tail = '';
  const launch = () => {
    const serviceArgs = Object.keys(services).flatMap((name) => ['--service', name]);
    const started = spawn(binaries.server, ['--config-file', configFile, '--allow-no-auth', 'start', ...serviceArgs], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      const text = chunk.toString();
      tail = (tail + text).slice(-6000);
      options.onOutput?.(text);
    };
    started.stdout?.on('data', keep);
    started.stderr?.on('data', keep);
    exited = new Promise((resolve) => started.once('exit', () => resolve()));
    started.once('error', (err) => (tail += `\ncannot run ${binaries.server}: ${err.message}`));
    child = started;
  };
  const alive = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (!alive()) return;
    const insist = signal === 'SIGKILL' ? undefined : setTimeout(() => child?.kill('SIGKILL'), 15_000);
    child!.kill(signal);
    await exited;
    clearTimeout(insist);
  };
  const onExit = () => {
    if (alive()) child!.kill('SIGKILL');
  };
  process.once('exit', onExit);

  const namespaces = options.namespaces ?? ['default'];
  const internalAddress = `${host}:${internalPort}`;
  const address = `${host}:${frontendPort}`;
  const waitReady = async () => {
    const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
    const check = async () => {
      if (!alive())
        throw new TemporalServerError(
          `the Temporal server exited (code ${child?.exitCode}, ${child?.signalCode ?? 'no signal'}):\n${tail}`,
        );
      if (Date.now() > deadline) throw new TemporalServerError(`the Temporal server did not become ready in time:\n${tail}`);
      await new Promise((r) => setTimeout(r, 250));
    };
    // Namespaces are registered through the internal frontend: plain text and no authorization, so
    // the same code works whatever TLS or JWT settings the public frontend has.
    for (;;) {
      try {
        const connection = await NativeConnection.connect({ address: internalAddress });
        try {
          for (const namespace of namespaces) {
            try {
              await connection.workflowService.describeNamespace({ namespace });
            } catch (err) {
              if ((err as { code?: number }).code !== 5) throw err;
              await connection.workflowService.registerNamespace({
                namespace,
                workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(24 * 60 * 60) },
              });
            }
          }
        } finally {
          await connection.close();
        }
        break;
      } catch {
        await check();
      }
    }
    while (!(await listening(host, frontendPort))) await check();
  };

  const start = async () => {
    launch();
    try {
      await waitReady();
    } catch (err) {
      await kill('SIGKILL');
      throw err;
    }
  };
  try {
    await start();
  } catch (err) {
    process.removeListener('exit', onExit);
    rmSync(dir, { recursive: true, force: true });
    if (ownsCertificates) certificates?.remove();
    throw err;
  }

  let stopped = false;
  return {
    address,
    internalAddress,
    certificates,
    pid: () => (alive() ? child?.pid : undefined),
    kill,
    restart: async () => {
      if (alive()) await kill('SIGTERM');
      await start();
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await kill('SIGTERM');
      process.removeListener('exit', onExit);
      rmSync(dir, { recursive: true, force: true });
      if (ownsCertificates) certificates?.remove();
    },
  };
}

/** PostgreSQL and a Temporal server on it, stopped together. */
export interface TemporalStack {
  postgres: PostgresServer;
  server: TemporalServer;
  /** Stops the server, then PostgreSQL; safe to call twice and after a failed test. */
  stop(): Promise<void>;
}

/** Starts a new PostgreSQL cluster and a Temporal server on it. */
export async function startTemporalStack(options: Omit<StartTemporalServerOptions, 'postgres'> = {}): Promise<TemporalStack> {
  const postgres = await startPostgres();
  let server: TemporalServer;
  try {
    server = await startTemporalServer({ ...options, postgres });
  } catch (err) {
    await postgres.stop();
    throw err;
  }
  return {
    postgres,
    server,
    stop: async () => {
      await server.stop().catch(() => undefined);
      await postgres.stop();
    },
  };
}

/**
 * A free port below 32768: the server records its membership ports in a PostgreSQL `smallint`, so
 * the kernel's ephemeral ports (usually 32768 and up) do not fit.
 */
async function lowFreePort(host: string, taken: Set<number>): Promise<number> {
  for (;;) {
    const candidate = 20_000 + Math.floor(Math.random() * 12_000);
    if (taken.has(candidate)) continue;
    taken.add(candidate);
    if (await isPortFree(candidate, host)) return candidate;
  }
}

function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
