import { type WorkflowFailedError } from '@temporalio/client';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BROKEN_MATH, FIXED_MATH, createFixtureProject, isProcessAlive, scriptAgent } from '@aidp/testing';
import {
  eventually,
  recordHistory,
  testConfig,
  workLoopHarness,
  type RawConfig,
  type WorkLoopHarness,
} from '@aidp/testing/work-loop-harness';
import {
  currentStateQuery,
  escalateModelSignal,
  injectInstructionSignal,
  iterationCountQuery,
  pauseSignal,
  progressQuery,
  resumeSignal,
  testResultsQuery,
  type WorkLoopResult,
} from '@aidp/workflows/contracts';
import { runDirOf } from '@aidp/activities';

// WorkLoopWorkflow end to end on the real dev server: the real worker, activities and git, a fixture
// project whose test fails until `add` is fixed, and a scripted agent driven through the `command`
// provider.

const HALF_FIX = FIXED_MATH.replace('a + b', 'a + b + 0 * 1 - (a > 1 ? 1 : 0)'); // still wrong for add(2, 3)

async function withHarness<T>(raw: RawConfig, fn: (h: WorkLoopHarness) => Promise<T>): Promise<T> {
  const harness = await workLoopHarness(testConfig(raw));
  try {
    return await harness.run(() => fn(harness));
  } finally {
    await harness.close();
  }
}

function failureOf(err: unknown): { type: string; message: string; details: unknown[] } {
  expect((err as Error).name).toBe('WorkflowFailedError');
  const cause = (err as WorkflowFailedError).cause as unknown as { name: string; type: string; message: string; details: unknown[] };
  expect(cause.name).toBe('ApplicationFailure');
  return cause;
}

