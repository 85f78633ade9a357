import { Command, type BaseContext } from 'clipanion';
import { EXIT_FAILURE, EXIT_OK, TemporalCommand } from '../../base-command.js';
import { CliError } from '../../errors.js';
import { workerModule } from '../../lazy.js';

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

      An error the worker cannot recover from ends it within seconds with exit code 1 and one line
      saying what to fix: a namespace or task queue the server does not accept, settings Temporal's
      core rejects, or a fatal error after it started. A server that goes away is not one: the
      worker logs each failed attempt and carries on when the server is back.
    `,
    examples: [
      ['Run a worker with the project configuration', '$0 temporal worker'],
      ['Run a worker on another task queue', '$0 temporal worker --task-queue aidp-staging'],
      ['The same, through the environment', 'TEMPORAL_TASK_QUEUE=aidp-staging $0 temporal worker'],
      ['Log every workflow task and activity to a file', 'AIDP_LOG_LEVEL=debug $0 temporal worker 2> worker.log'],
    ],
  });

  async execute(): Promise<number> {
    const { config } = await this.loadConfig();
    const { installAidpRuntime, runWorker } = workerModule();
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
    } catch (error) {
      throw workerFailure(error);
    } finally {
      await runtime.close();
    }
    this.context.stdout.write('Worker stopped.\n');
    endProcessIfStuck(this.context, EXIT_OK);
    return EXIT_OK;
  }

  override async catch(error: unknown): Promise<void> {
    await super.catch(error);
    endProcessIfStuck(this.context, this.exitCodeOfError ?? EXIT_FAILURE);
  }
}

/** A worker's fatal error as the one line the user reads; other errors pass through. */
export function workerFailure(error: unknown): unknown {
  return error instanceof Error && error.name === 'AidpWorkerError' ? new CliError(error.message) : error;
}

/**
 * Ends the process with `code` if it is still there a moment after the command finished. A worker
 * that failed can leave behind what the SDK did not release (a `run()` that never settled holds the
 * native worker and its threads), and the process would then wait forever with nothing to do. Only
 * when the command is the process: when it writes to the process's own output.
 */
export function endProcessIfStuck(context: BaseContext, code: number, afterMs = 3_000): void {
  if (context.stdout !== process.stdout) return;
  // Unref'd: it never keeps the process alive, it only ends one that something else keeps.
  setTimeout(() => process.exit(code), afterMs).unref();
}
