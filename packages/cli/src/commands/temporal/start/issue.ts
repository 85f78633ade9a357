import { Command, Option, UsageError } from 'clipanion';
import { validateBranchName } from '@aidp/client/contracts';
import { maxIterationsOption, quoted, refuse } from '../../../input.js';
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

  issue = Option.String({ name: 'number' });
  repo = Option.String('--repo', { description: 'The repository as owner/name (default: github.repo, else the origin remote)' });
  base = Option.String('--base', { description: 'Branch the pull request targets (default: github.base_branch, else the default branch)' });
  draft = Option.Boolean('--draft', { description: 'Open the pull request as a draft (github.draft)' });
  ready = Option.Boolean('--ready', { description: 'Open the pull request ready for review' });

  async run(): Promise<number> {
    const issueNumber = Number(this.issue.replace(/^#/, ''));
    if (!/^#?[0-9]+$/.test(this.issue) || !Number.isSafeInteger(issueNumber) || issueNumber < 1) {
      throw new UsageError(`issue number: expected a positive integer, got ${quoted(this.issue)}`);
    }
    if (this.draft && this.ready) throw new UsageError('give --draft or --ready, not both');
    const maxIterations = maxIterationsOption(this.maxIterations);
    if (this.repo !== undefined && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(this.repo)) {
      throw new UsageError(`--repo: expected owner/name, got ${quoted(this.repo)}`);
    }
    if (this.base !== undefined) refuse('--base', validateBranchName(this.base));
    return await this.startAndReport(`IssueToPrWorkflow for issue #${issueNumber}`, (client) =>
      client.startIssueToPr({
        issueNumber,
        projectDir: this.project(),
        repo: this.repo,
        baseBranch: this.base,
        draft: this.ready ? false : this.draft ? true : undefined,
        maxIterations,
      }),
    );
  }
}
