// The fix-forward loop — prompt, agent, checks, diagnosis, again — and the steering every AIDP
// workflow shares: the four signals and the updates that acknowledge them, the four queries, pause at
// safe points, model tiers, budgets, checkpoints and continue-as-new. WorkLoopWorkflow is this loop on
// one step; IssueToPrWorkflow and SubIssueWorkflow run the same loop on an issue or a sub-task.
//
// What a run knows is one plain value (`RunState`), changed only through the pure transitions of
// run-state.ts; this file is the Temporal side around it: activity proxies, handlers, conditions,
// child handles, logs and metrics. Runs in Temporal's sandbox: only @temporalio/workflow and pure
// modules of this package may be imported, and every decision comes from the state, so a replay takes
// exactly the same path.
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  isCancellation,
  log,
  metricMeter,
  proxyActivities,
  setHandler,
  workflowInfo,
  type ChildWorkflowHandle,
  type SignalDefinition,
  type Workflow,
} from '@temporalio/workflow';
import {
  ACTIVITY_FAILURES,
  currentStateQuery,
  escalateModelSignal,
  injectInstructionSignal,
  isActivityFailureType,
  iterationCountQuery,
  pauseSignal,
  progressQuery,
  resumeSignal,
  runFailureFor,
  testResultsQuery,
  pauseUpdate,
  resumeUpdate,
  queueInstructionUpdate,
  escalateModelUpdate,
  STEERING_REFUSED,
  validateInstruction,
  type AidpActivities,
  type CheckSpec,
  type ChecksBaseline,
  type Escalation,
  type EscalationAck,
  type InstructionAck,
  type PauseAck,
  type ResumeAck,
  type LoopSettings,
  type ModelSelection,
  type PrepareWorkspaceResult,
  type Progress,
  type ProgressSubject,
  type RunAgentResult,
  type RunFailureType,
  type RunState,
  type TestResults,
  type PartGoal,
  type WorkLoopCarriedState,
  type WorkflowPhase,
  type WorkspaceMode,
} from './contracts/index.js';
import { baselineOf, judgePart, partDiagnosis, partRule, type PartGoalSpec } from './part-goal.js';
import { NO_COST, activityRetryPolicy, failedRequiredChecks, goalReached, shouldContinueAsNew, stopReason } from './loop-decisions.js';
import {
  agentRan,
  carriedOver,
  checkpointed,
  checksRan,
  currentModel,
  diagnosed,
  escalated,
  initialRunState,
  initiallyDiagnosed,
  instructionQueued,
  instructionsDelivered,
  partJudged,
  pauseRequested,
  phaseEntered,
  progressOf,
  resumeRequested,
  totalIterations,
  workspacePrepared,
  type Transition,
} from './run-state.js';

// Time kept in reserve before the run timeout, beyond the longest activity (see shouldContinueAsNew).
const DEFAULT_RUN_MARGIN_MS = 60_000;
// Time an agent or check activity may take beyond the process's own timeout (spawn, logs, git status).
const ACTIVITY_SLACK_MS = 60_000;

/** Which workflow runs the loop, and on what: answered in `progress`. */
export interface RunIdentity {
  workflowType: Progress['workflowType'];
  subject: ProgressSubject;
}

/** What one loop works on. */
export interface LoopTask {
  /** The prompt's title and the checkpoint commits' prefix. */
  stepName: string;
  task: string;
  context?: string;
}

/** The workspace a run prepared (kept in carried state). */
export type Workspace = PrepareWorkspaceResult;

/**
 * One run's state and steering. A workflow creates one, registers its handlers first thing, and then
 * drives phases of its own around `prepare`, `initialChecks` and `loop`. Its state is read through
 * `state`, and changed only by `apply` with a transition of run-state.ts.
 */
export class FixForwardRun {
  readonly quick: ReturnType<typeof proxyActivities<AidpActivities>>;
  /** Activities that run the agent (the loop's, planning, merge conflicts): the agent's timeout. */
  readonly agentic: ReturnType<typeof proxyActivities<AidpActivities>>;
  readonly runChecks: AidpActivities['runChecks'];
  readonly agentTimeoutMs: number;
  readonly checksTimeoutMs: number;
  readonly tiers: LoopSettings['tiers'];

