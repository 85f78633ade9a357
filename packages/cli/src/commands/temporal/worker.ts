import { Command } from 'clipanion';
import { TemporalCommand } from '../../base-command.js';

/** `aidp temporal worker`: runs an AIDP worker in the foreground. */
export class TemporalWorkerCommand extends TemporalCommand {
  static override paths = [['temporal', 'worker']];

  static override usage = Command.Usage({
    category: 'Temporal',
    description: 'run an AIDP worker in the foreground',
    details: `
      Connects to the configured Temporal server and polls the configured task queue for AIDP's
      workflows and activities, until Ctrl+C (SIGINT) or SIGTERM. On shutdown, running activities get
      \`temporal.worker.shutdown_grace_period\` seconds to finish.

      Run as many workers as you like on one task queue; Temporal spreads the work.

      Logs go to stderr: one JSON object per line, or readable lines on a terminal (logging.format);
      the level comes from logging.level or AIDP_LOG_LEVEL (trace, debug, info, warn, error).
    `,
    examples: [
      ['Run a worker with the project configuration', '$0 temporal worker'],
      ['Run a worker on another task queue', '$0 temporal worker --task-queue aidp-staging'],
      ['The same, through the environment', 'TEMPORAL_TASK_QUEUE=aidp-staging $0 temporal worker'],
      ['Log every workflow task and activity to a file', 'AIDP_LOG_LEVEL=debug $0 temporal worker 2> worker.log'],
    ],
  });

  async run(): Promise<number> {
    const { config } = await this.loadConfig();
    const { installAidpRuntime, runWorker } = await import('@aidp/worker');
    const runtime = await installAidpRuntime(config);
    try {
      await runWorker({
        config,
        onPolling: ({ address, namespace, taskQueue }) =>
          this.context.stdout.write(
            `Worker polling task queue "${taskQueue}" in namespace "${namespace}" at ${address}` +
              `${runtime.metricsAddress ? `; metrics on http://${runtime.metricsAddress}/metrics` : ''}. Ctrl+C to stop.\n`,
          ),
      });
    } finally {
      await runtime.close();
    }
    this.context.stdout.write('Worker stopped.\n');
    return 0;
  }
}
