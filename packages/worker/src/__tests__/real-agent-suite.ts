// The scenarios every real agent CLI goes through, as a user would run it: `aidp temporal worker` on
// the dev server, the CLI from the npm registry (pinned, installed into the cache by the test setup)
// with a HOME of its own, pointed at the scripted model server on 127.0.0.1 with a dummy key. One
// table of scenarios for claude, codex, gemini and opencode; each CLI has a test file of its own
// (real-agent-<cli>.int.test.ts) so that jest runs them side by side.
//
// This is a helper, not a test file: jest only collects `*.test.ts`.

import { Client, Connection, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildWorkLoopInput } from '@aidp/client';
import {
  DUMMY_KEYS,
  FIXED_MATH,
  createFixtureProject,
  isProcessAlive,
  startModelServer,
  startRealAgentWorker,
  temporalAddress,
  uniqueName,
  type AgentCliName,
  type FixtureProject,
  type ModelScript,
  type ModelServer,
  type RealAgentWorker,
  type ServedRequest,
} from '@aidp/testing';
import { eventually, testConfig } from '@aidp/testing/work-loop-harness';
import { progressQuery, type WorkLoopResult } from '@aidp/workflows/contracts';
import { runDirOf } from '@aidp/activities';

/** How a CLI behaves where the CLIs differ, as seen from the real ones. */
export interface RealAgentBehaviour {
  /**
   * `gives-up`: with its own retries bounded (claude, codex) a 429 comes back to AIDP, which retries
   * the run with backoff and then counts a failed iteration. `recovers`: the CLI retries a 429 itself
   * for minutes (gemini, opencode), so a 429 that gives way is absorbed within the run.
   */
  rateLimit: 'gives-up' | 'recovers';
  /** The overload status of its provider: 529 for Anthropic, 503 for the others. */
  overloadStatus: 529 | 503;
  /** Seconds the agent may run in the cut-stream case: opencode retries a dropped stream for minutes. */
  cutAgentTimeout?: number;
  /** USD per million tokens by the model name on the wire, as the CLI prices them; absent: the CLI reports no cost. */
  prices?: Record<string, { input: number; cachedInput: number; output: number }>;
  /**
   * A tier the CLI itself refuses before calling the provider (opencode checks its model catalog);
   * absent: the provider refuses the model (404).
   */
  unknownModelTier?: string;
  /** The CLI reports no tokens at all (copilot): AIDP counts none. */
  reportsNoUsage?: boolean;
  /** The CLI names the model it ran in its output (claude, gemini, copilot). */
  reportsModel?: boolean;
  /** How many processes the CLI runs while it waits on the model (default 2: a launcher and its child). */
  processes?: number;
  /** Requests the CLI makes besides the agent's turns and does not report (opencode's title). */
  unreportedSideRequests?: boolean;
}

const FIX = { tools: [{ write: { path: 'src/math.js', content: FIXED_MATH } }] };

function sum(requests: ServedRequest[]): { inputTokens: number; cachedInputTokens: number; outputTokens: number } {
  return requests.reduce(
    (s, r) => ({
      inputTokens: s.inputTokens + r.usage.inputTokens,
      cachedInputTokens: s.cachedInputTokens + r.usage.cachedInputTokens,
      outputTokens: s.outputTokens + r.usage.outputTokens,
    }),
    { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0 },
  );
}

function priced(requests: ServedRequest[], prices: NonNullable<RealAgentBehaviour['prices']>): number {
  return requests.reduce((usd, r) => {
    const p = prices[r.model];
    if (!p) throw new Error(`no price for ${r.model}`);
    const { inputTokens, cachedInputTokens, outputTokens } = r.usage;
    return usd + ((inputTokens - cachedInputTokens) * p.input + cachedInputTokens * p.cachedInput + outputTokens * p.output) / 1e6;
  }, 0);
}

/** The pids of `root` and every process under it, from /proc. */
function processTree(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // Gone meanwhile.
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of parents) if (ppid === tree[i] && !tree.includes(pid)) tree.push(pid);
  return tree;
}

