export { AidpConnectionError, AidpPermissionDeniedError } from '@aidp/config';
export type { ConnectionFailureReason } from '@aidp/config';
import type { IssueToPrResult, RunFailureType, SubIssueResult, WorkLoopResult } from '@aidp/workflows/contracts';

// Typed errors users can branch on. Each sets `name`, so `err.name === 'AidpConnectionError'` works
// even when two copies of this package are loaded (instanceof would not).

// Defined once in @aidp/config, so the client and the worker throw the same error.
export { AidpNamespaceNotFoundError } from '@aidp/config';

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

/** A value the client checks against AIDP's input limits before anything is sent. */
export type AidpInputField =
  'namespace' | 'workflowId' | 'stepName' | 'branch' | 'baseBranch' | 'task' | 'context' | 'instruction' | 'maxIterations';

/**
 * A value given to the client breaks one of AIDP's input limits (`@aidp/workflows/contracts`, e.g.
 * `TASK_MAX_BYTES`); nothing was sent. The message names the field, the problem and the limit.
 */
export class AidpInputError extends Error {
  override readonly name = 'AidpInputError';
  constructor(
    /** Which value: `workflowId`, `stepName`, `task`, `instruction`, … */
    readonly field: AidpInputField,
    /** What is wrong with it, e.g. `is too large: 3.0 MiB (at most 256 KiB)`. */
    readonly problem: string,
  ) {
    super(`${field} ${problem}`);
  }
}

/** Throws {@link AidpInputError} when `problem` (from one of the contracts' validators) is set. */
export function assertInput(field: AidpInputField, problem: string | undefined): void {
  if (problem !== undefined) throw new AidpInputError(field, problem);
}

/**
 * Why a run did not reach its goal: the run's own failure type (`MaxIterationsReached`, …; see
 * `RUN_FAILURES` in `@aidp/workflows/contracts`), or how Temporal ended it.
 */
export type RunFailureReason =
  RunFailureType | 'ActivityTimeout' | 'ActivityFailed' | 'Cancelled' | 'Terminated' | 'TimedOut' | (string & {});

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
