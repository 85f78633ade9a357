// The fix-forward loop — prompt, agent, checks, diagnosis, again — and the steering every AIDP
// workflow shares: the four signals, the four queries, pause at safe points, model tiers, budgets,
// checkpoints and continue-as-new. WorkLoopWorkflow is this loop on one step; IssueToPrWorkflow and
// SubIssueWorkflow run the same loop on an issue or a sub-task. Runs in Temporal's sandbox: only
// @temporalio/workflow and pure modules of this package may be imported, and every decision comes from
// workflow state, so a replay takes exactly the same path.
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
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
  AGENT_AUTH_FAILED,
  AGENT_NOT_FOUND,
  AGENT_RATE_LIMITED,
  STEP_ALREADY_RUNNING,
  WORKSPACE_LOST,
  currentStateQuery,
  escalateModelSignal,
  injectInstructionSignal,
  iterationCountQuery,
  pauseSignal,
  progressQuery,
  resumeSignal,
  testResultsQuery,
  type AidpActivities,
  type ChildProgress,
  type CostSummary,
  type Diagnosis,
  type Escalation,
  type LoopSettings,
  type ModelSelection,
  type PrepareWorkspaceResult,
  type PreviousAgentRun,
  type Progress,
  type ProgressSubject,
  type RunAgentResult,
  type TestResults,
  type WorkLoopCarriedState,
  type WorkflowPhase,
  type WorkspaceMode,
} from './contracts/index.js';
import {
  NO_COST,
  activityRetryPolicy,
  addCost,
  escalatedTier,
  goalReached,
  mergeChangedFiles,
  shouldAutoEscalate,
  shouldContinueAsNew,
  shouldEscalateForNoProgress,
  stopReason,
  summarizeChecks,
  trackProgress,
} from './work-loop-logic.js';

// Time kept in reserve before the run timeout, beyond the longest activity (DESIGN §4).
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
 * One run's loop state and steering. A workflow creates one, registers its handlers first thing, and
 * then drives phases of its own around `prepare`, `initialChecks` and `loop`.
 */
export class FixForwardRun {
  readonly quick: ReturnType<typeof proxyActivities<AidpActivities>>;
  /** Activities that run the agent (the loop's, planning, merge conflicts): the agent's timeout. */
  readonly agentic: ReturnType<typeof proxyActivities<AidpActivities>>;
  readonly runChecks: AidpActivities['runChecks'];
  readonly agentTimeoutMs: number;
  readonly checksTimeoutMs: number;
  readonly tiers: LoopSettings['tiers'];

  phase: WorkflowPhase;
  paused: boolean;
  iteration: number;
  tier: number;
  consecutiveFailures: number;
  readonly pendingInstructions: string[];
  cost: CostSummary;
  lastResults: TestResults | null;
  diagnosis: Diagnosis | null;
  previousAgentRun: PreviousAgentRun | null;
  workspace: Workspace | null;
  readonly commits: string[];
  readonly escalations: Escalation[];
  changedFiles: string[];
  readonly startedAt: string;
  updatedAt: string;
  readonly generation: number;
  session: WorkLoopCarriedState['session'];
  noProgress: WorkLoopCarriedState['noProgress'];

  /** Decomposed runs: the children, and iterations rolled up from those that finished. */
  readonly children: ChildProgress[] = [];
  childIterations = 0;
  /** Running children that steering is forwarded to while this run waits for them. */
  readonly runningChildren = new Map<string, ChildWorkflowHandle<Workflow>>();
  /** Extra fields for `progress` (issue runs). */
  issue?: Progress['issue'];
  pullRequest?: Progress['pullRequest'];
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
      retry: { ...activityRetryPolicy(retry), nonRetryableErrorTypes: [AGENT_NOT_FOUND, AGENT_AUTH_FAILED] },
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