  /** What the run knows. Replaced, never mutated. */
  private current: RunState;
  /** Running children that steering is forwarded to while this run waits for them. */
  readonly runningChildren = new Map<string, ChildWorkflowHandle<Workflow>>();
  /** The partial result a failure carries in its details. */
  partialResult: () => unknown = () => null;

  private readonly metrics = {
    iterations: metricMeter.createCounter('aidp_iterations', 'iterations', 'Agent iterations completed'),
    tokens: metricMeter.createCounter('aidp_agent_tokens', 'tokens', 'Tokens the agent reported, by direction'),
    // Temporal's counters are integers; the cost total is this histogram's _sum.
    cost: metricMeter.createHistogram('aidp_agent_cost_usd', 'float', 'USD', 'Cost the agent reported per iteration'),
    checkFailures: metricMeter.createCounter('aidp_check_failures', 'checks', 'Required checks that failed'),
    escalations: metricMeter.createCounter('aidp_escalations', 'escalations', 'Model tier escalations, by reason'),
  };

  constructor(
    readonly settings: LoopSettings,
    readonly identity: RunIdentity,
    carried?: WorkLoopCarriedState,
  ) {
    const retry = settings.activities.retry;
    const base = {
      startToCloseTimeout: settings.activities.startToCloseTimeout,
      scheduleToCloseTimeout: settings.activities.scheduleToCloseTimeout,
      heartbeatTimeout: settings.activities.heartbeatTimeout,
      retry: {
        ...activityRetryPolicy(retry),
        nonRetryableErrorTypes: [ACTIVITY_FAILURES.AgentNotFound, ACTIVITY_FAILURES.AgentAuthFailed],
      },
    };
    this.checksTimeoutMs = settings.checks.reduce((sum, c) => sum + c.timeoutMs, 0) + ACTIVITY_SLACK_MS;
    this.agentTimeoutMs = settings.agent.timeoutMs + ACTIVITY_SLACK_MS;
    // Long activities get room for their own timeouts; the schedule-to-close bound keeps retries finite.
    const long = (ms: number) => ({
      ...base,
      startToCloseTimeout: Math.max(base.startToCloseTimeout, ms),
      // maximumAttempts 0 means unlimited; the bound then allows three attempts' worth.
      scheduleToCloseTimeout: Math.max(base.scheduleToCloseTimeout, ms * (retry.maximumAttempts > 0 ? retry.maximumAttempts : 3)),
    });
    this.quick = proxyActivities<AidpActivities>(base);
    this.agentic = proxyActivities<AidpActivities>(long(this.agentTimeoutMs));
    this.runChecks = proxyActivities<AidpActivities>(long(this.checksTimeoutMs)).runChecks;
    this.tiers = settings.tiers.length > 0 ? settings.tiers : [{ provider: settings.agent.provider, model: 'default' }];
    this.current = initialRunState(carried, this.tiers.length, nowIso());
  }

  /** What the run knows now. */
  get state(): RunState {
    return this.current;
  }

  /** Moves the run to its next state through a transition of run-state.ts. */
  apply(transition: (state: RunState) => RunState): RunState {
    this.current = transition(this.current);
    return this.current;
  }

  /** Applies a transition that may escalate the model tier, and records the escalation if it did. */
  private applyEscalating(transition: (state: RunState) => Transition): void {
    const { state, escalation } = transition(this.current);
    this.current = state;
    if (escalation) this.escalationRecorded(escalation);
  }

  private escalationRecorded(escalation: Escalation): void {
    log.info('model tier escalated', { ...escalation, model: this.tiers[escalation.toTier]!.model });
    this.metrics.escalations.add(1, { reason: escalation.reason });
  }

  // ---- steering ----

