import { type WorkflowFailedError } from '@temporalio/client';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXED_MATH, createFixtureProject, dirtyCheckout, repositoryState, scriptAgent } from '@aidp/testing';
import { eventually, testConfig, workLoopHarness, type RawConfig, type WorkLoopHarness } from '@aidp/testing/work-loop-harness';
import { currentStateQuery } from '@aidp/workflows/contracts';

// What an agent can do to its worktree, and a step run twice, through the real workflow on the dev
// server: real worker, real git, real shell commands as the agent. However the agent breaks its
// worktree, the user's own branches, index and working tree stay byte for byte as they were.

const HALF_FIX = FIXED_MATH.replace('a + b', 'a + b + (a > 1 ? 1 : 0)');

// Each run names its own agent in its input; the configuration's is a placeholder.
async function withHarness<T>(raw: RawConfig, fn: (h: WorkLoopHarness) => Promise<T>): Promise<T> {
  const harness = await workLoopHarness(testConfig({ agent: { command: ['true'] }, ...raw }));
  try {
    return await harness.run(() => fn(harness));
  } finally {
    await harness.close();
  }
}

function failureOf(err: unknown): { type: string; message: string } {
  expect((err as Error).name).toBe('WorkflowFailedError');
  return (err as WorkflowFailedError).cause as unknown as { type: string; message: string };
}

// Each agent fixes the bug and, along the way, does one thing to its worktree.
const BREAKAGES: { name: string; script: string; lost: boolean }[] = [
  { name: 'deletes .git', script: 'rm -rf .git', lost: true },
  { name: 'switches branch', script: 'git checkout -q -b agent-branch', lost: true },
  { name: 'resets its branch to another commit', script: 'git reset -q --hard "$(git commit-tree -m other HEAD^{tree})"', lost: false },
  { name: 'detaches HEAD', script: 'git checkout -q --detach', lost: true },
  { name: 'deletes the worktree', script: 'rm -rf "$PWD"', lost: true },
  { name: 'corrupts the index', script: 'printf garbage > "$(git rev-parse --git-path index)"', lost: true },
];

describe('the user repository, whatever the agent does to its worktree', () => {
  it('is untouched in every case, with a clean and with a dirty checkout; a broken worktree fails the run as WorkspaceLost', async () => {
    const fixed = join(mkdtempSync(join(tmpdir(), 'aidp-fix-')), 'math.js');
    writeFileSync(fixed, FIXED_MATH);
    const cases = BREAKAGES.flatMap((b) => [false, true].map((dirty) => ({ ...b, dirty })));
    await withHarness({}, async (h) => {
      await Promise.all(
        cases.map(async ({ name, script, lost, dirty }) => {
          const project = createFixtureProject();
          if (dirty) dirtyCheckout(project.dir);
          const before = repositoryState(project.dir);
          const agent = ['sh', '-c', `${script}; mkdir -p src && cp '${fixed}' src/math.js; exit 0`];
          const handle = await h.start({ projectDir: project.dir, stepName: 'fix-tests', task: 'Fix add.' }, (input) => ({
            ...input,
            agent: { ...input.agent, command: agent },
            maxIterations: 2,
          }));
          const label = `${name} (${dirty ? 'dirty' : 'clean'} checkout)`;
          if (lost) {
            const failure = await handle.result().then(
              () => ({ type: 'completed', message: '' }),
              (err: unknown) => failureOf(err),
            );
            expect({ label, type: failure.type }).toEqual({ label, type: 'WorkspaceLost' });
            expect(failure.message).toContain(join(project.dir, '.aidp', 'worktrees'));
          } else {
            const result = await handle.result();
            expect({ label, outcome: result.outcome }).toEqual({ label, outcome: 'completed' });
            expect(project.git('show', 'aidp/fix-tests:src/math.js') + '\n').toBe(FIXED_MATH);
          }
          const after = repositoryState(project.dir);
          delete after['ref refs/heads/agent-branch']; // the agent's own branch, not AIDP's doing
          expect({ label, state: after }).toEqual({ label, state: before });
        }),
      );
    });
  });
});

describe('a step run again', () => {
  it('continues on the branch after the earlier run closed, keeping what that run left uncommitted', async () => {
    const project = createFixtureProject();
    const first = scriptAgent({ default: { write: { 'src/math.js': HALF_FIX } } });
    const second = scriptAgent({ default: { write: { 'src/math.js': FIXED_MATH } } });
    await withHarness({}, async (h) => {
      const one = await h.start({ projectDir: project.dir, stepName: 'fix-tests', task: 'Fix add.' }, (input) => ({
        ...input,
        agent: { ...input.agent, command: first.command },
        maxIterations: 1,
      }));
      expect(failureOf(await one.result().catch((err: unknown) => err)).type).toBe('MaxIterationsReached');
      const oldWorktree = join(project.dir, '.aidp', 'worktrees', one.workflowId);
      expect(existsSync(oldWorktree)).toBe(true);

      const two = await h.start({ projectDir: project.dir, stepName: 'fix-tests', task: 'Fix add.' }, (input) => ({
        ...input,
        agent: { ...input.agent, command: second.command },
      }));
      const result = await two.result();
      expect(result.outcome).toBe('completed');
      expect(result.branch).toBe('aidp/fix-tests');
      // The first run's unfinished work was committed on the branch before its worktree was retired.
      const log = project.git('log', '--format=%s', 'aidp/fix-tests');
      expect(log.split('\n')).toEqual([
        'aidp: fix-tests: done after 1 iteration(s)',
        `aidp: work left uncommitted by run ${one.workflowId}`,
        'Initial commit',
      ]);
      expect(project.git('show', `aidp/fix-tests~1:src/math.js`) + '\n').toBe(HALF_FIX);
      expect(existsSync(oldWorktree)).toBe(false);
      // The run says which: prepareWorkspace's result, in the run's history, names the earlier run.
      const events = (await two.fetchHistory()).events ?? [];
      const prepared = events.find((e) => e.activityTaskCompletedEventAttributes)!.activityTaskCompletedEventAttributes!.result!
        .payloads![0]!;
      expect(JSON.parse(Buffer.from(prepared.data!).toString('utf8'))).toMatchObject({ continuedFrom: one.workflowId });
    });
  });

  it('is refused while the earlier run of the step is still open, naming that run', async () => {
    const project = createFixtureProject();
    const slow = scriptAgent({ default: { sleepMs: 60_000 } });
    await withHarness({}, async (h) => {
      const running = await h.start({ projectDir: project.dir, stepName: 'fix-tests', task: 'Fix add.' }, (input) => ({
        ...input,
        agent: { ...input.agent, command: slow.command },
      }));
      await eventually(async () => (await running.query(currentStateQuery)) === 'apply_patch', 30_000, 'the first run to start its agent');
      const again = await h.start({ projectDir: project.dir, stepName: 'fix-tests', task: 'Fix add.' });
      const failure = failureOf(await again.result().catch((err: unknown) => err));
      expect(failure.type).toBe('StepAlreadyRunning');
      expect(failure.message).toContain(`run ${running.workflowId} is still working on branch aidp/fix-tests`);
      // The open run's worktree is as it was.
      expect(existsSync(join(project.dir, '.aidp', 'worktrees', running.workflowId, '.git'))).toBe(true);
      await running.cancel();
    });
  });
});
