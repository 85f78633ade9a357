import { Client, Connection } from '@temporalio/client';
import { buildIssueToPrInput, buildWorkLoopInput } from '@aidp/client';
import {
  FIXED_MATH,
  createFixtureProject,
  createFixtureProjectWithOrigin,
  scriptAgent,
  startGitHubDouble,
  startWorkerProcess,
  uniqueName,
  writeKillableWorkerConfig,
  type AgentStep,
  type ScriptedAgent,
  type WorkerProcess,
} from '@aidp/testing';
import { startTemporalStack, type TemporalStack } from '@aidp/testing/temporal-server';
import { eventually, testConfig, workLoopHarness } from '@aidp/testing/work-loop-harness';
import type { IssueToPrResult, WorkLoopResult } from '@aidp/workflows/contracts';

// Faults on the production topology: the full Temporal server on PostgreSQL, with the server, a worker
// or the database killed while runs are in flight. Every run must still complete, and no iteration that
// had completed may run again (the scripted agent records each invocation, so a repeat would show).

let stack: TemporalStack;
let connection: Connection;
let client: Client;

beforeAll(async () => {
  stack = await startTemporalStack();
  connection = await Connection.connect({ address: stack.server.address });
  client = new Client({ connection });
}, 240_000);

afterAll(async () => {
  await connection?.close();
  await stack?.stop();
});

/** Two iterations: the first leaves the test failing, the second fixes it; each takes `sleepMs`. */
function twoIterationAgent(sleepMs: number): ScriptedAgent {
  const step = (extra: AgentStep): AgentStep => ({ sleepMs, ...extra });
  return scriptAgent({
    iterations: { 1: step({ write: { 'notes.txt': 'looked around\n' } }), 2: step({ write: { 'src/math.js': FIXED_MATH } }) },
  });
}

/** The iterations an agent was invoked for must never go back: a repeat of a finished one would. */
function expectNoFinishedIterationRepeated(agent: ScriptedAgent): void {
  const iterations = agent.invocations().map((c) => c.iteration);
  expect(iterations).toEqual([...iterations].sort((a, b) => a - b));
  expect([...new Set(iterations)]).toEqual([1, 2]);
}

