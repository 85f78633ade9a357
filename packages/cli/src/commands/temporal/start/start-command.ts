import { Option } from 'clipanion';
import { resolve } from 'node:path';
import type { AidpClient, AidpRunHandle } from '@aidp/client';
import { MAX_ITERATIONS_LIMIT, validateMaxIterations } from '@aidp/client/contracts';
import { TemporalCommand } from '../../../base-command.js';
import { reportStarted } from '../../../follow.js';
import { isWholeNumber } from '../../../validators.js';

/**
 * Base of the `aidp temporal start …` commands: the options every kind of run takes, and what happens
 * once it is started (its ids and page, or with --follow the run itself until it ends).
 */
export abstract class StartCommand extends TemporalCommand {
  maxIterations = Option.String('--max-iterations', {
    description: `Stop after this many agent iterations, 1 to ${MAX_ITERATIONS_LIMIT} (work_loop.max_iterations)`,
    validator: isWholeNumber(`a whole number from 1 to ${MAX_ITERATIONS_LIMIT}`, (n) => validateMaxIterations(n) === undefined),
  });
  projectDir = Option.String('--project-dir', { description: 'The project checkout (default: the current directory)' });
  follow = Option.Boolean('--follow', false, { description: 'Show the run live until it ends; exit with its outcome' });

  /** The project's folder, absolute. */
  protected project(): string {
    return resolve(this.context.cwd, this.projectDir ?? '.');
  }

  /** Connects, starts the run `what` names with `start`, and reports it; returns the exit code. */
  protected async startAndReport(what: string, start: (client: AidpClient) => Promise<AidpRunHandle>): Promise<number> {
    return await this.withClient(async (client) => {
      const handle = await start(client);
      return await reportStarted(this.context, client, handle, { what, follow: this.follow, colors: this.cli.enableColors === true });
    });
  }
}
