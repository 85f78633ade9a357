import { MockActivityEnvironment } from '@temporalio/testing';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXED_MATH, createFixtureProject, dirtyCheckout, repositoryState, type FixtureProject } from '@aidp/testing';
import { recordCheckpoint } from '../record-checkpoint';
import { mergeBranches } from '../merge-branches';
import { prepareWorkspace } from '../prepare-workspace';

const noop = () => undefined;
const QUIET = { logger: { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop } };

function runActivity<A, R>(fn: (input: A) => Promise<R>, input: A): Promise<R> {
  return new MockActivityEnvironment(undefined, QUIET).run<[A], R, typeof fn>(fn, input);
}

function sh(cwd: string, script: string): void {
  execFileSync('sh', ['-c', script], { cwd, stdio: 'ignore' });
}

/** What an agent can do to its worktree, as it would do it: shell commands run inside it. */
const BREAKAGES: { name: string; breakIt: (ws: string) => void; lost: RegExp | null }[] = [
  { name: 'deletes .git', breakIt: (ws) => rmSync(join(ws, '.git')), lost: /lost its \.git file/ },
  { name: 'replaces .git with a new repository', breakIt: (ws) => sh(ws, 'rm -f .git && git init -q'), lost: /lost its \.git file/ },
  { name: 'switches branch', breakIt: (ws) => sh(ws, 'git checkout -q -b agent-branch'), lost: /switched to branch agent-branch/ },
  { name: 'detaches HEAD', breakIt: (ws) => sh(ws, 'git checkout -q --detach'), lost: /detached HEAD/ },
  { name: 'deletes the worktree', breakIt: (ws) => rmSync(ws, { recursive: true, force: true }), lost: /was deleted/ },
  {
    name: 'corrupts the index',
    breakIt: (ws) => sh(ws, 'printf garbage > "$(git rev-parse --git-path index)"'),
    lost: /damaged git index/,
  },
  // The run's own branch moved: the run goes on there; only the run's branch is ever committed to.
  {
    name: 'resets its branch to another commit',
    breakIt: (ws) => sh(ws, 'git reset -q --hard "$(git commit-tree -m unrelated "$(git mktree </dev/null)")"'),
    lost: null,
  },
];

async function prepared(project: FixtureProject, workflowId = 'wf-guard') {
  return await runActivity(prepareWorkspace, { projectDir: project.dir, workflowId, branch: 'aidp/step', mode: 'worktree' as const });
}

describe('a worktree an agent broke', () => {
  describe.each([
    ['a clean', false],
    ['a dirty', true],
  ])('with %s user checkout', (_label, dirty) => {
    it.each(BREAKAGES)(
      'when the agent $name, the checkpoint commits nothing outside the run and the user repository is untouched',
      async ({ breakIt, lost }) => {
        const project = createFixtureProject();
        if (dirty) dirtyCheckout(project.dir);
        const ws = await prepared(project);
        const before = repositoryState(project.dir);

        if (existsSync(ws.workspace)) writeFileSync(join(ws.workspace, 'src', 'math.js'), FIXED_MATH);
        breakIt(ws.workspace);
        if (existsSync(ws.workspace)) {
          mkdirSync(join(ws.workspace, 'src'), { recursive: true });
          writeFileSync(join(ws.workspace, 'src', 'math.js'), FIXED_MATH);
        }
        const checkpoint = runActivity(recordCheckpoint, {
          workspace: ws.workspace,
          runDir: ws.runDir,
          workflowId: 'wf-guard',
          iteration: 1,
          mode: 'worktree' as const,
          summary: 'done',
          passing: true,
          reason: 'final' as const,
        });

        if (lost) {
          await expect(checkpoint).rejects.toMatchObject({
            type: 'WorkspaceLost',
            nonRetryable: true,
            message: expect.stringMatching(lost),
          });
          await expect(checkpoint).rejects.toMatchObject({ message: expect.stringContaining(ws.workspace) });
        } else {
          const { commit } = await checkpoint;
          expect(project.git('rev-parse', 'aidp/step')).toBe(commit);
          expect(project.git('show', 'aidp/step:src/math.js')).toBe(FIXED_MATH.trim());
        }
        // A branch the agent made itself is the agent's doing, not AIDP's; every ref the user had is as it was.
        const after = repositoryState(project.dir);
        delete after['ref refs/heads/agent-branch'];
        expect(after).toEqual(before);
      },
    );
  });

  it('is refused for merges as well: nothing is merged into a branch the agent switched to', async () => {
    const project = createFixtureProject();
    project.git('branch', 'aidp/part');
    const ws = await prepared(project, 'wf-merge');
    sh(ws.workspace, 'git checkout -q -b elsewhere');
    const before = repositoryState(project.dir);
    await expect(runActivity(mergeBranches, { workspace: ws.workspace, runDir: ws.runDir, branches: ['aidp/part'] })).rejects.toMatchObject(
      {
        type: 'WorkspaceLost',
      },
    );
    expect(repositoryState(project.dir)).toEqual(before);
  });
});

describe('prepareWorkspace and earlier runs', () => {
  it('sets aside a broken worktree of an earlier run with the same id, keeping its files, and starts clean on the branch', async () => {
    const project = createFixtureProject();
    const first = await prepared(project, 'aidp-issue-1');
    writeFileSync(join(first.workspace, 'left-by-agent.txt'), 'agent work');
    rmSync(join(first.workspace, '.git'));
    // Another run of the same id (issue runs' ids are derived from the issue): its record is not this run's.
    const recordPath = join(first.runDir, 'workspace.json');
    writeFileSync(recordPath, JSON.stringify({ ...JSON.parse(readFileSync(recordPath, 'utf8')), runId: 'an-earlier-run' }));
    const again = await prepared(project, 'aidp-issue-1');
    expect(project.git('-C', again.workspace, 'branch', '--show-current')).toBe('aidp/step');
    expect(existsSync(join(again.workspace, 'left-by-agent.txt'))).toBe(false);
    const kept = execFileSync('sh', ['-c', 'ls -d .aidp/worktrees/aidp-issue-1.lost-*'], { cwd: project.dir, encoding: 'utf8' }).trim();
    expect(readFileSync(join(project.dir, kept, 'left-by-agent.txt'), 'utf8')).toBe('agent work');
  });

  it('refuses, without retrying, a branch the user has checked out', async () => {
    const project = createFixtureProject();
    await expect(
      runActivity(prepareWorkspace, { projectDir: project.dir, workflowId: 'wf-main', branch: 'main', mode: 'worktree' as const }),
    ).rejects.toMatchObject({
      nonRetryable: true,
      message: expect.stringContaining("outside AIDP's worktrees"),
    });
  });

  it("fails a branch name git refuses without retrying, with git's own reason", async () => {
    const project = createFixtureProject();
    await expect(
      runActivity(prepareWorkspace, { projectDir: project.dir, workflowId: 'wf-bad', branch: 'aidp/x..y', mode: 'worktree' as const }),
    ).rejects.toMatchObject({
      type: 'WorkspaceSetupFailed',
      nonRetryable: true,
      message: expect.stringContaining('not a valid branch name'),
    });
  });
});
