import { Builtins, Cli, type Command } from 'clipanion';
import { AidpCommand, EXIT_USAGE } from './base-command.js';
import type { AidpContext } from './context.js';
import { isTerminal } from './follow.js';
import { exitQuietlyOnClosedPipe } from './pipe.js';
import { TemporalConfigCommand } from './commands/temporal/config.js';
import { TemporalDevCommand } from './commands/temporal/dev.js';
import { TemporalHelpCommand } from './commands/temporal/help.js';
import { TemporalWorkerCommand } from './commands/temporal/worker.js';
import { StartIssueCommand } from './commands/temporal/start/issue.js';
import { StartWorkLoopCommand } from './commands/temporal/start/workloop.js';
import { TemporalListCommand } from './commands/temporal/list.js';
import { TemporalStatusCommand } from './commands/temporal/status.js';
import { TemporalSignalCommand } from './commands/temporal/signal.js';
import { TemporalCancelCommand } from './commands/temporal/cancel.js';
import { TemporalHistoryCommand } from './commands/temporal/history.js';
import { TemporalSetupCommand } from './commands/temporal/setup.js';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- JSON outside rootDir, read at run time
const { version } = require('../package.json') as { version: string };

/** Builds the `aidp` command line with every command registered. */
export function createCli(env: Record<string, string | undefined> = process.env, colors = process.stdout.isTTY === true): Cli<AidpContext> {
  const cli = new Cli<AidpContext>({
    binaryLabel: 'AIDP — durable AI development pipeline on Temporal',
    binaryName: 'aidp',
    binaryVersion: version,
    // Colours only on a terminal, and never with NO_COLOR (https://no-color.org).
    enableColors: colors && !env.NO_COLOR,
  });
  cli.register(Builtins.HelpCommand);
  cli.register(Builtins.VersionCommand);
  cli.register(TemporalHelpCommand);
  cli.register(TemporalConfigCommand);
  cli.register(TemporalDevCommand);
  cli.register(TemporalWorkerCommand);
  cli.register(StartIssueCommand);
  cli.register(StartWorkLoopCommand);
  cli.register(TemporalListCommand);
  cli.register(TemporalStatusCommand);
  cli.register(TemporalSignalCommand);
  cli.register(TemporalCancelCommand);
  cli.register(TemporalHistoryCommand);
  cli.register(TemporalSetupCommand);
  return cli;
}

/**
 * Runs `aidp` with the given arguments and returns the exit code: 0 success, 1 failure, 2 usage error.
 * `context` replaces what the process gives — its streams, environment and working folder — so a test
 * or a host program runs the CLI in-process. When the process's own standard output or error is a
 * pipe whose reader has gone, the process ends quietly with 141, as programs ended by SIGPIPE do.
 */
export async function main(argv: string[], context: Partial<AidpContext> = {}): Promise<number> {
  const full: AidpContext = { ...Cli.defaultContext, cwd: process.cwd(), ...context };
  // A closed pipe on the process's own output (`aidp temporal list | head -1`) ends it quietly.
  for (const stream of [full.stdout, full.stderr]) {
    if (stream === process.stdout || stream === process.stderr) exitQuietlyOnClosedPipe(stream);
  }
  const cli = createCli(full.env, isTerminal(full));
  let command: Command<AidpContext>;
  try {
    command = cli.process(argv, full);
  } catch (error) {
    // A line that names no command, or options the command does not take or values their validators
    // refuse, is a usage mistake: say what is wrong, with the usage clipanion adds, on stderr, and exit
    // 2. (`cli.run` given the words itself would print it on stdout and exit 1.)
    full.stderr.write(cli.error(error, { colored: false }));
    return EXIT_USAGE;
  }
  const code = await cli.run(command, full);
  return command instanceof AidpCommand ? (command.exitCodeOfError ?? code) : code;
}
