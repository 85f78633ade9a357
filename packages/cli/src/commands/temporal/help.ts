import { Command, Option } from 'clipanion';
import { AidpCommand, EXIT_USAGE } from '../../base-command.js';

/** `aidp temporal` on its own: lists the `aidp temporal …` commands. */
export class TemporalHelpCommand extends AidpCommand {
  static override paths = [['temporal'], ['temporal', '--help'], ['temporal', '-h']];

  static override usage = Command.Usage({
    category: 'Temporal',
    description: 'list the commands that run AIDP on Temporal',
    examples: [['List the Temporal commands', '$0 temporal --help']],
  });

  // Catches `aidp temporal <anything else>`, to answer with the list of what exists.
  rest = Option.Rest();

  execute(): Promise<number> {
    const commands = this.cli
      .definitions()
      .filter((d) => d.path.startsWith(`${this.cli.binaryName} temporal `))
      .sort((a, b) => a.path.localeCompare(b.path));
    const width = Math.max(...commands.map((d) => d.path.length));
    const lines = [
      'Run AIDP on Temporal: a dev server and worker, and the configuration they use.',
      '',
      'Commands:',
      ...commands.map((d) => `  ${d.path.padEnd(width)}  ${d.description ?? ''}`.trimEnd()),
      '',
      `Run "${this.cli.binaryName} temporal <command> --help" for a command's options and examples.`,
      '',
    ];
    if (this.rest.length > 0) {
      this.context.stderr.write(`unknown command: ${this.cli.binaryName} temporal ${this.rest.join(' ')}\n\n${lines.slice(2).join('\n')}`);
      return Promise.resolve(EXIT_USAGE);
    }
    this.context.stdout.write(lines.join('\n'));
    return Promise.resolve(0);
  }
}
