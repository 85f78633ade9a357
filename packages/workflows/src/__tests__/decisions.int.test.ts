import { activityInfo } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { eventually } from '@aidp/testing/work-loop-harness';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  STEERING_REFUSED,
  currentStateQuery,
  escalateModelSignal,
  escalateModelUpdate,
  failureOf,
  injectInstructionSignal,
  iterationCountQuery,
  pauseSignal,
  pauseUpdate,
  progressQuery,
  queueInstructionUpdate,
  resumeSignal,
  resumeUpdate,
  type ActivityPolicy,
  type AidpActivities,
  type CostSummary,
  type FailureInfo,
  type IssueToPrInput,
  type IssueToPrResult,
  type LoopSettings,
  type RunAgentResult,
  type RunChecksInput,
  type SubTask,
  type TestResults,
  type WorkLoopInput,
  type WorkLoopResult,
} from '../contracts/index.js';
import type { IssueToPrWorkflow } from '../issue-to-pr.js';
import { agentRun as baseAgentRun } from './agent-run';
import type { WorkLoopWorkflow } from '../work-loop.js';

// Every decision the workflows take, in seconds: the real bundled workflows on the dev server of the
// integration run, with activities written here that answer at once with canned results (or wait at a
// gate the test opens). Each test steers a run the way a person would — signals, cancellation, canned
// failures — and checks what that person sees: the result or the failure's type and partial result,
// the queries, and what each activity was asked to do. One worker serves the file; each activity call
// goes to the test whose workflow it is, so the tests run side by side. The worker package's
// integration tests run the same paths with the real activities, git and agent processes.

type ActivityName = keyof AidpActivities;
type InputOf<K extends ActivityName> = Parameters<AidpActivities[K]>[0];
/** An activity as a stub writes it: it may answer at once, since the recording wrapper awaits it. */
type StubOf<F> = F extends (input: infer I) => Promise<infer R> ? (input: I) => R | Promise<R> : never;
type StubActivities = { [K in ActivityName]: StubOf<AidpActivities[K]> };

const TASK_QUEUE = `decisions-${randomUUID().slice(0, 8)}`;

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address)
    throw new Error('TEMPORAL_ADDRESS is not set: run this file through jest\'s "integration" project, which starts a dev server');
  env = await TestWorkflowEnvironment.createFromExistingServer({ address });
  const noop = () => undefined;
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: join(__dirname, '..', 'index.ts'),
    logger: { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop },
  });
  worker = await Worker.create({ connection: env.nativeConnection, taskQueue: TASK_QUEUE, workflowBundle, activities: routedActivities() });
  running = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

// ---- inputs: short everything ----

// Activities answer in milliseconds; a retry comes 50 ms later.
const FAST: ActivityPolicy = {
  startToCloseTimeout: 10_000,
  scheduleToCloseTimeout: 30_000,
  heartbeatTimeout: 30_000,
  retry: { initialInterval: 50, backoffCoefficient: 2, maximumInterval: 200, maximumAttempts: 3 },
};

const TIERS = [
  { provider: 'stub', model: 'small' },
  { provider: 'stub', model: 'medium' },
  { provider: 'stub', model: 'large' },
];

function loopSettings(change: Partial<LoopSettings> = {}): LoopSettings {
  return {
    maxIterations: 5,
    checkpointInterval: 0,
    escalation: { escalateAfter: 3 },
    checks: [{ name: 'test', command: 'npm test', required: true, timeoutMs: 5_000 }],
    agent: { provider: 'stub', command: ['stub-agent', '{promptFile}'], timeoutMs: 5_000, env: [] },
    tiers: TIERS,
    activities: FAST,
    ...change,
  };
}

function workLoopInput(stepName: string, change: Partial<WorkLoopInput> = {}): WorkLoopInput {
  return { ...loopSettings(), projectDir: '/stub/project', stepName, task: 'Make the tests pass.', workspaceMode: 'worktree', ...change };
}

function issueInput(change: Partial<LoopSettings> = {}): IssueToPrInput {
  return {
    github: { repo: 'acme/widgets', baseUrl: 'https://api.github.invalid', tokenEnv: 'GITHUB_TOKEN' },
    issueNumber: 12,
    projectDir: '/stub/project',
    draft: true,
    loop: loopSettings(change),
    maxDepth: 1,
  };
}

const TWO_PARTS: SubTask[] = [
  { title: 'First part', detail: '' },
  { title: 'Second part', detail: '' },
];

// ---- canned activities ----

const NO_COST: CostSummary = { usd: 0, inputTokens: 0, outputTokens: 0 };
const AGENT_COST: CostSummary = { usd: 0.1, inputTokens: 1000, outputTokens: 100 };

/** Every activity call of a test, in order, with its input. */
class Calls {
  readonly all: Array<{ name: ActivityName; input: unknown }> = [];

  of<K extends ActivityName>(name: K): Array<InputOf<K>> {
    return this.all.filter((c) => c.name === name).map((c) => c.input as InputOf<K>);
  }

  names(): ActivityName[] {
    return this.all.map((c) => c.name);
  }
}

function checkResults(input: RunChecksInput, passing: boolean): TestResults {
  return {
    iteration: input.iteration,
    passing,
    checks: input.checks.map((c) => ({
      name: c.name,
      required: c.required,
      passed: passing,
      exitCode: passing ? 0 : 1,
      durationMs: 1,
      outputTail: passing ? 'ok' : 'not ok 1 - add sums two numbers',
      logPath: `${input.runDir}/iter-${input.iteration}/checks/${c.name}.log`,
      timedOut: false,
    })),
  };
}

