/**
 * @aidp/client — start, steer and follow AIDP runs on Temporal from your own code. It imports only the
 * wire contracts of `@aidp/workflows` (signal and query definitions, types), never workflow or
 * activity implementations, so it stays small in a bundle. Node-only (it uses a gRPC connection).
 */
export { AidpClient } from './client.js';
export type { AidpClientOptions, StartOptions, ListOptions, RunSummary } from './client.js';
export { AidpRunHandle } from './handle.js';
export type { FollowOptions, HistoryExport } from './handle.js';
export {
  AidpConnectionError,
  AidpPermissionDeniedError,
  AidpNamespaceNotFoundError,
  AidpWorkflowNotFoundError,
  AidpAlreadyStartedError,
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
