import { Command, Option } from 'clipanion';
import { writeFileSync } from 'node:fs';
import { TemporalCommand } from '../../base-command.js';

/** `aidp temporal history <id>`: a run's full event history. */
export class TemporalHistoryCommand extends TemporalCommand {
  static override paths = [['temporal', 'history']];

  static override usage = Command.Usage({
    category: 'Temporal',
    description: "export a run's full history (for audit and replay)",
    details: `
      Prints the event history of the run's latest execution as JSON, in the format of
      \`temporal workflow show --output json\`, which \`Worker.runReplayHistory\` and the Temporal UI
      accept. With --output it writes a file instead.
    `,
    examples: [
      ['Print a history', '$0 temporal history aidp-workloop-fix-tests-1a2b3c4d'],
      ['Save it for a replay test', '$0 temporal history aidp-workloop-fix-tests-1a2b3c4d --output run.json'],
    ],
  });

  workflowId = Option.String({ name: 'workflow-id' });
  output = Option.String('-o,--output', { description: 'Write to this file instead of standard output' });

  async run(): Promise<number> {
    return await this.withClient(async (client) => {
      const history = await client.getHandle(this.workflowId).fetchHistory();
      const { historyToJSON } = await import('@temporalio/common/lib/proto-utils.js');
      const json = `${historyToJSON(history)}\n`;
      if (this.output) {
        writeFileSync(this.output, json);
        this.context.stdout.write(`Wrote ${history.events?.length ?? 0} events to ${this.output}.\n`);
      } else {
        this.context.stdout.write(json);
      }
      return 0;
    });
  }
}
