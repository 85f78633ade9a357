// GitHub through octokit, for the issue flow's activities. The token lives only in the worker's
// environment (or gh's keyring): it is read here, handed to octokit and to git in memory, and never
// returned, logged or written anywhere.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ApplicationFailure } from '@temporalio/common';
import type { Octokit } from 'octokit';
import type { GitHubTarget } from '@aidp/workflows/contracts';

const execFileAsync = promisify(execFile);

/** `owner/name` split, checked. */
export function splitRepo(repo: string): { owner: string; repo: string } {
  const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(repo);
  if (!match) throw ApplicationFailure.nonRetryable(`"${repo}" is not a repository as "owner/name"`, 'InvalidInput');
  return { owner: match[1]!, repo: match[2]! };
}

/**
 * The token: the variable named by `github.token_env` (GITHUB_TOKEN by default), else `gh auth token`
 * when the GitHub CLI is installed and logged in. No token is a configuration mistake, not a retry.
 */
export async function resolveGitHubToken(tokenEnv: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const fromEnv = env[tokenEnv]?.trim();
  if (fromEnv) return fromEnv;
  try {
    const { stdout } = await execFileAsync('gh', ['auth', 'token'], { timeout: 10_000, env });
    const token = stdout.trim();
    if (token) return token;
  } catch {
    // gh is missing or not logged in: the message below says what to do.
  }
  throw ApplicationFailure.nonRetryable(
    `no GitHub token: set ${tokenEnv} in the worker's environment to a token that can read issues and open pull requests, ` +
      'or log in with "gh auth login" on the worker machine',
    'GitHubTokenMissing',
  );
}

/** An octokit client for the target. Retries are Temporal's: octokit's own are off. */
export async function gitHubClient(
  target: GitHubTarget,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ octokit: Octokit; token: string }> {
  const token = await resolveGitHubToken(target.tokenEnv, env);
  // Loaded on first use: octokit is an ES module graph that a worker which never meets GitHub (or a
  // CLI command) should not pay for at startup.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Octokit: OctokitClass } = require('octokit') as { Octokit: typeof Octokit };
  const octokit = new OctokitClass({
    auth: token,
    baseUrl: target.baseUrl.replace(/\/+$/, ''),
    userAgent: 'aidp',
    retry: { enabled: false },
    throttle: { enabled: false },
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  return { octokit, token };
}

interface HttpError {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

/** Seconds to wait before retrying a rate-limited request, from GitHub's headers. */
function rateLimitDelaySeconds(headers: Record<string, string | number | undefined>, nowMs: number): number | undefined {
  const retryAfter = Number(headers['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter > 0) return retryAfter;
  const reset = Number(headers['x-ratelimit-reset']);
  if (Number.isFinite(reset) && reset > 0) return Math.max(1, Math.ceil(reset - nowMs / 1000));
  return undefined;
}

/**
 * Turns an octokit error into what Temporal should do with it: rate limits and server errors are
 * retried (after GitHub's own delay when it gives one); refused tokens, missing things and rejected
 * requests fail at once with a message that says what is wrong.
 */
export function toActivityError(err: unknown, what: string, repo: string, nowMs = Date.now()): Error {
  const e = err as HttpError;
  const status = e.status;
  const headers = e.response?.headers ?? {};
  const detail = gitHubMessage(e);
  if (status === 429 || (status === 403 && (headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(detail)))) {
    const delay = rateLimitDelaySeconds(headers, nowMs);
    return ApplicationFailure.create({
      type: 'GitHubRateLimited',
      message: `GitHub rate limit while reading ${what}: ${detail}`,
      ...(delay ? { nextRetryDelay: `${Math.min(delay, 3600)}s` } : {}),
    });
  }
  if (status === 401) {
    return ApplicationFailure.nonRetryable(
      `GitHub refused the token (401 ${detail}): check that the worker's token is valid and not expired`,
      'GitHubAuthFailed',
    );
  }
  if (status === 403) {
    return ApplicationFailure.nonRetryable(
      `GitHub denied access to ${what} (403 ${detail}): the token needs access to ${repo} (contents, issues and pull requests)`,
      'GitHubAuthFailed',
    );
  }
  if (status === 404) {
    return ApplicationFailure.nonRetryable(`${what} not found in ${repo} (or the token cannot see it)`, 'IssueNotFound');
  }
  if (status === 422) {
    return ApplicationFailure.nonRetryable(`GitHub rejected the request for ${what} (422): ${detail}`, 'PullRequestFailed');
  }
  // 5xx, network errors: Temporal retries with backoff.
  return ApplicationFailure.retryable(`GitHub request for ${what} failed${status ? ` (${status})` : ''}: ${detail}`, 'GitHubUnavailable');
}

function gitHubMessage(e: HttpError): string {
  const data = e.response?.data as { message?: string; errors?: Array<{ message?: string; code?: string; field?: string }> } | undefined;
  const parts = [data?.message ?? e.message ?? 'no message'];
  for (const item of data?.errors ?? []) parts.push(item.message ?? [item.field, item.code].filter(Boolean).join(' '));
  return parts.filter(Boolean).join('; ');
}

/** Runs one GitHub call, translating its failure. */
export async function gitHubCall<T>(what: string, repo: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toActivityError(err, what, repo);
  }
}
