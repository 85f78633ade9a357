import { Command, Option } from 'clipanion';
import { accessSync, constants, statSync, writeFileSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { validateWorkflowId } from '@aidp/client/contracts';
import { TemporalCommand } from '../../base-command.js';
import { CliError } from '../../errors.js';
import { reason } from '../../input.js';
import { isAcceptedBy } from '../../validators.js';

/** `aidp temporal history <id>`: a run's full event history. */
export class TemporalHistoryCommand extends TemporalCommand {
  static override paths = [['temporal', 'history']];

  static override usage = Command.Usage({
    category: 'Temporal',
    description: "export a run's full history (for audit and replay)",
    details: `
      Prints the event history of the run's latest execution as JSON, in the format of
      \`temporal workflow show --output json\`, which \`Worker.runReplayHistory\` and the Temporal UI
      accept. With --output it writes a file instead; its folder must exist and be writable, which is
      checked before the history is fetched.
    `,
    examples: [
      ['Print a history', '$0 temporal history aidp-workloop-fix-tests-1a2b3c4d'],
      ['Save it for a replay test', '$0 temporal history aidp-workloop-fix-tests-1a2b3c4d --output run.json'],
    ],
  });

  workflowId = Option.String({ name: 'workflow-id', validator: isAcceptedBy(validateWorkflowId) });
  output = Option.String('-o,--output', { description: 'Write to this file instead of standard output' });

  async execute(): Promise<number> {
    const output = this.output === undefined ? undefined : resolve(this.context.cwd, this.output);
    if (output !== undefined) checkWritable(output);
    return await this.withClient(async (client) => {
      const history = await client.getHandle(this.workflowId).exportHistory();
      const json = `${history.json}\n`;
      if (output) {
        try {
          writeFileSync(output, json);
        } catch (error) {
          throw new CliError(`--output: cannot write ${output}: ${reason(error)}`);
        }
        this.context.stdout.write(`Wrote ${history.eventCount} events to ${this.output}.\n`);
      } else {
        this.context.stdout.write(json);
      }
      return 0;
    });
  }
}

/** Fails early, naming the path, when `path` cannot be written: its folder is missing or read-only, or it is a folder. */
function checkWritable(path: string): void {
  const problem = writeProblem(path, dirname(path));
  if (problem) throw new CliError(`--output: cannot write ${path}: ${problem}`);
}

function writeProblem(path: string, folder: string): string | undefined {
  const parent = stat(folder);
  if (parent.error) return parent.error.code === 'ENOENT' ? `the folder ${folder} does not exist` : reason(parent.error);
  if (!parent.stats.isDirectory()) return `${folder} is not a folder`;
  const target = stat(path);
  if (target.stats?.isDirectory()) return 'it is a folder; give a file name';
  try {
    accessSync(target.stats ? path : folder, constants.W_OK);
  } catch (error) {
    return reason(error);
  }
  return undefined;
}

function stat(path: string): { stats: Stats; error?: undefined } | { stats?: undefined; error: NodeJS.ErrnoException } {
  try {
    return { stats: statSync(path) };
  } catch (error) {
    return { error: error as NodeJS.ErrnoException };
  }
}
