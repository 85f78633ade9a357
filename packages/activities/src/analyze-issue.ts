// The analyzeIssue activity: fetch the issue (title, body, labels, comments) and read its acceptance
// criteria and sub-tasks from it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { AnalyzeIssueInput, IssueAnalysis } from '@aidp/workflows/contracts';
import { gitHubCall, gitHubClient, splitRepo } from './github/client.js';
import { parseIssueBody, renderIssueFile, renderIssueForAgent, type IssueComment } from './github/issue-text.js';
import { runDirOf } from './prepare-workspace.js';

const MAX_COMMENT_PAGES = 5;

/** Fetches the issue (title, body, labels, comments) and reads its acceptance criteria and sub-tasks. */
export async function analyzeIssue(input: AnalyzeIssueInput): Promise<IssueAnalysis> {
  const { owner, repo } = splitRepo(input.github.repo);
  const { octokit } = await gitHubClient(input.github);
  const what = `issue #${input.issueNumber}`;
  const repository = await gitHubCall(`repository ${input.github.repo}`, input.github.repo, () => octokit.rest.repos.get({ owner, repo }));
  const { data: issue } = await gitHubCall(what, input.github.repo, () =>
    octokit.rest.issues.get({ owner, repo, issue_number: input.issueNumber }),
  );
  if (issue.pull_request) {
    throw ApplicationFailure.nonRetryable(`#${input.issueNumber} in ${input.github.repo} is a pull request, not an issue`, 'IssueNotFound');
  }
  if (issue.state !== 'open') {
    throw ApplicationFailure.nonRetryable(
      `issue #${input.issueNumber} in ${input.github.repo} is ${issue.state}; reopen it to work on it`,
      'IssueNotOpen',
    );
  }
  const comments: IssueComment[] = [];
  for (let page = 1; page <= MAX_COMMENT_PAGES; page++) {
    const { data } = await gitHubCall(`the comments of ${what}`, input.github.repo, () =>
      octokit.rest.issues.listComments({ owner, repo, issue_number: input.issueNumber, per_page: 100, page }),
    );
    comments.push(...data.map((c) => ({ body: c.body ?? '', user: c.user?.login ?? 'ghost', isBot: c.user?.type === 'Bot' })));
    if (data.length < 100) break;
  }
  const labels = issue.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean);
  const text = { repo: input.github.repo, number: input.issueNumber, title: issue.title, body: issue.body ?? '', labels, comments };
  const parsed = parseIssueBody(issue.body);

  const runDir = runDirOf(input.projectDir, input.workflowId);
  mkdirSync(runDir, { recursive: true });
  const issueFile = join(runDir, 'issue.md');
  writeFileSync(issueFile, renderIssueFile({ ...text, url: issue.html_url }));
  return {
    repo: input.github.repo,
    issueNumber: input.issueNumber,
    title: issue.title,
    url: issue.html_url,
    labels,
    defaultBranch: repository.data.default_branch,
    acceptanceCriteria: parsed.acceptanceCriteria,
    subTasks: parsed.subTasks,
    recommendDecomposition: parsed.subTasks.length >= 2,
    task: renderIssueForAgent(text, parsed),
    issueFile,
  };
}
