import type { RunEndReason, UpdateName, WorkflowTypeName } from '@aidp/workflows/contracts';
import type { WorkflowExecutionStatusName } from '@temporalio/client';

// Errors users can branch on with `instanceof`, even when their application loads two copies of this
// package (two versions side by side, a bundler's duplicate, jest's module registries): each class
// carries a brand made with `Symbol.for`, which every copy shares, and `instanceof` checks the brand
// instead of the prototype chain — as `@temporalio/common` does for the SDK's own errors. Each also
// sets `name`, for code that switches on it.

// The base, its branding and the connection errors are defined once in @aidp/config, so the client
// and the worker throw the same errors.
import { AidpError, brand } from '@aidp/config';
export { AidpError, AidpConnectionError, AidpNamespaceNotFoundError, AidpPermissionDeniedError } from '@aidp/config';
export type { ConnectionFailureReason } from '@aidp/config';

/** No run with this id exists in the namespace (or, for a handle bound to a run, none of its chain). */
export class AidpWorkflowNotFoundError extends AidpError {
  override readonly name = 'AidpWorkflowNotFoundError';
  constructor(
    readonly workflowId: string,
    readonly namespace: string,
    override readonly cause?: unknown,
  ) {
    super(`workflow not found: ${workflowId} (namespace ${namespace})`);
  }
}
brand(AidpWorkflowNotFoundError, 'AidpWorkflowNotFoundError');

/** A run with this id is already running. */
export class AidpAlreadyStartedError extends AidpError {
  override readonly name = 'AidpAlreadyStartedError';
  constructor(
    readonly workflowId: string,
    /** The running run, when the server said which. */
    readonly runId: string | undefined,
  ) {
    super(`a run with id ${workflowId} is already running${runId ? ` (run ${runId})` : ''}`);
  }
}
brand(AidpAlreadyStartedError, 'AidpAlreadyStartedError');

/** The run with this id is not of the workflow type asked for (or not one of AIDP's). */
export class AidpWorkflowTypeError extends AidpError {
  override readonly name = 'AidpWorkflowTypeError';
  constructor(
    readonly workflowId: string,
    /** The type asked for; undefined when any of AIDP's types would do. */
    readonly expected: WorkflowTypeName | undefined,
    /** The run's workflow type. */
    readonly actual: string,
  ) {
    super(`run ${workflowId} is a ${actual}, not ${expected ? `a ${expected}` : 'one of AIDP’s workflows'}`);
  }
}
brand(AidpWorkflowTypeError, 'AidpWorkflowTypeError');

/** A steering request reached a run that has already ended. */
export class AidpRunClosedError extends AidpError {
  override readonly name = 'AidpRunClosedError';
  constructor(
    readonly workflowId: string,
    /** How it ended: `COMPLETED`, `FAILED`, `CANCELLED`, … */
    readonly status: WorkflowExecutionStatusName,
  ) {
    super(`run ${workflowId} has already ended (${status})`);
  }
}
brand(AidpRunClosedError, 'AidpRunClosedError');

/** The run refused a steering request (its update's validator did): nothing was recorded. */
export class AidpSteeringRefusedError extends AidpError {
  override readonly name = 'AidpSteeringRefusedError';
  constructor(
    readonly workflowId: string,
    /** The update's wire name. */
    readonly update: UpdateName,
    /** Why, as the run said it (`instruction is empty`, …). */
    readonly reason: string,
    override readonly cause: unknown,
  ) {
    super(`run ${workflowId} refused ${update}: ${reason}`);
  }
}
brand(AidpSteeringRefusedError, 'AidpSteeringRefusedError');

/**
 * No worker answered in time: an acknowledged steering request that no worker took, or queries that
 * went unanswered. The run itself is fine and goes on once a worker serves its task queue.
 */
export class AidpNoWorkerError extends AidpError {
  override readonly name = 'AidpNoWorkerError';
  constructor(
    readonly workflowId: string,
    /** What was waiting: an update's wire name, or `query`. */
    readonly request: UpdateName | 'query',
    /** How long it waited. */
    readonly waitedMs: number,
    override readonly cause: unknown,
  ) {
    super(
      request === 'query'
        ? `no worker answered a query of run ${workflowId} within ${formatMs(waitedMs)}: is a worker serving its task queue?`
        : `no worker took ${request} for run ${workflowId} within ${formatMs(waitedMs)}: is a worker serving its task queue? ` +
            'The request may still reach the run when a worker picks it up; send it with { wait: false } to leave it as a signal.',
    );
  }
}
brand(AidpNoWorkerError, 'AidpNoWorkerError');

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** A value the client checks against AIDP's input limits before anything is sent. */
export type AidpInputField =
  'namespace' | 'workflowId' | 'stepName' | 'branch' | 'baseBranch' | 'task' | 'context' | 'instruction' | 'maxIterations';

/**
 * A value given to the client breaks one of AIDP's input limits (`@aidp/workflows/contracts`, e.g.
 * `TASK_MAX_BYTES`); nothing was sent. The message names the field, the problem and the limit.
 */
export class AidpInputError extends AidpError {
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
brand(AidpInputError, 'AidpInputError');

/** Throws {@link AidpInputError} when `problem` (from one of the contracts' validators) is set. */
export function assertInput(field: AidpInputField, problem: string | undefined): void {
  if (problem !== undefined) throw new AidpInputError(field, problem);
}

/**
 * Why a run did not reach its goal: the run's own failure type (`MaxIterationsReached`, …; see
 * `RUN_FAILURES` in `@aidp/workflows/contracts`), or how Temporal ended it (`TEMPORAL_ENDS`).
 */
export type RunFailureReason = RunEndReason;

/**
 * A run ended without reaching its goal: failed, cancelled, terminated or timed out. `R` is the run's
 * result type (its partial result has the same shape, with outcome `incomplete`), `F` its failure
 * reasons; a typed handle's `isFailure(err)` narrows an error to its own.
 */
export class AidpRunFailedError<R = unknown, F extends RunFailureReason = RunFailureReason> extends AidpError {
  override readonly name = 'AidpRunFailedError';
  constructor(
    readonly workflowId: string,
    /** The failure type (`MaxIterationsReached`, …) or how the run was stopped. */
    readonly reason: F,
    message: string,
    /** What the run had achieved, when it says so. */
    readonly partialResult: R | undefined,
    override readonly cause: unknown,
    /** The first run of the chain that failed, when the handle that waited for it knew its chain. */
    readonly firstExecutionRunId?: string,
  ) {
    super(message);
  }
}
brand(AidpRunFailedError, 'AidpRunFailedError');
