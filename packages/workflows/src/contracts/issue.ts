import type { CheckSpec } from './activities.js';
import type { CostSummary, ModelSelection, TestResults } from './types.js';
import type {
  ActivityPolicy,
  Budget,
  ContinueAsNewPolicy,
  Escalation,
  EscalationPolicy,
  ModelTier,
  WorkLoopCarriedState,
} from './work-loop.js';
import type { AgentSpec } from './activities.js';

/** How the fix-forward loop runs: shared by every workflow type that runs it. */
export interface LoopSettings {
  maxIterations: number;
  checkpointInterval: number;
  escalation: EscalationPolicy;
  budget?: Budget;
  checks: CheckSpec[];
  agent: AgentSpec;
  tiers: ModelTier[];
  activities: ActivityPolicy;
  continueAsNew?: ContinueAsNewPolicy;
}

/** Where GitHub is, for the activities. Only names and URLs: the token stays in the worker's environment. */
export interface GitHubTarget {
  /** `owner/name`. */
  repo: string;
  /** REST API root (`https://api.github.com`, or GitHub Enterprise's `https://host/api/v3`). */
  baseUrl: string;
  /** The environment variable of the worker that holds the token (`gh auth token` is tried when unset). */
  tokenEnv: string;
}

/** One unit of work of a plan; a sub-task may list smaller ones of its own. */
export interface SubTask {
  title: string;
  /** What to do, in words (may be empty). */
  detail: string;
  subTasks?: SubTask[];
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

/**
 * The input of IssueToPrWorkflow. Plain JSON, no secrets. Issue runs always work in a git worktree on
 * their own branch: a pull request needs one.
 */
export interface IssueToPrInput {
  github: GitHubTarget;
  issueNumber: number;
  projectDir: string;
  /** Branch the PR targets; default: the repository's default branch. */
  baseBranch?: string;
  draft: boolean;
  loop: LoopSettings;
  /** Sub-task depth limit for decomposition (default 3). */
  maxDepth: number;
  carried?: IssueCarriedState;
}

/** Carried across continue-as-new by IssueToPrWorkflow and SubIssueWorkflow. */
export interface IssueCarriedState {
  analysis?: IssueAnalysis;
  plan?: Plan;
  /** Children that finished and were merged before the loop continued as new. */
  children?: ChildSummary[];
  loop: WorkLoopCarriedState;
}

/** How an issue run ended well: a PR, or nothing to change. */
export type IssueOutcome = 'completed' | 'no_changes' | 'incomplete';

/** A finished sub-issue, as its parent records it. */
export interface ChildSummary {
  workflowId: string;
  subIssueId: string;
  title: string;
  branch: string;
  outcome: string;
  iterations: number;
  cost: CostSummary;
  passing: boolean | null;
}

/** The result of IssueToPrWorkflow (and the partial result in a failure's details). */
export interface IssueToPrResult {
  outcome: IssueOutcome;
  repo: string;
  issueNumber: number;
  title: string;
  pullRequest: PullRequestRef | null;
  branch: string | null;
  baseBranch: string | null;
  iterations: number;
  finalChecks: TestResults | null;
  cost: CostSummary;
  model: ModelSelection;
  escalations: Escalation[];
  changedFiles: string[];
  children: ChildSummary[];
  /** Files left in conflict when the run needs a person. */
  conflicts?: string[];
}

/** The input of SubIssueWorkflow. */
export interface SubIssueInput {
  parentWorkflowId: string;
  /** `1`, `1.2`, … — its place in the tree. */
  subIssueId: string;
  /** The issue the tree works on, for prompts and branch names. */
  issue: { repo: string; issueNumber: number; title: string; task: string };
  subTask: SubTask;
  depth: number;
  maxDepth: number;
  projectDir: string;
  /** The parent's branch: this run's branch starts there and is merged back into it. */
  parentBranch: string;
  loop: LoopSettings;
  carried?: IssueCarriedState;
}

/** The result of SubIssueWorkflow. */
export interface SubIssueResult {
  outcome: IssueOutcome;
  subIssueId: string;
  title: string;
  branch: string;
  iterations: number;
  finalChecks: TestResults | null;
  cost: CostSummary;
  changedFiles: string[];
  children: ChildSummary[];
}

/** Failure types of issue runs, besides the loop's own (`MaxIterationsReached`, …). */
export const ISSUE_FAILURES = ['PullRequestFailed', 'NeedsHuman', 'IssueNotFound', 'GitHubAuthFailed', 'GitHubTokenMissing', 'IssueNotOpen'] as const;
export type IssueFailureType = (typeof ISSUE_FAILURES)[number];

// ---- activities of the issue flow ----

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

/**
 * The workflow id of an issue's run: one per repository and issue, so a second start for the same issue
 * finds the running one instead of starting a twin.
 */
export function issueWorkflowId(repo: string, issueNumber: number): string {
  return `aidp-issue-${repo.replace('/', '-')}-${issueNumber}`;
}
