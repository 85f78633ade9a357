// The issue flow's last activity: commit, push, open or update the pull request, and link it from the
// issue. Every step looks before it acts, so a retry — after a crash at any moment — finds what the
// previous attempt did and never opens a second pull request or leaves a second comment.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { CreatePullRequestInput, CreatePullRequestResult } from '@aidp/workflows/contracts';
import { commitAll, GitError } from './git.js';
import { workspaceRepo } from './prepare-workspace.js';
import { gitHubCall, gitHubClient, splitRepo, toActivityError } from './github/client.js';
import { AIDP_COMMENT_MARKER } from './github/issue-text.js';

/**
 * The environment that lets git authenticate to an https remote with the token, in memory: git reads
 * `http.extraHeader` from GIT_CONFIG_* variables, so nothing is written to `.git/config` or argv.
 */
export function gitAuthEnvironment(remoteUrl: string, token: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const base = { ...env, GIT_TERMINAL_PROMPT: '0' };
  if (!/^https?:\/\//i.test(remoteUrl)) return base;
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  return { ...base, GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: basic ${basic}` };
}

/** Removes anything that looks like credentials from a git message before it is reported. */
function redact(text: string, token: string): string {
  return text
    .split(token)
    .join('***')
    .replace(/(https?:\/\/)[^@/\s]+@/g, '$1***@');
}

export function issueComment(pr: { number: number; url: string }): string {
  return `AIDP opened pull request #${pr.number} for this issue: ${pr.url}\n\n${AIDP_COMMENT_MARKER}`;
}

export async function createPullRequest(input: CreatePullRequestInput): Promise<CreatePullRequestResult> {
  const ctx = Context.current();
  const { owner, repo } = splitRepo(input.github.repo);
  const { octokit, token } = await gitHubClient(input.github);
  // Verified first: only the run's branch, in the run's worktree, is committed and pushed.
  const workspace = await workspaceRepo(input.runDir, input.workspace);

  // 1. Commit what is not committed yet (nothing, on a retry).
  await commitAll(workspace, input.commitMessage);
  const headSha = await workspace.run(['rev-parse', 'HEAD']);

  // 2. Push the branch (the same commit again is a no-op).
  ctx.heartbeat('push');
  let remoteUrl: string;
  try {
    remoteUrl = await workspace.run(['remote', 'get-url', 'origin']);
  } catch {
    throw ApplicationFailure.nonRetryable(`the repository has no "origin" remote to push ${input.branch} to`, 'PullRequestFailed');
  }
  try {
    await workspace.run(['push', '--quiet', 'origin', `HEAD:refs/heads/${input.branch}`], gitAuthEnvironment(remoteUrl, token, {}));
  } catch (err) {
    const message = redact(err instanceof GitError ? err.stderr : String(err), token).trim();
    if (/rejected|non-fast-forward|fetch first/i.test(message)) {
      throw ApplicationFailure.nonRetryable(
        `origin's ${input.branch} has commits this run does not have; delete or rename that branch and start again: ${message}`,
        'PullRequestFailed',
      );
    }
    throw ApplicationFailure.retryable(`could not push ${input.branch} to origin: ${message}`, 'PushFailed');
  }

  // 3. The open pull request for the branch: updated when it exists, created otherwise.
  ctx.heartbeat('pull request');
  const findOpen = async () => {
    const { data } = await gitHubCall('the open pull requests', input.github.repo, () =>
      octokit.rest.pulls.list({ owner, repo, state: 'open', head: `${owner}:${input.branch}`, per_page: 10 }),
    );
    return data.find((p) => p.head.ref === input.branch);
  };
  let action: 'created' | 'updated' = 'updated';
  let pr: { number: number; html_url: string; draft?: boolean } | undefined = await findOpen();
  if (pr) {
    await gitHubCall(`pull request #${pr.number}`, input.github.repo, () =>
      octokit.rest.pulls.update({ owner, repo, pull_number: pr!.number, title: input.title, body: input.body }),
    );
  } else {
    try {
      const { data } = await octokit.rest.pulls.create({
        owner,
        repo,
        title: input.title,
        head: input.branch,
        base: input.baseBranch,
        body: input.body,
        draft: input.draft,
      });
      pr = data;
      action = 'created';
    } catch (err) {
      // Another attempt created it a moment ago: use that one.
      pr = (err as { status?: number }).status === 422 ? await findOpen() : undefined;
      if (!pr) throw toActivityError(err, `the pull request for ${input.branch}`, input.github.repo);
    }
  }

  // 4. One comment on the issue linking the pull request.
  ctx.heartbeat('comment');
  const prRef = { number: pr.number, url: pr.html_url };
  const body = issueComment(prRef);
  let existing: { id: number; body?: string; html_url: string } | undefined;
  for (let page = 1; page <= 10 && !existing; page++) {
    const { data } = await gitHubCall(`the comments of issue #${input.issueNumber}`, input.github.repo, () =>
      octokit.rest.issues.listComments({ owner, repo, issue_number: input.issueNumber, per_page: 100, page }),
    );
    existing = data.find((c) => c.body?.includes(AIDP_COMMENT_MARKER));
    if (data.length < 100) break;
  }
  let commentUrl: string;
  if (!existing) {
    const { data } = await gitHubCall(`a comment on issue #${input.issueNumber}`, input.github.repo, () =>
      octokit.rest.issues.createComment({ owner, repo, issue_number: input.issueNumber, body }),
    );
    commentUrl = data.html_url;
  } else {
    if (existing.body !== body) {
      await gitHubCall(`the comment on issue #${input.issueNumber}`, input.github.repo, () =>
        octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body }),
      );
    }
    commentUrl = existing.html_url;
  }
  return { ...prRef, action, draft: pr.draft ?? input.draft, headSha, commentUrl };
}
