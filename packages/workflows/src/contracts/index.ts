/**
 * @aidp/workflows/contracts — the wire contracts of AIDP's workflows: signal and query definitions,
 * their names, and the types of what they carry. The client, the activities and the workflows all
 * compile against these, so a change here is a change to the wire format.
 *
 * Safe to import anywhere: it pulls in only `@temporalio/workflow`'s definition helpers, which run in
 * the workflow sandbox and in Node alike.
 */
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
} from './signals.js';
export type { SignalName, QueryName, WorkflowTypeName } from './signals.js';
export type {
  WorkflowPhase,
  ModelSelection,
  CostSummary,
  CheckResult,
  TestResults,
  CheckSummary,
  ChildProgress,
  ProgressSubject,
  Progress,
} from './types.js';
