import { Command, Option, UsageError } from 'clipanion';
import {
  INSTRUCTION_MAX_BYTES,
  SIGNALS,
  formatBytes,
  validateInstruction,
  validateWorkflowId,
  type SignalName,
} from '@aidp/client/contracts';
import { TemporalCommand } from '../../base-command.js';
import { CliError } from '../../errors.js';
import { quoted, readTextInput, refuse } from '../../input.js';
import { commandLine } from '../../shell-quote.js';

function signalList(): string {
  return Object.entries(SIGNALS)
    .map(([name, s]) => `  ${(s.argument ? `${name} <${s.argument}>` : name).padEnd(27)} ${s.description}`)
    .join('\n');
}

/** The signals as a list for `--help` (clipanion reads lines that start with "-" as list items). */
function signalBullets(): string {
  return Object.entries(SIGNALS)
    .map(([name, s]) => `      - \`${s.argument ? `${name} <${s.argument}>` : name}\`: ${s.description}`)
    .join('\n');
}

/** `aidp temporal signal <id> <signal> [arg]`: steers a run. */
export class TemporalSignalCommand extends TemporalCommand {
  static override paths = [['temporal', 'signal']];

  static override usage = Command.Usage({
    category: 'Temporal',
    description: 'steer a run: pause, resume, inject_instruction, escalate_model',
    details: `
      Sends one of AIDP's signals to a run. The signal name is checked before anything is sent:

${signalBullets()}

      The text of inject_instruction comes from the arguments, from a file (--file <path>), or from
      standard input (\`-\` as the argument, or --file -). It may not be blank, and is at most
      ${formatBytes(INSTRUCTION_MAX_BYTES)}; a longer one is refused before anything is sent (exit code 2).
    `,
    examples: [
      ['Pause a run', '$0 temporal signal aidp-workloop-fix-tests-1a2b3c4d pause'],
      [
        'Tell the agent something',
        '$0 temporal signal aidp-workloop-fix-tests-1a2b3c4d inject_instruction "Use the existing helper in utils.ts"',
      ],
      ['Send a longer instruction from a file', '$0 temporal signal aidp-workloop-fix-tests-1a2b3c4d inject_instruction --file notes.md'],
      ['Send the output of another program', 'git diff | $0 temporal signal aidp-workloop-fix-tests-1a2b3c4d inject_instruction -'],
      ['Switch to a stronger model', '$0 temporal signal aidp-workloop-fix-tests-1a2b3c4d escalate_model'],
    ],
  });

  workflowId = Option.String({ name: 'workflow-id' });
  signal = Option.String({ name: 'signal' });
  args = Option.Rest({ name: 'argument' });
  file = Option.String('--file', {
    description: `inject_instruction: read the text from this file (- for standard input); at most ${formatBytes(INSTRUCTION_MAX_BYTES)}`,
  });

  async run(): Promise<number> {
    refuse('workflow id', validateWorkflowId(this.workflowId));
    const spec = Object.hasOwn(SIGNALS, this.signal) ? SIGNALS[this.signal as SignalName] : undefined;
    if (!spec) throw new UsageError(`unknown signal ${quoted(this.signal)}; the signals are:\n${signalList()}`);
    if (!spec.argument && (this.args.length > 0 || this.file !== undefined)) {
      throw new UsageError(
        `${this.signal} takes no argument, got ${quoted(this.file !== undefined ? `--file ${this.file}` : this.args.join(' '))}`,
      );
    }
    let text: string | undefined;
    if (spec.argument) {
      if (this.file !== undefined && this.args.length > 0)
        throw new UsageError(`${this.signal}: give the ${spec.argument} or --file, not both`);
      if (this.file === undefined && this.args.length === 0) {
        const hint = commandLine(['aidp', 'temporal', 'signal'], [this.workflowId, this.signal, `<${spec.argument}>`]);
        throw new UsageError(`${this.signal} needs its ${spec.argument}: ${hint}, or --file <path>, or - for standard input`);
      }
      const source = this.file ?? (this.args.length === 1 && this.args[0] === '-' ? '-' : undefined);
      text = source === undefined ? this.args.join(' ') : await readTextInput(this.context, '--file', source, INSTRUCTION_MAX_BYTES);
      refuse(`the ${spec.argument} of ${this.signal}`, validateInstruction(text));
    }

    return await this.withClient(async (client) => {
      const handle = client.getHandle(this.workflowId);
      // A missing or finished run is reported before anything is sent.
      const description = await handle.describe();
      if (description.status.name !== 'RUNNING') {
        throw new CliError(`${this.workflowId} is not running (${description.status.name}): a signal can only steer a running run`);
      }
      switch (this.signal) {
        case 'pause':
          await handle.pause();
          break;
        case 'resume':
          await handle.resume();
          break;
        case 'inject_instruction':
          await handle.injectInstruction(text!);
          break;
        case 'escalate_model':
          await handle.escalateModel();
          break;
      }
      this.context.stdout.write(`Sent ${this.signal} to ${this.workflowId}.\n`);
      return 0;
    });
  }
}
