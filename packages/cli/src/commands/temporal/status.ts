import { Command, Option } from 'clipanion';
import { validateWorkflowId } from '@aidp/client/contracts';
import { TemporalCommand } from '../../base-command.js';
import { followRun, printOutcome, runOutcome } from '../../follow.js';
import { duration, progressPanel, paint, subjectText } from '../../render.js';
import { isAcceptedBy } from '../../validators.js';

// The statuses of a run that has ended; a continued-as-new run goes on under the same id.
const CLOSED = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TERMINATED', 'TIMED_OUT']);

/** `aidp temporal status <id>`: a run's description and progress. */
export class TemporalStatusCommand extends TemporalCommand {
  static override paths = [['temporal', 'status']];

  static override usage = Command.Usage({
    category: 'Temporal',
    description: "show a run's status and progress, or follow it live",
    details: `
      Shows Temporal's view of the run (status, start, duration, history size) and AIDP's \`progress\`
      query: the phase, iteration, checks, model, cost and pending instructions.

      For a run that has ended it also shows how: the result, or the failure's type and message
      (\`MaxIterationsReached: …\`, cancelled, terminated, timed out). The exit code says the same: 0 for
      a run that is still running or reached its goal, 1 for one that failed, was cancelled, was
      terminated or timed out. With --json the outcome is the \`outcome\` field, with the same exit code.

      With --follow it keeps going until the run ends — a live view on a terminal, one line per change
      otherwise — and exits with the run's outcome the same way.
    `,
    examples: [
      ['Show a run', '$0 temporal status aidp-workloop-fix-tests-1a2b3c4d'],
      ['Watch it until it ends', '$0 temporal status aidp-workloop-fix-tests-1a2b3c4d --follow'],
      ['As JSON, for scripts', '$0 temporal status aidp-workloop-fix-tests-1a2b3c4d --json'],
    ],
  });

  workflowId = Option.String({ name: 'workflow-id', validator: isAcceptedBy(validateWorkflowId) });
  follow = Option.Boolean('--follow', false, { description: 'Follow the run until it ends; exit with its outcome' });
  json = Option.Boolean('--json', false, { description: 'Print JSON' });

  async execute(): Promise<number> {
    return await this.withClient(async (client) => {
      const handle = client.getHandle(this.workflowId);
      const description = await handle.describe();
      if (this.follow && !this.json) {
        this.context.stdout.write(`${description.type} ${this.workflowId}  ${handle.uiUrl}\n`);
        return await followRun(this.context, client, handle, this.cli.enableColors === true);
      }
      const progress = await handle.progress().catch((err: Error) => err);
      const closed = description.closeTime?.getTime();
      const ended = CLOSED.has(description.status.name);
      const summary = {
        workflowId: description.workflowId,
        runId: description.runId,
        type: description.type,
        status: description.status.name,
        startTime: description.startTime.toISOString(),
        closeTime: description.closeTime?.toISOString() ?? null,
        durationMs: (closed ?? Date.now()) - description.startTime.getTime(),
        historyLength: description.historyLength,
        taskQueue: description.taskQueue,
        uiUrl: handle.uiUrl,
        progress: progress instanceof Error ? null : progress,
      };
      if (this.json) {
        const outcome = ended ? await runOutcome(handle) : null;
        this.context.stdout.write(`${JSON.stringify({ ...summary, outcome }, null, 2)}\n`);
        return outcome?.reachedGoal === false ? 1 : 0;
      }
      const c = paint(this.cli.enableColors === true);
      const lines = [
        `${c.bold(summary.type)} ${summary.workflowId}`,
        `  status      ${summary.status} (started ${summary.startTime}, ${duration(summary.durationMs)}${closed ? ', closed' : ' so far'})`,
        `  run id      ${summary.runId}`,
        `  history     ${summary.historyLength} events on task queue ${summary.taskQueue}`,
        `  ui          ${summary.uiUrl}`,
      ];
      if (progress instanceof Error) {
        lines.push(`  progress    unavailable: no worker answered the progress query (${progress.message.split('\n')[0]})`);
      } else {
        lines.push(`  subject     ${subjectText(progress)}`, ...progressPanel(progress, c, client.config.work_loop.max_cost_usd).slice(1));
      }
      this.context.stdout.write(`${lines.join('\n')}\n`);
      // An ended run says how it ended, as --follow does: the result, or why it did not reach its goal.
      return ended ? await printOutcome(this.context, handle, this.cli.enableColors === true) : 0;
    });
  }
}
