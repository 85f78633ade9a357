import type { WorkflowExecutionDescription, WorkflowHandle } from '@temporalio/client';
// The SDK (1.24) exports `historyToJSON` from this module only, not from `@temporalio/common`'s entry
// point; this is the one import that reaches past an SDK package's entry point.
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import {
  currentStateQuery,
  failureOf,
  escalateModelSignal,
  injectInstructionSignal,
  iterationCountQuery,
  pauseSignal,
  progressQuery,
  resumeSignal,
  testResultsQuery,
  validateInstruction,
  validateWorkflowId,
  type Progress,
  type TestResults,
  type WorkLoopResult,
  type WorkflowPhase,
} from '@aidp/workflows/contracts';
import { AidpRunFailedError, AidpWorkflowNotFoundError, assertInput } from './errors.js';
import { runUiUrl } from './ui.js';

// A query needs a worker to answer it; without one the server would hold it for a long time.
const QUERY_DEADLINE_MS = 10_000;

/** Options of {@link AidpRunHandle.follow}. */
export interface FollowOptions {
  /** How often to look (default 1 s). */
  intervalMs?: number;
  /** Stops following when aborted. */
  signal?: AbortSignal;
}

/** A run's history as {@link AidpRunHandle.exportHistory} gives it. */
export interface HistoryExport {
  /**
   * The history as JSON, in the format of `temporal workflow show --output json`, which
   * `Worker.runReplayHistory` and the Temporal UI read.
   */
  json: string;
  /** How many events it holds. */
  eventCount: number;
}

/**
 * One AIDP run: steer it with the four signals, read it with the four queries, wait for its result.
 * Follows continue-as-new: it always addresses the latest run of its workflow id.
 */
export class AidpRunHandle<R = WorkLoopResult> {
  constructor(
    private readonly handle: WorkflowHandle,
    /** The namespace the run lives in. */
    readonly namespace: string,
    private readonly uiBase: string,
    /** The first run's id, when this handle started it. */
    readonly firstExecutionRunId: string | undefined,
  ) {}

  /** The run's workflow id. */
  get workflowId(): string {
    return this.handle.workflowId;
  }

  /** The run's page in the Temporal Web UI. */
  get uiUrl(): string {
    return runUiUrl(this.uiBase, this.namespace, this.workflowId, this.firstExecutionRunId);
  }

  /** Holds the run at its next safe point until {@link resume}. */
  pause(): Promise<void> {
    return this.call(() => this.handle.signal(pauseSignal));
  }

  /** Releases a paused run. */
  resume(): Promise<void> {
    return this.call(() => this.handle.signal(resumeSignal));
  }

  /**
   * Queues an instruction for the agent's next prompt.
   * @throws AidpInputError, before anything is sent, when the text is blank or larger than
   *   `INSTRUCTION_MAX_BYTES`
   */
  async injectInstruction(text: string): Promise<void> {
    assertInput('instruction', validateInstruction(text));
    return await this.call(() => this.handle.signal(injectInstructionSignal, text));
  }

  /** Moves the next agent runs to the next model tier. */
  escalateModel(): Promise<void> {
    return this.call(() => this.handle.signal(escalateModelSignal));
  }

  /** The phase the run is in. */
  state(): Promise<WorkflowPhase> {
    return this.query(() => this.handle.query(currentStateQuery));
  }

  /** Agent iterations completed. */
  iterationCount(): Promise<number> {
    return this.query(() => this.handle.query(iterationCountQuery));
  }

  /** Everything about the run at a glance. */
  progress(): Promise<Progress> {
    return this.query(() => this.handle.query(progressQuery));
  }

  /** The latest check results, or null before the first run of the checks. */
  testResults(): Promise<TestResults | null> {
    return this.query(() => this.handle.query(testResultsQuery));
  }

  /** Temporal's description: status, times, history length. */
  describe(): Promise<WorkflowExecutionDescription> {
    return this.call(() => this.handle.describe());
  }

  /** Requests cancellation: the agent's processes are killed and the run ends Cancelled. */
  cancel(): Promise<void> {
    return this.call(async () => void (await this.handle.cancel()));
  }