/** An agent run as runAgent reports it, on the model it was asked for. */
function agentRun(input: InputOf<'runAgent'>, change: Partial<RunAgentResult> = {}): RunAgentResult {
  return baseAgentRun({
    summary: `iteration ${input.iteration} done`,
    changedFiles: ['src/math.js'],
    cost: AGENT_COST,
    provider: input.agent.provider,
    model: input.model,
    logPath: `${input.runDir}/iter-${input.iteration}/agent.log`,
    ...change,
  });
}

/** Checks that fail until the loop's iteration `n`, then pass. */
function checksPassFrom(n: number): StubActivities['runChecks'] {
  return (input) => checkResults(input, input.iteration >= n);
}

/**
 * Agent runs that wait at a gate (the first only, or every one) while the test steers; the checks pass
 * from iteration `passFrom` (2 by default).
 */
function agentGated(
  s: { gate(): Gate },
  options: { every?: boolean; passFrom?: number } = {},
): { agentGate: Gate; stubs: Partial<StubActivities> } {
  const agentGate = s.gate();
  const stubs: Partial<StubActivities> = {
    runAgent: async (input) => {
      if (options.every || input.iteration === 1) await agentGate.pass();
      return agentRun(input);
    },
    runChecks: checksPassFrom(options.passFrom ?? 2),
  };
  return { agentGate, stubs };
}

/**
 * The activities, answering at once: a workspace named after the workflow id, checks that pass once an
 * agent run or a merge changed the workspace, an issue with the given parts, a pull request.
 * `overrides` replace single activities; every call is recorded in `calls` either way.
 */
function stubActivities(calls: Calls, subTasks: SubTask[], overrides: Partial<StubActivities>): AidpActivities {
  const changed = new Set<string>();
  const defaults: StubActivities = {
    prepareWorkspace: (input) => ({
      workspace: `/stub/worktrees/${input.workflowId}`,
      branch: input.branch,
      runDir: `/stub/runs/${input.workflowId}`,
      baseCommit: 'base',
    }),
    createPrompt: (input) => ({ promptPath: `${input.runDir}/iter-${input.iteration}/PROMPT.md`, bytes: 100 }),
    runAgent: (input) => {
      changed.add(input.workspace);
      // A part is done by the agent's word (and nothing broken): the agent gives it.
      return agentRun(input, { completionMarker: input.workspace.includes('.sub-') });
    },
    runChecks: (input) => checkResults(input, changed.has(input.workspace)),
    diagnoseFailure: (input) => ({ iteration: input.iteration, failedChecks: ['test'], failures: [], omitted: 0, summary: 'test failed' }),
    recordCheckpoint: (input) => ({ commit: `checkpoint-${input.iteration}`, recordPath: `${input.runDir}/checkpoints.jsonl` }),
    analyzeIssue: (input) => ({
      repo: input.github.repo,
      issueNumber: input.issueNumber,
      title: 'add() subtracts',
      url: `https://github.invalid/${input.github.repo}/issues/${input.issueNumber}`,
      labels: [],
      defaultBranch: 'main',
      acceptanceCriteria: ['add(2, 3) returns 5'],
      subTasks,
      recommendDecomposition: subTasks.length >= 2,
      task: 'Make add() sum its arguments.',
      issueFile: `/stub/runs/${input.workflowId}/issue.md`,
    }),
    createPlan: (input) => ({
      source: 'deterministic',
      steps: input.analysis.subTasks,
      decompose: input.analysis.recommendDecomposition,
      subTasks: input.analysis.subTasks,
      cost: NO_COST,
      changedFiles: [],
    }),
    mergeBranches: (input) => {
      changed.add(input.workspace);
      return { merged: input.branches, cost: NO_COST, head: 'merged' };
    },
    createPullRequest: (input) => ({
      number: 41,
      url: `https://github.invalid/${input.github.repo}/pull/41`,
      action: 'created',
      draft: input.draft,
      headSha: 'head',
      commentUrl: `https://github.invalid/${input.github.repo}/issues/${input.issueNumber}#comment`,
    }),
  };
  const impl: StubActivities = { ...defaults, ...overrides };
  const recorded = <K extends ActivityName>(name: K) =>
    (async (input: InputOf<K>) => {
      calls.all.push({ name, input });
      return await (impl[name] as (i: InputOf<K>) => unknown)(input);
    }) as AidpActivities[K];
  return {
    prepareWorkspace: recorded('prepareWorkspace'),
    createPrompt: recorded('createPrompt'),
    runAgent: recorded('runAgent'),
    runChecks: recorded('runChecks'),
    diagnoseFailure: recorded('diagnoseFailure'),
    recordCheckpoint: recorded('recordCheckpoint'),
    analyzeIssue: recorded('analyzeIssue'),
    createPlan: recorded('createPlan'),
    mergeBranches: recorded('mergeBranches'),
    createPullRequest: recorded('createPullRequest'),
  };
}

/** Where an activity waits until the test opens it. */
interface Gate {
  /** Resolves once an activity waits here. */
  reached: Promise<void>;
  open(): void;
  /** Called by the activity: waits until the gate is opened. */
  pass(): Promise<void>;
}

function newGate(): Gate {
  let arrive!: () => void;
  let release!: () => void;
  const reached = new Promise<void>((r) => (arrive = r));
  const released = new Promise<void>((r) => (release = r));
  return {
    reached,
    open: release,
    pass: async () => {
      arrive();
      await released;
    },
  };
}

// ---- runs ----

