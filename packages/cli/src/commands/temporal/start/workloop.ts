import { Command, Option, UsageError } from 'clipanion';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { TemporalCommand } from '../../../base-command.js';
import { positiveIntegerOption, reportStarted } from '../../../follow.js';
import { CliError } from '../../../errors.js';

/** `aidp temporal start workloop <step>`: starts the fix-forward loop on one step. */
export class StartWorkLoopCommand extends TemporalCommand {
  static override paths = [['temporal', 'start', 'workloop']];

  static override usage = Command.Usage({
    category: 'Temporal',
    description: 'start a work loop: the agent iterates until the checks pass',
    details: `
      Starts a WorkLoopWorkflow for one step of the project in the current directory (or
      --project-dir). The task comes from \`work_loop.steps.<step>.task\` in aidp.yml, or from --task /
      --task-file; the checks from \`work_loop.checks\`. The agent works in a git worktree on branch
      \`aidp/<step>\` (or in the checkout itself with --in-place).

      Prints the run's workflow id, run id and its page in the Temporal UI. With --follow it then shows
      the run live and exits with its outcome: 0 when the checks pass, 1 otherwise.
    `,
    examples: [
      ['Start the step defined in aidp.yml and watch it', '$0 temporal start workloop fix-tests --follow'],
      ['Start an ad-hoc step', '$0 temporal start workloop lint --task "Make eslint pass without disabling rules"'],
      ['Take the task from a file, at most 10 iterations', '$0 temporal start workloop feature --task-file TASK.md --max-iterations 10'],
    ],
  });

  step = Option.String({ name: 'step' });
  task = Option.String('--task', { description: 'The objective, in words (instead of the step in aidp.yml)' });
  taskFile = Option.String('--task-file', { description: 'Read the objective from this file' });
  maxIterations = Option.String('--max-iterations', { description: 'Stop after this many agent iterations (work_loop.max_iterations)' });
  inPlace = Option.Boolean('--in-place', false, { description: 'Work in the checkout as it is: no worktree, no branch, no commits' });
  projectDir = Option.String('--project-dir', { description: 'The project to work on (default: the current directory)' });
  workflowId = Option.String('--workflow-id', { description: 'Id for the run (default: aidp-workloop-<step>-<random>)' });
  follow = Option.Boolean('--follow', false, { description: 'Show the run live until it ends; exit with its outcome' });

  async run(): Promise<number> {
    if (this.task !== undefined && this.taskFile !== undefined) throw new UsageError('give --task or --task-file, not both');
    const maxIterations = positiveIntegerOption('--max-iterations', this.maxIterations);
    let task = this.task;
    if (this.taskFile !== undefined) {
      try {
        task = readFileSync(this.taskFile, 'utf8');
      } catch {
        throw new CliError(`--task-file: cannot read ${resolve(this.taskFile)}`);
      }
    }
    return await this.withClient(async (client) => {
      const handle = await client.startWorkLoop(
        {
          projectDir: resolve(this.projectDir ?? process.cwd()),
          stepName: this.step,
          task,
          maxIterations,
          workspaceMode: this.inPlace ? 'in-place' : undefined,
        },
        { workflowId: this.workflowId },
      );
      return await reportStarted(this.context, client, handle, { what: `WorkLoopWorkflow for step "${this.step}"`, follow: this.follow, colors: this.cli.enableColors === true });
    });
  }
}
