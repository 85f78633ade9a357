/**
 * The phase a run is in, as answered by the `current_state` query. Wire values: other languages and
 * the `temporal` CLI read them, so they never change spelling.
 */
export type WorkflowPhase =
  | 'initializing'
  | 'analyzing'
  | 'planning'
  | 'implementing'
  | 'awaiting_children'
  | 'apply_patch'
  | 'test'
  | 'diagnose'
  | 'next_patch'
  | 'testing'
  | 'creating_pr'
  | 'paused'
  | 'done'
  | 'completed'
  | 'failed'
  | 'cancelled';

/** The model an agent run uses. */
export interface ModelSelection {
  provider: string;
  /** The tier's model, as configured in `agent.tiers`. */
  model: string;
  /** Index into `agent.tiers`, 0 being the cheapest. */
  tier: number;
  /**
   * The model the agent CLI says it ran on this tier (an alias resolved, a model the CLI substituted),
   * once it has said so; absent for CLIs that do not report it.
   */
  reported?: string;
}

/** Money and tokens spent so far, as reported by the agent. */
export interface CostSummary {
  usd: number;
  inputTokens: number;
  outputTokens: number;
}

/** One configured check's outcome (test, lint, typecheck, build, custom). */
export interface CheckResult {
  name: string;
  required: boolean;
  passed: boolean;
  exitCode: number | null;
  durationMs: number;
  /** The last lines of output; the whole output is in `logPath`. */
  outputTail: string;
  logPath: string;
  timedOut: boolean;
  /**
   * A failed check's failures, one id each (see `failureId`), when its output could be read failure by
   * failure (jest, vitest, node:test, pytest, go test, tsc, eslint, …) and they are few enough to list;
   * absent when it could not, and for a check that passed. Decomposed runs compare them to see what a
   * part fixed and whether it broke anything.
   */
  failures?: string[];
}

/** The latest run of the checks, as answered by the `test_results` query. */
export interface TestResults {
  iteration: number;
  /** True when every required check passed. */
  passing: boolean;
  checks: CheckResult[];
}

/** The summary of the last check run kept in `progress`. */
export interface CheckSummary {
  passing: boolean;
  total: number;
  failedChecks: string[];
}

/**
 * The checks as they were when the parts of a decomposed run started, as a part judges itself against
 * them: which checks passed, and each failing check's failures (absent when they could not be listed).
 */
export interface ChecksBaseline {
  checks: Array<{ name: string; required: boolean; passed: boolean; failures?: string[] }>;
}

/**
 * How a part of a decomposed run decides it is done:
 * - `part_checks`: the checks the plan gave the part (configured checks narrowed to its tests) pass,
 *   and nothing that passed when it started fails;
 * - `no_regression`: the agent reports the part complete, the failures the part names are gone, and
 *   nothing that passed when it started fails.
 */
export type PartRule = 'part_checks' | 'no_regression';

/** A part's verdict on itself after its latest check run. Lists are capped (see `PART_LIST_CAP`). */
export interface PartGoal {
  rule: PartRule;
  /** True once the part is done by its rule. */
  met: boolean;
  /** Failures of the starting point that no longer fail. */
  removed: string[];
  /** Failures of the starting point that still fail (other parts' work, or not yet done). */
  left: string[];
  /** What passed at the starting point and fails now: a part with any is not done. */
  broken: string[];
  /** Why it is not done yet, in words (absent once met). */
  pending?: string;
}

/** A child run of a decomposed issue, as its parent knows it. */
export interface ChildProgress {
  workflowId: string;
  /** `running` until it ends, then `completed`, `failed` or `cancelled`. */
  state: WorkflowPhase | 'running';
  outcome?: string;
  subIssueId?: string;
  title?: string;
  iterations?: number;
  cost?: CostSummary;
  /** How the part judged itself when it finished. */
  goal?: PartGoal;
}

/** What the run works on: a work-loop step, an issue, or a sub-issue. */
export type ProgressSubject =
  { kind: 'step'; stepName: string } | { kind: 'issue'; repo: string; issueNumber: number } | { kind: 'sub_issue'; subIssueId: string };

/** The `progress` query's answer: everything a person watching a run wants at a glance. */
export interface Progress {
  workflowType: 'WorkLoopWorkflow' | 'IssueToPrWorkflow' | 'SubIssueWorkflow';
  state: WorkflowPhase;
  paused: boolean;
  iteration: number;
  maxIterations: number;
  subject: ProgressSubject;
  model: ModelSelection;
  consecutiveFailures: number;
  pendingInstructions: number;
  cost: CostSummary;
  lastChecks: CheckSummary | null;
  branch: string | null;
  workspace: string | null;
  children: ChildProgress[];
  /** A part of a decomposed run: how it judges itself, as of its latest check run. */
  part?: PartGoal;
  /**
   * A decomposed run: what its parts may spend together (null: no cost budget), what they spent and
   * iterated, and the iterations of its own loop on the merged result.
   */
  decomposition?: { partsBudgetUsd: number | null; partsCostUsd: number; partsIterations: number; ownIterations: number };
  /** Issue runs: the issue's title and page, once fetched. */
  issue?: { title: string; url: string };
  /** Issue runs: the pull request, once opened. */
  pullRequest?: { number: number; url: string };
  /** ISO time from workflow time (deterministic), never the wall clock. */
  startedAt: string;
  updatedAt: string;
}

/**
 * The answer to the `pause_run` update. The run answers at once and never makes the request wait for
 * the work in hand: an agent run or the checks may take many minutes, and a handler that waited would
 * hold up continue-as-new and the run's own end.
 */
export interface PauseAck {
  /**
   * True when the run holds at a safe point now (phase `paused`); false when it holds at its next one,
   * once what runs now — an agent run, the checks, its parts — has finished.
   */
  held: boolean;
  /** The phase the run is in as it answers. */
  phase: WorkflowPhase;
  /** False when the run was already paused: nothing changed. */
  changed: boolean;
  /** Running parts the pause was passed on to (each holds at its own next safe point). */
  forwardedToChildren: number;
}

/** The answer to the `resume_run` update. */
export interface ResumeAck {
  /** The phase the run is in as it answers (still `paused` until the workflow moves on). */
  phase: WorkflowPhase;
  /** False when the run was not paused: nothing changed. */
  changed: boolean;
  /** Running parts the resume was passed on to. */
  forwardedToChildren: number;
}

/** The answer to the `queue_instruction` update. */
export interface InstructionAck {
  /**
   * The instruction's place among those waiting for the next prompt (1 is the first), or null when the
   * run is waiting for its parts and passed it on to them instead.
   */
  position: number | null;
  /** Instructions waiting for this run's next prompt, this one included when it was queued here. */
  pending: number;
  /** Running parts the instruction was passed on to. */
  forwardedToChildren: number;
}

/** The answer to the `escalate_model_tier` update. */
export interface EscalationAck {
  /** True when the tier went up; false when the run was already on the strongest tier. */
  escalated: boolean;
  /** The model the next agent runs use (`tier` is its index in `agent.tiers`). */
  model: ModelSelection;
  /** How many tiers there are. */
  tiers: number;
  /** Running parts the escalation was passed on to. */
  forwardedToChildren: number;
}
