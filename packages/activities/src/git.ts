// The one way AIDP runs git. Two rules keep the user's repository safe:
// - Variables that tell git which repository to use (GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, …) are
//   never inherited from the worker's environment: a worker started from a git hook, or with GIT_DIR
//   set, must not aim AIDP's commits at another repository.
// - In a run's worktree, git is pinned to that worktree's own git dir and work tree (`Repo.pinned`),
//   so it never searches upward from the folder. A worktree lives inside the user's checkout
//   (`.aidp/worktrees/<id>`): an agent that deletes its `.git` would otherwise turn every later
//   command — commits included — into a command on the user's own repository.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Raised when a git command fails; carries git's own message. */
export class GitError extends Error {
  override readonly name = 'GitError';
  constructor(
    readonly args: string[],
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} failed: ${stderr.trim() || 'no output'}`);
  }
}

// Environment variables with which git chooses its repository, index or object store.
const REPOSITORY_VARIABLES = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_COMMON_DIR',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_NAMESPACE',
  'GIT_CEILING_DIRECTORIES',
  'GIT_DISCOVERY_ACROSS_FILESYSTEM',
  'GIT_PREFIX',
];

/** `env` without the variables that would point git at another repository. */
export function gitEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const clean = { ...env };
  for (const name of REPOSITORY_VARIABLES) delete clean[name];
  return clean;
}

/**
 * Runs git in `cwd` and returns its trimmed stdout. `env` replaces the worker's environment (cleaned
 * of repository variables) and `extra` is added on top.
 */
export async function git(cwd: string, args: string[], env?: NodeJS.ProcessEnv, extra: NodeJS.ProcessEnv = {}): Promise<string> {
  try {
    const { stdout } = await execFileAsync('git', args, {
      cwd,
      env: { ...(env ?? gitEnvironment()), ...extra },
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout.trim();
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new GitError(args, e.stderr || e.message);
  }
}

/**
 * A repository to run git in. `Repo.discover(dir)` finds the repository as git does, from `dir`
 * upward (the user's project). `Repo.pinned(workTree, gitDir)` is a run's worktree: git is told its
 * git dir and work tree and searches for nothing.
 */
export class Repo {
  private constructor(
    readonly workTree: string,
    /** The worktree's own git dir (`<common>/worktrees/<name>`), when pinned. */
    readonly gitDir: string | undefined,
    private readonly env: NodeJS.ProcessEnv | undefined,
  ) {}

  static discover(dir: string, env?: NodeJS.ProcessEnv): Repo {
    return new Repo(dir, undefined, env);
  }

  static pinned(workTree: string, gitDir: string, env?: NodeJS.ProcessEnv): Repo {
    return new Repo(workTree, gitDir, env);
  }

  run(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<string> {
    const pin = this.gitDir ? { GIT_DIR: this.gitDir, GIT_WORK_TREE: this.workTree } : {};
    return git(this.workTree, args, this.env, { ...extra, ...pin });
  }
}

/** True when `cwd` is inside a git work tree. */
export async function isGitWorkTree(cwd: string): Promise<boolean> {
  try {
    return (await git(cwd, ['rev-parse', '--is-inside-work-tree'])) === 'true';
  } catch {
    return false;
  }
}

/**
 * A snapshot of the work tree's content as a git tree object, written through a throwaway index so
 * the user's index and history are untouched. Two snapshots diff to exactly the files that changed.
 */
export async function snapshotTree(repo: Repo, indexFile: string): Promise<string> {
  const env = { GIT_INDEX_FILE: indexFile };
  await repo.run(['read-tree', 'HEAD'], env);
  await repo.run(['add', '-A'], env);
  return await repo.run(['write-tree'], env);
}

/** Paths that differ between two tree objects. */
export async function changedBetween(repo: Repo, before: string, after: string): Promise<string[]> {
  if (before === after) return [];
  const out = await repo.run(['diff-tree', '-r', '--name-only', '--no-renames', before, after]);
  return out ? out.split('\n') : [];
}

/** The commit identity: the repository's own when it has one, else AIDP's. */
export async function identityArgs(repo: Repo): Promise<string[]> {
  const email = await repo.run(['config', 'user.email']).catch(() => '');
  return email ? [] : ['-c', 'user.name=AIDP', '-c', 'user.email=aidp@localhost'];
}

/** Commits everything in the work tree (added, changed, removed) when anything changed; true if it did. */
export async function commitAll(repo: Repo, message: string): Promise<boolean> {
  await repo.run(['add', '-A']);
  if (!(await repo.run(['diff', '--cached', '--name-only']))) return false;
  await repo.run([...(await identityArgs(repo)), 'commit', '-q', '--no-verify', '-m', message]);
  return true;
}
