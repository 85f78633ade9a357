export { AidpConnectionError, AidpPermissionDeniedError } from '@aidp/config';
export type { ConnectionFailureReason } from '@aidp/config';
import type { IssueToPrResult, SubIssueResult, WorkLoopResult } from '@aidp/workflows/contracts';

// Typed errors users can branch on. Each sets `name`, so `err.name === 'AidpConnectionError'` works
// even when two copies of this package are loaded (instanceof would not).

/** The namespace does not exist on the server. */
export class AidpNamespaceNotFoundError extends Error {
  override readonly name = 'AidpNamespaceNotFoundError';
  constructor(readonly namespace: string, readonly address: string) {
    super(`namespace not found: ${namespace} (on ${address})`);
  }
}

/** No run with this id exists in the namespace. */
export class AidpWorkflowNotFoundError extends Error {
  override readonly name = 'AidpWorkflowNotFoundError';
  constructor(
    readonly workflowId: string,
    readonly namespace: string,
  ) {
    super(`workflow not found: ${workflowId} (namespace ${namespace})`);
  }
}

/** A run with this id is already running. */
export class AidpAlreadyStartedError extends Error {
  override readonly name = 'AidpAlreadyStartedError';
  constructor(
    readonly workflowId: string,
    /** The running run, when the server said which. */
    readonly runId: string | undefined,
  ) {
    super(`a run with id ${workflowId} is already running${runId ? ` (run ${runId})` : ''}`);
  }
}

/** Why a run did not reach its goal. */
export type RunFailureReason =
  | 'MaxIterationsReached'
  | 'BudgetExceeded'
  | 'AgentUnavailable'
  | 'PullRequestFailed'
  | 'NeedsHuman'
  | 'IssueNotFound'
  | 'GitHubAuthFailed'
  | 'GitHubTokenMissing'
  | 'ActivityTimeout'
  | 'Cancelled'
  | 'Terminated'
  | 'TimedOut'
  | (string & {});

/** A run ended without reaching its goal: failed, cancelled, terminated or timed out. */
export class AidpRunFailedError extends Error {
  override readonly name = 'AidpRunFailedError';
  constructor(
    readonly workflowId: string,
    /** The failure type (`MaxIterationsReached`, …) or how the run was stopped. */
    readonly reason: RunFailureReason,
    message: string,
    /** What the run had achieved, when it says so. */
    readonly partialResult: WorkLoopResult | IssueToPrResult | SubIssueResult | undefined,
    override readonly cause: unknown,
  ) {
    super(message);
  }
}
