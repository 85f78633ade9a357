// The fix-forward loop's contracts: its settings, WorkLoopWorkflow's input and result, and the state a
// run carries across continue-as-new. Layer: above activities.ts and types.ts; issue.ts builds on it.
import type { AgentSpec, CheckSpec, Diagnosis, PrepareWorkspaceResult, PreviousAgentRun, WorkspaceMode } from './activities.js';
import type { ChildProgress, CostSummary, ModelSelection, PartGoal, TestResults, WorkflowPhase } from './types.js';

/** A model the agent can use; `agent.tiers` lists them from cheapest to strongest. */
export interface ModelTier {
  provider: string;
  model: string;
}

/** Timeouts and retries of the activities (from `temporal.timeouts.*` and `temporal.retry.*`), in ms. */
export interface ActivityPolicy {
  startToCloseTimeout: number;
  scheduleToCloseTimeout: number;
  heartbeatTimeout: number;
  retry: {
    initialInterval: number;
    backoffCoefficient: number;
    maximumInterval: number;
    maximumAttempts: number;
  };
}

/** When to escalate the model tier by itself. */
export interface EscalationPolicy {
  /** Consecutive failed agent runs that move the tier up (default 3). */
  escalateAfter: number;
  /** Iterations in a row without fewer failing checks that move the tier up (off when absent). */
  escalateOnNoProgress?: number;
}

/** Limits beyond the iteration count. */
export interface Budget {
  maxCostUsd?: number;
  /** Wall-clock limit of the whole run, measured in workflow time. */
  maxDurationMs?: number;
  /**
   * A decomposed run: the share of what is left of `maxCostUsd` that its parts may spend together
   * (split evenly between them); the rest is kept for merging and the loop on the merged result.
   * Default 0.6.
   */
  partsShare?: number;
}

/** When to continue-as-new. */
export interface ContinueAsNewPolicy {
  /** Continue-as-new once history has this many events (besides Temporal's own suggestion). */
  maxHistoryEvents?: number;
  /** Margin kept before `workflow_run` timeout, beyond the longest activity timeout (default 60 s). */
  runTimeoutMarginMs?: number;
}

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

/** The input of WorkLoopWorkflow. Plain JSON, no secrets. */
export interface WorkLoopInput {
  projectDir: string;
  stepName: string;
  /** The objective, in words, for the agent. */
  task: string;
  context?: string;
  maxIterations: number;
  /** A checkpoint (record + work-in-progress commit) every this many iterations. */
  checkpointInterval: number;
  escalation: EscalationPolicy;
  budget?: Budget;
  workspaceMode: WorkspaceMode;
  /** Branch for worktree mode (default `aidp/<stepName>`). */
  branch?: string;
  checks: CheckSpec[];
  agent: AgentSpec;
  /** Cheapest first; at least one. */
  tiers: ModelTier[];
  activities: ActivityPolicy;
  continueAsNew?: ContinueAsNewPolicy;
  /** State carried over a continue-as-new; absent on a fresh start. */
  carried?: WorkLoopCarriedState;
}

/**
 * What a run knows, as one plain value: its phase, the loop's counters, what it spent, the latest
 * checks and diagnosis, its workspace and commits, its children. Every change to it is a named pure
 * transition (run-state.ts of the workflows package); `progress` is a function of it; and it is what a
 * run carries across continue-as-new.
 */
export interface RunState {
  phase: WorkflowPhase;
  paused: boolean;
  /** Agent iterations this run completed itself (children's are in `childIterations`). */
  iteration: number;
  tier: number;
  consecutiveFailures: number;
  pendingInstructions: string[];
  cost: CostSummary;
  lastResults: TestResults | null;
  diagnosis: Diagnosis | null;
  previousAgentRun: PreviousAgentRun | null;
  workspace: PrepareWorkspaceResult | null;
  commits: string[];
  escalations: Escalation[];
  changedFiles: string[];
  startedAt: string;
  updatedAt: string;
  /** Runs of this execution chain so far (1 on the first). */
  generation: number;
  /**
   * The agent session to continue, the provider it belongs to, and the totals it last reported (CLIs
   * that report the whole session's figures: the next run is counted from them, across worker
   * crashes and continue-as-new alike).
   */
  session?: { id: string; provider: string; totals?: CostSummary };
  /** The model the CLI last said it ran, and on which tier. */
  reportedModel?: { tier: number; model: string };
  /** Fewest failing checks seen, and iterations since that number last went down. */
  noProgress?: { bestFailing: number; since: number };
  /** Decomposed runs: the children, and the iterations of those that finished. */
  children: ChildProgress[];
  childIterations: number;
  /** Decomposed runs: what the parts may spend together (null: no cost budget), once they started. */
  partsBudgetUsd?: number | null;
  /** A part of a decomposed run: its verdict on itself after its latest check run. */
  part?: PartGoal;
  /** Issue runs: the issue, once fetched, and the pull request, once opened. */
  issue?: { title: string; url: string };
  pullRequest?: { number: number; url: string };
}

/**
 * The state a run carries across continue-as-new: its {@link RunState}. Runs that continued before
 * the state was one value carried no phase, update time or children; those are optional here.
 */
export type WorkLoopCarriedState = Omit<RunState, 'phase' | 'updatedAt' | 'children' | 'childIterations' | 'workspace'> &
  Partial<Pick<RunState, 'phase' | 'updatedAt' | 'children' | 'childIterations'>> & { workspace: PrepareWorkspaceResult | null };

/** A change of model tier, as recorded in progress and history. */
export interface Escalation {
  /** Agent iterations completed when it happened; the next agent run uses the new tier. */
  afterIteration: number;
  fromTier: number;
  toTier: number;
  /**
   * `signal`: a person asked (the `escalate_model` signal or the `escalate_model_tier` update);
   * `consecutive_failures` and `no_progress`: the run's own policy (see {@link EscalationPolicy}).
   */
  reason: 'signal' | 'consecutive_failures' | 'no_progress';
}

/**
 * How a loop ended: it reached its goal (`completed`), had nothing to do (`already_passing`: the checks
 * passed before any change; `no_changes`: the agent declared completion without changing anything), or —
 * only in the partial result carried by a failure — `incomplete`.
 */
export type WorkLoopOutcome = 'completed' | 'already_passing' | 'no_changes' | 'incomplete';

/** The result of WorkLoopWorkflow (and the partial result in a failure's details). */
export interface WorkLoopResult {
  outcome: WorkLoopOutcome;
  stepName: string;
  branch: string | null;
  workspace: string;
  /** Checkpoint commits made on the branch, oldest first. */
  commits: string[];
  iterations: number;
  finalChecks: TestResults | null;
  cost: CostSummary;
  model: ModelSelection;
  escalations: Escalation[];
  changedFiles: string[];
}
