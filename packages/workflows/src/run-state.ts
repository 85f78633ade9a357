// A run's state changes, as named pure functions: each takes the state (and what happened) and returns
// the next state, never changing the one it was given. Caps and invariants live here, so no caller can
// bypass them. No Temporal and no I/O: tested as plain functions (run-state.test.ts). The workflow
// side (fix-forward.ts) only applies them and does what Temporal must do (activities, handlers, logs,
// metrics). `now` is workflow time, passed in so every function stays deterministic.
import type {
  ChildProgress,
  CostSummary,
  Diagnosis,
  Escalation,
  LoopSettings,
  ModelSelection,
  PartGoal,
  PrepareWorkspaceResult,
  Progress,
  ProgressSubject,
  RunAgentResult,
  RunState,
  TestResults,
  WorkLoopCarriedState,
  WorkflowPhase,
} from './contracts/index.js';
import {
  NO_COST,
  addCost,
  escalatedTier,
  failedRequiredChecks,
  mergeChangedFiles,
  shouldAutoEscalate,
  shouldEscalateForNoProgress,
  summarizeChecks,
  trackProgress,
} from './loop-decisions.js';

export type { RunState };

/** A fresh run's state, or a continued run's state as it was carried. */
export function initialRunState(carried: WorkLoopCarriedState | undefined, tierCount: number, now: string): RunState {
  return {
    paused: false,
    iteration: 0,
    consecutiveFailures: 0,
    cost: NO_COST,
    lastResults: null,
    diagnosis: null,
    previousAgentRun: null,
    workspace: null,
    commits: [],
    escalations: [],
    changedFiles: [],
    startedAt: now,
    generation: 1,
    children: [],
    childIterations: 0,
    ...carried,
    // A continued run resumes at an iteration boundary.
    phase: carried ? 'next_patch' : 'initializing',
    tier: Math.min(carried?.tier ?? 0, Math.max(tierCount - 1, 0)),
    pendingInstructions: [...(carried?.pendingInstructions ?? [])],
    updatedAt: now,
  };
}

/** The state the next run of the chain starts from (continue-as-new). */
export function carriedOver(state: RunState): RunState {
  return { ...state, generation: state.generation + 1 };
}

export function phaseEntered(state: RunState, phase: WorkflowPhase, now: string): RunState {
  return { ...state, phase, updatedAt: now };
}

export function pauseRequested(state: RunState, now: string): RunState {
  return { ...state, paused: true, updatedAt: now };
}

export function resumeRequested(state: RunState, now: string): RunState {
  return { ...state, paused: false, updatedAt: now };
}

/** An operator instruction for the next prompt. */
export function instructionQueued(state: RunState, text: string, now: string): RunState {
  return { ...state, pendingInstructions: [...state.pendingInstructions, text], updatedAt: now };
}

/** The first `count` instructions reached the agent in a prompt. */
export function instructionsDelivered(state: RunState, count: number): RunState {
  return { ...state, pendingInstructions: state.pendingInstructions.slice(count) };
}

/** A change of state that may also escalate the model tier, which the caller logs and counts. */
export interface Transition {
  state: RunState;
  escalation: Escalation | null;
}

/** One model tier up (capped at the strongest: then no escalation is recorded). */
export function escalated(state: RunState, reason: Escalation['reason'], tierCount: number, now: string): Transition {
  const to = escalatedTier(state.tier, tierCount);
  if (to === state.tier) return { state, escalation: null };
  const escalation: Escalation = { afterIteration: state.iteration, fromTier: state.tier, toTier: to, reason };
  return { state: { ...state, tier: to, escalations: [...state.escalations, escalation], updatedAt: now }, escalation };
}

export function workspacePrepared(state: RunState, workspace: PrepareWorkspaceResult, now: string): RunState {
  return { ...state, workspace, updatedAt: now };
}

/**
 * An agent run finished: one more iteration, its cost and changed files counted, its session kept to
 * continue. A failed run counts a consecutive failure; `escalateAfter` of them in a row escalate.
 */
export function agentRan(
  state: RunState,
  run: RunAgentResult,
  policy: { provider: string; escalateAfter: number; tierCount: number },
  now: string,
): Transition {
  const iteration = state.iteration + 1;
  const next: RunState = {
    ...state,
    iteration,
    cost: addCost(state.cost, run.cost),
    changedFiles: mergeChangedFiles(state.changedFiles, run.changedFiles),
    previousAgentRun: { iteration, ok: run.ok, exitCode: run.exitCode, timedOut: run.timedOut, summary: run.summary },
    ...(run.sessionId
      ? { session: { id: run.sessionId, provider: policy.provider, ...(run.sessionTotals ? { totals: run.sessionTotals } : {}) } }
      : {}),
    ...(run.reportedModel ? { reportedModel: { tier: state.tier, model: run.reportedModel } } : {}),
    consecutiveFailures: run.ok ? 0 : state.consecutiveFailures + 1,
    updatedAt: now,
  };
  if (run.ok || !shouldAutoEscalate(next.consecutiveFailures, policy.escalateAfter)) return { state: next, escalation: null };
  const up = escalated(next, 'consecutive_failures', policy.tierCount, now);
  return { state: { ...up.state, consecutiveFailures: 0 }, escalation: up.escalation };
}

export function checksRan(state: RunState, results: TestResults, now: string): RunState {
  return { ...state, lastResults: results, updatedAt: now };
}

/**
 * The failing checks were diagnosed. Iterations in a row without fewer failing required checks are
 * counted, and `escalateOnNoProgress` of them escalate.
 */