  /**
   * The four signals, the four updates that acknowledge the same requests, and the four queries; call
   * before the first `await`. A signal and its update share one transition, so either way the run does
   * the same. The update handlers answer at once and never wait: a handler that waited for the run to
   * hold would hold up continue-as-new (which waits for every handler) and the run's own end.
   */
  registerHandlers(): void {
    setHandler(pauseSignal, () => void this.requestPause());
    setHandler(resumeSignal, () => void this.requestResume());
    setHandler(injectInstructionSignal, (text) => void this.queueInstruction(String(text)));
    setHandler(escalateModelSignal, () => void this.requestEscalation());
    setHandler(pauseUpdate, () => this.requestPause());
    setHandler(resumeUpdate, () => this.requestResume());
    // The validator runs before anything is recorded: a refused instruction leaves no trace in history.
    setHandler(queueInstructionUpdate, (text) => this.queueInstruction(text), {
      validator: (text) => {
        const problem = typeof text === 'string' ? validateInstruction(text) : `is not text (${typeof text})`;
        if (problem) throw ApplicationFailure.create({ type: STEERING_REFUSED, message: `instruction ${problem}`, nonRetryable: true });
      },
    });
    setHandler(escalateModelUpdate, () => this.requestEscalation());
    setHandler(currentStateQuery, () => this.state.phase);
    setHandler(iterationCountQuery, () => totalIterations(this.state));
    setHandler(testResultsQuery, () => this.state.lastResults);
    setHandler(progressQuery, () => this.progress());
  }

  // The workflow `log` is not called again on replay, so each request is logged once.

  private requestPause(): PauseAck {
    const changed = !this.state.paused;
    if (changed)
      log.info('pause requested: the run holds at the next safe point', { iteration: this.state.iteration, phase: this.state.phase });
    this.apply((s) => pauseRequested(s, nowIso()));
    const forwardedToChildren = this.forward(pauseSignal);
    return { held: this.state.phase === 'paused', phase: this.state.phase, changed, forwardedToChildren };
  }

  private requestResume(): ResumeAck {
    const changed = this.state.paused;
    if (changed) log.info('resumed', { iteration: this.state.iteration, phase: this.state.phase });
    this.apply((s) => resumeRequested(s, nowIso()));
    const forwardedToChildren = this.forward(resumeSignal);
    return { phase: this.state.phase, changed, forwardedToChildren };
  }

  private queueInstruction(text: string): InstructionAck {
    // While children do the work, the instruction is theirs; otherwise the next prompt carries it.
    const forwardedToChildren = this.forward(injectInstructionSignal, text);
    if (forwardedToChildren === 0) this.apply((s) => instructionQueued(s, text, nowIso()));
    else this.touch();
    const pending = this.state.pendingInstructions.length;
    // Instructions are prompt text: logged by count, never by content.
    log.info('instruction queued for the next agent run', { pending, forwardedToChildren });
    return { position: forwardedToChildren === 0 ? pending : null, pending, forwardedToChildren };
  }

  private requestEscalation(): EscalationAck {
    const before = this.state.tier;
    this.escalate('signal');
    const forwardedToChildren = this.forward(escalateModelSignal);
    return { escalated: this.state.tier !== before, model: this.model(), tiers: this.tiers.length, forwardedToChildren };
  }

  /** Sends a signal to every running child; how many it went to (0 when none runs). */
  private forward<Args extends unknown[]>(signal: SignalDefinition<Args>, ...args: Args): number {
    for (const [id, child] of this.runningChildren) {
      child
        .signal(signal, ...args)
        .catch((err: unknown) => log.warn('could not forward a signal to a child', { child: id, signal: signal.name, error: String(err) }));
    }
    return this.runningChildren.size;
  }

  progress(): Progress {
    return progressOf(this.state, { ...this.identity, maxIterations: this.settings.maxIterations, tiers: this.tiers });
  }

  touch(): void {
    this.apply((s) => ({ ...s, updatedAt: nowIso() }));
  }

  setPhase(next: WorkflowPhase): void {
    this.apply((s) => phaseEntered(s, next, nowIso()));
  }

  /** A safe point between activities: a pause holds here, with no timer, until resume. */
  async safePoint(): Promise<void> {
    if (!this.state.paused) return;
    const was = this.state.phase;
    this.setPhase('paused');
    await condition(() => !this.state.paused);
    this.setPhase(was);
  }

  model(): ModelSelection {
    return currentModel(this.state, this.tiers);
  }

