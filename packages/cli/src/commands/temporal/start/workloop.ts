import { Command, Option } from 'clipanion';
import {
  MAX_ITERATIONS_LIMIT,
  NEW_WORKFLOW_ID_MAX_BYTES,
  STEP_NAME_MAX_BYTES,
  TASK_MAX_BYTES,
  formatBytes,
  validateBranchName,
  validateNewWorkflowId,
  validateStepName,
  validateTaskText,
} from '@aidp/client/contracts';
import { readTextInput, refuse } from '../../../input.js';
import { atMostOneOf, isAcceptedBy, type SchemaRule } from '../../../validators.js';
import { StartCommand } from './start-command.js';

/** `aidp temporal start workloop <step>`: starts the fix-forward loop on one step. */
export class StartWorkLoopCommand extends StartCommand {
  static override paths = [['temporal', 'start', 'workloop']];

  static override usage = Command.Usage({
    category: 'Temporal',
    description: 'start a work loop: the agent iterates until the checks pass',
    details: `
      Starts a WorkLoopWorkflow for one step of the project in the current directory (or in the
      one --project-dir names). The task comes from \`work_loop.steps.<step>.task\` in aidp.yml, or
      from --task or --task-file; the checks from \`work_loop.checks\`. The agent works in a git
      worktree on the branch \`aidp/<step>\` (or --branch), or in the checkout itself with --in-place.

      Prints the run's workflow id, run id and its page in the Temporal UI. With --follow it then shows
      the run live and exits with its outcome: 0 when the checks pass, 1 otherwise.

      Limits, checked before anything is sent (exit code 2): the step must make a valid git branch
      name \`aidp/<step>\` (no \`..\`, no spaces, none of ~ ^ : ? * [ or backslash, …) and be at most
      ${STEP_NAME_MAX_BYTES} bytes; --branch follows the same rules; the task (--task, or --task-file
      with \`-\` for standard input) is at most ${formatBytes(TASK_MAX_BYTES)}; the iteration limit
      (--max-iterations) runs from 1 to ${MAX_ITERATIONS_LIMIT}; --workflow-id is at most
      ${NEW_WORKFLOW_ID_MAX_BYTES} bytes, without control characters.
    `,
    examples: [
      ['Start the step defined in aidp.yml and watch it', '$0 temporal start workloop fix-tests --follow'],
      ['Start an ad-hoc step', '$0 temporal start workloop lint --task "Make eslint pass without disabling rules"'],
      ['Take the task from a file, at most 10 iterations', '$0 temporal start workloop feature --task-file TASK.md --max-iterations 10'],
    ],
  });

  static override schema: SchemaRule[] = [
    atMostOneOf({ task: '--task', taskFile: '--task-file' }),
    atMostOneOf({ branch: '--branch', inPlace: '--in-place' }, '--in-place works on the branch checked out'),
  ];

  step = Option.String({ name: 'step', validator: isAcceptedBy(validateStepName) });
  task = Option.String('--task', {
    description: 'The objective, in words (instead of the step in aidp.yml)',
    validator: isAcceptedBy(validateTaskText),
  });
  taskFile = Option.String('--task-file', {
    description: `Read the objective from this file (- for standard input); at most ${formatBytes(TASK_MAX_BYTES)}`,
  });
  branch = Option.String('--branch', {
    description: 'The branch to work on (default: aidp/<step>)',
    validator: isAcceptedBy(validateBranchName),
  });
  inPlace = Option.Boolean('--in-place', false, { description: 'Work in the checkout as it is: no worktree, no branch, no commits' });
  workflowId = Option.String('--workflow-id', {
    description: `Id for the run, at most ${NEW_WORKFLOW_ID_MAX_BYTES} bytes (default: aidp-workloop-<step>-<random>)`,
    validator: isAcceptedBy(validateNewWorkflowId),
  });

  async execute(): Promise<number> {
    let task = this.task;
    if (this.taskFile !== undefined) {
      task = await readTextInput(this.context, '--task-file', this.taskFile, TASK_MAX_BYTES);
      refuse(`--task-file ${this.taskFile}`, validateTaskText(task));
    }
    return await this.startAndReport(`WorkLoopWorkflow for step "${this.step}"`, (client) =>
      client.startWorkLoop(
        {
          projectDir: this.project(),
          stepName: this.step,
          task,
          maxIterations: this.maxIterations,
          workspaceMode: this.inPlace ? 'in-place' : undefined,
          branch: this.branch,
        },
        { workflowId: this.workflowId },
      ),
    );
  }
}
