import { Command, Option, UsageError } from 'clipanion';
import type { ConfigOverride, LoadedConfig } from '@aidp/config';
import { isUserFacing } from './errors.js';
import { clientModule, configModule } from './lazy.js';
import { troubleshoot } from './troubleshoot.js';
import type { AidpClient } from '@aidp/client';

/** Exit codes: 0 success, 1 failure, 2 usage error. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * Base of every AIDP command: turns errors into a message on stderr and the right exit code, so no
 * command prints a stack trace for a mistake the user can fix.
 */
export abstract class AidpCommand extends Command {
  // A command that only prints (help, the version) has nothing to wait for and returns its exit code.
  abstract run(): Promise<number | void> | number | void;

  async execute(): Promise<number> {
    try {
      return (await this.run()) ?? EXIT_OK;
    } catch (error) {
      return this.report(error);
    }
  }

  protected report(raw: unknown): number {
    const error = troubleshoot(raw);
    if (error instanceof UsageError) {
      this.context.stderr.write(this.cli.error(error, { command: this }));
      return EXIT_USAGE;
    }
    if (isUserFacing(error)) {
      this.context.stderr.write(`error: ${error.message}\n`);
      return EXIT_FAILURE;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    this.context.stderr.write(`error: unexpected failure; please report it with this output:\n${detail}\n`);
    return EXIT_FAILURE;
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
      cwd: process.cwd(),
      configFile: this.configFile,
      env: this.context.env,
      overrides: [...this.overrides(), ...extra],
    });
  }
}
