import { Command, Option } from 'clipanion';
import { TemporalCommand } from '../../base-command.js';
import { duration, subjectText, table } from '../../render.js';
import { isChoice, isWholeNumber } from '../../validators.js';

const STATUSES = ['running', 'completed', 'failed', 'canceled', 'terminated', 'timed_out', 'all'] as const;
const TYPES = ['WorkLoopWorkflow', 'IssueToPrWorkflow', 'SubIssueWorkflow'] as const;

/** `aidp temporal list`: AIDP's runs. */
export class TemporalListCommand extends TemporalCommand {
  static override paths = [['temporal', 'list']];

  static override usage = Command.Usage({
    category: 'Temporal',
    description: "list AIDP's runs",
    details: `
      Lists runs of AIDP's workflow types in the namespace, newest first: id, type, status, and for
      running ones the phase and iteration (from the \`progress\` query).
    `,
    examples: [
      ['Running runs', '$0 temporal list'],
      ['Everything recent, as JSON', '$0 temporal list --status all --json'],
      ['The last 5 failed work loops', '$0 temporal list --status failed --type WorkLoopWorkflow --limit 5'],
    ],
  });

  status = Option.String('--status', 'running', { description: `One of ${STATUSES.join(', ')}`, validator: isChoice(STATUSES) });
  type = Option.String('--type', { description: `One of ${TYPES.join(', ')}`, validator: isChoice(TYPES) });
  limit = Option.String('--limit', '20', {
    description: 'At most this many runs',
    validator: isWholeNumber('a positive integer', (n) => n >= 1),
  });
  json = Option.Boolean('--json', false, { description: 'Print JSON' });

  async execute(): Promise<number> {
    const { status, type, limit } = this;
    return await this.withClient(async (client) => {
      const runs = await client.list({ status, type, limit });
      // Phase and iteration come from the runs themselves; only running ones are asked.
      const progress = await Promise.all(
        runs.map((r) =>
          r.status === 'RUNNING'
            ? client
                .getHandle(r.workflowId)
                .progress()
                .catch(() => null)
            : Promise.resolve(null),
        ),
      );
      if (this.json) {
        const out = runs.map((r, i) => ({
          ...r,
          startTime: r.startTime.toISOString(),
          closeTime: r.closeTime?.toISOString() ?? null,
          progress: progress[i],
        }));
        this.context.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        return 0;
      }
      if (runs.length === 0) {
        this.context.stdout.write(`No ${status === 'all' ? '' : `${status} `}runs in namespace ${client.namespace}.\n`);
        return 0;
      }
      const rows = runs.map((r, i) => [
        r.workflowId,
        r.type,
        r.status,
        progress[i]?.state ?? '-',
        progress[i] ? `${progress[i].iteration}/${progress[i].maxIterations}` : '-',
        r.startTime.toISOString().replace('T', ' ').slice(0, 19),
        duration(r.durationMs),
        [r.issue ?? (progress[i] ? subjectText(progress[i]) : undefined), r.pullRequest ?? progress[i]?.pullRequest?.url]
          .filter(Boolean)
          .join(' ') || '-',
      ]);
      this.context.stdout.write(table(['ID', 'TYPE', 'STATUS', 'STATE', 'ITERATION', 'STARTED', 'DURATION', 'SUBJECT'], rows));
      return 0;
    });
  }
}