  escalate(reason: Escalation['reason']): void {
    const { state, escalation } = escalated(this.state, reason, this.tiers.length, nowIso());
    if (!escalation) {
      log.info('escalation requested but already on the strongest model tier', { tier: this.state.tier, reason });
      return;
    }
    this.current = state;
    this.escalationRecorded(escalation);
  }

  /** Ends the run as failed: a non-retryable failure whose type names the reason. */
  fail(type: RunFailureType, message: string): never {
    this.setPhase('failed');
    const kind = { WorkLoopWorkflow: 'work loop', IssueToPrWorkflow: 'issue run', SubIssueWorkflow: 'sub-issue run' }[
      this.identity.workflowType
    ];
    log.warn(`${kind} failed`, { reason: type, iterations: totalIterations(this.state), costUsd: this.state.cost.usd });
    throw ApplicationFailure.create({ type, message, nonRetryable: true, details: [this.partialResult()] });
  }

  /**
   * Runs an activity call; when it fails non-retryably for a reason that ends the run (see
   * `runFailureFor`), the run fails with that reason — or with `as`, when given — and the activity's
   * message (after `what`, when given, for the `as` case). Other failures propagate as they are.
   */
  async guard<T>(call: () => Promise<T>, as?: RunFailureType, what?: string): Promise<T> {
    try {
      return await call();
    } catch (err) {
      const cause = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : undefined;
      if (cause?.nonRetryable) {
        const reason = isActivityFailureType(cause.type) ? runFailureFor(cause.type) : null;
        // The agent and the workspace name their own reason; otherwise the caller's, when it gives one.
        const own = reason === 'AgentUnavailable' || reason === 'WorkspaceLost';
        const type = own ? reason : (as ?? reason);
        if (type) this.fail(type, !own && as && what ? `${what}: ${cause.message}` : cause.message);
      }
      throw err;
    }
  }

  // ---- phases ----

  /** Runs a workflow's phases: a run that is cancelled ends in phase `cancelled`. */
  async phases<T>(body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (err) {
      if (isCancellation(err)) this.setPhase('cancelled');
      throw err;
    }
  }

  async prepare(request: {
    projectDir: string;
    branch: string;
    mode: WorkspaceMode;
    startPoint?: string;
  }): Promise<PrepareWorkspaceResult> {
    await this.safePoint();
    const workspace = await this.guard(() =>
      this.quick.prepareWorkspace({
        projectDir: request.projectDir,
        workflowId: workflowInfo().workflowId,
        branch: request.branch,
        mode: request.mode,
        ...(request.startPoint ? { startPoint: request.startPoint } : {}),
      }),
    );
    if (workspace.continuedFrom) {
      log.info('continuing the branch of an earlier run', {
        branch: request.branch,
        continuedFrom: workspace.continuedFrom,
        baseCommit: workspace.baseCommit,
      });
    }
    this.apply((s) => workspacePrepared(s, workspace, nowIso()));
    return workspace;
  }

  /** Runs the checks before any change; true when they already pass (a diagnosis is kept otherwise). */
  async initialChecks(): Promise<boolean> {
    const ws = this.state.workspace!;
    if (this.settings.checks.length === 0) return false;
    await this.safePoint();
    const results = await this.runChecks({ workspace: ws.workspace, runDir: ws.runDir, iteration: 0, checks: this.settings.checks });
    this.apply((s) => checksRan(s, results, nowIso()));
    if (results.passing) return true;
    const diagnosis = await this.quick.diagnoseFailure({ iteration: 0, results });
    this.apply((s) => initiallyDiagnosed(s, diagnosis));
    return false;
  }

  /** A full run of every check on the workspace as it is (the issue flow's `testing` phase). */
  async finalChecks(): Promise<TestResults | null> {
    if (this.settings.checks.length === 0) return this.state.lastResults;
    const results = await this.checksOn(this.settings.checks);
    this.apply((s) => checksRan(s, results, nowIso()));
    if (!results.passing) {
      const diagnosis = await this.quick.diagnoseFailure({ iteration: this.state.iteration, results });
      this.apply((s) => initiallyDiagnosed(s, diagnosis));
    }
    return results;
  }