    this.phase = carried ? 'next_patch' : 'initializing';
    this.paused = carried?.paused ?? false;
    this.iteration = carried?.iteration ?? 0;
    this.tier = Math.min(carried?.tier ?? 0, this.tiers.length - 1);
    this.consecutiveFailures = carried?.consecutiveFailures ?? 0;
    this.pendingInstructions = [...(carried?.pendingInstructions ?? [])];
    this.cost = carried?.cost ?? NO_COST;
    this.lastResults = carried?.lastResults ?? null;
    this.diagnosis = carried?.diagnosis ?? null;
    this.previousAgentRun = carried?.previousAgentRun ?? null;
    this.workspace = carried?.workspace ?? null;
    this.commits = [...(carried?.commits ?? [])];
    this.escalations = [...(carried?.escalations ?? [])];
    this.changedFiles = carried?.changedFiles ?? [];
    this.startedAt = carried?.startedAt ?? nowIso();
    this.updatedAt = nowIso();
    this.generation = carried?.generation ?? 1;
    this.session = carried?.session;
    this.noProgress = carried?.noProgress;
  }

  // ---- steering ----

  /** The four signals and four queries; call before the first `await`. */
  registerHandlers(): void {
    // The workflow `log` is not called again on replay, so each event is logged once.
    setHandler(pauseSignal, () => {
      if (!this.paused) log.info('pause requested: the run holds at the next safe point', { iteration: this.iteration, phase: this.phase });
      this.paused = true;
      this.touch();
      this.forward(pauseSignal);
    });
    setHandler(resumeSignal, () => {
      if (this.paused) log.info('resumed', { iteration: this.iteration, phase: this.phase });
      this.paused = false;
      this.touch();
      this.forward(resumeSignal);
    });
    setHandler(injectInstructionSignal, (text) => {
      // While children do the work, the instruction is theirs; otherwise the next prompt carries it.
      if (!this.forward(injectInstructionSignal, String(text))) this.pendingInstructions.push(String(text));
      // Instructions are prompt text: logged by count, never by content.
      log.info('instruction queued for the next agent run', { pending: this.pendingInstructions.length, forwardedToChildren: this.runningChildren.size });
      this.touch();
    });
    setHandler(escalateModelSignal, () => {
      this.escalate('signal');
      this.forward(escalateModelSignal);
    });
    setHandler(currentStateQuery, () => this.phase);
    setHandler(iterationCountQuery, () => this.iteration + this.childIterations);
    setHandler(testResultsQuery, () => this.lastResults);
    setHandler(progressQuery, () => this.progress());
  }

  /** Sends a signal to every running child; false when none runs. */
  private forward<Args extends unknown[]>(signal: SignalDefinition<Args>, ...args: Args): boolean {
    if (this.runningChildren.size === 0) return false;
    for (const [id, child] of this.runningChildren) {
      child.signal(signal, ...args).catch((err: unknown) => log.warn('could not forward a signal to a child', { child: id, signal: signal.name, error: String(err) }));
    }
    return true;
  }

  progress(): Progress {
    return {
      workflowType: this.identity.workflowType,
      state: this.phase,
      paused: this.paused,
      iteration: this.iteration + this.childIterations,
      maxIterations: this.settings.maxIterations,
      subject: this.identity.subject,
      model: this.model(),
      consecutiveFailures: this.consecutiveFailures,
      pendingInstructions: this.pendingInstructions.length,
      cost: this.cost,
      lastChecks: summarizeChecks(this.lastResults),
      branch: this.workspace?.branch ?? null,
      workspace: this.workspace?.workspace ?? null,
      children: this.children,
      ...(this.issue ? { issue: this.issue } : {}),
      ...(this.pullRequest ? { pullRequest: this.pullRequest } : {}),
      startedAt: this.startedAt,
      updatedAt: this.updatedAt,
    };
  }

  touch(): void {
    this.updatedAt = nowIso();
  }

  setPhase(next: WorkflowPhase): void {
    this.phase = next;
    this.touch();
  }

  /** A safe point between activities: a pause holds here, with no timer, until resume. */
  async safePoint(): Promise<void> {
    if (!this.paused) return;
    const was = this.phase;
    this.setPhase('paused');
    await condition(() => !this.paused);
    this.setPhase(was);
  }

  model(): ModelSelection {
    return { ...this.tiers[this.tier]!, tier: this.tier };
  }

  escalate(reason: Escalation['reason']): void {
    const to = escalatedTier(this.tier, this.tiers.length);
    if (to === this.tier) {
      log.info('escalation requested but already on the strongest model tier', { tier: this.tier, reason });
      return;
    }
    const record: Escalation = { afterIteration: this.iteration, fromTier: this.tier, toTier: to, reason };
    this.escalations.push(record);
    log.info('model tier escalated', { ...record, model: this.tiers[to]!.model });
    this.metrics.escalations.add(1, { reason });
    this.tier = to;
    this.touch();
  }

  /** Ends the run as failed: a non-retryable failure whose type names the reason. */
  fail(type: string, message: string): never {
    this.setPhase('failed');
    const kind = { WorkLoopWorkflow: 'work loop', IssueToPrWorkflow: 'issue run', SubIssueWorkflow: 'sub-issue run' }[this.identity.workflowType];
    log.warn(`${kind} failed`, { reason: type, iterations: this.iteration + this.childIterations, costUsd: this.cost.usd });
    throw ApplicationFailure.create({ type, message, nonRetryable: true, details: [this.partialResult()] });
  }

  /**
   * Runs an activity call; when it fails for a reason that ends the run — the workspace is no longer
   * the run's, or another run holds the step — the run fails with that type and the activity's message.
   */
  async guard<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      const cause = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : undefined;
      if (cause?.type === WORKSPACE_LOST || cause?.type === STEP_ALREADY_RUNNING) this.fail(cause.type, cause.message);
      throw err;
    }
  }

  /** Adds a finished child's cost and iterations to this run's totals. */
  rollUp(child: { iterations: number; cost: CostSummary }): void {
    this.childIterations += child.iterations;
    this.cost = addCost(this.cost, child.cost);
    this.touch();
  }

  // ---- phases ----

  async prepare(request: { projectDir: string; branch: string; mode: WorkspaceMode; startPoint?: string }): Promise<Workspace> {
    await this.safePoint();
    this.workspace = await this.guard(() =>
      this.quick.prepareWorkspace({
        projectDir: request.projectDir,
        workflowId: workflowInfo().workflowId,
        branch: request.branch,
        mode: request.mode,
        ...(request.startPoint ? { startPoint: request.startPoint } : {}),
      }),
    );
    if (this.workspace.continuedFrom) {
      log.info('continuing the branch of an earlier run', { branch: request.branch, continuedFrom: this.workspace.continuedFrom, baseCommit: this.workspace.baseCommit });
    }
    this.touch();
    return this.workspace;
  }

  /** Runs the checks before any change; true when they already pass (a diagnosis is kept otherwise). */
  async initialChecks(): Promise<boolean> {
    const ws = this.workspace!;
    if (this.settings.checks.length === 0) return false;
    await this.safePoint();
    this.lastResults = await this.runChecks({ workspace: ws.workspace, runDir: ws.runDir, iteration: 0, checks: this.settings.checks });
    if (this.lastResults.passing) return true;
    this.diagnosis = await this.quick.diagnoseFailure({ iteration: 0, results: this.lastResults });
    return false;
  }

  /** A full run of every check on the workspace as it is (the issue flow's `testing` phase). */
  async finalChecks(): Promise<TestResults | null> {
    const ws = this.workspace!;
    if (this.settings.checks.length === 0) return this.lastResults;
    await this.safePoint();
    this.lastResults = await this.runChecks({ workspace: ws.workspace, runDir: ws.runDir, iteration: this.iteration, checks: this.settings.checks });
    this.touch();
    if (!this.lastResults.passing) this.diagnosis = await this.quick.diagnoseFailure({ iteration: this.iteration, results: this.lastResults });
    return this.lastResults;
  }

  async checkpoint(reason: 'interval' | 'final', summary: string, mode: WorkspaceMode): Promise<void> {
    const ws = this.workspace!;
    await this.safePoint();
    const { commit } = await this.guard(() =>
      this.quick.recordCheckpoint({
        workspace: ws.workspace,
        runDir: ws.runDir,
        workflowId: workflowInfo().workflowId,
        iteration: this.iteration,
        mode,
        summary,
        passing: this.lastResults?.passing ?? null,
        reason,
      }),
    );
    if (commit && !this.commits.includes(commit) && commit !== ws.baseCommit) this.commits.push(commit);
  }

  /** Everything the loop carries across continue-as-new. */
  snapshot(): WorkLoopCarriedState {
    return {
      iteration: this.iteration,
      tier: this.tier,
      consecutiveFailures: this.consecutiveFailures,
      pendingInstructions: this.pendingInstructions,
      paused: this.paused,
      cost: this.cost,
      lastResults: this.lastResults,
      diagnosis: this.diagnosis,
      previousAgentRun: this.previousAgentRun,
      workspace: this.workspace!,
      commits: this.commits,
      escalations: this.escalations,
      changedFiles: this.changedFiles,
      startedAt: this.startedAt,
      generation: this.generation + 1,
      session: this.session,
      noProgress: this.noProgress,
    };
  }

  /**
   * The loop itself: iterations until the goal is reached (then the final checkpoint) or a limit
   * stops it with a failure. Before each iteration it may continue-as-new through `continueAsNew`,
   * which the workflow implements with its own input (it never returns).
   */
  async loop(task: LoopTask, options: { mode: WorkspaceMode; continueAsNew: (state: WorkLoopCarriedState) => Promise<never> }): Promise<void> {
    const budget = this.settings.budget;
    for (;;) {
      const stop = stopReason({
        iteration: this.iteration,
        maxIterations: this.settings.maxIterations,
        costUsd: this.cost.usd,
        maxCostUsd: budget?.maxCostUsd,
        elapsedMs: nowMs() - Date.parse(this.startedAt),
        maxDurationMs: budget?.maxDurationMs,
        completionByMarker: this.settings.checks.length === 0,
        lastAgentRun: this.previousAgentRun,
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
          reserveMs: Math.max(this.agentTimeoutMs, this.checksTimeoutMs) + (this.settings.continueAsNew?.runTimeoutMarginMs ?? DEFAULT_RUN_MARGIN_MS),
        })
      ) {
        // Let running signal handlers finish so nothing they changed is lost, then carry everything.
        await condition(allHandlersFinished);
        log.info('continuing as new', { iteration: this.iteration, historyLength: current.historyLength, generation: this.generation });
        await options.continueAsNew(this.snapshot());
      }

      if (await this.runIteration(task)) {
        await this.checkpoint('final', `${task.stepName}: done after ${this.iteration} iteration(s)`, options.mode);
        return;
      }
      if (this.settings.checkpointInterval > 0 && this.iteration % this.settings.checkpointInterval === 0) {
        await this.checkpoint('interval', `iteration ${this.iteration}: work in progress`, options.mode);
      }
    }
  }

  private logIteration(agentRun: RunAgentResult, done: boolean): void {
    const results = this.lastResults;
    const failedChecks = agentRun.ok && results ? results.checks.filter((c) => c.required && !c.passed).map((c) => c.name) : [];
    log.info('iteration finished', {
      iteration: this.iteration,
      agentOk: agentRun.ok,
      exitCode: agentRun.exitCode,
      timedOut: agentRun.timedOut,
      changedFiles: agentRun.changedFiles.length,
      ...(agentRun.ok && this.settings.checks.length > 0 ? { passing: results?.passing ?? false, failedChecks } : {}),
      goalReached: done,
      costUsd: this.cost.usd,
    });
  }

  /** One iteration: prompt, agent, checks, diagnosis. True when the goal is reached. */
  private async runIteration(task: LoopTask): Promise<boolean> {
    const ws = this.workspace!;
    const checks = this.settings.checks;
    const next = this.iteration + 1;
    this.setPhase(next === 1 ? 'initializing' : 'next_patch');
    await this.safePoint();
    // Instructions leave the queue only once the prompt that carries them is written.
    const delivering = [...this.pendingInstructions];
    const { promptPath } = await this.quick.createPrompt({
      runDir: ws.runDir,
      workspace: ws.workspace,
      stepName: task.stepName,
      task: task.task,
      context: task.context,
      iteration: next,
      maxIterations: this.settings.maxIterations,
      instructions: delivering,
      diagnosis: this.diagnosis,
      previousAgentRun: this.previousAgentRun,
      completionByMarker: checks.length === 0,
    });
    this.pendingInstructions.splice(0, delivering.length);
    if (delivering.length > 0) log.info('instructions delivered to the agent', { iteration: next, count: delivering.length });

    this.setPhase('apply_patch');
    await this.safePoint();
    const { provider, model: modelName } = this.tiers[this.tier]!;
    log.info('iteration started', { iteration: next, provider, model: modelName });
    let agentRun: RunAgentResult;
    try {
      agentRun = await this.agentic.runAgent({
        workspace: ws.workspace,
        runDir: ws.runDir,
        promptPath,
        iteration: next,
        agent: { ...this.settings.agent, provider },
        model: modelName,
        // A session continues only with the provider that opened it.
        sessionId: this.session?.provider === provider ? this.session.id : undefined,
      });
    } catch (err) {
      const type = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause.type : undefined;
      if (type === AGENT_NOT_FOUND || type === AGENT_AUTH_FAILED) this.fail('AgentUnavailable', (err as ActivityFailure).cause!.message);
      if (type === WORKSPACE_LOST) this.fail(WORKSPACE_LOST, (err as ActivityFailure).cause!.message);
      if (type !== AGENT_RATE_LIMITED) throw err;
      // Still limited after the retries with backoff: a failed iteration, and the loop goes on.
      agentRun = {
        ok: false,
        exitCode: null,
        signal: null,
        timedOut: false,
        durationMs: 0,
        summary: `the agent's provider limited its rate or quota: ${(err as ActivityFailure).cause!.message}`,
        changedFiles: [],
        completionMarker: false,
        cost: NO_COST,
        provider,
        model: modelName,
        logPath: '',
      };
    }
    if (agentRun.sessionId) this.session = { id: agentRun.sessionId, provider };
    const labels = { provider, model: modelName };
    this.metrics.iterations.add(1, labels);
    this.metrics.tokens.add(agentRun.cost.inputTokens, { ...labels, direction: 'input' });
    this.metrics.tokens.add(agentRun.cost.outputTokens, { ...labels, direction: 'output' });
    this.metrics.cost.record(agentRun.cost.usd, labels);
    this.iteration = next;
    this.cost = addCost(this.cost, agentRun.cost);
    this.changedFiles = mergeChangedFiles(this.changedFiles, agentRun.changedFiles);
    this.previousAgentRun = {
      iteration: this.iteration,
      ok: agentRun.ok,
      exitCode: agentRun.exitCode,
      timedOut: agentRun.timedOut,
      summary: agentRun.summary,
    };
    this.touch();

    if (!agentRun.ok) {
      this.logIteration(agentRun, false);
      // Fix-forward: a failed agent run counts and the loop goes on; enough of them in a row call
      // for a stronger model.
      this.consecutiveFailures += 1;
      if (shouldAutoEscalate(this.consecutiveFailures, this.settings.escalation.escalateAfter)) {
        this.escalate('consecutive_failures');
        this.consecutiveFailures = 0;
      }
      return false;
    }
    this.consecutiveFailures = 0;
    if (checks.length > 0) {
      this.setPhase('test');
      await this.safePoint();
      this.lastResults = await this.runChecks({ workspace: ws.workspace, runDir: ws.runDir, iteration: this.iteration, checks });
      this.metrics.checkFailures.add(this.lastResults.checks.filter((c) => c.required && !c.passed).length);
      this.touch();
    }
    const done = goalReached(checks, this.lastResults, agentRun.completionMarker);
    this.logIteration(agentRun, done);
    if (done) return true;
    if (checks.length > 0) {
      this.setPhase('diagnose');
      await this.safePoint();
      this.diagnosis = await this.quick.diagnoseFailure({ iteration: this.iteration, results: this.lastResults! });
      const failing = this.lastResults!.checks.filter((c) => c.required && !c.passed).length;
      this.noProgress = trackProgress(this.noProgress, failing);
      if (shouldEscalateForNoProgress(this.noProgress, this.settings.escalation.escalateOnNoProgress)) {
        this.escalate('no_progress');
        this.noProgress = { ...this.noProgress, since: 0 };
      }
    }
    return false;
  }
}

/** Workflow time: the sandbox's Date is the time of the current workflow task, the same on replay. */
export function nowMs(): number {
  return new Date().getTime();
}

export function nowIso(): string {
  return new Date(nowMs()).toISOString();
}
