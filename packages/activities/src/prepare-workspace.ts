import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  appendFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { ACTIVITY_FAILURES, type PrepareWorkspaceInput, type PrepareWorkspaceResult } from '@aidp/workflows/contracts';
import { commitAll, git, GitError, isGitWorkTree, Repo } from './git.js';

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

/**
 * What `prepareWorkspace` made, kept in the run's folder as `workspace.json`: every later activity
 * that runs git in the worktree pins git to it, and checks the worktree against it first.
 */
export interface WorkspaceRecord {
  workflowId: string;
  /** The run that made it; a retry of the same run reuses the worktree as it is. */
  runId?: string;
  projectDir: string;
  workspace: string;
  branch: string;
  /** The worktree's own git dir, `<common git dir>/worktrees/<name>`. */
  gitDir: string;
}

const RECORD_FILE = 'workspace.json';

function readRecord(runDir: string): WorkspaceRecord | undefined {
  const path = join(runDir, RECORD_FILE);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as WorkspaceRecord;
}

/** The folder a worktree's `.git` file points to, or undefined when `.git` is missing or not such a file. */
function gitDirOf(workspace: string): string | undefined {
  const dotGit = join(workspace, '.git');
  try {
    if (!lstatSync(dotGit).isFile()) return undefined;
    const match = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'));
    return match ? resolve(workspace, match[1]!.trim()) : undefined;
  } catch {
    return undefined;
  }
}

function samePath(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return real(a) === real(b);
}

function workspaceLost(workspace: string, branch: string, why: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `the run's workspace ${workspace} ${why}. AIDP stopped without committing anything from it, and the ` +
      `project's own checkout was not touched; the run's earlier checkpoints are on branch ${branch}. ` +
      `Look at the folder for the agent's last changes, then start the step again: the new run continues on ${branch}.`,
    ACTIVITY_FAILURES.WorkspaceLost,
  );
}

/**
 * Checks that a worktree is still the one the run made — its folder, its `.git` link to the run's git
 * dir, its branch, a readable index — and returns git pinned to it. Throws a non-retryable
 * `WorkspaceLost` naming what changed otherwise.
 */
export async function verifyWorkspace(record: WorkspaceRecord): Promise<Repo> {
  const { workspace, branch } = record;
  const lost = (why: string) => workspaceLost(workspace, branch, why);
  if (!existsSync(workspace) || !lstatSync(workspace).isDirectory()) throw lost('was deleted');
  const linked = gitDirOf(workspace);
  if (!linked) throw lost('lost its .git file (it was deleted or replaced), so git there would reach another repository');
  if (!samePath(linked, record.gitDir)) throw lost(`has a .git file that points to ${linked} instead of ${record.gitDir}`);
  if (!existsSync(record.gitDir)) throw lost('is no longer registered as a worktree of the repository');
  const repo = Repo.pinned(workspace, record.gitDir);
  const head = await repo.run(['symbolic-ref', '-q', 'HEAD']).catch(() => '');
  if (!head) {
    const commit = await repo.run(['rev-parse', '--short', 'HEAD']).catch(() => 'an unknown commit');
    throw lost(`has a detached HEAD (at ${commit}) instead of the run's branch ${branch}`);
  }
  if (head !== `refs/heads/${branch}`)
    throw lost(`was switched to ${head.replace(/^refs\/heads\//, 'branch ')} instead of the run's branch ${branch}`);
  // Reads the index: a damaged one fails. (diff-index --cached is cheaper but exits 1 for any staged
  // change, which a merge in progress always has.)
  try {
    await repo.run(['status', '--porcelain', '--untracked-files=no']);
  } catch (err) {
    throw lost(`has a damaged git index (${err instanceof GitError ? err.stderr.trim().split('\n')[0] : String(err)})`);
  }
  return repo;
}

/**
 * Git for a run's workspace, for the activities that work in it after `prepareWorkspace`: pinned and
 * verified for a worktree (see {@link verifyWorkspace}); for an in-place run — or a run prepared
 * before workspaces were recorded — git as found from the folder.
 */
export async function workspaceRepo(runDir: string, workspace: string): Promise<Repo> {
  return (await findWorkspaceRepo(runDir, workspace)) ?? Repo.discover(workspace);
}

