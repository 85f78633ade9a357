import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Progress, TestResults, WorkflowPhase } from './types.js';

// Wire names: the `temporal` CLI and other languages use them, so they never change.
// Every AIDP workflow type handles all four signals and all four queries.

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

/** The signals a person may send, by wire name: the argument each takes, and what it does. */
export const SIGNALS = {
  pause: { argument: null, description: 'hold the run at its next safe point' },
  resume: { argument: null, description: 'release a paused run' },
  inject_instruction: { argument: 'text', description: "add an instruction to the agent's next prompt" },
  escalate_model: { argument: null, description: 'use the next model tier from now on' },
} as const satisfies Record<string, { argument: string | null; description: string }>;

/** A signal's wire name. */
export type SignalName = keyof typeof SIGNALS;

/** The queries every AIDP workflow answers, by wire name. */
export const QUERIES = ['current_state', 'iteration_count', 'progress', 'test_results'] as const;

/** A query's wire name. */
export type QueryName = (typeof QUERIES)[number];

/** Workflow type names as registered with Temporal. */
export const WORKFLOW_TYPES = ['WorkLoopWorkflow', 'IssueToPrWorkflow', 'SubIssueWorkflow'] as const;

/** A workflow type name. */
export type WorkflowTypeName = (typeof WORKFLOW_TYPES)[number];
