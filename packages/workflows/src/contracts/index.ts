/**
 * @aidp/workflows/contracts — the wire contracts of AIDP's workflows: signal and query definitions,
 * their names, workflow inputs and results, and the activity interfaces. The client, the activities
 * and the workflows all compile against these, so a change here is a change to the wire format.
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
  ChecksBaseline,
  PartRule,
  PartGoal,
} from './types.js';
export { failureId, PART_LIST_CAP } from './failure-id.js';
export type {
  WorkspaceMode,
  PrepareWorkspaceInput,
  PrepareWorkspaceResult,
  CheckSpec,
  Failure,
  Diagnosis,
  PreviousAgentRun,
  CreatePromptInput,
  CreatePromptResult,
  AgentSpec,
  RunAgentInput,
  RunAgentResult,
  RunChecksInput,
  DiagnoseFailureInput,
  RecordCheckpointInput,
  RecordCheckpointResult,
  GitHubTarget,
  PartCheck,
  SubTask,
  IssueAnalysis,
  Plan,
  PullRequestRef,
  AnalyzeIssueInput,
  CreatePlanInput,
  MergeBranchesInput,
  MergeBranchesResult,
  CreatePullRequestInput,
  CreatePullRequestResult,
  AidpActivities,
} from './activities.js';
export type {
  ModelTier,
  ActivityPolicy,
  EscalationPolicy,
  Budget,
  ContinueAsNewPolicy,
  LoopSettings,
  WorkLoopInput,
  WorkLoopCarriedState,
  RunState,
  Escalation,
  WorkLoopOutcome,
  WorkLoopResult,
} from './work-loop.js';
export { issueWorkflowId } from './issue.js';
export type {
  IssueToPrInput,
  IssueCarriedState,
  IssueOutcome,
  ChildSummary,
  IssueToPrResult,
  SubIssueInput,
  SubIssueResult,
} from './issue.js';
export {
  ACTIVITY_FAILURES,
  RUN_FAILURES,
  RUN_FAILURE_TYPES,
  WORK_LOOP_FAILURES,
  ISSUE_FAILURES,
  runFailureFor,
  isActivityFailureType,
  isRunFailureType,
  failureOf,
} from './failures.js';
export type { ActivityFailureType, RunFailureType, WorkLoopFailureType, IssueFailureType, FailureInfo } from './failures.js';
export {
  WORKFLOW_ID_MAX_BYTES,
  NEW_WORKFLOW_ID_MAX_BYTES,
  STEP_NAME_MAX_BYTES,
  BRANCH_NAME_MAX_BYTES,
  TASK_MAX_BYTES,
  INSTRUCTION_MAX_BYTES,
  MAX_ITERATIONS_LIMIT,
  utf8ByteLength,
  formatBytes,
  validateWorkflowId,
  validateNewWorkflowId,
  validateNamespace,
  validateRefName,
  validateBranchName,
  validateStepName,
  validateTaskText,
  validateInstruction,
  validateMaxIterations,
} from './limits.js';
