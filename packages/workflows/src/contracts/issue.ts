// Workflow inputs and results of the issue flow (IssueToPrWorkflow, SubIssueWorkflow). Layer: above
// the activity contracts (activities.ts) and the loop's contracts (work-loop.ts), which it imports.
import type { GitHubTarget, IssueAnalysis, Plan, PullRequestRef, SubTask } from './activities.js';
import type { ChecksBaseline, CostSummary, ModelSelection, PartGoal, TestResults } from './types.js';
import type { Escalation, LoopSettings, WorkLoopCarriedState } from './work-loop.js';

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
  /** How the part judged itself (parts started with a baseline). */
  goal?: PartGoal;
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
  /**
   * The checks on the parent's branch when the parts started: the part is judged against them (see
   * `PartRule`). Absent in runs started before parts had goals of their own: such a part must make
   * every check pass.
   */
  baseline?: ChecksBaseline;
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
  /** How the part judged itself at its end (parts started with a baseline). */
  goal?: PartGoal;
}

/**
 * The workflow id of an issue's run: one per repository and issue, so a second start for the same issue
 * finds the running one instead of starting a twin.
 */
export function issueWorkflowId(repo: string, issueNumber: number): string {
  return `aidp-issue-${repo.replace('/', '-')}-${issueNumber}`;
}
