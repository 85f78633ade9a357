// The activities' contracts: every activity's input and result. Layer: above the shared value types
// (types.ts), below the workflows' inputs and results (work-loop.ts, issue.ts).
import type { CheckResult, CostSummary, PartRule, TestResults } from './types.js';

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
  /**
   * A part of a decomposed run: the rule it is judged by (see `PartRule`) and, for `part_checks`, the
   * commands of its own checks. The prompt then explains how the part is done.
   */
  part?: { rule: PartRule; checks: string[] };
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
  /**
   * The totals the previous run of `sessionId` reported, for CLIs whose figures cover the whole
   * session: the activity counts this run from them.
   */
  sessionTotals?: CostSummary;
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
  /** The session's totals as the CLI reported them (CLIs whose figures cover the whole session). */
  sessionTotals?: CostSummary;
  /** The model the CLI says it ran, when it says. */
  reportedModel?: string;
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
  /**
   * List each failed check's failures (`CheckResult.failures`): parsing the output costs a read of the
   * log, so only runs that compare failures ask for it (a decomposed run's baseline and its parts).
   */
  itemise?: boolean;
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

// ---- the issue flow's activities ----

/** Where GitHub is, for the activities. Only names and URLs: the token stays in the worker's environment. */
export interface GitHubTarget {
  /** `owner/name`. */
  repo: string;
  /** REST API root (`https://api.github.com`, or GitHub Enterprise's `https://host/api/v3`). */
  baseUrl: string;
  /** The environment variable of the worker that holds the token (`gh auth token` is tried when unset). */
  tokenEnv: string;
}

/**
 * A part's own check: a configured check narrowed to the part's test files and test names. AIDP builds
 * the command from the configured one; the plan only names the check, the files (which must exist) and
 * a name pattern (from a small character set), so issue text can never choose a command.
 */
export interface PartCheck extends CheckSpec {
  /** The configured check it narrows. */
  check: string;
  files: string[];
  tests?: string;
}

/** One unit of work of a plan; a sub-task may list smaller ones of its own. */
export interface SubTask {
  title: string;
  /** What to do, in words (may be empty). */
  detail: string;
  subTasks?: SubTask[];
  /** The part's own checks, when the plan gave them (see `PartRule`). */
  checks?: PartCheck[];
}

/** What `analyzeIssue` found: small, for history; the issue's full text is in `issueFile`. */
export interface IssueAnalysis {
  repo: string;
  issueNumber: number;
  title: string;
  url: string;
  labels: string[];
  /** The repository's default branch. */
  defaultBranch: string;
  /** Checklist items and lines under an "Acceptance criteria" heading. */
  acceptanceCriteria: string[];
  /** Items under a "Sub-tasks"/"Tasks" heading; two or more recommend decomposition. */
  subTasks: SubTask[];
  recommendDecomposition: boolean;
  /** The issue as the agent sees it: fenced, marked untrusted, bounded. */
  task: string;
  /** The issue's full text (title, body, labels, comments) under the run's folder. */
  issueFile: string;
}

/** A plan: steps for the loop, and sub-tasks when the work is split. */
export interface Plan {
  /** `agent`: the agent wrote it and it validated; `deterministic`: built from the analysis. */
  source: 'agent' | 'deterministic';
  steps: SubTask[];
  decompose: boolean;
  subTasks: SubTask[];
  /** Why the agent's plan was not used, when it was not. */
  note?: string;
  /** What asking the agent cost. */
  cost: CostSummary;
  /** Files the agent changed while planning (it is asked not to; they are part of the work if it did). */
  changedFiles: string[];
}

/** A pull request as the workflows keep it. */
export interface PullRequestRef {
  number: number;
  url: string;
  /** `created` the first time, `updated` when an open PR for the branch already existed. */
  action: 'created' | 'updated';
  draft: boolean;
}

export interface AnalyzeIssueInput {
  github: GitHubTarget;
  issueNumber: number;
  projectDir: string;
  workflowId: string;
}

export interface CreatePlanInput {
  workspace: string;
  runDir: string;
  analysis: IssueAnalysis;
  agent: AgentSpec;
  model: string;
  /** The configured checks: a plan may narrow them for a part (absent: the plan names none). */
  checks?: CheckSpec[];
}

export interface MergeBranchesInput {
  workspace: string;
  runDir: string;
  /** Child branches, merged in this order. */
  branches: string[];
  /** When a merge conflicts: let the agent resolve it once before giving up. */
  resolveWith?: { agent: AgentSpec; model: string };
}

export interface MergeBranchesResult {
  merged: string[];
  /** Set when a conflict was left: the branch and the files. */
  conflict?: { branch: string; files: string[] };
  cost: CostSummary;
  head: string;
}

export interface CreatePullRequestInput {
  github: GitHubTarget;
  workspace: string;
  runDir: string;
  issueNumber: number;
  branch: string;
  baseBranch: string;
  title: string;
  body: string;
  draft: boolean;
  /** The commit message for work not yet committed. */
  commitMessage: string;
}

export interface CreatePullRequestResult extends PullRequestRef {
  headSha: string;
  commentUrl: string;
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
