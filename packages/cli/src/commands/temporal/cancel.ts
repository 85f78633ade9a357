import { Command, Option } from 'clipanion';
import { createInterface } from 'node:readline/promises';
import { validateWorkflowId } from '@aidp/client/contracts';
import { TemporalCommand } from '../../base-command.js';
import { isTerminal } from '../../follow.js';
import { isAcceptedBy } from '../../validators.js';

/** `aidp temporal cancel <id>`: cancels a run. */
export class TemporalCancelCommand extends TemporalCommand {
  static override paths = [['temporal', 'cancel']];

  static override usage = Command.Usage({
    category: 'Temporal',
    description: 'cancel a run (its agent processes are killed; the workspace is kept)',
    details: `
      Requests cancellation. The running agent and its child processes are killed, child runs are
      cancelled, the run ends Cancelled, and its worktree and branch stay for inspection.

      On a terminal it asks for confirmation unless --yes is given.
    `,
    examples: [
      ['Cancel a run, confirming', '$0 temporal cancel aidp-workloop-fix-tests-1a2b3c4d'],
      ['Cancel without asking (scripts)', '$0 temporal cancel aidp-workloop-fix-tests-1a2b3c4d --yes'],
    ],
  });

  workflowId = Option.String({ name: 'workflow-id', validator: isAcceptedBy(validateWorkflowId) });
  yes = Option.Boolean('-y,--yes', false, { description: 'Do not ask for confirmation' });

  async execute(): Promise<number> {
    return await this.withClient(async (client) => {
      const handle = client.getHandle(this.workflowId);
      const description = await handle.describe();
      if (description.status.name !== 'RUNNING') {
        this.context.stdout.write(`${this.workflowId} is not running (${description.status.name}); nothing to cancel.\n`);
        return 0;
      }
      if (!this.yes && isTerminal(this.context)) {
        const rl = createInterface({ input: this.context.stdin, output: this.context.stdout });
        const answer = await rl.question(`Cancel ${this.workflowId}? Its agent will be stopped. [y/N] `);
        rl.close();
        if (!/^y(es)?$/i.test(answer.trim())) {
          this.context.stdout.write('Not cancelled.\n');
          return 1;
        }
      }
      await handle.cancel();
      this.context.stdout.write(`Cancellation requested for ${this.workflowId}.\n`);
      return 0;
    });
  }
}
