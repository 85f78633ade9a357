import type { AgentSpec, CheckSpec, Diagnosis, PreviousAgentRun, WorkspaceMode } from './activities.js';
import type { CostSummary, ModelSelection, TestResults } from './types.js';

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
}

/** When to continue-as-new. */
export interface ContinueAsNewPolicy {
  /** Continue-as-new once history has this many events (besides Temporal's own suggestion). */
  maxHistoryEvents?: number;
  /** Margin kept before `workflow_run` timeout, beyond the longest activity timeout (default 60 s). */
  runTimeoutMarginMs?: number;
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

/** Everything a run carries across continue-as-new. */
export interface WorkLoopCarriedState {
  iteration: number;
  tier: number;
  consecutiveFailures: number;
  pendingInstructions: string[];
  paused: boolean;
  cost: CostSummary;
  lastResults: TestResults | null;
  diagnosis: Diagnosis | null;
  previousAgentRun: PreviousAgentRun | null;
  workspace: { workspace: string; branch: string | null; runDir: string; baseCommit: string };
  commits: string[];
  escalations: Escalation[];
  changedFiles: string[];
  startedAt: string;
  /** Runs of this execution chain so far (1 on the first). */
  generation: number;
  /** The agent session to continue, and the provider it belongs to. */
  session?: { id: string; provider: string };
  /** Fewest failing checks seen, and iterations since that number last went down. */
  noProgress?: { bestFailing: number; since: number };
}

/** A change of model tier, as recorded in progress and history. */
export interface Escalation {
  /** Agent iterations completed when it happened; the next agent run uses the new tier. */
  afterIteration: number;
  fromTier: number;
  toTier: number;
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

/** Failure types of a run that did not reach its goal (the `type` of its ApplicationFailure). */
export const WORK_LOOP_FAILURES = ['MaxIterationsReached', 'BudgetExceeded', 'AgentUnavailable', 'WorkspaceLost', 'StepAlreadyRunning'] as const;
export type WorkLoopFailureType = (typeof WORK_LOOP_FAILURES)[number];

/** The activity failure type that means the agent cannot run at all (not installed, bad command). */
export const AGENT_NOT_FOUND = 'AgentNotFound';

/** The agent's credentials were refused: retrying cannot help. */
export const AGENT_AUTH_FAILED = 'AgentAuthFailed';

/** The agent's provider limited its rate or quota: retried with backoff, then counted as a failed run. */
export const AGENT_RATE_LIMITED = 'AgentRateLimited';

/**
 * The run's worktree is no longer the one the run made (its folder or `.git` was deleted or replaced,
 * its branch switched or HEAD detached, its index damaged): nothing more is done in it. Both an
 * activity failure type and the run's own failure type.
 */
export const WORKSPACE_LOST = 'WorkspaceLost';

/** Another run of the same step still works on its branch. Both an activity and a run failure type. */
export const STEP_ALREADY_RUNNING = 'StepAlreadyRunning';