describe('WorkLoopWorkflow', () => {
  it('goes green in two iterations, leaving prompts, logs, diagnosis and a checkpoint commit behind', async () => {
    const project = createFixtureProject();
    const agent = scriptAgent({
      iterations: { 1: { write: { 'src/math.js': HALF_FIX } }, 2: { write: { 'src/math.js': FIXED_MATH } } },
    });
    await withHarness({ agent: { command: agent.command, tiers: ['small', 'large'] } }, async (h) => {
      const handle = await h.start({ projectDir: project.dir, stepName: 'fix-tests', task: 'Make the tests pass.' });
      const result = await handle.result();

      expect(result.outcome).toBe('completed');
      expect(result.iterations).toBe(2);
      expect(result.branch).toBe('aidp/fix-tests');
      expect(result.finalChecks?.passing).toBe(true);
      expect(result.changedFiles).toEqual(['src/math.js']);
      expect(result.commits).toHaveLength(1);
      // The fix is committed on the run's branch; the user's branch is untouched.
      expect(project.git('show', 'aidp/fix-tests:src/math.js') + '\n').toBe(FIXED_MATH);
      expect(project.git('rev-parse', 'aidp/fix-tests')).toBe(result.commits[0]);
      expect(readFileSync(join(project.dir, 'src', 'math.js'), 'utf8')).toBe(BROKEN_MATH);
      expect(project.git('status', '--porcelain')).toBe('');
      expect(readFileSync(join(project.dir, '.git', 'info', 'exclude'), 'utf8')).toContain('/.aidp/');

      const runDir = runDirOf(project.dir, handle.workflowId);
      const prompt1 = readFileSync(join(runDir, 'iter-1', 'PROMPT.md'), 'utf8');
      const prompt2 = readFileSync(join(runDir, 'iter-2', 'PROMPT.md'), 'utf8');
      expect(prompt1).toContain('Iteration 1 of 5');
      expect(prompt1).toContain('Make the tests pass.');
      // The diagnosis of the failing test reaches the agent.
      expect(prompt2).toContain('Iteration 2 of 5');
      expect(prompt2).toContain('add sums two numbers');
      expect(readFileSync(join(runDir, 'PROMPT.md'), 'utf8')).toBe(prompt2);
      expect(readFileSync(join(runDir, 'iter-1', 'checks', 'test.log'), 'utf8')).toMatch(/not ok|fail/i);
      expect(readFileSync(join(runDir, 'iter-2', 'agent.log'), 'utf8')).toContain('iteration 2');
      const checkpoints = readFileSync(join(runDir, 'checkpoints.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown);
      expect(checkpoints.at(-1)).toMatchObject({ reason: 'final', iteration: 2, commit: result.commits[0] });

      const calls = agent.invocations();
      expect(calls.map((c) => c.iteration)).toEqual([1, 2]);
      expect(calls.every((c) => c.cwd === result.workspace && c.model === 'small' && c.stdinMatchesPromptFile)).toBe(true);
      expect(await handle.query(currentStateQuery)).toBe('done');
      expect(await handle.query(iterationCountQuery)).toBe(2);
      expect((await handle.query(testResultsQuery))?.passing).toBe(true);
      await recordHistory(h.client, handle.workflowId, 'green-in-two-iterations');
    });
  });

  it('reports already_passing when the checks pass before any change, without running the agent', async () => {
    const project = createFixtureProject();
    project.git('checkout', '-q', '-b', 'fixed');
    const agent = scriptAgent({ default: {} });
    await withHarness({ agent: { command: agent.command } }, async (h) => {
      writeFileSync(join(project.dir, 'src', 'math.js'), FIXED_MATH);
      project.git('commit', '-qam', 'fix');
      const handle = await h.start({ projectDir: project.dir, stepName: 'noop', task: 'Nothing to do.' });
      const result = await handle.result();
      expect(result.outcome).toBe('already_passing');
      expect(result.iterations).toBe(0);
      expect(agent.invocations()).toHaveLength(0);
      await recordHistory(h.client, handle.workflowId, 'already-passing');
    });
  });

  it('runs with unlimited activity retries (temporal.retry.maximum_attempts: 0)', async () => {
    const project = createFixtureProject();
    const agent = scriptAgent({ default: { write: { 'src/math.js': FIXED_MATH } } });
    await withHarness({ agent: { command: agent.command }, temporal: { retry: { maximum_attempts: 0 } } }, async (h) => {
      const handle = await h.start({ projectDir: project.dir, stepName: 'unlimited', task: 'Fix add.' });
      const result = await handle.result();
      expect(result.outcome).toBe('completed');
    });
  });

  it('fails with MaxIterationsReached, carrying the partial result, when the checks never pass', async () => {
    const project = createFixtureProject();
    const agent = scriptAgent({
      default: { write: { 'notes.txt': 'thinking\n' }, cost: { usd: 0.25, inputTokens: 100, outputTokens: 10 } },
    });
    await withHarness({ agent: { command: agent.command }, work_loop: { max_iterations: 2, checkpoint_interval: 1 } }, async (h) => {
      const handle = await h.start({ projectDir: project.dir, stepName: 'hopeless', task: 'Fix it.' });
      const err = await handle.result().catch((e: unknown) => e);
      const failure = failureOf(err);
      expect(failure.type).toBe('MaxIterationsReached');
      const partial = failure.details[0] as WorkLoopResult;
      expect(partial.outcome).toBe('incomplete');
      expect(partial.iterations).toBe(2);
      expect(partial.finalChecks?.passing).toBe(false);
      expect(partial.cost.usd).toBeCloseTo(0.5);
      // Checkpoint commits of the work in progress are on the branch.
      expect(partial.commits.length).toBeGreaterThanOrEqual(1);
      expect(project.git('show', 'aidp/hopeless:notes.txt')).toBe('thinking');
      const description = await handle.describe();
      expect(description.status.name).toBe('FAILED');
      await recordHistory(h.client, handle.workflowId, 'max-iterations');
    });
  });

  it('fails with BudgetExceeded once the agent has spent max_cost_usd, without starting another iteration', async () => {
    const project = createFixtureProject();
    const agent = scriptAgent({ default: { write: { 'notes.txt': 'x\n' }, cost: { usd: 0.25, inputTokens: 10, outputTokens: 1 } } });
    await withHarness({ agent: { command: agent.command }, work_loop: { max_iterations: 10, max_cost_usd: 0.4 } }, async (h) => {
      const handle = await h.start({ projectDir: project.dir, stepName: 'budget', task: 'Fix it.' });
      const failure = failureOf(await handle.result().catch((e: unknown) => e));
      expect(failure.type).toBe('BudgetExceeded');
      expect(failure.message).toContain('$0.50');
      expect((failure.details[0] as WorkLoopResult).iterations).toBe(2);
      expect(agent.invocations()).toHaveLength(2);
      await recordHistory(h.client, handle.workflowId, 'budget-exceeded');
    });
  });

  it('fails with AgentUnavailable, naming the command, when the agent is not installed', async () => {
    const project = createFixtureProject();
    await withHarness({ agent: { command: ['aidp-no-such-agent', '{promptFile}'] } }, async (h) => {
      const handle = await h.start({ projectDir: project.dir, stepName: 'missing-agent', task: 'Fix it.' });
      const failure = failureOf(await handle.result().catch((e: unknown) => e));
      expect(failure.type).toBe('AgentUnavailable');
      expect(failure.message).toContain('agent command "aidp-no-such-agent" not found');
      await recordHistory(h.client, handle.workflowId, 'agent-unavailable');
    });
  });

  it('holds at a safe point while paused, starting no agent run, and completes after resume', async () => {
    const project = createFixtureProject();
    const agent = scriptAgent({
      iterations: { 1: { write: { 'src/math.js': HALF_FIX }, sleepMs: 1500 }, 2: { write: { 'src/math.js': FIXED_MATH } } },
    });
    await withHarness({ agent: { command: agent.command } }, async (h) => {
      const handle = await h.start({ projectDir: project.dir, stepName: 'pausable', task: 'Fix it.' });
      await eventually(() => agent.invocations().length === 1, 30_000, 'the first agent run');
      await handle.signal(pauseSignal);
      const paused = await eventually(
        async () => {
          const p = await handle.query(progressQuery);
          return p.state === 'paused' && p.iteration === 1 ? p : null;
        },
        30_000,
        'the run to hold at its next safe point',
      );
      expect(paused.paused).toBe(true);
      // While paused, no agent run starts.
      await new Promise((r) => setTimeout(r, 2500));
      expect(agent.invocations()).toHaveLength(1);
      expect(await handle.query(currentStateQuery)).toBe('paused');
      await handle.signal(resumeSignal);
      const result = await handle.result();
      expect(result.outcome).toBe('completed');
      expect(agent.invocations()).toHaveLength(2);
      // A pause waits on a condition, not a polling timer.
      const history = await handle.fetchHistory();
      expect(history.events?.filter((e) => e.timerStartedEventAttributes).length ?? 0).toBe(0);
      await recordHistory(h.client, handle.workflowId, 'pause-resume');
    });
  });

  it('delivers an injected instruction to the next prompt exactly once', async () => {
    const project = createFixtureProject();
    const agent = scriptAgent({
      iterations: {
        1: { write: { 'src/math.js': HALF_FIX }, sleepMs: 1500 },
        2: { write: { 'notes.txt': 'x\n' } },
        3: { write: { 'src/math.js': FIXED_MATH } },
      },
    });
    await withHarness({ agent: { command: agent.command } }, async (h) => {
      const handle = await h.start({ projectDir: project.dir, stepName: 'steered', task: 'Fix it.' });
      await eventually(() => agent.invocations().length === 1, 30_000, 'the first agent run');
      await handle.signal(injectInstructionSignal, 'Use the + operator, not -.');
      expect((await handle.query(progressQuery)).pendingInstructions).toBe(1);
      const result = await handle.result();
      expect(result.iterations).toBe(3);
      const prompts = agent.invocations().map((c) => c.prompt);
      expect(prompts[0]).not.toContain('Use the + operator');
      expect(prompts[1]).toContain('Use the + operator, not -.');
      expect(prompts[2]).not.toContain('Use the + operator');
      expect((await handle.query(progressQuery)).pendingInstructions).toBe(0);
      await recordHistory(h.client, handle.workflowId, 'inject-instruction');
    });
  });

  it('escalates the model on escalate_model, and by itself after three failed agent runs', async () => {
    const project = createFixtureProject();
    const agent = scriptAgent({
      iterations: {
        1: { sleepMs: 1500, write: { 'notes.txt': '1\n' } },
        2: { exitCode: 3 },
        3: { crash: true },
        4: { exitCode: 1 },
        5: { write: { 'src/math.js': FIXED_MATH } },
      },
    });
    await withHarness(
      { agent: { command: agent.command, tiers: ['small', 'medium', 'large'] }, work_loop: { max_iterations: 6 } },
      async (h) => {
        const handle = await h.start({ projectDir: project.dir, stepName: 'escalating', task: 'Fix it.' });
        await eventually(() => agent.invocations().length === 1, 30_000, 'the first agent run');
        await handle.signal(escalateModelSignal);
        const result = await handle.result();
        expect(agent.invocations().map((c) => c.model)).toEqual(['small', 'medium', 'medium', 'medium', 'large']);
        expect(result.escalations).toEqual([
          { afterIteration: 0, fromTier: 0, toTier: 1, reason: 'signal' },
          { afterIteration: 4, fromTier: 1, toTier: 2, reason: 'consecutive_failures' },
        ]);
        expect(result.model).toEqual({ provider: 'command', model: 'large', tier: 2 });
        await recordHistory(h.client, handle.workflowId, 'escalation');
      },
    );
  });

  it('escalates when the failing checks do not go down for escalate_on_no_progress iterations', async () => {
    const project = createFixtureProject();
    const agent = scriptAgent({
      iterations: { 4: { write: { 'src/math.js': FIXED_MATH } } },
      default: { write: { 'notes.txt': 'still thinking\n' } },
    });
    await withHarness(
      { agent: { command: agent.command, tiers: ['small', 'large'] }, work_loop: { max_iterations: 6, escalate_on_no_progress: 2 } },
      async (h) => {
        const handle = await h.start({ projectDir: project.dir, stepName: 'stalled', task: 'Fix it.' });
        const result = await handle.result();
        // Iterations 1, 2 and 3 leave one failing check: after two more without progress, the tier goes up.
        expect(result.escalations).toEqual([{ afterIteration: 3, fromTier: 0, toTier: 1, reason: 'no_progress' }]);
        expect(agent.invocations().map((c) => c.model)).toEqual(['small', 'small', 'small', 'large']);
        await recordHistory(h.client, handle.workflowId, 'no-progress-escalation');
      },
    );
  });

  it('ends Cancelled when cancelled during a long agent run, with the agent and its children killed', async () => {
    const project = createFixtureProject();
    const agent = scriptAgent({ default: { sleepMs: 120_000, spawnChild: true } });
    await withHarness({ agent: { command: agent.command } }, async (h) => {
      const handle = await h.start({ projectDir: project.dir, stepName: 'cancelled', task: 'Fix it.' });
      const call = await eventually(() => agent.invocations()[0], 30_000, 'the agent to start');
      expect(isProcessAlive(call.pid)).toBe(true);
      expect(isProcessAlive(call.childPid!)).toBe(true);
      await handle.cancel();
      const err = await handle.result().catch((e: unknown) => e);
      expect((err as Error).name).toBe('WorkflowFailedError');
      expect(((err as WorkflowFailedError).cause as Error).name).toBe('CancelledFailure');
      expect((await handle.describe()).status.name).toBe('CANCELLED');
      await eventually(() => !isProcessAlive(call.pid) && !isProcessAlive(call.childPid!), 15_000, 'the agent processes to die');
      // The workspace stays for inspection.
      expect(existsSync(join(project.dir, '.aidp', 'worktrees', handle.workflowId))).toBe(true);
      await recordHistory(h.client, handle.workflowId, 'cancelled');
    });
  });

  it('continues as new in the middle of the loop and keeps state, queries and signals across it', async () => {
    const project = createFixtureProject();
    const agent = scriptAgent({
      iterations: {
        1: { write: { 'notes.txt': '1\n' }, cost: { usd: 0.1, inputTokens: 1, outputTokens: 1 } },
        2: { write: { 'notes.txt': '2\n' }, sleepMs: 1500 },
        3: { write: { 'notes.txt': '3\n' } },
        4: { write: { 'src/math.js': FIXED_MATH } },
      },
    });
    await withHarness({ agent: { command: agent.command }, work_loop: { max_iterations: 6 } }, async (h) => {
      // A small history limit forces continue-as-new after about every iteration.
      const handle = await h.start({ projectDir: project.dir, stepName: 'long', task: 'Fix it.', continueAsNew: { maxHistoryEvents: 20 } });
      await eventually(() => agent.invocations().length === 2, 30_000, 'the second agent run');
      await handle.signal(pauseSignal);
      await handle.signal(injectInstructionSignal, 'carried over');
      await eventually(async () => (await handle.query(currentStateQuery)) === 'paused', 30_000, 'pause');
      expect((await handle.query(progressQuery)).pendingInstructions).toBe(1);
      await handle.signal(resumeSignal);
      const result = await handle.result();
      expect(result.outcome).toBe('completed');
      expect(result.iterations).toBe(4);
      expect(result.cost.usd).toBeCloseTo(0.1);
      expect(agent.invocations().map((c) => c.iteration)).toEqual([1, 2, 3, 4]);
      expect(agent.invocations()[2]!.prompt).toContain('carried over');
      const description = await handle.describe();
      expect(description.runId).not.toBe(handle.firstExecutionRunId);
      expect(await handle.query(iterationCountQuery)).toBe(4);
      await recordHistory(h.client, handle.workflowId, 'continue-as-new-first-run', handle.firstExecutionRunId);
      await recordHistory(h.client, handle.workflowId, 'continue-as-new-last-run');
    });
  });
});

describe('a worker embedded in another service', () => {
  it("runs the service's own activity in place of AIDP's of the same name", async () => {
    const project = createFixtureProject();
    const agent = scriptAgent({ default: {} });
    const config = testConfig({ agent: { command: agent.command } });
    const checked: string[] = [];
    const harness = await workLoopHarness(config, {
      // The service judges readiness its own way: here, everything passes.
      runChecks: (input: { iteration: number; workspace: string }) => {
        checked.push(input.workspace);
        return Promise.resolve({ iteration: input.iteration, passing: true, checks: [] });
      },
    });
    try {
      await harness.run(async () => {
        const handle = await harness.start({ projectDir: project.dir, stepName: 'embedded', task: 'Fix it.' });
        const result = await handle.result();
        expect(result.outcome).toBe('already_passing');
        expect(checked).toHaveLength(1);
        expect(agent.invocations()).toHaveLength(0);
      });
    } finally {
      await harness.close();
    }
  });
});
