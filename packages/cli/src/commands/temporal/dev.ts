import { Command, Option } from 'clipanion';
import { TemporalCommand } from '../../base-command.js';
import { CliError } from '../../errors.js';

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
    `,
    examples: [
      ['Start the dev server and a worker', '$0 temporal dev'],
      ['Keep runs across restarts', '$0 temporal dev --db-file .aidp/temporal.db'],
      ['Use other ports', '$0 temporal dev --port 7300 --ui-port 8300'],
    ],
  });

  port = Option.String('--port', '7233', { description: 'Port of the Temporal frontend (gRPC)' });
  uiPort = Option.String('--ui-port', '8233', { description: 'Port of the Temporal Web UI' });
  headless = Option.Boolean('--headless', false, { description: 'Do not start the Web UI' });
  dbFile = Option.String('--db-file', { description: 'SQLite file that keeps the server state across restarts' });
  ip = Option.String('--ip', '127.0.0.1', { description: 'Interface the server listens on' });

  async run(): Promise<number> {
    const port = parsePort(this.port, '--port');
    const uiPort = parsePort(this.uiPort, '--ui-port');
    const { config } = await this.loadConfig([
      { path: 'temporal.target_host', value: `${this.ip}:${port}`, flag: '--port' },
    ]);
    const { installAidpRuntime, startDevServer, runWorker } = await import('@aidp/worker');
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
        dbFile: this.dbFile,
        namespace: config.temporal.namespace,
        resolve: {
          env: this.context.env,
          onBuildStart: (dir) => out.write(`No Temporal CLI found: building it once into ${dir} (a few minutes)...\n`),
        },
      });
      try {
        out.write(`Temporal dev server at ${server.address}${server.uiUrl ? `, Web UI at ${server.uiUrl}` : ''}\n`);
        await runWorker({
          config,
          onPolling: ({ namespace, taskQueue }) =>
            out.write(`Worker polling task queue "${taskQueue}" in namespace "${namespace}". Ctrl+C to stop.\n`),
        });
      } finally {
        await server.stop();
      }
    } finally {
      // Without a worker (the server did not start) nothing else would end the runtime.
      await runtime.close();
    }
    out.write('Stopped the worker and the dev server.\n');
    return 0;
  }
}

function parsePort(text: string, flag: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new CliError(`${flag}: expected a port number from 1 to 65535, got "${text}"`);
  }
  return port;
}