/** The run's result, asking again while the server is still coming back. */
async function resultOf(workflowId: string, timeoutMs = 150_000): Promise<WorkLoopResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return (await client.workflow.getHandle(workflowId).result()) as WorkLoopResult;
    } catch (err) {
      const name = (err as Error).name;
      if (name === 'WorkflowFailedError' || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** Every run's result; waits for all of them, so nothing still polls once the test is over. */
async function resultsOf(workflowIds: string[], timeoutMs?: number): Promise<WorkLoopResult[]> {
  const settled = await Promise.allSettled(workflowIds.map((id) => resultOf(id, timeoutMs)));
  const failed = settled.flatMap((s, i) => (s.status === 'rejected' ? [`${workflowIds[i]}: ${String(s.reason)}`] : []));
  if (failed.length > 0) throw new Error(`runs did not complete:\n${failed.join('\n')}`);
  return settled.map((s) => (s as PromiseFulfilledResult<WorkLoopResult>).value);
}

/**
 * Starts a run on `taskQueue`. A dead worker's activity is noticed by its heartbeat timeout; retries are
 * many, since on a busy machine a live activity may miss a heartbeat too, and that is not what these
 * tests are about.
 */
async function startRun(taskQueue: string, agent: ScriptedAgent, stepName: string, heartbeatMs = 3_000): Promise<string> {
  const config = testConfig({ temporal: { target_host: stack.server.address }, agent: { command: agent.command } }, taskQueue);
  const input = buildWorkLoopInput(config, { projectDir: createFixtureProject().dir, stepName, task: 'Fix the failing test.' });
  input.activities.heartbeatTimeout = heartbeatMs;
  input.activities.retry.maximumAttempts = 50;
  const workflowId = uniqueName(`fault-${stepName}`);
  await client.workflow.start('WorkLoopWorkflow', { taskQueue, workflowId, args: [input] });
  return workflowId;
}

/** The real `aidp temporal worker` command on the full server. */
function startWorker(taskQueue: string): WorkerProcess {
  const configFile = writeKillableWorkerConfig({
    address: stack.server.address,
    taskQueue,
    worker: { max_concurrent_activities: 20 },
  });
  return startWorkerProcess(configFile);
}

describe('faults on the full server with PostgreSQL', () => {
  it('completes a run when the Temporal server is killed during it and restarted', async () => {
    const agent = twoIterationAgent(2_000);
    const config = testConfig({ temporal: { target_host: stack.server.address }, agent: { command: agent.command } });
    const harness = await workLoopHarness(config);
    try {
      const result = await harness.run(async () => {
        const handle = await harness.start({ projectDir: createFixtureProject().dir, stepName: 'server-kill', task: 'Fix it.' });
        await eventually(() => agent.invocations().find((c) => c.iteration === 1), 60_000, 'iteration 1 to start');
        await stack.server.kill('SIGKILL');
        await new Promise((r) => setTimeout(r, 2_000));
        await stack.server.restart();
        return await resultOf(handle.workflowId);
      });

      expect(result).toMatchObject({ outcome: 'completed', iterations: 2 });
      expectNoFinishedIterationRepeated(agent);
    } finally {
      await harness.close();
    }
  }, 240_000);

  it('completes a run on a second worker when the first is killed during the agent, repeating no finished iteration', async () => {
    const taskQueue = uniqueName('worker-kill');
    // Iteration 2 is slow, so the kill lands inside it, after iteration 1 has finished.
    const slow = scriptAgent({
      iterations: { 1: { write: { 'notes.txt': 'x\n' } }, 2: { sleepMs: 4_000, write: { 'src/math.js': FIXED_MATH } } },
    });
    const first = startWorker(taskQueue);
    let second: WorkerProcess | undefined;
    try {
      await first.polling;
      const workflowId = await startRun(taskQueue, slow, 'worker-kill');
      await eventually(() => slow.invocations().find((c) => c.iteration === 2), 60_000, 'iteration 2 to start');
      await first.stop('SIGKILL');
      second = startWorker(taskQueue);
      await second.polling;

      const result = await resultOf(workflowId);

      expect(result).toMatchObject({ outcome: 'completed', iterations: 2 });
      // Iteration 1 finished before the kill and ran once; iteration 2 was cut short and ran again.
      expect(slow.invocations().map((c) => c.iteration)).toEqual([1, 2, 2]);
    } finally {
      await first.stop('SIGKILL');
      await second?.stop();
    }
  }, 240_000);

  it('completes all of 20 runs shared by two workers when one is killed midway, none lost or duplicated', async () => {
    const taskQueue = uniqueName('shared');
    const workers = [startWorker(taskQueue), startWorker(taskQueue)];
    try {
      await Promise.all(workers.map((w) => w.polling));
      const agents = Array.from({ length: 20 }, () => twoIterationAgent(1_500));
      const ids = await Promise.all(agents.map((agent, i) => startRun(taskQueue, agent, `shared-${i}`, 10_000)));
      // Midway: a good part of the agents have started, several are running right now.
      await eventually(() => agents.reduce((n, a) => n + a.invocations().length, 0) >= 12, 120_000, 'half of the agent runs to start');
      await workers[0]!.stop('SIGKILL');

      const results = await resultsOf(ids, 240_000);

      expect(results.map((r) => r.outcome)).toEqual(Array(20).fill('completed'));
      for (const agent of agents) expectNoFinishedIterationRepeated(agent);
      // Exactly one execution per run: nothing started twice, nothing lost.
      const executions: string[] = [];
      for await (const run of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) executions.push(run.workflowId);
      expect(executions.sort()).toEqual([...ids].sort());
    } finally {
      await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    }
  }, 360_000);

  it('completes runs when PostgreSQL is restarted during them', async () => {
    const agents = Array.from({ length: 3 }, () => twoIterationAgent(2_000));
    const taskQueue = uniqueName('postgres-restart');
    const config = testConfig({ temporal: { target_host: stack.server.address } }, taskQueue);
    const harness = await workLoopHarness(config);
    try {
      const results = await harness.run(async () => {
        const ids = await Promise.all(agents.map((agent, i) => startRun(taskQueue, agent, `pg-${i}`)));
        await eventually(() => agents.every((a) => a.invocations().length > 0), 60_000, 'every agent to start');
        const postmaster = stack.postgres.pid();
        await stack.postgres.restart({ mode: 'immediate', downMs: 2_000 });
        expect(stack.postgres.pid()).not.toBe(postmaster);
        return await resultsOf(ids);
      });

      expect(results.map((r) => r.outcome)).toEqual(['completed', 'completed', 'completed']);
      for (const agent of agents) expectNoFinishedIterationRepeated(agent);
    } finally {
      await harness.close();
    }
  }, 240_000);

  it('turns an issue into one pull request when the server is killed while its parts run in parallel', async () => {
    const token = 'ghs_faultTestToken0123456789';
    process.env.AIDP_FAULT_TEST_GITHUB_TOKEN = token;
    const gh = await startGitHubDouble({ tokens: [token], repos: [{ owner: 'acme', name: 'sturdy', defaultBranch: 'main' }] });
    gh.addIssue('acme/sturdy', { number: 5, title: 'Two parts', body: '## Sub-tasks\n- Part one\n- Part two\n' });
    const part = (n: number) => ({
      match: `Sub-task ${n} of the issue`,
      // Each part adds its piece and says it is done; only the first fixes the failing test.
      step: {
        sleepMs: 2_000,
        complete: true,
        write: { [`src/part${n}.js`]: `exports.n = ${n};\n`, ...(n === 1 ? { 'src/math.js': FIXED_MATH } : {}) },
      },
    });
    const agent = scriptAgent({ rules: [part(1), part(2)], default: {} });
    const project = createFixtureProjectWithOrigin();
    const config = testConfig({
      temporal: { target_host: stack.server.address },
      github: { repo: 'acme/sturdy', base_url: gh.url, token_env: 'AIDP_FAULT_TEST_GITHUB_TOKEN' },
      agent: { command: agent.command },
    });
    const harness = await workLoopHarness(config);
    try {
      const result = await harness.run(async () => {
        const input = buildIssueToPrInput(config, { issueNumber: 5, projectDir: project.dir });
        input.loop.activities.retry.maximumAttempts = 50;
        const workflowId = uniqueName('fault-issue');
        await client.workflow.start('IssueToPrWorkflow', { taskQueue: config.temporal.task_queue, workflowId, args: [input] });
        await eventually(
          () => agent.invocations().filter((c) => /Sub-task \d of the issue/.test(c.prompt)).length === 2,
          60_000,
          'both parts to start',
        );
        await stack.server.kill('SIGKILL');
        await new Promise((r) => setTimeout(r, 2_000));
        await stack.server.restart();
        return (await resultOf(workflowId)) as unknown as IssueToPrResult;
      });
      expect(result.outcome).toBe('completed');
      expect(result.children.map((c) => c.outcome)).toEqual(['completed', 'completed']);
      expect(gh.pulls('acme/sturdy')).toHaveLength(1);
      expect(gh.issueComments('acme/sturdy', 5).filter((c) => c.body.includes('pull request'))).toHaveLength(1);
      for (const n of [1, 2]) expect(project.origin('show', `aidp/issue-5:src/part${n}.js`)).toContain(`${n}`);
      gh.assertNoProblems();
    } finally {
      await harness.close();
      await gh.close();
    }
  }, 240_000);
});