  /** The checks as they are before the parts start, for the parts to judge themselves by (empty: none configured). */
  async baseline(): Promise<ChecksBaseline> {
    if (this.settings.checks.length === 0) return { checks: [] };
    const results = await this.checksOn(this.settings.checks, { itemise: true });
    this.apply((s) => checksRan(s, results, nowIso()));
    return baselineOf(results);
  }

  /**
   * Judges this run as a part of a decomposed run (see part-goal.ts): its own checks when it has some,
   * then every check against the baseline. The verdict is kept in the state; a part that is not done
   * gets a diagnosis for its next prompt. True when it is done.
   */
  async judgePart(part: PartGoalSpec, reportedComplete: boolean): Promise<boolean> {
    let partChecks: TestResults | null = null;
    if (part.checks.length > 0) {
      partChecks = await this.checksOn(part.checks);
      this.apply((s) => checksRan(s, partChecks!, nowIso()));
      if (!partChecks.passing) {
        const verdict = this.judged(part, { partChecks, all: null, reportedComplete });
        await this.diagnose(verdict);
        return false;
      }
    }
    const all = this.settings.checks.length > 0 ? await this.checksOn(this.settings.checks, { itemise: true }) : null;
    if (all) {
      this.metrics.checkFailures.add(failedRequiredChecks(all).length);
      this.apply((s) => checksRan(s, all, nowIso()));
    }
    const verdict = this.judged(part, { partChecks, all, reportedComplete });
    if (!verdict.met && all && !all.passing) await this.diagnose(verdict);
    return verdict.met;
  }

  private judged(part: PartGoalSpec, runs: Parameters<typeof judgePart>[1]): PartGoal {
    const verdict = judgePart(part, runs);
    this.apply((s) => partJudged(s, verdict, nowIso()));
    log.info('part judged', {
      rule: verdict.rule,
      met: verdict.met,
      removed: verdict.removed.length,
      left: verdict.left.length,
      broken: verdict.broken.length,
    });
    return verdict;
  }

  /** One run of the given checks on the workspace; `itemise` when its failures are compared (see RunChecksInput). */
  private async checksOn(checks: CheckSpec[], options: { itemise?: boolean } = {}): Promise<TestResults> {
    const ws = this.state.workspace!;
    await this.safePoint();
    return await this.runChecks({
      workspace: ws.workspace,
      runDir: ws.runDir,
      iteration: this.state.iteration,
      checks,
      ...(options.itemise ? { itemise: true } : {}),
    });
  }

  async checkpoint(reason: 'interval' | 'final', summary: string, mode: WorkspaceMode): Promise<void> {
    const ws = this.state.workspace!;
    await this.safePoint();
    const { commit } = await this.guard(() =>
      this.quick.recordCheckpoint({
        workspace: ws.workspace,
        runDir: ws.runDir,
        workflowId: workflowInfo().workflowId,
        iteration: this.state.iteration,
        mode,
        summary,
        passing: this.state.lastResults?.passing ?? null,
        reason,
      }),
    );
    this.apply((s) => checkpointed(s, commit));
  }

  /** Everything the loop carries across continue-as-new: its state, as the next run starts from it. */
  snapshot(): WorkLoopCarriedState {
    return carriedOver(this.state);
  }

