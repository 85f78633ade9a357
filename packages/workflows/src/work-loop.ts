// WorkLoopWorkflow: the fix-forward loop on one step. Runs in Temporal's sandbox: only
// @temporalio/workflow and pure modules of this package may be imported, and every decision comes
// from workflow state, so a replay takes exactly the same path.
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  metricMeter,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  AGENT_AUTH_FAILED,
  AGENT_NOT_FOUND,
  AGENT_RATE_LIMITED,
  currentStateQuery,
  escalateModelSignal,
  injectInstructionSignal,
  iterationCountQuery,
  pauseSignal,
  progressQuery,
  resumeSignal,
  testResultsQuery,
  type AidpActivities,
  type Escalation,
  type Progress,
  type RunAgentResult,
  type TestResults,
  type WorkLoopCarriedState,
  type WorkLoopInput,
  type WorkLoopResult,
  type WorkflowPhase,
} from './contracts/index.js';
import {
  NO_COST,
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

export async function WorkLoopWorkflow(input: WorkLoopInput): Promise<WorkLoopResult> {
  const info = workflowInfo();
  const retry = input.activities.retry;
  const base = {
    startToCloseTimeout: input.activities.startToCloseTimeout,
    scheduleToCloseTimeout: input.activities.scheduleToCloseTimeout,
    heartbeatTimeout: input.activities.heartbeatTimeout,
    retry: { ...retry, nonRetryableErrorTypes: [AGENT_NOT_FOUND, AGENT_AUTH_FAILED] },
  };
  const checksTimeout = input.checks.reduce((sum, c) => sum + c.timeoutMs, 0) + ACTIVITY_SLACK_MS;
  const agentTimeout = input.agent.timeoutMs + ACTIVITY_SLACK_MS;
  // Long activities get room for their own timeouts; the schedule-to-close bound keeps retries finite.
  const long = (ms: number) => ({
    ...base,
    startToCloseTimeout: Math.max(base.startToCloseTimeout, ms),
    // maximumAttempts 0 means unlimited; the bound then allows three attempts' worth.
    scheduleToCloseTimeout: Math.max(base.scheduleToCloseTimeout, ms * (retry.maximumAttempts > 0 ? retry.maximumAttempts : 3)),
  });
  const quick = proxyActivities<AidpActivities>(base);
  const { runAgent } = proxyActivities<AidpActivities>(long(agentTimeout));
  const { runChecks } = proxyActivities<AidpActivities>(long(checksTimeout));

  const tiers = input.tiers.length > 0 ? input.tiers : [{ provider: input.agent.provider, model: 'default' }];
  const carried = input.carried;
  // Workflow time: the sandbox's Date is the time of the current workflow task, the same on replay.
  const nowMs = () => new Date().getTime();
  const nowIso = () => new Date(nowMs()).toISOString();

  // ---- state (all of it carried across continue-as-new) ----
  let phase: WorkflowPhase = carried ? 'next_patch' : 'initializing';
  let paused = carried?.paused ?? false;
  let iteration = carried?.iteration ?? 0;
  let tier = Math.min(carried?.tier ?? 0, tiers.length - 1);
  let consecutiveFailures = carried?.consecutiveFailures ?? 0;
  const pendingInstructions: string[] = [...(carried?.pendingInstructions ?? [])];
  let cost = carried?.cost ?? NO_COST;
  let lastResults: TestResults | null = carried?.lastResults ?? null;
  let diagnosis = carried?.diagnosis ?? null;
  let previousAgentRun = carried?.previousAgentRun ?? null;
  let workspace = carried?.workspace ?? null;
  const commits: string[] = [...(carried?.commits ?? [])];
  const escalations: Escalation[] = [...(carried?.escalations ?? [])];
  let changedFiles: string[] = carried?.changedFiles ?? [];
  const startedAt = carried?.startedAt ?? nowIso();
  let updatedAt = nowIso();
  const generation = carried?.generation ?? 1;
  let session = carried?.session;
  let noProgress = carried?.noProgress;

  // Metrics (emitted by the worker's runtime; never during replay, so each counts once).
  const metrics = {
    iterations: metricMeter.createCounter('aidp_iterations', 'iterations', 'Agent iterations completed'),
    tokens: metricMeter.createCounter('aidp_agent_tokens', 'tokens', 'Tokens the agent reported, by direction'),
    // Temporal's counters are integers; the cost total is this histogram's _sum.
    cost: metricMeter.createHistogram('aidp_agent_cost_usd', 'float', 'USD', 'Cost the agent reported per iteration'),
    checkFailures: metricMeter.createCounter('aidp_check_failures', 'checks', 'Required checks that failed'),
    escalations: metricMeter.createCounter('aidp_escalations', 'escalations', 'Model tier escalations, by reason'),
  };

  const setPhase = (next: WorkflowPhase) => {
    phase = next;
    updatedAt = nowIso();
  };
  const model = () => ({ ...tiers[tier]!, tier });
  const escalate = (reason: Escalation['reason']) => {
    const to = escalatedTier(tier, tiers.length);
    if (to === tier) {
      log.info('escalation requested but already on the strongest model tier', { tier, reason });
      return;
    }
    const record: Escalation = { afterIteration: iteration, fromTier: tier, toTier: to, reason };
    escalations.push(record);
    log.info('model tier escalated', { ...record, model: tiers[to]!.model });
    metrics.escalations.add(1, { reason });
    tier = to;
    updatedAt = nowIso();
  };

  // ---- signals and queries: answered at any moment, also while an activity runs or while paused ----
  // The workflow `log` is not called again on replay, so each event is logged once.
  setHandler(pauseSignal, () => {
    if (!paused) log.info('pause requested: the loop holds at the next safe point', { iteration, phase });
    paused = true;
    updatedAt = nowIso();
  });
  setHandler(resumeSignal, () => {
    if (paused) log.info('resumed', { iteration, phase });
    paused = false;
    updatedAt = nowIso();
  });
  setHandler(injectInstructionSignal, (text) => {
    pendingInstructions.push(String(text));
    // Instructions are prompt text: logged by count, never by content.
    log.info('instruction queued for the next agent run', { pending: pendingInstructions.length });
    updatedAt = nowIso();
  });
  setHandler(escalateModelSignal, () => escalate('signal'));
  setHandler(currentStateQuery, () => phase);
  setHandler(iterationCountQuery, () => iteration);
  setHandler(testResultsQuery, () => lastResults);
  setHandler(progressQuery, (): Progress => ({
    workflowType: 'WorkLoopWorkflow',
    state: phase,
    paused,
    iteration,
    maxIterations: input.maxIterations,
    subject: { kind: 'step', stepName: input.stepName },
    model: model(),
    consecutiveFailures,
    pendingInstructions: pendingInstructions.length,
    cost,
    lastChecks: summarizeChecks(lastResults),
    branch: workspace?.branch ?? null,
    workspace: workspace?.workspace ?? null,
    children: [],
    startedAt,
    updatedAt,
  }));

  /** A safe point between activities: a pause holds here, with no timer, until resume. */
  const safePoint = async () => {
    if (!paused) return;
    const was = phase;
    setPhase('paused');
    await condition(() => !paused);
    setPhase(was);
  };

  const result = (outcome: WorkLoopResult['outcome']): WorkLoopResult => ({
    outcome,
    stepName: input.stepName,
    branch: workspace?.branch ?? null,
    workspace: workspace?.workspace ?? input.projectDir,
    commits,
    iterations: iteration,
    finalChecks: lastResults,
    cost,
    model: model(),
    escalations,
    changedFiles,
  });
  const fail = (type: string, message: string): never => {
    setPhase('failed');
    log.warn('work loop failed', { reason: type, iterations: iteration, costUsd: cost.usd });
    throw ApplicationFailure.create({ type, message, nonRetryable: true, details: [result('incomplete')] });
  };

  const checkpoint = async (reason: 'interval' | 'final', summary: string) => {
    await safePoint();
    const { commit } = await quick.recordCheckpoint({
      workspace: workspace!.workspace,
      runDir: workspace!.runDir,
      workflowId: info.workflowId,
      iteration,
      mode: input.workspaceMode,
      summary,
      passing: lastResults?.passing ?? null,
      reason,
    });
    if (commit && !commits.includes(commit) && commit !== workspace!.baseCommit) commits.push(commit);
  };

  // ---- initializing: the workspace, and the checks before any change ----
  if (!workspace) {
    log.info('work loop started', { stepName: input.stepName, maxIterations: input.maxIterations, checks: input.checks.length, model: tiers[tier]!.model });
    await safePoint();
    workspace = await quick.prepareWorkspace({
      projectDir: input.projectDir,
      workflowId: info.workflowId,
      branch: input.branch ?? `aidp/${input.stepName}`,
      mode: input.workspaceMode,
    });
    updatedAt = nowIso();
    if (input.checks.length > 0) {
      await safePoint();
      lastResults = await runChecks({ workspace: workspace.workspace, runDir: workspace.runDir, iteration: 0, checks: input.checks });
      if (lastResults.passing) {
        setPhase('done');
        log.info('work loop finished', { outcome: 'already_passing', iterations: 0 });
        return result('already_passing');
      }
      diagnosis = await quick.diagnoseFailure({ iteration: 0, results: lastResults });
    }
  }

  // ---- the loop ----
  for (;;) {
    const stop = stopReason({
      iteration,
      maxIterations: input.maxIterations,
      costUsd: cost.usd,
      maxCostUsd: input.budget?.maxCostUsd,
      elapsedMs: nowMs() - Date.parse(startedAt),
      maxDurationMs: input.budget?.maxDurationMs,
    });
    if (stop) fail(stop.type, stop.message);

    const current = workflowInfo();
    if (
      shouldContinueAsNew({
        historyLength: current.historyLength,
        continueAsNewSuggested: current.continueAsNewSuggested,
        maxHistoryEvents: input.continueAsNew?.maxHistoryEvents,
        nowMs: nowMs(),
        runStartMs: current.runStartTime.getTime(),
        runTimeoutMs: current.runTimeoutMs,
        reserveMs: Math.max(agentTimeout, checksTimeout) + (input.continueAsNew?.runTimeoutMarginMs ?? DEFAULT_RUN_MARGIN_MS),
      })
    ) {
      // Let running signal handlers finish so nothing they changed is lost, then carry everything.
      await condition(allHandlersFinished);
      const state: WorkLoopCarriedState = {
        iteration,
        tier,
        consecutiveFailures,
        pendingInstructions,
        paused,
        cost,
        lastResults,
        diagnosis,
        previousAgentRun,
        workspace,
        commits,
        escalations,
        changedFiles,
        startedAt,
        generation: generation + 1,
        session,
        noProgress,
      };
      log.info('continuing as new', { iteration, historyLength: current.historyLength, generation });
      await continueAsNew<typeof WorkLoopWorkflow>({ ...input, carried: state });
    }

    if (await runIteration(workspace!)) {
      await checkpoint('final', `${input.stepName}: done after ${iteration} iteration(s)`);
      setPhase('done');
      const outcome = changedFiles.length === 0 ? 'no_changes' : 'completed';
      log.info('work loop finished', { outcome, iterations: iteration, costUsd: cost.usd, commits: commits.length });
      return result(outcome);
    }
  }

  function logIteration(agentRun: RunAgentResult, done: boolean): void {
    const failedChecks = agentRun.ok && lastResults ? lastResults.checks.filter((c) => c.required && !c.passed).map((c) => c.name) : [];
    log.info('iteration finished', {
      iteration,
      agentOk: agentRun.ok,
      exitCode: agentRun.exitCode,
      timedOut: agentRun.timedOut,
      changedFiles: agentRun.changedFiles.length,
      ...(agentRun.ok && input.checks.length > 0 ? { passing: lastResults?.passing ?? false, failedChecks } : {}),
      goalReached: done,
      costUsd: cost.usd,
    });
  }

  /** One iteration: prompt, agent, checks, diagnosis. True when the goal is reached. */
  async function runIteration(ws: NonNullable<typeof workspace>): Promise<boolean> {
    const next = iteration + 1;
    setPhase(next === 1 ? 'initializing' : 'next_patch');
    await safePoint();
    // Instructions leave the queue only once the prompt that carries them is written.
    const delivering = [...pendingInstructions];
    const { promptPath } = await quick.createPrompt({
      runDir: ws.runDir,
      workspace: ws.workspace,
      stepName: input.stepName,
      task: input.task,
      context: input.context,
      iteration: next,
      maxIterations: input.maxIterations,
      instructions: delivering,
      diagnosis,
      previousAgentRun,
      completionByMarker: input.checks.length === 0,
    });
    pendingInstructions.splice(0, delivering.length);
    if (delivering.length > 0) log.info('instructions delivered to the agent', { iteration: next, count: delivering.length });

    setPhase('apply_patch');
    await safePoint();
    const { provider, model: modelName } = tiers[tier]!;
    log.info('iteration started', { iteration: next, provider, model: modelName });
    let agentRun: RunAgentResult;
    try {
      agentRun = await runAgent({
        workspace: ws.workspace,
        runDir: ws.runDir,
        promptPath,
        iteration: next,
        agent: { ...input.agent, provider },
        model: modelName,
        // A session continues only with the provider that opened it.
        sessionId: session?.provider === provider ? session.id : undefined,
      });
    } catch (err) {
      const type = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause.type : undefined;
      if (type === AGENT_NOT_FOUND || type === AGENT_AUTH_FAILED) fail('AgentUnavailable', (err as ActivityFailure).cause!.message);
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
    if (agentRun.sessionId) session = { id: agentRun.sessionId, provider };
    const labels = { provider, model: modelName };
    metrics.iterations.add(1, labels);
    metrics.tokens.add(agentRun.cost.inputTokens, { ...labels, direction: 'input' });
    metrics.tokens.add(agentRun.cost.outputTokens, { ...labels, direction: 'output' });
    metrics.cost.record(agentRun.cost.usd, labels);
    iteration = next;
    cost = addCost(cost, agentRun.cost);
    changedFiles = mergeChangedFiles(changedFiles, agentRun.changedFiles);
    previousAgentRun = {
      iteration,
      ok: agentRun.ok,
      exitCode: agentRun.exitCode,
      timedOut: agentRun.timedOut,
      summary: agentRun.summary,
    };
    updatedAt = nowIso();

    if (!agentRun.ok) {
      logIteration(agentRun, false);
      // Fix-forward: a failed agent run counts and the loop goes on; enough of them in a row call
      // for a stronger model.
      consecutiveFailures += 1;
      if (shouldAutoEscalate(consecutiveFailures, input.escalation.escalateAfter)) {
        escalate('consecutive_failures');
        consecutiveFailures = 0;
      }
    } else {
      consecutiveFailures = 0;
      if (input.checks.length > 0) {
        setPhase('test');
        await safePoint();
        lastResults = await runChecks({ workspace: ws.workspace, runDir: ws.runDir, iteration, checks: input.checks });
        metrics.checkFailures.add(lastResults.checks.filter((c) => c.required && !c.passed).length);
        updatedAt = nowIso();
      }
      const done = goalReached(input.checks, lastResults, agentRun.completionMarker);
      logIteration(agentRun, done);
      if (done) return true;
      if (input.checks.length > 0) {
        setPhase('diagnose');
        await safePoint();
        diagnosis = await quick.diagnoseFailure({ iteration, results: lastResults! });
        const failing = lastResults!.checks.filter((c) => c.required && !c.passed).length;
        noProgress = trackProgress(noProgress, failing);
        if (shouldEscalateForNoProgress(noProgress, input.escalation.escalateOnNoProgress)) {
          escalate('no_progress');
          noProgress = { ...noProgress, since: 0 };
        }
      }
    }
    if (input.checkpointInterval > 0 && iteration % input.checkpointInterval === 0) {
      await checkpoint('interval', `iteration ${iteration}: work in progress`);
    }
    return false;
  }
}
