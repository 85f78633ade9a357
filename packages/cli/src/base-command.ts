import { Command, Option, UsageError } from 'clipanion';
import type { ConfigOverride, LoadedConfig } from '@aidp/config';
import type { AidpContext } from './context.js';
import { isUserFacing } from './errors.js';
import { clientModule, configModule } from './lazy.js';
import { troubleshoot } from './troubleshoot.js';
import type { AidpClient } from '@aidp/client';

/** Exit codes: 0 success, 1 failure, 2 usage error. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * Base of every AIDP command. `execute()` does the work and returns the exit code; whatever it throws
 * comes to `catch()`, which says what went wrong on stderr — one line, never a stack trace, for a
 * mistake the user can fix — and chooses the exit code.
 */
export abstract class AidpCommand extends Command<AidpContext> {
  /**
   * The exit code for the error `catch()` reported. Clipanion ends a command whose `catch()` returns
   * with 0, so `main` takes the code from here.
   */
  exitCodeOfError: number | undefined;

  override catch(raw: unknown): Promise<void> {
    const error = troubleshoot(raw);
    if (error instanceof UsageError) {
      this.context.stderr.write(this.cli.error(error, { command: this }));
      this.exitCodeOfError = EXIT_USAGE;
    } else if (isUserFacing(error)) {
      this.context.stderr.write(`error: ${error.message}\n`);
      this.exitCodeOfError = EXIT_FAILURE;
    } else {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      this.context.stderr.write(`error: unexpected failure; please report it with this output:\n${detail}\n`);
      this.exitCodeOfError = EXIT_FAILURE;
    }
    return Promise.resolve();
  }
}

/**
 * Base of the `aidp temporal …` commands: the options every one of them takes to find and override the
 * configuration (defaults < aidp.yml < environment < these flags).
 */
export abstract class TemporalCommand extends AidpCommand {
  configFile = Option.String('-c,--config', {
    description: 'Path of the aidp.yml to use (default: searched from the current directory upward, or $AIDP_CONFIG)',
  });
  address = Option.String('--address', { description: 'Temporal server address host:port (temporal.target_host)' });
  namespace = Option.String('--namespace', { description: 'Temporal namespace (temporal.namespace)' });
  taskQueue = Option.String('--task-queue', { description: 'Task queue (temporal.task_queue)' });

  /** The flags given on the command line, as configuration overrides. */
  protected overrides(): ConfigOverride[] {
    const overrides: ConfigOverride[] = [];
    if (this.address !== undefined) overrides.push({ path: 'temporal.target_host', value: this.address, flag: '--address' });
    if (this.namespace !== undefined) overrides.push({ path: 'temporal.namespace', value: this.namespace, flag: '--namespace' });
    if (this.taskQueue !== undefined) overrides.push({ path: 'temporal.task_queue', value: this.taskQueue, flag: '--task-queue' });
    return overrides;
  }

  /** Loads the configuration and connects to its Temporal server; the caller closes the client. */
  protected async connect(): Promise<AidpClient> {
    const { config } = await this.loadConfig();
    const { AidpClient } = clientModule();
    return await AidpClient.connect({ config, env: this.context.env });
  }

  /** Runs `fn` with a connected client, closing it afterwards. */
  protected async withClient<T>(fn: (client: AidpClient) => Promise<T>): Promise<T> {
    const client = await this.connect();
    try {
      return await fn(client);
    } finally {
      await client.close();
    }
  }

  protected async loadConfig(extra: ConfigOverride[] = []): Promise<LoadedConfig> {
    const { loadConfig } = configModule();
    return await loadConfig({
      cwd: this.context.cwd,
      configFile: this.configFile,
      env: this.context.env,
      overrides: [...this.overrides(), ...extra],
    });
  }
}
