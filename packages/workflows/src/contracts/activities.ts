import type { CheckResult, CostSummary, TestResults } from './types.js';
import type {
  AnalyzeIssueInput,
  CreatePlanInput,
  CreatePullRequestInput,
  CreatePullRequestResult,
  IssueAnalysis,
  MergeBranchesInput,
  MergeBranchesResult,
  Plan,
} from './issue.js';

// The activity interfaces the workflows call through `proxyActivities<AidpActivities>()`. The
// activities package implements them (`satisfies AidpActivities`). Inputs and results are plain JSON and
// small: they are stored in workflow history. Full outputs live in files under the run's folder.

/** `worktree`: a git worktree on the run's branch. `in-place`: the checkout as it is, no commits. */
export type WorkspaceMode = 'worktree' | 'in-place';

export interface PrepareWorkspaceInput {
  projectDir: string;
  workflowId: string;
  /** Branch for `worktree` mode (created from `startPoint`, or the checkout's HEAD, when missing). */
  branch: string;
  mode: WorkspaceMode;
  /**
   * Where a new branch starts: a branch name (its `origin/` copy is preferred when it exists). Absent:
   * the checkout's HEAD.
   */
  startPoint?: string;
}

export interface PrepareWorkspaceResult {
  /** Where the agent and the checks run. */
  workspace: string;
  /** The run's branch; in `in-place` mode, whatever the checkout is on (null when detached). */
  branch: string | null;
  /** `<projectDir>/.aidp/runs/<workflowId>`: prompts, logs, checkpoints. */
  runDir: string;
  /** HEAD when the workspace was prepared. */
  baseCommit: string;
  /**
   * Set when the run's branch already held an earlier run's work and this run continues it: that
   * run's id (its worktree was retired, anything it left uncommitted committed on the branch first).
   */
  continuedFrom?: string;
}

/** One configured check, as the activities run it. */
export interface CheckSpec {
  name: string;
  /** A shell command, run with `sh -c` in the workspace. */
  command: string;
  required: boolean;
  timeoutMs: number;
}

/** A structured failure extracted from a check's output. */
export interface Failure {
  check: string;
  file?: string;
  line?: number;
  column?: number;
  test?: string;
  message: string;
}

/** What `diagnoseFailure` found; it goes into the next prompt. */
export interface Diagnosis {
  iteration: number;
  failedChecks: string[];
  /** At most a few dozen, most useful first. */
  failures: Failure[];
  /** Failures found beyond those listed. */
  omitted: number;
  /** A short text for people and for the prompt. */
  summary: string;
}

/** What the agent was told, and what it did, in the previous iteration. */
export interface PreviousAgentRun {
  iteration: number;
  ok: boolean;
  exitCode: number | null;
  timedOut: boolean;
  summary: string;
}

export interface CreatePromptInput {
  runDir: string;
  workspace: string;
  stepName: string;
  task: string;
  context?: string;
  /** The iteration this prompt is for (1-based). */
  iteration: number;
  maxIterations: number;
  /** Operator instructions delivered with this prompt. */
  instructions: string[];
  diagnosis: Diagnosis | null;
  previousAgentRun: PreviousAgentRun | null;
  /** True when completion is decided by the agent's `STATUS: COMPLETE` line (no checks configured). */
  completionByMarker: boolean;
}

export interface CreatePromptResult {
  promptPath: string;
  bytes: number;
}

/** The agent to run and how. Secrets never appear here: `env` holds variable names only. */
export interface AgentSpec {
  provider: string;
  /** argv template; `{promptFile}`, `{model}`, `{workspace}` are replaced. The prompt also arrives on stdin. */
  command: string[];
  timeoutMs: number;
  /** Names of environment variables passed through to the agent. */
  env: string[];
  /**
   * How much of one agent run's output is kept in its log (`agent.max_output_bytes`); past it, the
   * end is kept. Absent in runs started before the cap existed: the activity's default applies.
   */
  maxOutputBytes?: number;
}

export interface RunAgentInput {
  workspace: string;
  runDir: string;
  promptPath: string;
  iteration: number;
  /** The agent; `provider` is the current tier's. */
  agent: AgentSpec;
  model: string;
  /** The previous iteration's session, to continue it where the CLI can. */
  sessionId?: string;
  /** The folder under the run's folder for this run's logs (default `iter-<iteration>`). */
  label?: string;
}

export interface RunAgentResult {
  /** True when the process exited 0 within its timeout. */
  ok: boolean;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
  /** The last lines of the agent's output. */
  summary: string;
  /** Files the agent changed, added or removed (paths relative to the workspace; capped). */
  changedFiles: string[];
  /** The agent printed a line `STATUS: COMPLETE`. */
  completionMarker: boolean;
  cost: CostSummary;
  /** The CLI's session, when it reports one. */
  sessionId?: string;
  /** The provider and model that ran, for the record and the metrics. */
  provider: string;
  model: string;
  logPath: string;
}

export interface RunChecksInput {
  workspace: string;
  runDir: string;
  /** 0 for the run before any change. */
  iteration: number;
  checks: CheckSpec[];
}

export interface DiagnoseFailureInput {
  iteration: number;
  results: TestResults;
}

export interface RecordCheckpointInput {
  workspace: string;
  runDir: string;
  workflowId: string;
  iteration: number;
  mode: WorkspaceMode;
  /** A line for the commit message and the record. */
  summary: string;
  passing: boolean | null;
  /** Why: periodic, final, … */
  reason: 'interval' | 'final';
}

export interface RecordCheckpointResult {
  /** The checkpoint commit (or HEAD when there was nothing to commit); null in `in-place` mode. */
  commit: string | null;
  recordPath: string;
}

/** The activities the workflows call. */
export interface AidpActivities {
  prepareWorkspace(input: PrepareWorkspaceInput): Promise<PrepareWorkspaceResult>;
  createPrompt(input: CreatePromptInput): Promise<CreatePromptResult>;
  runAgent(input: RunAgentInput): Promise<RunAgentResult>;
  runChecks(input: RunChecksInput): Promise<TestResults>;
  diagnoseFailure(input: DiagnoseFailureInput): Promise<Diagnosis>;
  recordCheckpoint(input: RecordCheckpointInput): Promise<RecordCheckpointResult>;
  analyzeIssue(input: AnalyzeIssueInput): Promise<IssueAnalysis>;
  createPlan(input: CreatePlanInput): Promise<Plan>;
  mergeBranches(input: MergeBranchesInput): Promise<MergeBranchesResult>;
  createPullRequest(input: CreatePullRequestInput): Promise<CreatePullRequestResult>;
}

/** Re-exported for activity implementations. */
export type { CheckResult, CostSummary, TestResults };
