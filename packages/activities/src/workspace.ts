import { ApplicationFailure } from '@temporalio/common';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { PrepareWorkspaceInput, PrepareWorkspaceResult } from '@aidp/workflows/contracts';
import { git, isGitWorkTree } from './git.js';

/** `<projectDir>/.aidp/runs/<workflowId>`: where a run keeps prompts, logs and checkpoints. */
export function runDirOf(projectDir: string, workflowId: string): string {
  return join(projectDir, '.aidp', 'runs', safeSegment(workflowId));
}

/** A workflow id as one path segment (ids may contain `/`). */
function safeSegment(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}

/**
 * Keeps `.aidp/` out of git through `.git/info/exclude` — never by editing the user's `.gitignore`.
 * Idempotent: the line is added once.
 */
async function excludeAidpDir(projectDir: string): Promise<void> {
  const commonDir = resolve(projectDir, await git(projectDir, ['rev-parse', '--git-common-dir']));
  const exclude = join(commonDir, 'info', 'exclude');
  const existing = existsSync(exclude) ? readFileSync(exclude, 'utf8') : '';
  if (existing.split('\n').some((line) => line.trim() === '/.aidp/')) return;
  mkdirSync(join(commonDir, 'info'), { recursive: true });
  appendFileSync(exclude, `${existing && !existing.endsWith('\n') ? '\n' : ''}# AIDP's worktrees and run logs\n/.aidp/\n`);
}

async function branchExists(projectDir: string, branch: string): Promise<boolean> {
  try {
    await git(projectDir, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where a new branch starts: the local branch named `startPoint`, else its remote-tracking copy
 * `origin/<startPoint>`; HEAD when no start point is given.
 */
async function startCommit(projectDir: string, startPoint: string | undefined): Promise<string> {
  if (!startPoint) return 'HEAD';
  for (const ref of [`refs/heads/${startPoint}`, `refs/remotes/origin/${startPoint}`]) {
    try {
      return await git(projectDir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    } catch {
      // try the next
    }
  }
  throw ApplicationFailure.nonRetryable(
    `branch "${startPoint}" not found in ${projectDir} (neither a local branch nor origin/${startPoint}); fetch it first`,
    'InvalidInput',
  );
}

/** The worktree registered at `path`, if any (from `git worktree list --porcelain`). */
async function registeredWorktree(projectDir: string, path: string): Promise<boolean> {
  const list = await git(projectDir, ['worktree', 'list', '--porcelain']);
  return list.split('\n').some((line) => line === `worktree ${path}`);
}

/**
 * Prepares where the run works. `worktree`: a git worktree under `.aidp/worktrees/<workflowId>` on the
 * run's branch, created from HEAD when the branch is new. `in-place`: the checkout as it is. Safe to
 * retry: an existing worktree for this run is reused as it is.
 */
export async function prepareWorkspace(input: PrepareWorkspaceInput): Promise<PrepareWorkspaceResult> {
  if (!isAbsolute(input.projectDir)) {
    // A relative path would depend on the worker's working directory.
    throw ApplicationFailure.nonRetryable(`projectDir must be an absolute path, got "${input.projectDir}"`, 'InvalidInput');
  }
  const projectDir = resolve(input.projectDir);
  if (!existsSync(projectDir)) {
    throw ApplicationFailure.nonRetryable(`project directory not found: ${projectDir}`, 'InvalidInput');
  }
  const runDir = runDirOf(projectDir, input.workflowId);
  const isRepo = await isGitWorkTree(projectDir);

  if (input.mode === 'in-place') {
    mkdirSync(runDir, { recursive: true });
    if (!isRepo) return { workspace: projectDir, branch: null, runDir, baseCommit: '' };
    await excludeAidpDir(projectDir);
    const branch = await git(projectDir, ['branch', '--show-current']);
    return { workspace: projectDir, branch: branch || null, runDir, baseCommit: await git(projectDir, ['rev-parse', 'HEAD']) };
  }

  if (!isRepo) {
    throw ApplicationFailure.nonRetryable(
      `${projectDir} is not a git repository: worktree mode needs one (run "git init" and commit, or use workspace mode in-place)`,
      'InvalidInput',
    );
  }
  await excludeAidpDir(projectDir);
  mkdirSync(runDir, { recursive: true });
  const workspace = join(projectDir, '.aidp', 'worktrees', safeSegment(input.workflowId));
  if (!(await registeredWorktree(projectDir, workspace))) {
    if (existsSync(workspace)) {
      // Left by a crash before git registered it; the folder is AIDP's own, under .aidp/worktrees.
      rmSync(workspace, { recursive: true, force: true });
      await git(projectDir, ['worktree', 'prune']);
    }
    if (await branchExists(projectDir, input.branch)) {
      await git(projectDir, ['worktree', 'add', workspace, input.branch]);
    } else {
      await git(projectDir, ['worktree', 'add', '-b', input.branch, workspace, await startCommit(projectDir, input.startPoint)]);
    }
  }
  const baseCommit = await git(workspace, ['rev-parse', 'HEAD']);
  return { workspace, branch: input.branch, runDir, baseCommit };
}
