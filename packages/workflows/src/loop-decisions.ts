// What the fix-forward loop decides — when to stop, escalate, continue-as-new, whether the goal is
// reached — as pure functions: no Temporal, no I/O, unit-tested in milliseconds. All three workflows
// decide through them (the run's state changes themselves are in run-state.ts).
import type { CheckSpec, CheckSummary, CostSummary, TestResults, WorkLoopFailureType } from './contracts/index.js';

/** The tier after an escalation: one up, capped at the strongest. */
export function escalatedTier(current: number, tierCount: number): number {
  return Math.min(current + 1, Math.max(tierCount - 1, 0));
}

/** True when this many consecutive failed agent runs call for a stronger model. */
export function shouldAutoEscalate(consecutiveFailures: number, escalateAfter: number): boolean {
  return escalateAfter > 0 && consecutiveFailures >= escalateAfter;
}

/** What the run has used so far, against its limits. */
export interface Usage {
  iteration: number;
  maxIterations: number;
  costUsd: number;
  maxCostUsd?: number;
  elapsedMs: number;
  maxDurationMs?: number;
  /** True when the run has no checks and completes on the agent's `STATUS: COMPLETE` line. */
  completionByMarker?: boolean;
  /** A part of a decomposed run: why it is not done yet (see `PartGoal.pending`). */
  partPending?: string;
  /** The last agent run, to say how it ended when the run stops. */
  lastAgentRun?: { ok: boolean; timedOut: boolean; exitCode: number | null } | null;
  agentTimeoutMs?: number;
}

/** Why the last agent run did not help, as a clause for a failure message (empty when it ran fine). */
export function lastAgentRunNote(usage: Pick<Usage, 'lastAgentRun' | 'agentTimeoutMs'>): string {
  const last = usage.lastAgentRun;
  if (!last || last.ok) return '';
  if (last.timedOut) {
    const limit = usage.agentTimeoutMs === undefined ? '' : ` after ${Math.round(usage.agentTimeoutMs / 1000)} s (agent.timeout)`;
    return `; the last agent run timed out${limit} and was killed`;
  }
  return last.exitCode === null ? '; the last agent run failed' : `; the last agent run failed with exit code ${last.exitCode}`;
}

/** Why the loop must stop before starting another iteration, or null to go on. */
export function stopReason(usage: Usage): { type: WorkLoopFailureType; message: string } | null {
  if (usage.iteration >= usage.maxIterations) {
    return {
      type: 'MaxIterationsReached',
      message:
        (usage.partPending !== undefined
          ? `the part is not done after ${usage.iteration} of ${usage.maxIterations} iterations: ${usage.partPending}`
          : usage.completionByMarker
            ? `the agent did not report completion (a line "STATUS: COMPLETE") in ${usage.iteration} of ${usage.maxIterations} iterations`
            : `the checks still fail after ${usage.iteration} of ${usage.maxIterations} iterations`) + lastAgentRunNote(usage),
    };
  }
  if (usage.maxCostUsd !== undefined && usage.costUsd >= usage.maxCostUsd) {
    return {
      type: 'BudgetExceeded',
      message: `the agent cost $${usage.costUsd.toFixed(2)}, reaching the budget of $${usage.maxCostUsd.toFixed(2)}`,
    };
  }
  if (usage.maxDurationMs !== undefined && usage.elapsedMs >= usage.maxDurationMs) {
    return {
      type: 'BudgetExceeded',
      message: `the run took ${Math.round(usage.elapsedMs / 1000)} s, reaching its limit of ${Math.round(usage.maxDurationMs / 1000)} s`,
    };
  }
  return null;
}

/**
 * Whether the goal is reached: the required checks pass; with no checks configured, the agent's
 * explicit completion marker. What the agent claims never overrides a failing check.
 */
export function goalReached(checks: CheckSpec[], results: TestResults | null, completionMarker: boolean): boolean {
  if (checks.length === 0) return completionMarker;
  return results?.passing === true;
}

