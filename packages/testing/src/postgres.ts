import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from '@aidp/worker';

/** Raised when PostgreSQL cannot be found or started; the message says what to install or what failed. */
export class PostgresError extends Error {
  override readonly name = 'PostgresError';
}

/** A throwaway PostgreSQL cluster on a free port, with its data in a temporary folder. */
export interface PostgresServer {
  host: string;
  port: number;
  /** Superuser the cluster was created with (trust authentication: no password). */
  user: string;
  /** The data folder (inside a temporary folder removed by {@link PostgresServer.stop}). */
  dataDir: string;
  /** Process id of the postmaster, or undefined while stopped. */
  pid(): number | undefined;
  /**
   * Stops PostgreSQL and starts it again on the same port with the same data. `immediate` stops it the
   * way a crash would (no checkpoint, recovery on start); `fast` is a clean shutdown.
   */
  restart(options?: { mode?: 'fast' | 'immediate'; downMs?: number }): Promise<void>;
  /** Stops PostgreSQL and removes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

/** Options of {@link startPostgres}. */
export interface StartPostgresOptions {
  /** Environment to read `AIDP_POSTGRES_BIN` and `PATH` from. */
  env?: NodeJS.ProcessEnv;
  /** Superuser to create (default `temporal`). */
  user?: string;
}

const TOOLS = ['initdb', 'pg_ctl', 'postgres'] as const;

/**
 * The folder with PostgreSQL's server programs (`initdb`, `pg_ctl`, `postgres`): `$AIDP_POSTGRES_BIN`,
 * else the folder of `pg_ctl` on PATH, else the newest `/usr/lib/postgresql/<version>/bin` (where
 * Debian's packages put them, off PATH).
 */
export function resolvePostgresBin(env: NodeJS.ProcessEnv = process.env): string {
  const complete = (dir: string) => TOOLS.every((tool) => existsSync(join(dir, tool)));
  if (env.AIDP_POSTGRES_BIN) {
    if (complete(env.AIDP_POSTGRES_BIN)) return env.AIDP_POSTGRES_BIN;
    throw new PostgresError(`AIDP_POSTGRES_BIN is set to "${env.AIDP_POSTGRES_BIN}", but ${TOOLS.join(', ')} are not all there.`);
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && complete(dir)) return dir;
  }
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+$/.test(v) && complete(join(debian, v, 'bin')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(debian, versions[0], 'bin');
  }
  throw new PostgresError(
    'PostgreSQL is not installed: the tests against the full Temporal server need its server programs ' +
      '(initdb, pg_ctl, postgres). Install them (Debian/Ubuntu: apt-get install -y postgresql; scripts/setup.sh ' +
      'does this) or set AIDP_POSTGRES_BIN to their folder.',
  );
}

/**
 * The account PostgreSQL runs as. It refuses to run as root, so as root it runs as the `postgres`
 * account that Debian's package creates (or `$AIDP_POSTGRES_OS_USER`); otherwise as the current user.
 */
function osAccount(env: NodeJS.ProcessEnv): { name: string; uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const name = env.AIDP_POSTGRES_OS_USER || 'postgres';
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) {
    throw new PostgresError(
      `PostgreSQL cannot run as root, and there is no "${name}" account to run it as. Install Debian's ` +
        'postgresql package (it creates one) or set AIDP_POSTGRES_OS_USER to an unprivileged account.',
    );
  }
  const [, , uid, gid] = line.split(':');
  return { name, uid: Number(uid), gid: Number(gid) };
}

/** Starts a new PostgreSQL cluster on a free port of 127.0.0.1 and resolves once it accepts connections. */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const env = options.env ?? process.env;
  const bin = resolvePostgresBin(env);
  const account = osAccount(env);
  const user = options.user ?? 'temporal';
  const root = mkdtempSync(join(tmpdir(), 'aidp-postgres-'));
  if (account) chownSync(root, account.uid, account.gid);
  const dataDir = join(root, 'data');
  const logFile = join(root, 'postgres.log');
  const host = '127.0.0.1';

  // Asynchronous, so that workers in the same process keep running while PostgreSQL restarts.
  const run = (tool: string, args: string[], allowFailure = false) =>
    new Promise<void>((resolve, reject) => {
      const [command, argv] = account ? ['runuser', ['-u', account.name, '--', join(bin, tool), ...args]] : [join(bin, tool), args];
      execFile(command, argv, { cwd: root, timeout: 120_000 }, (error, stdout, stderr) => {
        if (!error || allowFailure) return resolve();
        const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-3000) : '';
        reject(new PostgresError(`${tool} ${args.join(' ')} failed (${error.message}):\n${stdout}${stderr}${log}`));
      });
    });

  try {
    await run('initdb', ['-D', dataDir, '-U', user, '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    throw err;
  }

  const port = await freePort(host);
  // Durability of the OS is not what the tests exercise: a killed postmaster keeps what it wrote in the
  // page cache, so fsync off only makes the cluster faster on a busy machine.
  const serverOptions = `-p ${port} -k ${root} -c listen_addresses=${host} -c fsync=off -c full_page_writes=off -c max_connections=200`;
  let running = false;
  const start = async () => {
    await run('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', serverOptions, 'start']);
    running = true;
  };
  const stopServer = async (mode: 'fast' | 'immediate') => {
    if (!running) return;
    running = false;
    await run('pg_ctl', ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop'], true);
  };
  const pid = (): number | undefined => {
    if (!running) return undefined;
    try {
      return Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      return undefined;
    }
  };

  try {
    await start();
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
  // If the test process exits without its afterAll, do not leave a cluster behind: the postmaster
  // stops at once on SIGQUIT (an immediate shutdown), and this must be synchronous.
  const onExit = () => {
    const p = pid();
    if (p) {
      try {
        process.kill(p, 'SIGQUIT');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', onExit);

  let stopped = false;
  return {
    host,
    port,
    user,
    dataDir,
    pid,
    restart: async ({ mode = 'immediate', downMs = 0 } = {}) => {
      await stopServer(mode);
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', onExit);
      await stopServer('fast');
      rmSync(root, { recursive: true, force: true });
    },
  };
}