  /**
   * The loop itself: iterations until the goal is reached (then the final checkpoint) or a limit
   * stops it with a failure. Before each iteration it may continue-as-new through `continueAsNew`,
   * which the workflow implements with its own input (it never returns).
   */
  async loop(
    task: LoopTask,
    options: {
      mode: WorkspaceMode;
      continueAsNew: (state: WorkLoopCarriedState) => Promise<never>;
      /** A part of a decomposed run: done by its own goal, not by every check passing. */
      part?: PartGoalSpec;
    },
  ): Promise<void> {
    const budget = this.settings.budget;
    for (;;) {
      const state = this.state;
      const stop = stopReason({
        iteration: state.iteration,
        maxIterations: this.settings.maxIterations,
        costUsd: state.cost.usd,
        maxCostUsd: budget?.maxCostUsd,
        elapsedMs: nowMs() - Date.parse(state.startedAt),
        maxDurationMs: budget?.maxDurationMs,
        completionByMarker: this.settings.checks.length === 0,
        ...(options.part && state.part?.pending ? { partPending: state.part.pending } : {}),
        lastAgentRun: state.previousAgentRun,
        agentTimeoutMs: this.settings.agent.timeoutMs,
      });
      if (stop) this.fail(stop.type, stop.message);

      const current = workflowInfo();
      if (
        shouldContinueAsNew({
          historyLength: current.historyLength,
          continueAsNewSuggested: current.continueAsNewSuggested,
          maxHistoryEvents: this.settings.continueAsNew?.maxHistoryEvents,
          nowMs: nowMs(),
          runStartMs: current.runStartTime.getTime(),
          runTimeoutMs: current.runTimeoutMs,
          reserveMs:
            Math.max(this.agentTimeoutMs, this.checksTimeoutMs) +
            (this.settings.continueAsNew?.runTimeoutMarginMs ?? DEFAULT_RUN_MARGIN_MS),
        })
      ) {
        // Let running signal handlers finish so nothing they changed is lost, then carry everything.
        await condition(allHandlersFinished);
        log.info('continuing as new', {
          iteration: this.state.iteration,
          historyLength: current.historyLength,
          generation: this.state.generation,
        });
        await options.continueAsNew(this.snapshot());
      }

      if (await this.runIteration(task, options.part)) {
        await this.checkpoint('final', `${task.stepName}: done after ${this.state.iteration} iteration(s)`, options.mode);
        return;
      }
      if (this.settings.checkpointInterval > 0 && this.state.iteration % this.settings.checkpointInterval === 0) {
        await this.checkpoint('interval', `iteration ${this.state.iteration}: work in progress`, options.mode);
      }
    }
  }

  private logIteration(agentRun: RunAgentResult, done: boolean): void {
    const { lastResults, iteration, cost } = this.state;
    log.info('iteration finished', {
      iteration,
      agentOk: agentRun.ok,
      exitCode: agentRun.exitCode,
      timedOut: agentRun.timedOut,
      changedFiles: agentRun.changedFiles.length,
      ...(agentRun.ok && this.settings.checks.length > 0
        ? { passing: lastResults?.passing ?? false, failedChecks: failedRequiredChecks(lastResults) }
        : {}),
      goalReached: done,
      costUsd: cost.usd,
    });
  }

  /** One iteration: prompt, agent, checks, diagnosis. True when the goal (a part's own, for a part) is reached. */
  private async runIteration(task: LoopTask, part: PartGoalSpec | undefined): Promise<boolean> {
    const promptPath = await this.writePrompt(task, part);
    const agentRun = await this.runTheAgent(promptPath);
    if (!agentRun.ok) {
      // Fix-forward: a failed agent run counts (see agentRan) and the loop goes on.
      this.logIteration(agentRun, false);
      return false;
    }
    if (part) {
      this.setPhase('test');
      const done = await this.judgePart(part, agentRun.completionMarker);
      this.logIteration(agentRun, done);
      return done;
    }
    await this.runTheChecks();
    const done = goalReached(this.settings.checks, this.state.lastResults, agentRun.completionMarker);
    this.logIteration(agentRun, done);
    if (!done && this.settings.checks.length > 0) await this.diagnose();
    return done;
  }

  /** `initializing`/`next_patch`: the prompt for the next iteration, carrying the queued instructions. */
  private async writePrompt(task: LoopTask, part: PartGoalSpec | undefined): Promise<string> {
    const ws = this.state.workspace!;
    const next = this.state.iteration + 1;
    this.setPhase(next === 1 ? 'initializing' : 'next_patch');
    await this.safePoint();
    // Instructions leave the queue only once the prompt that carries them is written.
    const delivering = [...this.state.pendingInstructions];
    const { promptPath } = await this.quick.createPrompt({
      runDir: ws.runDir,
      workspace: ws.workspace,
      stepName: task.stepName,
      task: task.task,
      context: task.context,
      iteration: next,
      maxIterations: this.settings.maxIterations,
      instructions: delivering,
      diagnosis: this.state.diagnosis,
      previousAgentRun: this.state.previousAgentRun,
      completionByMarker: this.settings.checks.length === 0,
      ...(part ? { part: { rule: partRule(part), checks: part.checks.map((c) => c.command) } } : {}),
    });
    this.apply((s) => instructionsDelivered(s, delivering.length));
    if (delivering.length > 0) log.info('instructions delivered to the agent', { iteration: next, count: delivering.length });
    return promptPath;
  }

