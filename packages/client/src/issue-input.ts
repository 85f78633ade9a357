import { execFileSync } from 'node:child_process';
import { isAbsolute, resolve } from 'node:path';
import type { AidpConfig } from '@aidp/config';
import { validateBranchName, type IssueToPrInput } from '@aidp/workflows/contracts';
import { assertInput } from './errors.js';
import { WorkLoopRequestError, checkSpecs, loopSettings } from './work-loop-input.js';

/** What a caller says about one issue run; everything else comes from the configuration. */
export interface IssueToPrRequest {
  issueNumber: number;
  /** The project checkout (absolute, or resolved against the current directory). */
  projectDir: string;
  /** `owner/name`; default `github.repo`, else the `origin` remote of `projectDir`. */
  repo?: string;
  /**
   * Branch the PR targets; default `github.base_branch`, else the repository's default branch. Must
   * be a valid git branch name.
   */
  baseBranch?: string;
  /** Open the PR as a draft; default `github.draft`. */
  draft?: boolean;
  /** From 1 to `MAX_ITERATIONS_LIMIT`; default `work_loop.max_iterations`. */
  maxIterations?: number;
  /** Sub-task depth limit (default 3). */
  maxDepth?: number;
}

/**
 * `owner/name` from a git remote URL: `https://github.com/o/r(.git)`, `git@github.com:o/r(.git)`,
 * `ssh://git@host/o/r(.git)`; GitHub Enterprise hosts alike. Undefined for anything else.
 */
export function repoFromRemoteUrl(url: string): string | undefined {
  const trimmed = url.trim();
  const patterns = [
    /^(?:https?|ssh|git):\/\/(?:[^@/]+@)?[^/]+(?::\d+)?\/(?:.*\/)?([^/]+)\/([^/]+?)(?:\.git)?\/?$/i,
    /^[^@\s/]+@[^:\s]+:(?:.*\/)?([^/]+)\/([^/]+?)(?:\.git)?\/?$/,
  ];
  for (const pattern of patterns) {
    const m = pattern.exec(trimmed);
    if (m) return `${m[1]}/${m[2]}`;
  }
  return undefined;
}

function originUrl(projectDir: string): string | undefined {
  try {
    return execFileSync('git', ['remote', 'get-url', 'origin'], {
      cwd: projectDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** The repository a run works on: the request's, the configuration's, or the origin remote's. */
export function resolveRepo(config: AidpConfig, projectDir: string, repo?: string): string {
  const chosen = repo ?? config.github.repo;
  if (chosen) {
    if (!REPO.test(chosen)) throw new WorkLoopRequestError(`"${chosen}" is not a repository as "owner/name"`);
    return chosen;
  }
  const url = originUrl(projectDir);
  const fromOrigin = url ? repoFromRemoteUrl(url) : undefined;
  if (fromOrigin) return fromOrigin;
  throw new WorkLoopRequestError(
    url
      ? `cannot tell the GitHub repository from the origin remote (${url}); give it with --repo owner/name or github.repo in aidp.yml`
      : `${projectDir} has no origin remote; give the repository with --repo owner/name or github.repo in aidp.yml`,
  );
}

/**
 * Builds IssueToPrWorkflow's input. Only names travel: the token stays in the worker's environment
 * (`github.token_env`), so no secret reaches workflow history.
 * @throws AidpInputError when the base branch or the iteration limit breaks an input limit
 * @throws WorkLoopRequestError when the request cannot become a run (no repository, no agent command)
 */
export function buildIssueToPrInput(config: AidpConfig, request: IssueToPrRequest): IssueToPrInput {
  if (!Number.isInteger(request.issueNumber) || request.issueNumber < 1) {
    throw new WorkLoopRequestError(`issue number must be a positive integer, got ${request.issueNumber}`);
  }
  if (request.baseBranch !== undefined) assertInput('baseBranch', validateBranchName(request.baseBranch));
  const projectDir = isAbsolute(request.projectDir) ? request.projectDir : resolve(request.projectDir);
  return {
    github: {
      repo: resolveRepo(config, projectDir, request.repo),
      baseUrl: config.github.base_url,
      tokenEnv: config.github.token_env,
    },
    issueNumber: request.issueNumber,
    projectDir,
    ...((request.baseBranch ?? config.github.base_branch) ? { baseBranch: request.baseBranch ?? config.github.base_branch } : {}),
    draft: request.draft ?? config.github.draft,
    loop: loopSettings(config, checkSpecs(config), request.maxIterations ?? config.work_loop.max_iterations),
    maxDepth: request.maxDepth ?? 3,
  };
}
