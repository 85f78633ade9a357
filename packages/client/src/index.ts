/**
 * @aidp/client — start, steer and follow AIDP runs on Temporal from your own code, with its own
 * connection or through your application's Temporal client. It imports only the wire contracts of
 * `@aidp/workflows` (signal, update and query definitions, types) and the workflows' types, never
 * workflow or activity implementations, so it stays small in a bundle. Node-only (it uses a gRPC
 * connection).
 */
export { AidpClient } from './client.js';
export type { AidpClientOptions, FromClientOptions, StartOptions, ListOptions, RunSummary } from './client.js';
export { AidpRunHandle } from './handle.js';
export type {
  FollowOptions,
  FollowEvent,
  HistoryExport,
  SteerOptions,
  NoWait,
  PauseOptions,
  PauseResult,
  KnownRunHandle,
  WorkLoopHandle,
  IssueRunHandle,
  SubIssueHandle,
  TypedRunHandle,
  HandleContext,
  HandleBinding,
} from './handle.js';
export type { AidpWorkflows, RunType, RunInput, RunResult, RunFailures, RunFailure } from './runs.js';
export {
  AidpError,
  AidpConnectionError,
  AidpPermissionDeniedError,
  AidpNamespaceNotFoundError,
  AidpWorkflowNotFoundError,
  AidpAlreadyStartedError,
  AidpWorkflowTypeError,
  AidpRunClosedError,
  AidpSteeringRefusedError,
  AidpNoWorkerError,
  AidpRunFailedError,
  AidpInputError,
} from './errors.js';
export type { RunFailureReason, ConnectionFailureReason, AidpInputField } from './errors.js';
export { buildWorkLoopInput, WorkLoopRequestError } from './work-loop-input.js';
export type { WorkLoopRequest } from './work-loop-input.js';
export { buildIssueToPrInput, repoFromRemoteUrl, resolveRepo } from './issue-input.js';
export type { IssueToPrRequest } from './issue-input.js';
export { temporalUiBase, runUiUrl } from './ui.js';
// The wire contracts, re-exported whole (also on their own, without the Temporal client, as
// `@aidp/client/contracts`).
export * from './contracts.js';
