import { Option } from 'clipanion';
import { resolve } from 'node:path';
import type { AidpClient, AidpRunHandle } from '@aidp/client';
import { MAX_ITERATIONS_LIMIT } from '@aidp/client/contracts';
import { TemporalCommand } from '../../../base-command.js';
import { reportStarted } from '../../../follow.js';

/**
 * Base of the `aidp temporal start …` commands: the options every kind of run takes, and what happens
 * once it is started (its ids and page, or with --follow the run itself until it ends).
 */
export abstract class StartCommand extends TemporalCommand {
  maxIterations = Option.String('--max-iterations', {
    description: `Stop after this many agent iterations, 1 to ${MAX_ITERATIONS_LIMIT} (work_loop.max_iterations)`,
  });
  projectDir = Option.String('--project-dir', { description: 'The project checkout (default: the current directory)' });
  follow = Option.Boolean('--follow', false, { description: 'Show the run live until it ends; exit with its outcome' });

  /** The project's folder, absolute. */
  protected project(): string {
    return resolve(this.projectDir ?? process.cwd());
  }

  /** Connects, starts the run `what` names with `start`, and reports it; returns the exit code. */
  protected async startAndReport(what: string, start: (client: AidpClient) => Promise<AidpRunHandle<unknown>>): Promise<number> {
    return await this.withClient(async (client) => {
      const handle = await start(client);
      return await reportStarted(this.context, client, handle, { what, follow: this.follow, colors: this.cli.enableColors === true });
    });
  }
}