export function diagnosed(
  state: RunState,
  diagnosis: Diagnosis,
  policy: { escalateOnNoProgress?: number; tierCount: number },
  now: string,
): Transition {
  const noProgress = trackProgress(state.noProgress, failedRequiredChecks(state.lastResults).length);
  const next: RunState = { ...state, diagnosis, noProgress, updatedAt: now };
  if (!shouldEscalateForNoProgress(noProgress, policy.escalateOnNoProgress)) return { state: next, escalation: null };
  const up = escalated(next, 'no_progress', policy.tierCount, now);
  return { state: { ...up.state, noProgress: { ...noProgress, since: 0 } }, escalation: up.escalation };
}

/** The checks before any change failed: their diagnosis goes into the first prompt. */
export function initiallyDiagnosed(state: RunState, diagnosis: Diagnosis): RunState {
  return { ...state, diagnosis };
}

/** A checkpoint commit (HEAD when nothing was new): recorded once, and never the starting commit. */
export function checkpointed(state: RunState, commit: string | null): RunState {
  if (!commit || state.commits.includes(commit) || commit === state.workspace?.baseCommit) return state;
  return { ...state, commits: [...state.commits, commit] };
}

/** Agent work outside the loop's iterations (planning, resolving a merge): its cost and files count. */
export function sideWorkDone(state: RunState, work: { cost: CostSummary; changedFiles?: string[] }, now: string): RunState {
  return {
    ...state,
    cost: addCost(state.cost, work.cost),
    changedFiles: mergeChangedFiles(state.changedFiles, work.changedFiles ?? []),
    updatedAt: now,
  };
}

/** A part judged itself after a run of its checks (see part-goal.ts). */
export function partJudged(state: RunState, verdict: PartGoal, now: string): RunState {
  return { ...state, part: verdict, updatedAt: now };
}

/** The parts of a decomposed run are about to start, with what they may spend together. */
export function partsStarting(state: RunState, partsBudgetUsd: number | null, now: string): RunState {
  return { ...state, partsBudgetUsd, updatedAt: now };
}

export function childStarted(state: RunState, child: { workflowId: string; subIssueId: string; title: string }, now: string): RunState {
  return { ...state, children: [...state.children, { ...child, state: 'running' }], updatedAt: now };
}

function updateChild(children: ChildProgress[], workflowId: string, change: Partial<ChildProgress>): ChildProgress[] {
  return children.map((c) => (c.workflowId === workflowId ? { ...c, ...change } : c));
}

/** A child completed: its iterations, cost and changed files roll up into this run's. */
export function childFinished(
  state: RunState,
  workflowId: string,
  result: { outcome: string; iterations: number; cost: CostSummary; changedFiles: string[]; goal?: PartGoal },
  now: string,
): RunState {
  return {
    ...state,
    children: updateChild(state.children, workflowId, {
      state: 'completed',
      outcome: result.outcome,
      iterations: result.iterations,
      cost: result.cost,
      ...(result.goal ? { goal: result.goal } : {}),
    }),
    childIterations: state.childIterations + result.iterations,
    cost: addCost(state.cost, result.cost),
    changedFiles: mergeChangedFiles(state.changedFiles, result.changedFiles),
    updatedAt: now,
  };
}

/** A child ended without completing. */
export function childStopped(state: RunState, workflowId: string, how: 'failed' | 'cancelled', now: string): RunState {
  return { ...state, children: updateChild(state.children, workflowId, { state: how }), updatedAt: now };
}

export function issueFound(state: RunState, issue: { title: string; url: string }, now: string): RunState {
  return { ...state, issue, updatedAt: now };
}

export function pullRequestOpened(state: RunState, pullRequest: { number: number; url: string }, now: string): RunState {
  return { ...state, pullRequest, updatedAt: now };
}

/** Iterations of this run and of its finished children. */
export function totalIterations(state: RunState): number {
  return state.iteration + state.childIterations;
}

/** The model the next agent run uses. */
export function currentModel(state: RunState, tiers: LoopSettings['tiers']): ModelSelection {
  const reported = state.reportedModel?.tier === state.tier ? state.reportedModel.model : undefined;
  return { ...tiers[state.tier]!, tier: state.tier, ...(reported ? { reported } : {}) };
}

/** The `progress` query's answer. */
export function progressOf(
  state: RunState,
  run: { workflowType: Progress['workflowType']; subject: ProgressSubject; maxIterations: number; tiers: LoopSettings['tiers'] },
): Progress {
  return {
    workflowType: run.workflowType,
    state: state.phase,
    paused: state.paused,
    iteration: totalIterations(state),
    maxIterations: run.maxIterations,
    subject: run.subject,
    model: currentModel(state, run.tiers),
    consecutiveFailures: state.consecutiveFailures,
    pendingInstructions: state.pendingInstructions.length,
    cost: state.cost,
    lastChecks: summarizeChecks(state.lastResults),
    branch: state.workspace?.branch ?? null,
    workspace: state.workspace?.workspace ?? null,
    children: state.children,
    ...(state.part ? { part: state.part } : {}),
    ...(state.partsBudgetUsd !== undefined
      ? {
          decomposition: {
            partsBudgetUsd: state.partsBudgetUsd,
            partsCostUsd: state.children.reduce((sum, c) => sum + (c.cost?.usd ?? 0), 0),
            partsIterations: state.childIterations,
            ownIterations: state.iteration,
          },
        }
      : {}),
    ...(state.issue ? { issue: state.issue } : {}),
    ...(state.pullRequest ? { pullRequest: state.pullRequest } : {}),
    startedAt: state.startedAt,
    updatedAt: state.updatedAt,
  };
}