/** Each test's activities, by the key in the ids of the workflows it starts. */
const scenarios = new Map<string, AidpActivities>();

/**
 * The worker's activities: each call goes to the test whose workflow made it, found by the key in the
 * workflow's id (a part of a decomposed issue has its parent's id and a suffix).
 */
function routedActivities(): AidpActivities {
  const route = <K extends ActivityName>(name: K) =>
    (async (input: InputOf<K>) => {
      const workflowId = activityInfo().workflowExecution?.workflowId ?? '';
      const stubs = scenarios.get(/^decisions-([0-9a-f]{8})-/.exec(workflowId)?.[1] ?? '');
      if (!stubs) throw ApplicationFailure.nonRetryable(`no test started ${workflowId}`, 'NoSuchTest');
      return await (stubs[name] as (i: InputOf<K>) => Promise<unknown>)(input);
    }) as AidpActivities[K];
  return {
    prepareWorkspace: route('prepareWorkspace'),
    createPrompt: route('createPrompt'),
    runAgent: route('runAgent'),
    runChecks: route('runChecks'),
    diagnoseFailure: route('diagnoseFailure'),
    recordCheckpoint: route('recordCheckpoint'),
    analyzeIssue: route('analyzeIssue'),
    createPlan: route('createPlan'),
    mergeBranches: route('mergeBranches'),
    createPullRequest: route('createPullRequest'),
  };
}

/** What a test does with the worker: start runs whose activities are its own (`key`), and look at them. */
function session(key: string) {
  const client = env.client;
  const workflowId = (name: string) => `decisions-${key}-${name}`;
  return {
    client,
    startLoop: (input: WorkLoopInput) =>
      client.workflow.start<typeof WorkLoopWorkflow>('WorkLoopWorkflow', {
        workflowId: workflowId(input.stepName),
        taskQueue: TASK_QUEUE,
        args: [input],
      }),
    /** Starts a work loop with a pause already sent. */
    startLoopPaused: (input: WorkLoopInput) =>
      client.workflow.signalWithStart<typeof WorkLoopWorkflow, []>('WorkLoopWorkflow', {
        workflowId: workflowId(input.stepName),
        taskQueue: TASK_QUEUE,
        args: [input],
        signal: pauseSignal,
        signalArgs: [],
      }),
    startIssue: (input: IssueToPrInput) =>
      client.workflow.start<typeof IssueToPrWorkflow>('IssueToPrWorkflow', {
        workflowId: workflowId(`issue-${input.issueNumber}`),
        taskQueue: TASK_QUEUE,
        args: [input],
      }),
  };
}

type Session = ReturnType<typeof session>;

/**
 * One test's activities, the calls they record and the gates they wait at. `run` routes the activities
 * of the workflows the test starts to these stubs while the test runs, then opens every gate so that
 * nothing is left waiting.
 */
function scenario(options: { subTasks?: SubTask[] } = {}) {
  const key = randomUUID().slice(0, 8);
  const calls = new Calls();
  const gates: Gate[] = [];
  return {
    calls,
    gate(): Gate {
      const gate = newGate();
      gates.push(gate);
      return gate;
    },
    async run<T>(overrides: Partial<StubActivities>, test: (session: Session) => Promise<T>): Promise<T> {
      scenarios.set(key, stubActivities(calls, options.subTasks ?? [], overrides));
      try {
        return await test(session(key));
      } finally {
        for (const gate of gates) gate.open();
      }
    },
  };
}

/** Polls `probe` until it returns something truthy (the shared `eventually`, named first). */
function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  return eventually(probe, timeoutMs, what);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The AIDP failure a run ended with; the run must have failed. */
async function failureOfRun(handle: { result(): Promise<unknown> }): Promise<FailureInfo> {
  const err = await handle.result().then(
    () => new Error('the run completed instead of failing'),
    (e: unknown) => e,
  );
  expect((err as Error).name).toBe('WorkflowFailedError');
  const failure = failureOf(err);
  expect(failure).toBeDefined();
  return failure!;
}

/** The name of the cause a run ended with; the run must have ended without a result. */
async function causeOfEnd(handle: { result(): Promise<unknown> }): Promise<string | undefined> {
  const err = (await handle.result().then(
    () => new Error('the run completed'),
    (e: unknown) => e,
  )) as Error & { cause?: Error };
  expect(err.name).toBe('WorkflowFailedError');
  return err.cause?.name;
}

// ---- the decisions ----

