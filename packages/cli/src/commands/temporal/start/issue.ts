import { Command, Option } from 'clipanion';
import { validateBranchName } from '@aidp/client/contracts';
import { atMostOneOf, isAcceptedBy, isText, isWholeNumber, type SchemaRule } from '../../../validators.js';
import { StartCommand } from './start-command.js';

/** `aidp temporal start issue <n>`: a GitHub issue in, a tested pull request out. */
export class StartIssueCommand extends StartCommand {
  static override paths = [['temporal', 'start', 'issue']];

  static override usage = Command.Usage({
    category: 'Temporal',
    description: 'start work on a GitHub issue: the agent implements it and AIDP opens a pull request',
    details: `
      Starts an IssueToPrWorkflow for issue <number> of the repository (--repo, github.repo in aidp.yml,
      or the origin remote of the project). The run reads the issue, plans, implements it with the
      fix-forward loop in a git worktree on branch \`aidp/issue-<number>\` — or, when the issue lists
      independent sub-tasks, one sub-issue run per part in parallel, merged afterwards — runs every
      check, pushes the branch and opens (or updates) the pull request, then links it from the issue.

      The worker reads the GitHub token from its own environment (GITHUB_TOKEN, or the variable named by
      github.token_env; else \`gh auth token\`); it never travels with the run.

      The run's id is \`aidp-issue-<owner>-<repo>-<number>\`: starting the same issue again while it runs
      reports the running one. With --follow it then shows the run live and exits with its outcome.
    `,
    examples: [
      ['Work on issue 42 of the origin repository and watch it', '$0 temporal start issue 42 --follow'],
      [
        'Another repository, a ready (not draft) PR against develop',
        '$0 temporal start issue 7 --repo acme/widgets --base develop --ready',
      ],
    ],
  });

  static override schema: SchemaRule[] = [atMostOneOf({ draft: '--draft', ready: '--ready' })];

  issue = Option.String({
    name: 'number',
    validator: isWholeNumber('an issue number such as 42 or #42', (n) => n >= 1, { hash: true }),
  });
  repo = Option.String('--repo', {
    description: 'The repository as owner/name (default: github.repo, else the origin remote)',
    validator: isText(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'owner/name'),
  });
  base = Option.String('--base', {
    description: 'Branch the pull request targets (default: github.base_branch, else the default branch)',
    validator: isAcceptedBy(validateBranchName),
  });
  draft = Option.Boolean('--draft', { description: 'Open the pull request as a draft (github.draft)' });
  ready = Option.Boolean('--ready', { description: 'Open the pull request ready for review' });

  async execute(): Promise<number> {
    return await this.startAndReport(`IssueToPrWorkflow for issue #${this.issue}`, (client) =>
      client.startIssueToPr({
        issueNumber: this.issue,
        projectDir: this.project(),
        repo: this.repo,
        baseBranch: this.base,
        draft: this.ready ? false : this.draft ? true : undefined,
        maxIterations: this.maxIterations,
      }),
    );
  }
}
