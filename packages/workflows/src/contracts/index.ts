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
} from './types.js';
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
  AidpActivities,
} from './activities.js';
export { ISSUE_FAILURES, issueWorkflowId } from './issue.js';
export type {
  LoopSettings,
  GitHubTarget,
  SubTask,
  IssueAnalysis,
  Plan,
  PullRequestRef,
  IssueToPrInput,
  IssueCarriedState,
  IssueOutcome,
  ChildSummary,
  IssueToPrResult,
  SubIssueInput,
  SubIssueResult,
  IssueFailureType,
  AnalyzeIssueInput,
  CreatePlanInput,
  MergeBranchesInput,
  MergeBranchesResult,
  CreatePullRequestInput,
  CreatePullRequestResult,
} from './issue.js';
export { WORK_LOOP_FAILURES, AGENT_NOT_FOUND, AGENT_AUTH_FAILED, AGENT_RATE_LIMITED, WORKSPACE_LOST, STEP_ALREADY_RUNNING } from './work-loop.js';
export type {
  ModelTier,
  ActivityPolicy,
  EscalationPolicy,
  Budget,
  ContinueAsNewPolicy,
  WorkLoopInput,
  WorkLoopCarriedState,
  Escalation,
  WorkLoopOutcome,
  WorkLoopResult,
  WorkLoopFailureType,
} from './work-loop.js';
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
