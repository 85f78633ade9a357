// Failures as one closed set. Activities fail with an ACTIVITY failure type; a run that does not reach
// its goal fails with a RUN failure type (the `type` of its non-retryable ApplicationFailure, whose
// details carry the partial result). The names are wire names: the client, the CLI, dashboards and
// other languages switch on them. Adding a type here makes the compiler point at every `switch` that
// must handle it (each ends in a `never` check).
//
// Pure and sandbox-safe: imported by the workflows, the activities, the client and the CLI alike.
import { ActivityFailure, ApplicationFailure, CancelledFailure, TerminatedFailure, TimeoutFailure } from '@temporalio/workflow';

/** Why an activity failed, when it fails on purpose. */
export const ACTIVITY_FAILURES = {
  /** The agent CLI is not installed, not executable, or its command is not configured. */
  AgentNotFound: 'AgentNotFound',
  /** The agent's credentials were refused: retrying cannot help. */
  AgentAuthFailed: 'AgentAuthFailed',
  /** The agent refused its configuration (an unknown model, an auth method, folder trust): retrying cannot help. */
  AgentMisconfigured: 'AgentMisconfigured',
  /** The agent's provider limited its rate or quota: retried with backoff, then a failed iteration. */
  AgentRateLimited: 'AgentRateLimited',
  /** The run's worktree is no longer the one the run made (see `verifyWorkspace`). */
  WorkspaceLost: 'WorkspaceLost',
  /** Another run of the same step still works on its branch. */
  StepAlreadyRunning: 'StepAlreadyRunning',
  /** git refused to set up the workspace for a reason that will repeat (a bad branch name, …). */
  WorkspaceSetupFailed: 'WorkspaceSetupFailed',
  /** Another git process held a lock for a moment: retried. */
  GitBusy: 'GitBusy',
  /** The run's input cannot work (a relative path, no repository, an unknown branch, …). */
  InvalidInput: 'InvalidInput',
  GitHubTokenMissing: 'GitHubTokenMissing',
  GitHubAuthFailed: 'GitHubAuthFailed',
  /** Retried after GitHub's own delay. */
  GitHubRateLimited: 'GitHubRateLimited',
  /** A 5xx or a network error: retried. */
  GitHubUnavailable: 'GitHubUnavailable',
  IssueNotFound: 'IssueNotFound',
  IssueNotOpen: 'IssueNotOpen',
  PullRequestFailed: 'PullRequestFailed',
  /** The push failed for a reason another attempt may get past: retried. */
  PushFailed: 'PushFailed',
} as const;
export type ActivityFailureType = (typeof ACTIVITY_FAILURES)[keyof typeof ACTIVITY_FAILURES];

/** Why a run did not reach its goal. */
export const RUN_FAILURES = {
  /** The goal was not reached within `work_loop.max_iterations`. */
  MaxIterationsReached: 'MaxIterationsReached',
  /** `work_loop.max_cost_usd` or `max_wall_clock` was reached. */
  BudgetExceeded: 'BudgetExceeded',
  /** The agent is not installed, or its credentials or its configuration were refused. */
  AgentUnavailable: 'AgentUnavailable',
  WorkspaceLost: 'WorkspaceLost',
  StepAlreadyRunning: 'StepAlreadyRunning',
  WorkspaceSetupFailed: 'WorkspaceSetupFailed',
  InvalidInput: 'InvalidInput',
  /** Issue runs: the final full run of the checks failed. */
  ChecksFailed: 'ChecksFailed',
  /** Issue runs: parts' branches conflict and the agent could not resolve it. */
  NeedsHuman: 'NeedsHuman',
  PullRequestFailed: 'PullRequestFailed',
  IssueNotFound: 'IssueNotFound',
  IssueNotOpen: 'IssueNotOpen',
  GitHubAuthFailed: 'GitHubAuthFailed',
  GitHubTokenMissing: 'GitHubTokenMissing',
  /** A part of a decomposed issue failed without a reason of its own. */
  SubIssueFailed: 'SubIssueFailed',
} as const;
export type RunFailureType = (typeof RUN_FAILURES)[keyof typeof RUN_FAILURES];

/** Every run failure type, for validation and docs. */
export const RUN_FAILURE_TYPES = Object.values(RUN_FAILURES) as RunFailureType[];

/**
 * The run failure that an activity's non-retryable failure of this type ends the run with, or null
 * for the types that are retried (and, once the retries are spent, are failures of the activity).
 */
export function runFailureFor(type: ActivityFailureType): RunFailureType | null {
  switch (type) {
    case 'AgentNotFound':
    case 'AgentAuthFailed':
    case 'AgentMisconfigured':
      return RUN_FAILURES.AgentUnavailable;
    case 'WorkspaceLost':
    case 'StepAlreadyRunning':
    case 'WorkspaceSetupFailed':
    case 'InvalidInput':
    case 'GitHubTokenMissing':
    case 'GitHubAuthFailed':
    case 'IssueNotFound':
    case 'IssueNotOpen':
    case 'PullRequestFailed':
      return type;
    case 'AgentRateLimited':
    case 'GitBusy':
    case 'GitHubRateLimited':
    case 'GitHubUnavailable':
    case 'PushFailed':
      return null;
    default: {
      const unhandled: never = type;
      return unhandled;
    }
  }
}

/** True when `type` is one of AIDP's activity failure types. */
export function isActivityFailureType(type: unknown): type is ActivityFailureType {
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(ACTIVITY_FAILURES, type);
}

/** True when `type` is one of AIDP's run failure types. */
export function isRunFailureType(type: unknown): type is RunFailureType {
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(RUN_FAILURES, type);
}

