import { MockActivityEnvironment } from '@temporalio/testing';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BROKEN_MATH, FIXED_MATH, FIXTURE_TEST_COMMAND, createFixtureProject } from '@aidp/testing';
import { prepareWorkspace } from '../prepare-workspace';
import { recordCheckpoint } from '../record-checkpoint';
import { runChecks } from '../run-checks';

// The activities log what they do; the test output needs none of it.
const noop = () => undefined;
const QUIET = { logger: { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop } };

/** Runs an activity in a mock activity context, typed by the activity's own signature. */
function runActivity<A, R>(fn: (input: A) => Promise<R>, input: A, env = new MockActivityEnvironment(undefined, QUIET)): Promise<R> {
  return env.run<[A], R, typeof fn>(fn, input);
}

describe('prepareWorkspace', () => {
  it('creates a worktree on the run branch, excludes .aidp/ without touching .gitignore, and is idempotent', async () => {
    const project = createFixtureProject();
    const input = { projectDir: project.dir, workflowId: 'wf-1', branch: 'aidp/step', mode: 'worktree' as const };
    const first = await prepareWorkspace(input);
    expect(first.workspace).toBe(join(project.dir, '.aidp', 'worktrees', 'wf-1'));
    expect(first.branch).toBe('aidp/step');
    expect(first.runDir).toBe(join(project.dir, '.aidp', 'runs', 'wf-1'));
    expect(project.git('-C', first.workspace, 'branch', '--show-current')).toBe('aidp/step');
    expect(existsSync(join(project.dir, '.gitignore'))).toBe(false);
    expect(project.git('status', '--porcelain')).toBe('');

    writeFileSync(join(first.workspace, 'wip.txt'), 'keep me');
    const again = await prepareWorkspace(input);
    expect(again).toEqual(first);
    expect(readFileSync(join(again.workspace, 'wip.txt'), 'utf8')).toBe('keep me');
    expect(readFileSync(join(project.dir, '.git', 'info', 'exclude'), 'utf8').match(/\/\.aidp\//g)).toHaveLength(1);
  });

  it('reuses an existing branch, and works in place without switching branches', async () => {
    const project = createFixtureProject();
    project.git('branch', 'aidp/existing');
    const ws = await prepareWorkspace({ projectDir: project.dir, workflowId: 'wf-2', branch: 'aidp/existing', mode: 'worktree' });
    expect(project.git('-C', ws.workspace, 'branch', '--show-current')).toBe('aidp/existing');

    const inPlace = await prepareWorkspace({ projectDir: project.dir, workflowId: 'wf-3', branch: 'ignored', mode: 'in-place' });
    expect(inPlace.workspace).toBe(project.dir);
    expect(inPlace.branch).toBe('main');
  });

  it('refuses worktree mode outside a git repository with a clear, non-retryable error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aidp-nogit-'));
    await expect(prepareWorkspace({ projectDir: dir, workflowId: 'w', branch: 'b', mode: 'worktree' })).rejects.toMatchObject({
      nonRetryable: true,
      message: expect.stringContaining('is not a git repository'),
    });
  });
});

describe('runChecks', () => {
  it('runs every check, keeps tails and logs, and lets only required checks decide', async () => {
    const project = createFixtureProject();
    const runDir = join(project.dir, '.aidp', 'runs', 'checks');
    const results = await runActivity(runChecks, {
      workspace: project.dir,
      runDir,
      iteration: 1,
      checks: [
        { name: 'test', command: FIXTURE_TEST_COMMAND, required: true, timeoutMs: 30_000 },
        { name: 'style', command: 'echo "style: 1 problem" && exit 1', required: false, timeoutMs: 30_000 },
        { name: 'slow', command: 'sleep 30', required: false, timeoutMs: 500 },
      ],
    });
    expect(results.passing).toBe(false);
    const [test, style, slow] = results.checks;
    expect(test).toMatchObject({ name: 'test', passed: false, exitCode: 1, timedOut: false });
    expect(readFileSync(test!.logPath, 'utf8')).toContain('add sums two numbers');
    expect(style).toMatchObject({ passed: false, required: false });
    expect(style!.outputTail).toContain('style: 1 problem');
    expect(slow).toMatchObject({ passed: false, timedOut: true });
    expect(slow!.outputTail).toContain('timed out');

    writeFileSync(join(project.dir, 'src', 'math.js'), FIXED_MATH);
    const fixed = await runActivity(runChecks, {
      workspace: project.dir,
      runDir,
      iteration: 2,
      checks: [
        { name: 'test', command: FIXTURE_TEST_COMMAND, required: true, timeoutMs: 30_000 },
        { name: 'style', command: 'exit 1', required: false, timeoutMs: 30_000 },
      ],
    });
    // An optional check never blocks completion.
    expect(fixed.passing).toBe(true);
  });

  it('does not pass AIDP secrets to checks', async () => {
    const project = createFixtureProject();
    const saved = { ...process.env };
    process.env.GITHUB_TOKEN = 'ghp_secret';
    try {
      const results = await runActivity(runChecks, {
        workspace: project.dir,
        runDir: join(project.dir, '.aidp', 'runs', 'env'),
        iteration: 1,
        checks: [{ name: 'env', command: 'test -z "$GITHUB_TOKEN" && test "$CI" = true', required: true, timeoutMs: 10_000 }],
      });
      expect(results.passing).toBe(true);
    } finally {
      process.env = saved;
    }
  });
});

describe('recordCheckpoint', () => {
  it('commits the work in progress on the run branch once, however often it is retried', async () => {
    const project = createFixtureProject();
    const ws = await prepareWorkspace({ projectDir: project.dir, workflowId: 'wf-c', branch: 'aidp/c', mode: 'worktree' });
    writeFileSync(join(ws.workspace, 'src', 'math.js'), FIXED_MATH);
    const input = {
      workspace: ws.workspace,
      runDir: ws.runDir,
      workflowId: 'wf-c',
      iteration: 5,
      mode: 'worktree' as const,
      summary: 'iteration 5',
      passing: false,
      reason: 'interval' as const,
    };
    const first = await recordCheckpoint(input);
    const retry = await recordCheckpoint(input);
    expect(retry).toEqual(first);
    expect(first.commit).toBe(project.git('rev-parse', 'aidp/c'));
    expect(project.git('log', '--format=%s', 'main..aidp/c')).toBe('aidp: iteration 5');
    expect(project.git('show', 'main:src/math.js') + '\n').toBe(BROKEN_MATH);
    const records = readFileSync(first.recordPath, 'utf8').trim().split('\n');
    expect(records).toHaveLength(1);
    expect(JSON.parse(records[0]!)).toMatchObject({ iteration: 5, reason: 'interval', commit: first.commit });
  });

  it('makes no commit in in-place mode', async () => {
    const project = createFixtureProject();
    const head = project.git('rev-parse', 'HEAD');
    writeFileSync(join(project.dir, 'src', 'math.js'), FIXED_MATH);
    const result = await recordCheckpoint({
      workspace: project.dir,
      runDir: join(project.dir, '.aidp', 'runs', 'ip'),
      workflowId: 'ip',
      iteration: 1,
      mode: 'in-place',
      summary: 's',
      passing: true,
      reason: 'final',
    });
    expect(result.commit).toBeNull();
    expect(project.git('rev-parse', 'HEAD')).toBe(head);
  });
});
