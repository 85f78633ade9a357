// What the client knows about each of AIDP's workflows, as types only: the workflow functions are
// imported with `import type`, which the compiler erases, so no workflow code reaches a client bundle
// while every start is checked against the workflow's own signature.
import type { IssueToPrWorkflow, SubIssueWorkflow, WorkLoopWorkflow } from '@aidp/workflows';
import type { IssueFailureType, TemporalEndType, WorkLoopFailureType, WorkflowTypeName } from '@aidp/workflows/contracts';

/** AIDP's workflows by type name. */
export interface AidpWorkflows {
  WorkLoopWorkflow: typeof WorkLoopWorkflow;
  IssueToPrWorkflow: typeof IssueToPrWorkflow;
  SubIssueWorkflow: typeof SubIssueWorkflow;
}

/** A workflow type of AIDP's: `WorkLoopWorkflow`, `IssueToPrWorkflow` or `SubIssueWorkflow`. */
export type RunType = keyof AidpWorkflows;

// The contracts list the same types by name: this stops compiling when the two lists drift apart.
type Holds<T extends true> = T;
type _SameTypes = Holds<[RunType, WorkflowTypeName] extends [WorkflowTypeName, RunType] ? true : false>;

/** A run's input. */
export type RunInput<T extends RunType> = Parameters<AidpWorkflows[T]>[0];

/** A run's result (and, with outcome `incomplete`, the partial result its failure carries). */
export type RunResult<T extends RunType> = Awaited<ReturnType<AidpWorkflows[T]>>;

/** Why a run of each type may end without its goal. */
export interface RunFailures {
  WorkLoopWorkflow: WorkLoopFailureType | TemporalEndType;
  IssueToPrWorkflow: WorkLoopFailureType | IssueFailureType | TemporalEndType;
  SubIssueWorkflow: WorkLoopFailureType | IssueFailureType | TemporalEndType;
}

/** Why a run of type `T` may end without its goal: its failure types, and how Temporal ends runs. */
export type RunFailure<T extends RunType> = RunFailures[T];