interface Run {
  /** The scripted model server of this test alone. */
  server: ModelServer;
  agent: RealAgentWorker;
  project: FixtureProject;
  handle: WorkflowHandle;
  client: Client;
  outcome: () => Promise<WorkLoopResult | Error>;
  runDir: () => string;
  history: () => Promise<string>;
}

export function describeRealAgent(cli: AgentCliName, behaviour: RealAgentBehaviour): void {
  // The scenarios run side by side (most of their time is the CLIs' own backoff and AIDP's retries),
  // each with a model server, a worker process, a HOME and a task queue of its own.
  describe(`${cli}, the real CLI, in a work loop`, () => {
    let connection: Connection;
    const servers: ModelServer[] = [];
    const started: RealAgentWorker[] = [];

    beforeAll(async () => {
      connection = await Connection.connect({ address: temporalAddress() });
    });

    afterAll(async () => {
      await Promise.all(started.map((agent) => agent.worker.stop()));
      await Promise.all(servers.map((server) => server.close()));
      await connection?.close();
    });

    async function run(script: ModelScript, options: { agentTimeout?: number; tiers?: string[] } = {}): Promise<Run> {
      const server = await startModelServer({ script });
      servers.push(server);
      const agent = await startRealAgentWorker(cli, server, options);
      started.push(agent);
      const project = createFixtureProject();
      const client = new Client({ connection });
      const input = buildWorkLoopInput(testConfig(agent.raw, agent.taskQueue), {
        projectDir: project.dir,
        stepName: `real-${cli}`,
        task: 'Make the tests pass.',
      });
      const workflowId = uniqueName(`real-${cli}`);
      const handle = await client.workflow.start('WorkLoopWorkflow', { taskQueue: agent.taskQueue, workflowId, args: [input] });
      let settled: Promise<WorkLoopResult | Error> | undefined;
      return {
        server,
        agent,
        project,
        handle,
        client,
        outcome: () =>
          (settled ??= handle.result().then(
            (r) => r as WorkLoopResult,
            (e: unknown) => e as Error,
          )),
        runDir: () => runDirOf(project.dir, workflowId),
        history: async () => historyToJSON(await handle.fetchHistory()),
      };
    }

    const mark = (requests: ServedRequest[]) => requests.filter((r) => r.kind === 'turn' || r.kind === 'side');
    /** The agent runs that asked the model for a turn. */
    const turnRuns = (requests: ServedRequest[]) => new Set(requests.filter((q) => q.kind === 'turn').map((q) => q.run));

    it.concurrent(
      'goes green over two iterations, resuming its session; counts exactly what was served; escalation reaches the model',
      async () => {
        const r = await run({
          runs: {
            // Held back a moment, so that the escalation lands while the first run is going.
            1: [{ tools: [{ write: { path: 'notes.txt', content: 'iteration 1\n' } }], delayMs: 1500 }, { text: 'Wrote the notes.' }],
            2: [FIX, { text: 'Fixed add.' }],
          },
        });
        await eventually(async () => (await r.handle.query(progressQuery)).state === 'apply_patch', 60_000, 'the first agent run');
        await r.handle.signal('escalate_model');
        const result = (await r.outcome()) as WorkLoopResult;
        if (result instanceof Error) throw result;
        const served = mark(r.server.requests());
        const turns = served.filter((q) => q.kind === 'turn');

        expect(result.outcome).toBe('completed');
        expect(result.iterations).toBe(2);
        expect(readFileSync(join(result.workspace, 'src', 'math.js'), 'utf8')).toBe(FIXED_MATH);
        // Each run on its tier's model; the second continues the first's session.
        const { wireModels } = r.agent.profile;
        expect(new Set(turns.filter((q) => q.run === 1).map((q) => q.model))).toEqual(new Set([wireModels[0]]));
        expect(new Set(turns.filter((q) => q.run === 2).map((q) => q.model))).toEqual(new Set([wireModels[1]]));
        expect(turns.find((q) => q.run === 2)!.prompts).toEqual([1, 2]);
        expect(result.model).toMatchObject({ provider: cli, model: r.agent.profile.tiers[1], tier: 1 });
        // The model the CLI ran, as it reported it, beside the tier's configured name.
        expect(result.model.reported).toBe(behaviour.reportsModel ? wireModels[1] : undefined);
        // The dummy key reached the server: the CLI used the configured credential.
        expect(new Set(served.map((q) => q.credential))).toEqual(new Set([DUMMY_KEYS[cli]]));

        // Tokens and cost: what the server served, no more (a resumed session is not counted twice).
        const counted = behaviour.unreportedSideRequests ? turns : served;
        if (behaviour.unreportedSideRequests) expect(served.some((q) => q.kind === 'side')).toBe(true);
        const usage = behaviour.reportsNoUsage ? { inputTokens: 0, outputTokens: 0 } : sum(counted);
        expect(result.cost.inputTokens).toBe(usage.inputTokens);
        expect(result.cost.outputTokens).toBe(usage.outputTokens);
        const iterations = [1, 2].map(
          (n) =>
            JSON.parse(readFileSync(join(r.runDir(), `iter-${n}`, 'agent-result.json'), 'utf8')) as {
              cost: { usd: number };
              sessionTotals?: { usd: number };
              reportedModel?: string;
            },
        );
        expect(result.cost.usd).toBeCloseTo(iterations[0]!.cost.usd + iterations[1]!.cost.usd, 10);
        if (behaviour.prices) {
          // Each run's cost is its own requests at the model's list price (where the test knows it).
          for (const n of [1, 2]) {
            const runRequests = counted.filter((q) => q.run === n || (q.kind === 'side' && n === 1));
            if (runRequests.every((q) => behaviour.prices![q.model]))
              expect(iterations[n - 1]!.cost.usd).toBeCloseTo(priced(runRequests, behaviour.prices), 10);
          }
          expect(result.cost.usd).toBeGreaterThan(0);
        } else {
          expect(result.cost.usd).toBe(0);
        }
        // A CLI that reports session totals: the run's total is the CLI's own total for the session.
        const totals = iterations[1]!.sessionTotals;
        if (totals) expect(result.cost.usd).toBeCloseTo(totals.usd, 10);
        const progress = await r.handle.query(progressQuery);
        expect(progress.cost).toEqual(result.cost);

        // The dummy key never reaches the history or the worker's log.
        const history = await r.history();
        expect(history).not.toContain(DUMMY_KEYS[cli]);
        expect(r.agent.worker.output()).not.toContain(DUMMY_KEYS[cli]);
      },
      240_000,
    );

    it.concurrent(
      'fails the run at once as AgentUnavailable when the key is refused (401)',
      async () => {
        const startedAt = Date.now();
        const r = await run({ default: [{ error: { status: 401 } }] });
        const outcome = await r.outcome();
        expect(outcome).toBeInstanceOf(WorkflowFailedError);
        const cause = (outcome as WorkflowFailedError).cause as { type?: string; message: string };
        expect(cause.type).toBe('AgentUnavailable');
        expect(cause.message).toMatch(/refused its credentials/);
        // One agent run: no Temporal retry, no second iteration.
        expect(existsSync(join(r.runDir(), 'iter-2'))).toBe(false);
        expect(turnRuns(r.server.requests())).toEqual(new Set([1]));
        expect(Date.now() - startedAt).toBeLessThan(90_000);
        expect(await r.history()).not.toContain(DUMMY_KEYS[cli]);
      },
      180_000,
    );

    it.concurrent(
      'fails the run at once as AgentUnavailable, naming the setting to fix, when its model is refused',
      async () => {
        const r = await run(
          { default: [{ error: { status: 404 } }] },
          behaviour.unknownModelTier ? { tiers: [behaviour.unknownModelTier] } : {},
        );
        const outcome = await r.outcome();
        expect(outcome).toBeInstanceOf(WorkflowFailedError);
        const cause = (outcome as WorkflowFailedError).cause as { type?: string; message: string };
        expect(cause.type).toBe('AgentUnavailable');
        expect(cause.message).toMatch(/refused its configuration/);
        expect(cause.message).toContain('agent.tiers');
        expect(existsSync(join(r.runDir(), 'iter-2'))).toBe(false);
        expect(turnRuns(r.server.requests())).toEqual(behaviour.unknownModelTier ? new Set() : new Set([1]));
      },
      180_000,
    );

    if (behaviour.rateLimit === 'gives-up') {
      it.concurrent(
        'retries a rate-limited run (429) with backoff, then counts a failed iteration and goes on',
        async () => {
          const r = await run({ runs: { 1: [{ error: { status: 429, retryAfter: 1 } }], 2: [FIX, { text: 'Fixed add.' }] } });
          const result = (await r.outcome()) as WorkLoopResult;
          expect(result).toMatchObject({ outcome: 'completed', iterations: 2 });
          const limited = mark(r.server.requests()).filter((q) => q.run === 1);
          // Two attempts of the activity (Temporal's retry), each with the CLI's own retry.
          expect(limited.length).toBeGreaterThanOrEqual(4);
          expect(limited.every((q) => q.status === 429)).toBe(true);
          expect(await r.history()).toContain('AgentRateLimited');
        },
        180_000,
      );
    } else {
      it.concurrent(
        'rides out a rate limit (429) with the CLI’s own backoff, within the run',
        async () => {
          const r = await run({ runs: { 1: [{ ...FIX, error: { status: 429, retryAfter: 1 }, errorTimes: 1 }, { text: 'Fixed add.' }] } });
          const result = (await r.outcome()) as WorkLoopResult;
          expect(result).toMatchObject({ outcome: 'completed', iterations: 1 });
          expect(mark(r.server.requests()).map((q) => q.status)).toContain(429);
        },
        180_000,
      );
    }

    it.concurrent(
      `retries an overloaded provider (${behaviour.overloadStatus}) and completes`,
      async () => {
        const r = await run({
          runs: { 1: [{ ...FIX, error: { status: behaviour.overloadStatus }, errorTimes: 1 }, { text: 'Fixed add.' }] },
        });
        const result = (await r.outcome()) as WorkLoopResult;
        expect(result).toMatchObject({ outcome: 'completed', iterations: 1 });
        expect(mark(r.server.requests()).map((q) => q.status)).toContain(behaviour.overloadStatus);
      },
      180_000,
    );

    it.concurrent(
      'counts a stream cut in the middle as a failed iteration, and goes on',
      async () => {
        const r = await run(
          {
            runs: {
              1: [{ text: 'A partial answer that is cut off halfway through its stream.', cut: true }],
              2: [FIX, { text: 'Fixed add.' }],
            },
          },
          behaviour.cutAgentTimeout ? { agentTimeout: behaviour.cutAgentTimeout } : {},
        );
        const result = (await r.outcome()) as WorkLoopResult;
        expect(result).toMatchObject({ outcome: 'completed', iterations: 2 });
        const first = JSON.parse(readFileSync(join(r.runDir(), 'iter-1', 'agent-result.json'), 'utf8')) as { ok: boolean };
        expect(first.ok).toBe(false);
      },
      240_000,
    );

    it.concurrent(
      'on cancel, kills the CLI and every process it started',
      async () => {
        const r = await run({ default: [{ text: 'Too late.', delayMs: 600_000 }] });
        const pidFile = join(r.runDir(), 'iter-1', 'agent.pid');
        // The CLI is waiting on the model: its process tree is complete.
        await eventually(() => existsSync(pidFile) && r.server.received() > 0, 90_000, 'the CLI to call the model');
        const root = Number(readFileSync(pidFile, 'utf8').trim());
        const tree = processTree(root);
        // claude's npm package runs its native binary in place; the others start children of their own.
        expect(tree.length).toBeGreaterThanOrEqual(behaviour.processes ?? 2);
        await r.handle.cancel();
        const outcome = await r.outcome();
        expect((outcome as WorkflowFailedError).cause?.name).toBe('CancelledFailure');
        await eventually(() => tree.every((pid) => !isProcessAlive(pid)), 15_000, `the processes ${tree.join(', ')} to end`);
      },
      180_000,
    );
  });
}