// Concurrent: each test's runs and activities are its own, and a test mostly waits on the server.
describe('the workflows, steered and failed with stub activities', () => {
  // -- pause and resume --

  it.concurrent('a pause sent with the start holds the run before its first activity, and resume lets it complete', async () => {
    const s = scenario();
    await s.run({}, async ({ startLoopPaused }) => {
      const handle = await startLoopPaused(workLoopInput('paused-at-start'));
      const held = await until('the run to hold', async () => {
        const p = await handle.query(progressQuery);
        return p.state === 'paused' ? p : null;
      });
      expect(held.paused).toBe(true);
      await sleep(300);
      expect(s.calls.names()).toEqual([]);
      expect(await handle.query(currentStateQuery)).toBe('paused');

      await handle.signal(resumeSignal);
      const result: WorkLoopResult = await handle.result();
      expect(result.outcome).toBe('completed');
      expect(s.calls.names()[0]).toBe('prepareWorkspace');
      expect((await handle.query(progressQuery)).paused).toBe(false);
    });
  });

  it.concurrent('a pause during an agent run lets that run finish, then holds before the checks until resume', async () => {
    const s = scenario();
    const { agentGate, stubs } = agentGated(s, { every: true, passFrom: 1 });
    await s.run(stubs, async ({ startLoop }) => {
      const handle = await startLoop(workLoopInput('paused-mid-run'));
      await agentGate.reached;
      await handle.signal(pauseSignal);
      agentGate.open();
      const held = await until('the run to hold after the agent run', async () => {
        const p = await handle.query(progressQuery);
        return p.state === 'paused' ? p : null;
      });
      // The agent run finished and counts; the checks of its iteration have not started.
      expect(held.iteration).toBe(1);
      expect(held.cost.usd).toBeCloseTo(0.1);
      await sleep(300);
      expect(s.calls.of('runChecks').map((c) => c.iteration)).toEqual([0]);
      expect(await handle.query(currentStateQuery)).toBe('paused');

      await handle.signal(resumeSignal);
      const result: WorkLoopResult = await handle.result();
      expect(result).toMatchObject({ outcome: 'completed', iterations: 1 });
      expect(s.calls.of('runChecks').map((c) => c.iteration)).toEqual([0, 1]);
    });
  });

  // -- inject_instruction --

  it.concurrent('an injected instruction reaches the next prompt, and only that one', async () => {
    const s = scenario();
    const { agentGate, stubs } = agentGated(s, { passFrom: 3 });
    await s.run(stubs, async ({ startLoop }) => {
      const handle = await startLoop(workLoopInput('steered'));
      await agentGate.reached;
      await handle.signal(injectInstructionSignal, 'Use the helper in src/util.js.');
      await until('the instruction to be queued', async () => (await handle.query(progressQuery)).pendingInstructions === 1);
      agentGate.open();

      const result: WorkLoopResult = await handle.result();
      expect(result.iterations).toBe(3);
      expect(s.calls.of('createPrompt').map((p) => p.instructions)).toEqual([[], ['Use the helper in src/util.js.'], []]);
      expect((await handle.query(progressQuery)).pendingInstructions).toBe(0);
    });
  });

  // -- acknowledged steering: the updates --

  it.concurrent('pause_run answers at once during an agent run, and answers held once the run holds; resume_run releases it', async () => {
    const s = scenario();
    const { agentGate, stubs } = agentGated(s, { every: true, passFrom: 1 });
    await s.run(stubs, async ({ startLoop }) => {
      const handle = await startLoop(workLoopInput('paused-by-update'));
      await agentGate.reached;
      // The agent run is in hand: the run takes the pause and says it holds at the next safe point.
      expect(await handle.executeUpdate(pauseUpdate)).toEqual({ held: false, phase: 'apply_patch', changed: true, forwardedToChildren: 0 });
      agentGate.open();
      await until('the run to hold', async () => (await handle.query(currentStateQuery)) === 'paused');
      // Held now: a second pause says so, and changes nothing.
      expect(await handle.executeUpdate(pauseUpdate)).toEqual({ held: true, phase: 'paused', changed: false, forwardedToChildren: 0 });
      expect(s.calls.of('runChecks').map((c) => c.iteration)).toEqual([0]);

      expect(await handle.executeUpdate(resumeUpdate)).toEqual({ phase: 'paused', changed: true, forwardedToChildren: 0 });
      const result: WorkLoopResult = await handle.result();
      expect(result).toMatchObject({ outcome: 'completed', iterations: 1 });
      expect(await handle.executeUpdate(resumeUpdate).catch((e: Error) => e.name)).toBe('WorkflowNotFoundError');
    });
  });

  it.concurrent('pause_run on a run that already holds answers held at once', async () => {
    const s = scenario();
    await s.run({}, async ({ startLoopPaused }) => {
      const handle = await startLoopPaused(workLoopInput('held-by-signal'));
      await until('the run to hold', async () => (await handle.query(currentStateQuery)) === 'paused');
      expect(await handle.executeUpdate(pauseUpdate)).toEqual({ held: true, phase: 'paused', changed: false, forwardedToChildren: 0 });
      expect(await handle.executeUpdate(resumeUpdate)).toMatchObject({ changed: true });
      expect((await handle.result()).outcome).toBe('completed');
    });
  });

  it.concurrent('queue_instruction answers with the place in the queue, and the instructions reach the next prompt in order', async () => {
    const s = scenario();
    const { agentGate, stubs } = agentGated(s);
    await s.run(stubs, async ({ startLoop }) => {
      const handle = await startLoop(workLoopInput('queued-by-update'));
      await agentGate.reached;
      expect(await handle.executeUpdate(queueInstructionUpdate, { args: ['First.'] })).toEqual({
        position: 1,
        pending: 1,
        forwardedToChildren: 0,
      });
      expect(await handle.executeUpdate(queueInstructionUpdate, { args: ['Second.'] })).toEqual({
        position: 2,
        pending: 2,
        forwardedToChildren: 0,
      });
      agentGate.open();
      expect((await handle.result()).iterations).toBe(2);
      expect(s.calls.of('createPrompt').map((p) => p.instructions)).toEqual([[], ['First.', 'Second.']]);
      const events = (await handle.fetchHistory()).events ?? [];
      expect(events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toHaveLength(2);
    });
  });

  it.concurrent('queue_instruction refuses a blank or oversized instruction in its validator: nothing reaches history', async () => {
    const s = scenario();
    const { agentGate, stubs } = agentGated(s, { every: true, passFrom: 1 });
    await s.run(stubs, async ({ startLoop }) => {
      const handle = await startLoop(workLoopInput('refused-by-update'));
      await agentGate.reached;
      const refusal = async (text: string) => {
        const err = await handle.executeUpdate(queueInstructionUpdate, { args: [text] }).then(
          () => new Error('the instruction was accepted'),
          (e: unknown) => e as Error,
        );
        expect(err.name).toBe('WorkflowUpdateFailedError');
        return failureOf(err);
      };
      expect(await refusal('')).toMatchObject({ type: STEERING_REFUSED, message: 'instruction is empty' });
      expect(await refusal(' \n\t ')).toMatchObject({ type: STEERING_REFUSED, message: 'instruction is empty' });
      expect((await refusal('i'.repeat(64 * 1024 + 1)))?.message).toBe('instruction is too large: 65537 bytes (at most 64 KiB)');
      expect((await handle.query(progressQuery)).pendingInstructions).toBe(0);
      agentGate.open();

      expect((await handle.result()).outcome).toBe('completed');
      expect(s.calls.of('createPrompt').map((p) => p.instructions)).toEqual([[]]);
      const events = (await handle.fetchHistory()).events ?? [];
      expect(
        events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes || e.workflowExecutionUpdateAdmittedEventAttributes),
      ).toEqual([]);
    });
  });

  it.concurrent(
    'escalate_model_tier answers with the model the next agent run uses, and says when it is already the strongest',
    async () => {
      const s = scenario();
      const { agentGate, stubs } = agentGated(s);
      await s.run(stubs, async ({ startLoop }) => {
        const handle = await startLoop(workLoopInput('escalated-by-update', { tiers: TIERS.slice(1) }));
        await agentGate.reached;
        expect(await handle.executeUpdate(escalateModelUpdate)).toEqual({
          escalated: true,
          model: { provider: 'stub', model: 'large', tier: 1 },
          tiers: 2,
          forwardedToChildren: 0,
        });
        expect(await handle.executeUpdate(escalateModelUpdate)).toEqual({
          escalated: false,
          model: { provider: 'stub', model: 'large', tier: 1 },
          tiers: 2,
          forwardedToChildren: 0,
        });
        agentGate.open();
        const result: WorkLoopResult = await handle.result();
        expect(s.calls.of('runAgent').map((r) => r.model)).toEqual(['medium', 'large']);
        expect(result.escalations).toEqual([{ afterIteration: 0, fromTier: 0, toTier: 1, reason: 'signal' }]);
      });
    },
  );

  it.concurrent('an issue run waiting for its parts passes acknowledged steering on to them and says so', async () => {
    const s = scenario({ subTasks: TWO_PARTS });
    const parts = s.gate();
    const bothRunning = s.gate();
    let agentRuns = 0;
    const stubs: Partial<StubActivities> = {
      runAgent: async (input) => {
        if (++agentRuns === 2) void bothRunning.pass();
        await parts.pass();
        return agentRun(input, { completionMarker: true });
      },
    };
    await s.run(stubs, async ({ startIssue, client }) => {
      const handle = await startIssue(issueInput());
      await bothRunning.reached;
      expect(await handle.executeUpdate(queueInstructionUpdate, { args: ['Keep the API.'] })).toEqual({
        position: null,
        pending: 0,
        forwardedToChildren: 2,
      });
      expect(await handle.executeUpdate(pauseUpdate)).toEqual({
        held: false,
        phase: 'awaiting_children',
        changed: true,
        forwardedToChildren: 2,
      });
      for (const n of [1, 2]) {
        const part = client.workflow.getHandle(`${handle.workflowId}.sub-${n}`);
        await until(`part ${n} to have the steering`, async () => {
          const p = await part.query(progressQuery);
          return p.pendingInstructions === 1 && p.paused;
        });
      }
      expect(await handle.executeUpdate(resumeUpdate)).toMatchObject({ changed: true, forwardedToChildren: 2 });
      parts.open();
      expect((await handle.result()).outcome).toBe('completed');
    });
  });

  // -- model escalation --

  it.concurrent('escalate_model moves the next agent run one tier up, and never past the strongest', async () => {
    const s = scenario();
    const { agentGate, stubs } = agentGated(s);
    await s.run(stubs, async ({ startLoop }) => {
      const handle = await startLoop(workLoopInput('escalated', { tiers: TIERS.slice(1) }));
      await agentGate.reached;
      await handle.signal(escalateModelSignal);
      await handle.signal(escalateModelSignal);
      await until('the escalation', async () => (await handle.query(progressQuery)).model.tier === 1);
      agentGate.open();

      const result: WorkLoopResult = await handle.result();
      expect(s.calls.of('runAgent').map((r) => r.model)).toEqual(['medium', 'large']);
      // Two signals and one tier to go up: one escalation, made while the first agent run was running.
      expect(result.escalations).toEqual([{ afterIteration: 0, fromTier: 0, toTier: 1, reason: 'signal' }]);
      expect(result.model).toEqual({ provider: 'stub', model: 'large', tier: 1 });
    });
  });

  it.concurrent(
    'escalate_after failed agent runs in a row move up a tier, up to the strongest, until max_iterations ends the run',
    async () => {
      const s = scenario();
      const stubs: Partial<StubActivities> = {
        runAgent: (input) => agentRun(input, { ok: false, exitCode: 1, changedFiles: [], summary: 'crashed' }),
      };
      await s.run(stubs, async ({ startLoop }) => {
        const handle = await startLoop(workLoopInput('auto-escalated', { maxIterations: 6, escalation: { escalateAfter: 2 } }));
        const failure = await failureOfRun(handle);
        expect(failure.type).toBe('MaxIterationsReached');
        expect(failure.message).toBe('the checks still fail after 6 of 6 iterations; the last agent run failed with exit code 1');
        expect(s.calls.of('runAgent').map((r) => r.model)).toEqual(['small', 'small', 'medium', 'medium', 'large', 'large']);
        const partial = failure.details[0] as WorkLoopResult;
        expect(partial.escalations).toEqual([
          { afterIteration: 2, fromTier: 0, toTier: 1, reason: 'consecutive_failures' },
          { afterIteration: 4, fromTier: 1, toTier: 2, reason: 'consecutive_failures' },
        ]);
        expect(partial.model).toEqual({ provider: 'stub', model: 'large', tier: 2 });
      });
    },
  );

  // -- limits --

  it.concurrent('ends MaxIterationsReached after max_iterations when the checks never pass, with the partial result', async () => {
    const s = scenario();
    await s.run({ runChecks: checksPassFrom(Infinity) }, async ({ startLoop }) => {
      const handle = await startLoop(workLoopInput('hopeless', { maxIterations: 3 }));
      const failure = await failureOfRun(handle);
      expect(failure.type).toBe('MaxIterationsReached');
      expect(failure.message).toBe('the checks still fail after 3 of 3 iterations');
      const partial = failure.details[0] as WorkLoopResult;
      expect(partial).toMatchObject({ outcome: 'incomplete', iterations: 3, changedFiles: ['src/math.js'] });
      expect(partial.finalChecks?.passing).toBe(false);
      expect(partial.cost.usd).toBeCloseTo(0.3);
      expect(s.calls.of('runAgent')).toHaveLength(3);
      expect(await handle.query(currentStateQuery)).toBe('failed');
    });
  });

  it.concurrent('ends BudgetExceeded once max_cost_usd is spent, without another agent run, with the partial result', async () => {
    const s = scenario();
    const stubs: Partial<StubActivities> = {
      runAgent: (input) => agentRun(input, { cost: { usd: 0.3, inputTokens: 3000, outputTokens: 300 } }),
      runChecks: checksPassFrom(Infinity),
    };
    await s.run(stubs, async ({ startLoop }) => {
      const handle = await startLoop(workLoopInput('costly', { maxIterations: 10, budget: { maxCostUsd: 0.5 } }));
      const failure = await failureOfRun(handle);
      expect(failure.type).toBe('BudgetExceeded');
      expect(failure.message).toBe('the agent cost $0.60, reaching the budget of $0.50');
      const partial = failure.details[0] as WorkLoopResult;
      expect(partial).toMatchObject({ outcome: 'incomplete', iterations: 2 });
      expect(partial.cost).toEqual({ usd: 0.6, inputTokens: 6000, outputTokens: 600 });
      expect(s.calls.of('runAgent')).toHaveLength(2);
    });
  });

  it.concurrent('ends BudgetExceeded once the wall-clock budget is used up, with the partial result', async () => {
    const s = scenario();
    const stubs: Partial<StubActivities> = {
      runAgent: async (input) => {
        await sleep(3_000);
        return agentRun(input);
      },
      runChecks: checksPassFrom(Infinity),
    };
    await s.run(stubs, async ({ startLoop }) => {
      const handle = await startLoop(workLoopInput('slow', { maxIterations: 10, budget: { maxDurationMs: 3_000 } }));
      const failure = await failureOfRun(handle);
      expect(failure.type).toBe('BudgetExceeded');
      expect(failure.message).toMatch(/^the run took \d+ s, reaching its limit of 3 s$/);
      expect(failure.details[0]).toMatchObject({ outcome: 'incomplete', iterations: 1 });
      expect(s.calls.of('runAgent')).toHaveLength(1);
    });
  });

  // -- continue-as-new --

  it.concurrent(
    'continue-as-new carries the iteration, queued instructions, cost and escalations into the next run, and the queries keep answering',
    async () => {
      const s = scenario();
      const gates: Record<number, Gate> = { 1: s.gate(), 2: s.gate() };
      const stubs: Partial<StubActivities> = {
        runAgent: async (input) => {
          await gates[input.iteration]?.pass();
          return agentRun(input);
        },
        runChecks: checksPassFrom(3),
      };
      await s.run(stubs, async ({ startLoop, client }) => {
        // So few history events that every iteration boundary continues as new.
        const handle = await startLoop(workLoopInput('long', { continueAsNew: { maxHistoryEvents: 20 } }));
        await gates[1]!.reached;
        await handle.signal(injectInstructionSignal, 'Keep the public API.');
        await handle.signal(escalateModelSignal);
        const before = await until('the steering to be applied', async () => {
          const p = await handle.query(progressQuery);
          return p.pendingInstructions === 1 && p.model.tier === 1 ? p : null;
        });
        const runBefore = (await handle.describe()).runId;
        gates[1]!.open();

        await gates[2]!.reached;
        // Another run of the chain now, which answers for all of it.
        expect((await handle.describe()).runId).not.toBe(runBefore);
        const after = await handle.query(progressQuery);
        expect(after).toMatchObject({ state: 'apply_patch', iteration: 1, pendingInstructions: 0, startedAt: before.startedAt });
        expect(after.cost.usd).toBeCloseTo(0.1);
        expect(after.model).toEqual({ provider: 'stub', model: 'medium', tier: 1 });
        expect(await handle.query(iterationCountQuery)).toBe(1);
        expect(s.calls.of('createPrompt').map((p) => p.instructions)).toEqual([[], ['Keep the public API.']]);
        gates[2]!.open();

        const result: WorkLoopResult = await handle.result();
        expect(result.outcome).toBe('completed');
        expect(result.iterations).toBe(3);
        expect(result.cost.usd).toBeCloseTo(0.3);
        expect(result.escalations).toEqual([{ afterIteration: 0, fromTier: 0, toTier: 1, reason: 'signal' }]);
        expect(s.calls.of('createPrompt').map((p) => p.instructions)).toEqual([[], ['Keep the public API.'], []]);
        expect(s.calls.of('runAgent').map((r) => r.model)).toEqual(['small', 'medium', 'medium']);
        // One workspace for the whole chain.
        expect(s.calls.of('prepareWorkspace')).toHaveLength(1);
        expect((await client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).describe()).status.name).toBe(
          'CONTINUED_AS_NEW',
        );
        expect(await handle.query(iterationCountQuery)).toBe(3);
      });
    },
  );

  it.concurrent(
    'a session’s reported totals are carried across continue-as-new, so each run of the session counts only its own part',
    async () => {
      const s = scenario();
      // A CLI that reports the whole session's figures (claude, codex): 1000 input tokens a run, cumulative.
      const totalsAfter = (n: number): CostSummary => ({ usd: 0.01 * n, inputTokens: 1000 * n, outputTokens: 100 * n });
      const stubs: Partial<StubActivities> = {
        runAgent: (input) => {
          const totals = totalsAfter(input.iteration);
          const previous = input.sessionTotals ?? { usd: 0, inputTokens: 0, outputTokens: 0 };
          const cost = {
            usd: totals.usd - previous.usd,
            inputTokens: totals.inputTokens - previous.inputTokens,
            outputTokens: totals.outputTokens - previous.outputTokens,
          };
          return agentRun(input, { sessionId: 'session-1', sessionTotals: totals, cost });
        },
        runChecks: checksPassFrom(3),
      };
      await s.run(stubs, async ({ startLoop, client }) => {
        const handle = await startLoop(workLoopInput('totals', { continueAsNew: { maxHistoryEvents: 20 } }));
        const result: WorkLoopResult = await handle.result();
        expect(result.iterations).toBe(3);
        expect(s.calls.of('runAgent').map((r) => [r.sessionId, r.sessionTotals])).toEqual([
          [undefined, undefined],
          ['session-1', totalsAfter(1)],
          ['session-1', totalsAfter(2)],
        ]);
        expect(result.cost.inputTokens).toBe(3000);
        expect(result.cost.usd).toBeCloseTo(0.03);
        expect((await client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).describe()).status.name).toBe(
          'CONTINUED_AS_NEW',
        );
      });
    },
  );

  // -- the parts of a decomposed issue --

  it.concurrent("a failing part fails the issue run with the part's own failure type, and the other part is cancelled", async () => {
    const s = scenario({ subTasks: TWO_PARTS });
    const firstPart = s.gate();
    const stubs: Partial<StubActivities> = {
      runAgent: async (input) => {
        if (input.workspace.endsWith('.sub-1')) await firstPart.pass();
        return agentRun(input);
      },
      // The second part's checks never pass.
      runChecks: (input) => checkResults(input, !input.workspace.endsWith('.sub-2')),
    };
    await s.run(stubs, async ({ startIssue, client }) => {
      const handle = await startIssue(issueInput({ maxIterations: 1 }));
      const failure = await failureOfRun(handle);
      expect(failure.type).toBe('MaxIterationsReached');
      expect(failure.message).toBe(
        'sub-task 2 "Second part" failed: the part is not done after 1 of 1 iterations: ' +
          'it broke something that passed when it started: test (the whole check)',
      );
      expect((failure.details[0] as IssueToPrResult).outcome).toBe('incomplete');
      expect(await handle.query(currentStateQuery)).toBe('failed');
      // The part that failed says so; the other, cancelled with the run, is no longer shown running.
      expect((await handle.query(progressQuery)).children.map((c) => c.state)).toEqual(['cancelled', 'failed']);
      const part = (n: number) => client.workflow.getHandle(`${handle.workflowId}.sub-${n}`);
      expect((await part(2).describe()).status.name).toBe('FAILED');
      await until('the first part to be cancelled', async () => (await part(1).describe()).status.name === 'CANCELLED');
      expect(await part(1).query(currentStateQuery)).toBe('cancelled');
      expect(s.calls.names()).not.toContain('mergeBranches');
      expect(s.calls.names()).not.toContain('createPullRequest');
    });
  });

  it.concurrent('a part may spend only its share of the budget: the rest is kept for the merge and the final loop', async () => {
    const s = scenario({ subTasks: TWO_PARTS });
    const stubs: Partial<StubActivities> = {
      // The second part never says it is done; each agent run costs $0.10.
      runAgent: (input) => agentRun(input, { completionMarker: input.workspace.endsWith('.sub-1') }),
      runChecks: (input) => checkResults(input, input.workspace.endsWith('.sub-1')),
    };
    await s.run(stubs, async ({ startIssue }) => {
      const handle = await startIssue(issueInput({ budget: { maxCostUsd: 0.3, partsShare: 0.5 } }));
      const failure = await failureOfRun(handle);
      // Together the parts may spend $0.15 of the $0.30: $0.075 each, which one agent run uses up.
      expect(failure.type).toBe('BudgetExceeded');
      expect(failure.message).toBe('sub-task 2 "Second part" failed: the agent cost $0.10, reaching the budget of $0.07');
      expect(s.calls.of('runAgent').filter((c) => c.workspace.endsWith('.sub-2'))).toHaveLength(1);
      const progress = await handle.query(progressQuery);
      expect(progress.decomposition).toMatchObject({ partsBudgetUsd: 0.15, ownIterations: 0 });
    });
  });

  it.concurrent('a part that changed nothing and removed no failure fails the issue run', async () => {
    const s = scenario({ subTasks: TWO_PARTS });
    const stubs: Partial<StubActivities> = {
      runAgent: (input) =>
        agentRun(input, {
          completionMarker: true,
          // The second part's agent says it is done without touching anything.
          ...(input.workspace.endsWith('.sub-2') ? { changedFiles: [] } : {}),
        }),
      runChecks: (input) => checkResults(input, input.workspace.endsWith('.sub-1')),
    };
    await s.run(stubs, async ({ startIssue }) => {
      const failure = await failureOfRun(await startIssue(issueInput()));
      expect(failure.type).toBe('SubIssueFailed');
      expect(failure.message).toBe('sub-task 2 "Second part" changed nothing and removed no failure');
      expect(s.calls.names()).not.toContain('mergeBranches');
    });
  });

  it.concurrent('cancelling an issue run cancels its running parts, and every run says cancelled', async () => {
    const s = scenario({ subTasks: TWO_PARTS });
    const parts = s.gate();
    const bothRunning = s.gate();
    let agentRuns = 0;
    const stubs: Partial<StubActivities> = {
      runAgent: async (input) => {
        if (++agentRuns === 2) void bothRunning.pass();
        await parts.pass();
        return agentRun(input);
      },
    };
    await s.run(stubs, async ({ startIssue, client }) => {
      const handle = await startIssue(issueInput());
      await bothRunning.reached;
      const progress = await handle.query(progressQuery);
      expect(progress.state).toBe('awaiting_children');
      // Listed in the order of the plan, whichever part started first.
      expect(progress.children.map((c) => [c.subIssueId, c.title, c.state])).toEqual([
        ['1', 'First part', 'running'],
        ['2', 'Second part', 'running'],
      ]);

      await handle.cancel();
      expect(await causeOfEnd(handle)).toBe('CancelledFailure');
      expect((await handle.describe()).status.name).toBe('CANCELLED');
      expect(await handle.query(currentStateQuery)).toBe('cancelled');
      for (const n of [1, 2]) {
        const part = client.workflow.getHandle(`${handle.workflowId}.sub-${n}`);
        await until(`part ${n} to be cancelled`, async () => (await part.describe()).status.name === 'CANCELLED');
        expect(await part.query(currentStateQuery)).toBe('cancelled');
      }
      expect(s.calls.names()).not.toContain('mergeBranches');
    });
  });

  // -- cancellation --

  it.concurrent('a run cancelled during an agent run ends Cancelled, and current_state says cancelled', async () => {
    const s = scenario();
    const agentGate = s.gate();
    const stubs: Partial<StubActivities> = {
      runAgent: async (input) => {
        await agentGate.pass();
        return agentRun(input);
      },
    };
    await s.run(stubs, async ({ startLoop }) => {
      const handle = await startLoop(workLoopInput('cancelled'));
      await agentGate.reached;
      await handle.cancel();
      expect(await causeOfEnd(handle)).toBe('CancelledFailure');
      expect((await handle.describe()).status.name).toBe('CANCELLED');
      expect(await handle.query(currentStateQuery)).toBe('cancelled');
      expect((await handle.query(progressQuery)).state).toBe('cancelled');
      // Nothing ran after the cancelled agent run: no checks of its iteration, no checkpoint.
      expect(s.calls.names().at(-1)).toBe('runAgent');
    });
  });

  it.concurrent('a run cancelled while paused ends Cancelled, and current_state says cancelled', async () => {
    const s = scenario();
    await s.run({}, async ({ startLoopPaused }) => {
      const handle = await startLoopPaused(workLoopInput('cancelled-paused'));
      await until('the run to hold', async () => (await handle.query(currentStateQuery)) === 'paused');
      await handle.cancel();
      expect(await causeOfEnd(handle)).toBe('CancelledFailure');
      expect(await handle.query(currentStateQuery)).toBe('cancelled');
      expect(s.calls.names()).toEqual([]);
    });
  });

  // -- a workspace lost under the run --

  const LOST = "the run's workspace /stub/worktrees/x was deleted";

  it.concurrent.each<[ActivityName, 'WorkLoopWorkflow' | 'IssueToPrWorkflow']>([
    ['prepareWorkspace', 'WorkLoopWorkflow'],
    ['runAgent', 'WorkLoopWorkflow'],
    ['recordCheckpoint', 'WorkLoopWorkflow'],
    ['createPullRequest', 'IssueToPrWorkflow'],
    ['mergeBranches', 'IssueToPrWorkflow'],
  ])('WorkspaceLost from %s ends the %s run with that type, without a retry', async (activity, workflowType) => {
    const s = scenario({ subTasks: activity === 'mergeBranches' ? TWO_PARTS : [] });
    const lost = (): never => {
      throw ApplicationFailure.nonRetryable(LOST, 'WorkspaceLost');
    };
    await s.run({ [activity]: lost }, async ({ startLoop, startIssue }) => {
      const handle =
        workflowType === 'WorkLoopWorkflow' ? await startLoop(workLoopInput(`lost-${activity}`)) : await startIssue(issueInput());
      const failure = await failureOfRun(handle);
      expect(failure.type).toBe('WorkspaceLost');
      expect(failure.message).toBe(LOST);
      expect(failure.details[0]).toMatchObject({ outcome: 'incomplete' });
      expect(s.calls.of(activity)).toHaveLength(1);
      expect(await handle.query(currentStateQuery)).toBe('failed');
    });
  });
});