/** {@link workspaceRepo}, or undefined for a workspace in no git repository (an in-place run outside git). */
export async function findWorkspaceRepo(runDir: string, workspace: string): Promise<Repo | undefined> {
  const record = readRecord(runDir);
  if (record && samePath(record.workspace, workspace)) return await verifyWorkspace(record);
  return (await isGitWorkTree(workspace)) ? Repo.discover(workspace) : undefined;
}

interface WorktreeEntry {
  path: string;
  branch?: string;
}

/** The worktrees registered in the repository (`git worktree list --porcelain`). */
async function listWorktrees(projectDir: string): Promise<WorktreeEntry[]> {
  const entries: WorktreeEntry[] = [];
  for (const block of (await git(projectDir, ['worktree', 'list', '--porcelain'])).split('\n\n')) {
    const path = /^worktree (.+)$/m.exec(block)?.[1];
    if (!path) continue;
    const branch = /^branch refs\/heads\/(.+)$/m.exec(block)?.[1];
    entries.push(branch ? { path, branch } : { path });
  }
  return entries;
}

/** The workflow id of the run that made the AIDP worktree at `path`, from the run folders' records. */
function ownerOf(projectDir: string, path: string): string {
  const runs = join(projectDir, '.aidp', 'runs');
  for (const name of existsSync(runs) ? readdirSync(runs) : []) {
    try {
      const record = readRecord(join(runs, name));
      if (record && samePath(record.workspace, path)) return record.workflowId;
    } catch {
      // an unreadable record belongs to no one
    }
  }
  // Runs prepared before workspaces were recorded: the folder is named after the id.
  return path.slice(path.lastIndexOf(sep) + 1);
}

/** True when the workflow `id` has an open run, as the worker's Temporal client sees it. */
async function runIsOpen(id: string): Promise<boolean> {
  try {
    const description = await Context.current().client.workflow.getHandle(id).describe();
    return description.status.name === 'RUNNING';
  } catch (err) {
    if ((err as Error).name === 'WorkflowNotFoundError') return false;
    throw err;
  }
}

/**
 * A new run of a step finds the step's branch checked out in the worktree of an earlier run. A run
 * that is still open keeps it (this run is refused with its id); a closed run's worktree is retired:
 * whatever it left uncommitted is committed on the branch first — nothing is lost — and the new run
 * continues on the branch. A branch checked out anywhere else is the user's, and is left alone.
 * Returns the earlier run's id.
 */
async function takeOverBranch(projectDir: string, branch: string, holder: WorktreeEntry): Promise<string> {
  const ours = join(projectDir, '.aidp', 'worktrees');
  if (!samePath(dirname(holder.path), ours)) {
    throw ApplicationFailure.nonRetryable(
      `branch ${branch} is checked out at ${holder.path}, outside AIDP's worktrees: check out another branch there, ` +
        'or give this run another branch (--branch)',
      'InvalidInput',
    );
  }
  const owner = ownerOf(projectDir, holder.path);
  if (await runIsOpen(owner)) {
    throw ApplicationFailure.nonRetryable(
      `run ${owner} is still working on branch ${branch}: follow it (aidp temporal status ${owner} --follow) or cancel it ` +
        `(aidp temporal cancel ${owner}) before starting the step again`,
      ACTIVITY_FAILURES.StepAlreadyRunning,
    );
  }
  const gitDir = gitDirOf(holder.path);
  if (gitDir) {
    await commitAll(Repo.pinned(holder.path, gitDir), `aidp: work left uncommitted by run ${owner}\n\nAIDP-Workflow-Id: ${owner}`);
  }
  await git(projectDir, ['worktree', 'remove', '--force', holder.path]);
  return owner;
}

// git failures that another attempt can get past: a lock another git process holds for a moment.
const TRANSIENT_GIT = /\.lock': File exists|Unable to create .*\.lock|Resource temporarily unavailable/i;

/**
 * Prepares where the run works. `worktree`: a git worktree under `.aidp/worktrees/<workflowId>` on the
 * run's branch, created from HEAD (or `startPoint`) when the branch is new, continued when it exists.
 * `in-place`: the checkout as it is. Safe to retry: an existing worktree for this run is reused as it
 * is. A failure git will repeat (a bad branch name, a branch the user has checked out) is non-retryable.
 */