/** An AIDP failure, unwrapped from whatever Temporal wrapped it in. */
export interface FailureInfo {
  /** The ApplicationFailure's type: a run or activity failure type, or another error's name. */
  type: string;
  message: string;
  nonRetryable: boolean;
  /** The failure's details (a run failure carries its partial result first). */
  details: unknown[];
}

/**
 * The innermost ApplicationFailure in an error's `cause` chain — a WorkflowFailedError, an
 * ActivityFailure, a ChildWorkflowFailure, or the failure itself — or undefined when there is none.
 * Matches by name, not `instanceof`, so it works across copies of the SDK and in the sandbox.
 */
export function failureOf(error: unknown): FailureInfo | undefined {
  let found: FailureInfo | undefined;
  let current: unknown = error;
  for (let depth = 0; depth < 16 && current && typeof current === 'object'; depth++) {
    const e = current as { name?: unknown; type?: unknown; message?: unknown; nonRetryable?: unknown; details?: unknown; cause?: unknown };
    if (e.name === 'ApplicationFailure') {
      found = {
        type: typeof e.type === 'string' && e.type ? e.type : 'Error',
        message: typeof e.message === 'string' ? e.message : '',
        nonRetryable: e.nonRetryable === true,
        details: Array.isArray(e.details) ? e.details : [],
      };
    }
    current = e.cause;
  }
  return found;
}

/** The failure types of a work loop (each also ends issue runs and their parts). */
export const WORK_LOOP_FAILURES = [
  RUN_FAILURES.MaxIterationsReached,
  RUN_FAILURES.BudgetExceeded,
  RUN_FAILURES.AgentUnavailable,
  RUN_FAILURES.WorkspaceLost,
  RUN_FAILURES.StepAlreadyRunning,
  RUN_FAILURES.WorkspaceSetupFailed,
  RUN_FAILURES.InvalidInput,
] as const;
export type WorkLoopFailureType = (typeof WORK_LOOP_FAILURES)[number];

/** The failure types only issue runs (and their parts) end with. */
export const ISSUE_FAILURES = [
  RUN_FAILURES.ChecksFailed,
  RUN_FAILURES.NeedsHuman,
  RUN_FAILURES.PullRequestFailed,
  RUN_FAILURES.IssueNotFound,
  RUN_FAILURES.IssueNotOpen,
  RUN_FAILURES.GitHubAuthFailed,
  RUN_FAILURES.GitHubTokenMissing,
  RUN_FAILURES.SubIssueFailed,
] as const;
export type IssueFailureType = (typeof ISSUE_FAILURES)[number];

/**
 * How Temporal itself ends a run that did not reach its goal, beside AIDP's own failure types: the
 * other half of what a run's end can be (see {@link runEndOf}).
 */
export const TEMPORAL_ENDS = {
  /** An activity ran out of time, most often because no worker took it. */
  ActivityTimeout: 'ActivityTimeout',
  /** An activity failed for a reason of its own and its retries are spent. */
  ActivityFailed: 'ActivityFailed',
  Cancelled: 'Cancelled',
  Terminated: 'Terminated',
  /** The run's own timeout (`temporal.timeouts.workflow_execution`). */
  TimedOut: 'TimedOut',
  /** Any other failure; the message says what it was. */
  Failed: 'Failed',
} as const;
export type TemporalEndType = (typeof TEMPORAL_ENDS)[keyof typeof TEMPORAL_ENDS];

/** Why a run ended without reaching its goal: one of AIDP's failure types, or how Temporal ended it. */
export type RunEndReason = RunFailureType | TemporalEndType;

/** A run's end without its goal, as a person reads it. */
export interface RunEnd {
  reason: RunEndReason;
  /** What happened, in words, starting with the failure type for AIDP's own failures. */
  message: string;
  /** What the run had achieved (its result with outcome `incomplete`), when its failure carries it. */
  partialResult: unknown;
}

/**
 * The one mapping from Temporal's failures to AIDP's: how a run ended, from the failure Temporal gives
 * as the cause of its end (`WorkflowFailedError.cause` on the client). The SDK brands its failure
 * classes, so `instanceof` holds across copies of the SDK.
 */
export function runEndOf(failure: unknown): RunEnd {
  if (failure instanceof ApplicationFailure) {
    const { type, message, details } = failureOf(failure)!;
    return { reason: isRunFailureType(type) ? type : TEMPORAL_ENDS.Failed, message: `${type}: ${message}`, partialResult: details[0] };
  }
  if (failure instanceof CancelledFailure) return end(TEMPORAL_ENDS.Cancelled, 'the run was cancelled');
  if (failure instanceof TerminatedFailure) return end(TEMPORAL_ENDS.Terminated, `the run was terminated: ${failure.message}`);
  if (failure instanceof TimeoutFailure) {
    return end(TEMPORAL_ENDS.TimedOut, 'the run timed out (temporal.timeouts.workflow_execution)');
  }
  if (failure instanceof ActivityFailure) {
    const activity = failure.activityType || 'an activity';
    const inner = failure.cause;
    if (inner instanceof TimeoutFailure) {
      const kind = (inner.timeoutType ?? '').toLowerCase().replace(/_/g, '-') || 'its';
      return end(
        TEMPORAL_ENDS.ActivityTimeout,
        `activity timeout: ${activity} exceeded its ${kind} timeout (temporal.timeouts.activity_*); check that a worker is running and the activity makes progress`,
      );
    }
    return end(TEMPORAL_ENDS.ActivityFailed, `activity ${activity} failed: ${inner?.message ?? failure.message}`);
  }
  const message = failure instanceof Error ? failure.message : String(failure);
  return end(TEMPORAL_ENDS.Failed, `the run failed: ${message}`);
}

function end(reason: TemporalEndType, message: string): RunEnd {
  return { reason, message, partialResult: undefined };
}
