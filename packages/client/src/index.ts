/**
 * @aidp/client — start, steer and follow AIDP runs on Temporal from your own code. It imports only the
 * wire contracts of `@aidp/workflows` (signal and query definitions, types), never workflow or
 * activity implementations, so it stays small in a bundle.
 */
export { connectTemporalClient } from './connect.js';
export type { ConnectedClient } from './connect.js';
export { buildWorkLoopInput, WorkLoopRequestError } from './work-loop-input.js';
export type { WorkLoopRequest } from './work-loop-input.js';
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
} from '@aidp/workflows/contracts';
export type {
  Progress,
  TestResults,
  WorkflowPhase,
  SignalName,
  QueryName,
  WorkLoopInput,
  WorkLoopResult,
} from '@aidp/workflows/contracts';