export async function prepareWorkspace(input: PrepareWorkspaceInput): Promise<PrepareWorkspaceResult> {
  try {
    return await prepare(input);
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
    const message = `could not prepare the workspace in ${input.projectDir}: ${err.stderr.trim() || err.message}`;
    if (TRANSIENT_GIT.test(err.stderr)) throw ApplicationFailure.retryable(message, 'GitBusy');
    throw ApplicationFailure.nonRetryable(message, 'WorkspaceSetupFailed');
  }
}

async function prepare(input: PrepareWorkspaceInput): Promise<PrepareWorkspaceResult> {
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
  const runId = currentRunId();
  const record = readRecord(runDir);
  let continuedFrom: string | undefined;

  if (record && record.runId === runId && samePath(record.workspace, workspace)) {
    // A retry of this very activity: the worktree must still be the one this run made.
    await verifyWorkspace(record);
  } else {
    // Entries whose folders are gone (deleted by hand, or by an agent) no longer hold their branch.
    await git(projectDir, ['worktree', 'prune']);
    const registered = (await listWorktrees(projectDir)).find((w) => samePath(w.path, workspace));
    if (registered) {
      // An earlier run with the same id (issue runs' ids are derived from the issue): continue in
      // its worktree when it is intact and on this run's branch; otherwise set it aside.
      const gitDir = gitDirOf(workspace);
      const intact =
        gitDir !== undefined &&
        registered.branch === input.branch &&
        (await verifyWorkspace({ workflowId: input.workflowId, projectDir, workspace, branch: input.branch, gitDir }).then(
          () => true,
          () => false,
        ));
      if (intact) continuedFrom = `an earlier run of ${input.workflowId}`;
      else await setAside(projectDir, workspace);
    } else if (existsSync(workspace)) {
      await setAside(projectDir, workspace);
    }
    if (!continuedFrom) {
      const holder = (await listWorktrees(projectDir)).find((w) => w.branch === input.branch);
      if (holder) continuedFrom = await takeOverBranch(projectDir, input.branch, holder);
      if (await branchExists(projectDir, input.branch)) {
        await git(projectDir, ['worktree', 'add', workspace, input.branch]);
      } else {
        await git(projectDir, ['worktree', 'add', '-b', input.branch, workspace, await startCommit(projectDir, input.startPoint)]);
      }
    }
    const gitDir = gitDirOf(workspace);
    if (!gitDir) throw workspaceLost(workspace, input.branch, 'has no .git file right after git created it');
    const fresh: WorkspaceRecord = {
      workflowId: input.workflowId,
      ...(runId ? { runId } : {}),
      projectDir,
      workspace,
      branch: input.branch,
      gitDir,
    };
    writeFileSync(join(runDir, RECORD_FILE), `${JSON.stringify(fresh, null, 2)}\n`);
  }
  const baseCommit = await Repo.pinned(workspace, gitDirOf(workspace)!).run(['rev-parse', 'HEAD']);
  if (continuedFrom) activityLog('continuing the branch of an earlier run', { branch: input.branch, continuedFrom, baseCommit });
  return { workspace, branch: input.branch, runDir, baseCommit, ...(continuedFrom ? { continuedFrom } : {}) };
}

/**
 * Moves a folder under `.aidp/worktrees` that can no longer be a run's workspace (left by a crash
 * before git registered it, or a worktree an agent broke) out of the way — kept for inspection as
 * `<name>.lost-<time>`, never deleted — and drops its registration.
 */
async function setAside(projectDir: string, workspace: string): Promise<void> {
  const kept = `${workspace}.lost-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(workspace, kept);
  await git(projectDir, ['worktree', 'prune']);
  activityLog('set aside a broken workspace', { workspace, keptAt: kept });
}

/** The run this activity works for (undefined outside an activity). */
function currentRunId(): string | undefined {
  try {
    return Context.current().info.workflowExecution?.runId;
  } catch {
    return undefined;
  }
}

function activityLog(message: string, attributes: Record<string, unknown>): void {
  try {
    Context.current().log.info(message, attributes);
  } catch {
    // called outside an activity (tests, tools): nothing to log to
  }
}
