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

/** Runs git in `cwd` and returns its trimmed stdout. */
export async function git(cwd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout } = await execFileAsync('git', args, {
      cwd,
      env: env ?? process.env,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout.trim();
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new GitError(args, e.stderr ?? e.message);
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
export async function snapshotTree(cwd: string, indexFile: string): Promise<string> {
  const env = { ...process.env, GIT_INDEX_FILE: indexFile };
  await git(cwd, ['read-tree', 'HEAD'], env);
  await git(cwd, ['add', '-A'], env);
  return await git(cwd, ['write-tree'], env);
}

/** Paths that differ between two tree objects. */
export async function changedBetween(cwd: string, before: string, after: string): Promise<string[]> {
  if (before === after) return [];
  const out = await git(cwd, ['diff-tree', '-r', '--name-only', '--no-renames', before, after]);
  return out ? out.split('\n') : [];
}

/** The commit identity: the repository's own when it has one, else AIDP's. */
export async function identityArgs(workspace: string): Promise<string[]> {
  const email = await git(workspace, ['config', 'user.email']).catch(() => '');
  return email ? [] : ['-c', 'user.name=AIDP', '-c', 'user.email=aidp@localhost'];
}
