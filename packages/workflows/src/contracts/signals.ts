import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { EscalationAck, InstructionAck, PauseAck, Progress, ResumeAck, TestResults, WorkflowPhase } from './types.js';

// Wire names: the `temporal` CLI and other languages use them, so they never change.
// Every AIDP workflow type handles all four signals, all four updates and all four queries.

/** Holds the run at the next safe point (between activities) until `resume`. */
export const pauseSignal = defineSignal('pause');
/** Releases a paused run. */
export const resumeSignal = defineSignal('resume');
/** Queues an operator instruction for the next agent run. */
export const injectInstructionSignal = defineSignal<[instruction: string]>('inject_instruction');
/** Moves the next and later agent runs to the next model tier (capped at the top tier). */
export const escalateModelSignal = defineSignal('escalate_model');

/** The phase, as a string. */
export const currentStateQuery = defineQuery<WorkflowPhase>('current_state');
/** Agent iterations completed. */
export const iterationCountQuery = defineQuery<number>('iteration_count');
/** The full progress summary. */
export const progressQuery = defineQuery<Progress>('progress');
/** The latest check results, or null before the first run of the checks. */
export const testResultsQuery = defineQuery<TestResults | null>('test_results');

// The same four requests as Workflow Updates: the run answers each one (a validator refuses bad input
// before anything is written to history), so the caller knows it arrived and what it did. They need a
// worker to answer; the signals above stay for callers that send and move on.

// The SDK keeps `UpdateDefinition` in @temporalio/common; named through @temporalio/workflow, the
// contracts' declarations need no other Temporal package.
type Update<Ret, Args extends unknown[] = []> = ReturnType<typeof defineUpdate<Ret, Args>>;

/** `pause`, acknowledged: says whether the run already holds, or holds at its next safe point. */
export const pauseUpdate: Update<PauseAck> = defineUpdate('pause_run');
/** `resume`, acknowledged. */
export const resumeUpdate: Update<ResumeAck> = defineUpdate('resume_run');
/**
 * `inject_instruction`, acknowledged: refused (nothing recorded) when the text is blank or larger than
 * `INSTRUCTION_MAX_BYTES`; otherwise answers with its place in the queue.
 */
export const queueInstructionUpdate: Update<InstructionAck, [instruction: string]> = defineUpdate('queue_instruction');
/** `escalate_model`, acknowledged: answers with the model the next agent runs use. */
export const escalateModelUpdate: Update<EscalationAck> = defineUpdate('escalate_model_tier');

/** The `type` of the failure an update's validator refuses a request with. */
export const STEERING_REFUSED = 'SteeringRefused';

/**
 * The signals a person may send, by wire name: the argument each takes, what it does, and the update
 * that does the same with an answer.
 */
export const SIGNALS = {
  pause: { argument: null, description: 'hold the run at its next safe point', update: 'pause_run' },
  resume: { argument: null, description: 'release a paused run', update: 'resume_run' },
  inject_instruction: { argument: 'text', description: "add an instruction to the agent's next prompt", update: 'queue_instruction' },
  escalate_model: { argument: null, description: 'use the next model tier from now on', update: 'escalate_model_tier' },
} as const satisfies Record<string, { argument: string | null; description: string; update: string }>;

/** A signal's wire name. */
export type SignalName = keyof typeof SIGNALS;

/**
 * The updates, by wire name: the signal each acknowledges, and what its answer says. Unlike a signal,
 * an update waits for a worker to take it (and fails when none does in time).
 */
export const UPDATES = {
  pause_run: { signal: 'pause', answer: 'whether the run holds now or at its next safe point, and its phase' },
  resume_run: { signal: 'resume', answer: 'whether it was paused, and its phase' },
  queue_instruction: { signal: 'inject_instruction', answer: 'its place in the queue, or the running parts it went to' },
  escalate_model_tier: { signal: 'escalate_model', answer: 'the model the next agent runs use, or that it was already the strongest' },
} as const satisfies { [U in (typeof SIGNALS)[SignalName]['update']]: { signal: SignalName; answer: string } };

/** An update's wire name. */
export type UpdateName = keyof typeof UPDATES;

/** The queries every AIDP workflow answers, by wire name. */
export const QUERIES = ['current_state', 'iteration_count', 'progress', 'test_results'] as const;

/** A query's wire name. */
export type QueryName = (typeof QUERIES)[number];

/** Workflow type names as registered with Temporal. */
export const WORKFLOW_TYPES = ['WorkLoopWorkflow', 'IssueToPrWorkflow', 'SubIssueWorkflow'] as const;

/** A workflow type name. */
export type WorkflowTypeName = (typeof WORKFLOW_TYPES)[number];

/** True when `name` is one of AIDP's workflow types. */
export function isWorkflowTypeName(name: unknown): name is WorkflowTypeName {
  return typeof name === 'string' && (WORKFLOW_TYPES as readonly string[]).includes(name);
}
