import { Command, Option, UsageError } from 'clipanion';
import { AidpNoWorkerError, AidpRunClosedError, AidpSteeringRefusedError, type AidpRunHandle } from '@aidp/client';
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
      Steers a run with one of AIDP's signals. The signal name is checked before anything is sent:

${signalBullets()}

      By default the run answers (a Workflow Update beside the signal): the command waits for a
      worker to take the request and prints what the run did — paused or holding at its next safe
      point, the instruction's place in the queue, the model it moved to. It fails when no worker
      takes the request in time (exit code 1). With --no-wait it sends the plain signal and returns
      at once, as \`temporal workflow signal\` does.

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
      ['Send without waiting for an answer', '$0 temporal signal aidp-workloop-fix-tests-1a2b3c4d pause --no-wait'],
    ],
  });

  workflowId = Option.String({ name: 'workflow-id' });
  signal = Option.String({ name: 'signal' });
  args = Option.Rest({ name: 'argument' });
  noWait = Option.Boolean('--no-wait', false, {
    description: 'send the signal and return at once, without waiting for the run to answer',
  });
  file = Option.String('--file', {
    description: `inject_instruction: read the text from this file (- for standard input); at most ${formatBytes(INSTRUCTION_MAX_BYTES)}`,
  });

  async execute(): Promise<number> {
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
      if (this.noWait) {
        await send(handle, this.signal as SignalName, text, { wait: false });
        this.context.stdout.write(`Sent ${this.signal} to ${this.workflowId}.\n`);
        return 0;
      }
      try {
        this.context.stdout.write(`${await steer(handle, this.signal as SignalName, text)}\n`);
      } catch (error) {
        if (error instanceof AidpNoWorkerError) {
          const hint = commandLine(
            ['aidp', 'temporal', 'signal'],
            [this.workflowId, this.signal, ...(text === undefined ? [] : ['…'])],
            ['--no-wait'],
          );
          throw new CliError(`${error.message}; start a worker (aidp temporal worker), or send it without an answer: ${hint}`);
        }
        if (error instanceof AidpRunClosedError) {
          throw new CliError(`${this.workflowId} is not running (${error.status}): a signal can only steer a running run`);
        }
        if (error instanceof AidpSteeringRefusedError) throw new CliError(`${this.workflowId} refused ${this.signal}: ${error.reason}`);
        throw error;
      }
      return 0;
    });
  }
}

/** Sends the signal without waiting for an answer. */
async function send(handle: AidpRunHandle, signal: SignalName, text: string | undefined, options: { wait: false }): Promise<void> {
  switch (signal) {
    case 'pause':
      return await handle.pause(options);
    case 'resume':
      return await handle.resume(options);
    case 'inject_instruction':
      return await handle.injectInstruction(text!, options);
    case 'escalate_model':
      return await handle.escalateModel(options);
  }
}

function parts(n: number): string {
  return n > 0 ? `; passed on to ${n} running part(s)` : '';
}

/** Sends the request as an update and says, in one line, what the run did. */
async function steer(handle: AidpRunHandle, signal: SignalName, text: string | undefined): Promise<string> {
  const id = handle.workflowId;
  switch (signal) {
    case 'pause': {
      const r = await handle.pause();
      if (!r.changed && r.held) return `${id} was already paused${parts(r.forwardedToChildren)}.`;
      return r.held
        ? `Paused ${id}: it holds at a safe point${parts(r.forwardedToChildren)}.`
        : `Pause taken by ${id}: it holds at its next safe point, once ${r.phase} is done${parts(r.forwardedToChildren)}.`;
    }
    case 'resume': {
      const r = await handle.resume();
      return r.changed
        ? `Resumed ${id}${parts(r.forwardedToChildren)}.`
        : `${id} was not paused: nothing changed${parts(r.forwardedToChildren)}.`;
    }
    case 'inject_instruction': {
      const r = await handle.injectInstruction(text!);
      return r.position === null
        ? `Instruction passed on to ${r.forwardedToChildren} running part(s) of ${id}.`
        : `Instruction queued for ${id}'s next prompt (${r.position} of ${r.pending} waiting).`;
    }
    case 'escalate_model': {
      const r = await handle.escalateModel();
      const model = `${r.model.provider}/${r.model.model} (tier ${r.model.tier + 1} of ${r.tiers})`;
      return r.escalated
        ? `Escalated ${id}: the next agent runs use ${model}${parts(r.forwardedToChildren)}.`
        : `${id} is already on the strongest model tier, ${model}: nothing changed${parts(r.forwardedToChildren)}.`;
    }
  }
}
