import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { Command, Option } from 'clipanion';
import { EXIT_FAILURE, EXIT_OK, TemporalCommand } from '../../base-command.js';
import { CliError } from '../../errors.js';
import { workerModule } from '../../lazy.js';
import { isText, isWholeNumber, rule, type SchemaRule } from '../../validators.js';
import { endProcessIfStuck, workerFailure } from './worker.js';

/** `aidp temporal dev`: a local Temporal dev server and an AIDP worker in one process. */
export class TemporalDevCommand extends TemporalCommand {
  static override paths = [['temporal', 'dev']];

  static override usage = Command.Usage({
    category: 'Temporal',
    description: 'start a local Temporal dev server and an AIDP worker (zero setup)',
    details: `
      Starts \`temporal server start-dev\` (with its Web UI) and an AIDP worker connected to it, in
      one process. Ctrl+C stops both.

      The Temporal CLI is taken from $AIDP_TEMPORAL_CLI, else \`temporal\` on PATH, else a cached
      build; when there is none and Go is installed, it is built once from source (a few minutes).

      State lives in memory unless --db-file names a SQLite file to keep it across restarts.

      The worker logs to stderr, as \`aidp temporal worker\` does (logging.level, AIDP_LOG_LEVEL).

      When the server cannot start, the command says why — an --ip this machine does not have, a
      port something else holds (and what holds it) — and exits 1. When the dev server or the
      worker stops on its own, the other is stopped and the command exits 1.
    `,
    examples: [
      ['Start the dev server and a worker', '$0 temporal dev'],
      ['Keep runs across restarts', '$0 temporal dev --db-file .aidp/temporal.db'],
      ['Use other ports', '$0 temporal dev --port 7300 --ui-port 8300'],
      ['Listen on every interface (other machines can connect)', '$0 temporal dev --ip 0.0.0.0'],
    ],
  });

  static override schema: SchemaRule[] = [
    rule<TemporalDevCommand>(
      (dev) => dev.headless || dev.uiPort !== dev.port,
      (dev) => `--ui-port must differ from --port (both are ${dev.port})`,
    ),
  ];

  port = Option.String('--port', '7233', { description: 'Port of the Temporal frontend (gRPC)', validator: isPort() });
  uiPort = Option.String('--ui-port', '8233', { description: 'Port of the Temporal Web UI', validator: isPort() });
  headless = Option.Boolean('--headless', false, { description: 'Do not start the Web UI' });
  dbFile = Option.String('--db-file', { description: 'SQLite file that keeps the server state across restarts' });
  ip = Option.String('--ip', '127.0.0.1', {
    description: 'IP address of this machine the server listens on (0.0.0.0: all)',
    validator: isText(
      (ip) => ip === 'localhost' || isIP(ip) !== 0,
      'an IP address of this machine, such as 127.0.0.1 (or 0.0.0.0 for all)',
    ),
  });

  async execute(): Promise<number> {
    const { port, uiPort } = this;
    const host = isIP(this.ip) === 6 ? `[${this.ip}]` : this.ip;
    const { config } = await this.loadConfig([{ path: 'temporal.target_host', value: `${host}:${port}`, flag: '--port' }]);
    const { installAidpRuntime, startDevServer, runWorker } = workerModule();
    // Zero setup: a metrics port taken by another worker costs the metrics, not the dev server.
    const runtime = await installAidpRuntime(config, { ifMetricsAddressInUse: 'skip' });
    if (config.metrics.enabled && !runtime.metricsAddress) {
      this.context.stdout.write(`Metrics off: ${config.metrics.prometheus} is in use (set metrics.prometheus to another address).\n`);
    }

    const out = this.context.stdout;
    try {
      out.write('Starting the Temporal dev server...\n');
      const server = await startDevServer({
        ip: this.ip,
        port,
        uiPort: this.headless ? false : uiPort,
        dbFile: this.dbFile === undefined ? undefined : resolve(this.context.cwd, this.dbFile),
        namespace: config.temporal.namespace,
        resolve: {
          env: this.context.env,
          onBuildStart: (dir) => out.write(`No Temporal CLI found: building it once into ${dir} (a few minutes)...\n`),
        },
      }).catch((error: unknown) => {
        throw startFailure(error);
      });
      // The server ending on its own ends the worker, and the command.
      const serverGone = new AbortController();
      void server.exited.then((exit) =>
        serverGone.abort(new CliError(`${exit.message}, so the worker was stopped; start both again with: aidp temporal dev`)),
      );
      try {
        out.write(`Temporal dev server at ${server.address}${server.uiUrl ? `, Web UI at ${server.uiUrl}` : ''}\n`);
        await runWorker({
          config,
          signal: serverGone.signal,
          onPolling: ({ namespace, taskQueue }) =>
            out.write(`Worker polling task queue "${taskQueue}" in namespace "${namespace}". Ctrl+C to stop.\n`),
        });
      } catch (error) {
        throw workerFailure(error);
      } finally {
        await server.stop();
      }
    } finally {
      // Without a worker (the server did not start) nothing else would end the runtime.
      await runtime.close();
    }
    out.write('Stopped the worker and the dev server.\n');
    endProcessIfStuck(this.context, EXIT_OK);
    return EXIT_OK;
  }

  override async catch(error: unknown): Promise<void> {
    await super.catch(error);
    endProcessIfStuck(this.context, this.exitCodeOfError ?? EXIT_FAILURE);
  }
}

const FLAGS = { ip: '--ip', port: '--port', uiPort: '--ui-port' } as const;

/** A dev server that cannot start, with the flag to change. */
function startFailure(error: unknown): unknown {
  if (!(error instanceof Error) || error.name !== 'DevServerStartError') return error;
  const { reason, option } = error as Error & { reason?: string; option?: keyof typeof FLAGS };
  const flag = option ? FLAGS[option] : undefined;
  if (reason === 'address-not-local') return new CliError(`--ip: ${error.message}`);
  if ((reason === 'port-in-use' || reason === 'port-not-allowed') && flag) {
    const alternative = option === 'uiPort' ? `${flag} <port>, or --headless for no Web UI` : `${flag} <port>`;
    return new CliError(`${error.message}\n  to use another: aidp temporal dev ${alternative}`);
  }
  return error;
}

function isPort() {
  return isWholeNumber('a port number from 1 to 65535', (port) => port >= 1 && port <= 65535);
}