/** The names of the required checks that failed (optional checks never block, and never count). */
export function failedRequiredChecks(results: TestResults | null): string[] {
  return (results?.checks ?? []).filter((c) => c.required && !c.passed).map((c) => c.name);
}

/** The summary of a check run kept in progress: only required checks count as failed. */
export function summarizeChecks(results: TestResults | null): CheckSummary | null {
  if (!results) return null;
  return { passing: results.passing, total: results.checks.length, failedChecks: failedRequiredChecks(results) };
}

export function addCost(a: CostSummary, b: CostSummary): CostSummary {
  return { usd: a.usd + b.usd, inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens };
}

export const NO_COST: CostSummary = { usd: 0, inputTokens: 0, outputTokens: 0 };

/**
 * What the parts of a decomposed run may spend together: their share of what is left of the cost
 * budget (null when there is none). The rest is kept for merging and the loop on the merged result.
 */
export function partsBudget(budget: { maxCostUsd?: number; partsShare?: number } | undefined, spentUsd: number): number | null {
  if (budget?.maxCostUsd === undefined) return null;
  return Math.max(0, budget.maxCostUsd - spentUsd) * (budget.partsShare ?? DEFAULT_PARTS_SHARE);
}

export const DEFAULT_PARTS_SHARE = 0.6;

/** What the workflow knows about its run, to decide on continue-as-new. */
export interface RunClock {
  historyLength: number;
  continueAsNewSuggested: boolean;
  maxHistoryEvents?: number;
  /** Workflow time now, and when this run started, in ms since the epoch. */
  nowMs: number;
  runStartMs: number;
  /** The run's timeout (`timeouts.workflow_run`); 0 or absent for none (a continued run reports 0). */
  runTimeoutMs?: number;
  /** The longest an iteration's activity may take, plus the margin to keep. */
  reserveMs: number;
}

/**
 * Continue-as-new at an iteration boundary when history grows too large, or when the time left in
 * this run is shorter than the longest activity could take (so the run never times out mid-iteration).
 */
export function shouldContinueAsNew(clock: RunClock): boolean {
  if (clock.continueAsNewSuggested) return true;
  if (clock.maxHistoryEvents !== undefined && clock.historyLength >= clock.maxHistoryEvents) return true;
  if (clock.runTimeoutMs) {
    const left = clock.runStartMs + clock.runTimeoutMs - clock.nowMs;
    if (left < clock.reserveMs) return true;
  }
  return false;
}

/** Adds files to a bounded, de-duplicated list (results stay small for history). */
export function mergeChangedFiles(known: string[], added: string[], cap = 200): string[] {
  const merged = [...new Set([...known, ...added])];
  return merged.slice(0, cap);
}

/** Progress of the failing-check count: the fewest seen, and iterations since it last went down. */
export interface NoProgress {
  bestFailing: number;
  since: number;
}

/**
 * Updates the no-progress tracker with this iteration's number of failing checks: fewer than ever
 * before resets it; otherwise one more iteration without progress.
 */
export function trackProgress(previous: NoProgress | undefined, failing: number): NoProgress {
  if (!previous || failing < previous.bestFailing) return { bestFailing: failing, since: 0 };
  return { bestFailing: previous.bestFailing, since: previous.since + 1 };
}

/** True when the failing checks have not gone down for `limit` iterations. */
export function shouldEscalateForNoProgress(tracker: NoProgress, limit: number | undefined): boolean {
  return limit !== undefined && limit > 0 && tracker.since >= limit;
}

/**
 * The activities' retry policy as Temporal takes it: `maximumAttempts: 0` in the configuration means
 * unlimited, which Temporal spells by leaving the field out (it refuses 0).
 */
export function activityRetryPolicy<R extends { maximumAttempts: number }>(
  retry: R,
): Omit<R, 'maximumAttempts'> & { maximumAttempts?: number } {
  const { maximumAttempts, ...rest } = retry;
  return maximumAttempts > 0 ? { ...rest, maximumAttempts } : rest;
}
