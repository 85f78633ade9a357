import { Command, Option, UsageError } from 'clipanion';
import { SIGNALS, type SignalName } from '@aidp/workflows/contracts';
import { TemporalCommand } from '../../base-command.js';
import { CliError } from '../../errors.js';

function signalList(): string {
  return Object.entries(SIGNALS)
    .map(([name, s]) => `  ${(s.argument ? `${name} <${s.argument}>` : name).padEnd(27)} ${s.description}`)
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

${signalList()}
    `,
    examples: [
      ['Pause a run', '$0 temporal signal aidp-workloop-fix-tests-1a2b3c4d pause'],
      ['Tell the agent something', '$0 temporal signal aidp-workloop-fix-tests-1a2b3c4d inject_instruction "Use the existing helper in utils.ts"'],
      ['Switch to a stronger model', '$0 temporal signal aidp-workloop-fix-tests-1a2b3c4d escalate_model'],
    ],
  });

  workflowId = Option.String({ name: 'workflow-id' });
  signal = Option.String({ name: 'signal' });
  args = Option.Rest({ name: 'argument' });

  async run(): Promise<number> {
    const spec = Object.hasOwn(SIGNALS, this.signal) ? SIGNALS[this.signal as SignalName] : undefined;
    if (!spec) throw new UsageError(`unknown signal "${this.signal}"; the signals are:\n${signalList()}`);
    if (spec.argument && this.args.length === 0) {
      throw new UsageError(`${this.signal} needs its ${spec.argument}: aidp temporal signal ${this.workflowId} ${this.signal} "<${spec.argument}>"`);
    }
    if (!spec.argument && this.args.length > 0) throw new UsageError(`${this.signal} takes no argument, got "${this.args.join(' ')}"`);
    if (spec.argument && this.args.join(' ').trim() === '') throw new UsageError(`${this.signal}: the ${spec.argument} is empty`);

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
          await handle.injectInstruction(this.args.join(' '));
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