  /** `apply_patch`: one agent run on the current tier; its result counted into the state. */
  private async runTheAgent(promptPath: string): Promise<RunAgentResult> {
    const ws = this.state.workspace!;
    const next = this.state.iteration + 1;
    this.setPhase('apply_patch');
    await this.safePoint();
    const { provider, model } = this.tiers[this.state.tier]!;
    log.info('iteration started', { iteration: next, provider, model });
    const session = this.state.session;
    let agentRun: RunAgentResult;
    try {
      agentRun = await this.guard(() =>
        this.agentic.runAgent({
          workspace: ws.workspace,
          runDir: ws.runDir,
          promptPath,
          iteration: next,
          agent: { ...this.settings.agent, provider },
          model,
          // A session continues only with the provider that opened it.
          sessionId: session?.provider === provider ? session.id : undefined,
          ...(session?.provider === provider && session.totals ? { sessionTotals: session.totals } : {}),
        }),
      );
    } catch (err) {
      const cause = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : undefined;
      if (cause?.type !== ACTIVITY_FAILURES.AgentRateLimited) throw err;
      // Still limited after the retries with backoff: a failed iteration, and the loop goes on.
      agentRun = rateLimitedRun(`the agent's provider limited its rate or quota: ${cause.message}`, provider, model);
    }
    const labels = { provider, model };
    this.metrics.iterations.add(1, labels);
    this.metrics.tokens.add(agentRun.cost.inputTokens, { ...labels, direction: 'input' });
    this.metrics.tokens.add(agentRun.cost.outputTokens, { ...labels, direction: 'output' });
    this.metrics.cost.record(agentRun.cost.usd, labels);
    const policy = { provider, escalateAfter: this.settings.escalation.escalateAfter, tierCount: this.tiers.length };
    this.applyEscalating((s) => agentRan(s, agentRun, policy, nowIso()));
    return agentRun;
  }

  /** `test`: the configured checks (none: the agent's completion marker decides). */
  private async runTheChecks(): Promise<void> {
    if (this.settings.checks.length === 0) return;
    this.setPhase('test');
    const results = await this.checksOn(this.settings.checks);
    this.metrics.checkFailures.add(failedRequiredChecks(results).length);
    this.apply((s) => checksRan(s, results, nowIso()));
  }

  /**
   * `diagnose`: what failed (in the latest check run), for the next prompt; for a part, focused by its
   * verdict. No progress for long enough escalates.
   */
  private async diagnose(verdict?: PartGoal): Promise<void> {
    this.setPhase('diagnose');
    await this.safePoint();
    const found = await this.quick.diagnoseFailure({ iteration: this.state.iteration, results: this.state.lastResults! });
    const diagnosis = verdict ? partDiagnosis(found, verdict) : found;
    const policy = { escalateOnNoProgress: this.settings.escalation.escalateOnNoProgress, tierCount: this.tiers.length };
    this.applyEscalating((s) => diagnosed(s, diagnosis, policy, nowIso()));
  }
}

/** A rate-limited agent run that stayed limited through its retries, as a failed run. */
function rateLimitedRun(summary: string, provider: string, model: string): RunAgentResult {
  return {
    ok: false,
    exitCode: null,
    signal: null,
    timedOut: false,
    durationMs: 0,
    summary,
    changedFiles: [],
    completionMarker: false,
    cost: NO_COST,
    provider,
    model,
    logPath: '',
  };
}

/** Workflow time: the sandbox's Date is the time of the current workflow task, the same on replay. */
export function nowMs(): number {
  return new Date().getTime();
}

export function nowIso(): string {
  return new Date(nowMs()).toISOString();
}