  /** The full history of the latest run (for audit and replay). */
  fetchHistory(): ReturnType<WorkflowHandle['fetchHistory']> {
    return this.call(() => this.handle.fetchHistory());
  }

  /** The full history of the latest run as JSON, for a file to audit or to replay. */
  async exportHistory(): Promise<HistoryExport> {
    const history = await this.fetchHistory();
    return { json: historyToJSON(history), eventCount: history.events?.length ?? 0 };
  }

  /**
   * Waits for the run to end.
   * @returns the run's result when it reached its goal
   * @throws AidpRunFailedError with the reason and the partial result when it did not
   */
  async result(): Promise<R> {
    try {
      return (await this.call(() => this.handle.result())) as R;
    } catch (err) {
      throw toRunFailed(this.workflowId, err);
    }
  }

  /**
   * Progress snapshots, one per change, until the run closes (the last one is its final state).
   * Stops quietly when `signal` aborts.
   */
  async *follow(options: FollowOptions = {}): AsyncGenerator<Progress> {
    const interval = options.intervalMs ?? 1_000;
    let last = '';
    while (!options.signal?.aborted) {
      const description = await this.describe();
      const progress = await this.progress().catch(() => undefined);
      if (progress) {
        const { updatedAt: _ignored, ...rest } = progress;
        const key = JSON.stringify(rest);
        if (key !== last) {
          last = key;
          yield progress;
        }
      }
      if (description.status.name !== 'RUNNING') return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, interval);
        options.signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
    }
  }

  private async query<T>(fn: () => Promise<T>): Promise<T> {
    return await this.call(() => this.handle.client.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, fn));
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    // An id no server can hold (empty, too long, control characters) is refused before any request.
    assertInput('workflowId', validateWorkflowId(this.workflowId));
    try {
      return await fn();
    } catch (err) {
      // Most calls raise WorkflowNotFoundError; fetching history surfaces the raw gRPC NOT_FOUND (5).
      const notFound = (err as Error).name === 'WorkflowNotFoundError' || (err as { code?: number }).code === 5;
      if (notFound) throw new AidpWorkflowNotFoundError(this.workflowId, this.namespace);
      throw err;
    }
  }
}

/** Explains how a run ended without reaching its goal. */
export function toRunFailed(workflowId: string, err: unknown): unknown {
  if ((err as Error).name !== 'WorkflowFailedError') return err;
  const cause = (err as { cause?: Record<string, unknown> & Error }).cause;
  const causeName = cause?.name;
  if (causeName === 'ApplicationFailure') {
    const { type, message, details } = failureOf(cause)!;
    return new AidpRunFailedError(workflowId, type, `${type}: ${message}`, details[0] as AidpRunFailedError['partialResult'], err);
  }
  if (causeName === 'CancelledFailure') return new AidpRunFailedError(workflowId, 'Cancelled', 'the run was cancelled', undefined, err);
  if (causeName === 'TerminatedFailure') {
    return new AidpRunFailedError(workflowId, 'Terminated', `the run was terminated: ${cause?.message}`, undefined, err);
  }
  if (causeName === 'TimeoutFailure') {
    return new AidpRunFailedError(workflowId, 'TimedOut', 'the run timed out (temporal.timeouts.workflow_execution)', undefined, err);
  }
  if (causeName === 'ActivityFailure') {
    const activity = typeof cause?.activityType === 'string' ? cause.activityType : 'an activity';
    const inner = cause?.cause as (Error & { timeoutType?: string }) | undefined;
    if (inner?.name === 'TimeoutFailure') {
      const kind = (inner.timeoutType ?? '').toLowerCase().replace(/_/g, '-') || 'its';
      return new AidpRunFailedError(
        workflowId,
        'ActivityTimeout',
        `activity timeout: ${activity} exceeded its ${kind} timeout (temporal.timeouts.activity_*); check that a worker is running and the activity makes progress`,
        undefined,
        err,
      );
    }
    return new AidpRunFailedError(
      workflowId,
      'ActivityFailed',
      `activity ${activity} failed: ${inner?.message ?? cause?.message}`,
      undefined,
      err,
    );
  }
  return new AidpRunFailedError(
    workflowId,
    causeName ?? 'Failed',
    `the run failed: ${cause?.message ?? (err as Error).message}`,
    undefined,
    err,
  );
}
