/**
 * @aidp/client — start, steer and follow AIDP runs on Temporal from your own code. It imports only the
 * wire contracts of `@aidp/workflows` (signal and query definitions, types), never workflow or
 * activity implementations, so it stays small in a bundle. Node-only (it uses a gRPC connection).
 */
export { AidpClient } from './client.js';
export type { AidpClientOptions, StartOptions, ListOptions, RunSummary } from './client.js';
export { AidpRunHandle } from './handle.js';
export type { FollowOptions } from './handle.js';
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
export {
  pauseSignal,
  resumeSignal,
  injectInstructionSignal,
  escalateModelSignal,
  currentStateQuery,
  iterationCountQuery,
  progressQuery,
  testResultsQuery,
  SIGNALS,
  QUERIES,
  WORKFLOW_TYPES,
  issueWorkflowId,
  WORKFLOW_ID_MAX_BYTES,
  NEW_WORKFLOW_ID_MAX_BYTES,
  STEP_NAME_MAX_BYTES,
  BRANCH_NAME_MAX_BYTES,
  TASK_MAX_BYTES,
  INSTRUCTION_MAX_BYTES,
  MAX_ITERATIONS_LIMIT,
  validateWorkflowId,
  validateNewWorkflowId,
  validateNamespace,
  validateBranchName,
  validateStepName,
  validateTaskText,
  validateInstruction,
  validateMaxIterations,
} from '@aidp/workflows/contracts';
export type {
  Progress,
  TestResults,
  WorkflowPhase,
  SignalName,
  QueryName,
  WorkflowTypeName,
  WorkLoopInput,
  WorkLoopResult,
  IssueToPrInput,
  IssueToPrResult,
  SubIssueInput,
  SubIssueResult,
  ChildProgress,
} from '@aidp/workflows/contracts';
