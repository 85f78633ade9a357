import {
  WorkflowContinuedAsNewError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcCancelledError,
  isGrpcDeadlineError,
  type Client,
  type QueryDefinition,
  type SignalDefinition,
  type WorkflowExecutionDescription,
  type WorkflowHandle,
} from '@temporalio/client';
// The SDK (1.24) exports `historyToJSON` from this module only, not from `@temporalio/common`'s entry
// point; this is the one import that reaches past an SDK package's entry point.
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import {
  currentStateQuery,
  escalateModelSignal,
  escalateModelUpdate,
  injectInstructionSignal,
  isWorkflowTypeName,
  iterationCountQuery,
  pauseSignal,
  pauseUpdate,
  progressQuery,
  queueInstructionUpdate,
  resumeSignal,
  resumeUpdate,
  runEndOf,
  testResultsQuery,
  validateInstruction,
  validateWorkflowId,
  type EscalationAck,
  type InstructionAck,
  type Progress,
  type ResumeAck,
  type TestResults,
  type UpdateName,
  type WorkflowPhase,
} from '@aidp/workflows/contracts';
import {
  AidpNoWorkerError,
  AidpRunClosedError,
  AidpRunFailedError,
  AidpSteeringRefusedError,
  AidpWorkflowNotFoundError,
  AidpWorkflowTypeError,
  assertInput,
} from './errors.js';
import { GRPC_STATUS, grpcStatusOf } from './grpc-status.js';
import type { AidpWorkflows, RunFailure, RunResult, RunType } from './runs.js';
import { runUiUrl } from './ui.js';

// A query needs a worker to answer it; without one the server would hold it for a long time.
const QUERY_DEADLINE_MS = 10_000;
// How long an acknowledged request waits for a worker to take it, unless told otherwise.
const UPDATE_TIMEOUT_MS = 30_000;
// How long `pause()` waits for the run to hold, unless told otherwise.
const HOLD_TIMEOUT_MS = 10_000;
// Continue-as-new hops a handle follows to find the current run of its chain.
const MAX_CHAIN_HOPS = 1_000;
// Levels of parts `pause()` looks through to see that a run waiting for its parts holds.
const MAX_PART_DEPTH = 8;

/** Options of every steering call that waits for the run's answer. */
export interface SteerOptions {
  /** Wait for the run's answer (the default); `false` sends the signal instead (see {@link NoWait}). */
  wait?: true;
  /** How long to wait for a worker to take the request (default 30 s); then {@link AidpNoWorkerError}. */
  timeoutMs?: number;
}

/**
 * Fire-and-forget: the request goes as a signal, which the server records at once, with or without a
 * worker; the run reads it when a worker runs it. Nothing is answered.
 */
export interface NoWait {
  wait: false;
}

/** Options of {@link AidpRunHandle.pause}. */
export interface PauseOptions extends SteerOptions {
  /**
   * How long to wait, once the run has taken the request, for it to hold at a safe point (default
   * 10 s; 0 returns at once). The run finishes the activity in hand first, which may take minutes.
   */
  holdTimeoutMs?: number;
  /** How often to look while waiting for it to hold (default 250 ms). */
  intervalMs?: number;
}

/** What {@link AidpRunHandle.pause} found. */
export interface PauseResult {
  /**
   * True when the run holds at a safe point: nothing runs until `resume()` (a run waiting for its
   * parts holds when each running part holds).
   */
  held: boolean;
  /** The run's phase when `pause()` returned (`paused` once held). */
  phase: WorkflowPhase;
  /** Set when the run does not hold yet: it holds once the activity in hand has finished. */
  willHoldAt?: 'next_safe_point';
  /** False when the run was already paused: nothing changed. */
  changed: boolean;
  /** Running parts the pause was passed on to. */
  forwardedToChildren: number;
}

/** Options of {@link AidpRunHandle.follow}. */
export interface FollowOptions {
  /** How often to look (default 1 s). */
  intervalMs?: number;
  /** Stops following when aborted. */
  signal?: AbortSignal;
  /**
   * How long queries may go unanswered before a `no_worker` event (default 15 s); each query waits at
   * most this long (and at most 10 s).
   */
  noWorkerAfterMs?: number;
  /** End after the `no_worker` event instead of waiting for a worker to come back (default false). */
  stopWhenNoWorker?: boolean;
}

/** What {@link AidpRunHandle.follow} yields. */
export type FollowEvent =
  /** The run's progress: the first one, then one each time it changes. The last one is its final state. */
  | { kind: 'progress'; progress: Progress }
  /**
   * No worker has answered since `since`: the run waits (it is not lost) until a worker serves
   * `taskQueue`. Yielded once per outage; the next `progress` event says a worker answers again.
   */
  | { kind: 'no_worker'; since: Date; taskQueue: string; cause: unknown };

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

/** What a handle needs of the client that made it. */
export interface HandleContext {
  temporal: Client;
  namespace: string;
  uiBase: string;
}

/** How a handle is bound: the run's type, and the chain of runs it addresses. */
export interface HandleBinding<T extends RunType> {
  type?: T;
  /** The first run of the chain; absent: the latest run of the workflow id, whichever chain it is in. */
  firstExecutionRunId?: string;
}

/** A handle whose workflow type is known to be `K`. */
export type KnownRunHandle<K extends RunType> = AidpRunHandle<K> & { readonly type: K };
/** A work loop's handle. */
export type WorkLoopHandle = KnownRunHandle<'WorkLoopWorkflow'>;
/** An issue run's handle. */
export type IssueRunHandle = KnownRunHandle<'IssueToPrWorkflow'>;
/** The handle of a part of a decomposed issue. */
export type SubIssueHandle = KnownRunHandle<'SubIssueWorkflow'>;
/** A handle whose type is known: switch on its `type` to narrow it. */
export type TypedRunHandle = WorkLoopHandle | IssueRunHandle | SubIssueHandle;

/**
 * One AIDP run: steer it (acknowledged by default, or fire-and-forget with `{ wait: false }`), read it
 * with the four queries, follow it, wait for its result — typed by its workflow.
 *
 * A handle from a start, from `narrow()` or from the client's typed getters is bound to its chain of
 * runs (its first run and the runs it continued as new into): a later run that reuses the workflow id
 * is not this handle's. A handle from `getHandle(id)` addresses the latest run of the id.
 */
export class AidpRunHandle<T extends RunType = RunType> {
  private knownType: T | undefined;
  /** The latest run of the chain this handle has seen, where a walk along the chain starts. */
  private lastRunId: string | undefined;
  /** The first run of the chain this handle is bound to, when it is bound. */
  readonly firstExecutionRunId: string | undefined;

  /** Made by {@link AidpClient}: `startWorkLoop`, `startIssueToPr`, `getHandle` and the typed getters. */
  constructor(
    private readonly context: HandleContext,
    /** The run's workflow id. */
    readonly workflowId: string,
    binding: HandleBinding<T> = {},
  ) {
    this.knownType = binding.type;
    this.firstExecutionRunId = binding.firstExecutionRunId;
  }

  /** The namespace the run lives in. */
  get namespace(): string {
    return this.context.namespace;
  }

  /**
   * The run's workflow type: known for a handle that started the run or was narrowed, and once any
   * call has described the run otherwise.
   */
  get type(): T | undefined {
    return this.knownType;
  }

  /** The run's page in the Temporal Web UI. */
  get uiUrl(): string {
    return runUiUrl(this.context.uiBase, this.namespace, this.workflowId, this.firstExecutionRunId);
  }

  /** True when the run is known to be of workflow type `type` (see {@link type}). */
  is<K extends RunType>(type: K): this is KnownRunHandle<K> {
    const known: RunType | undefined = this.knownType;
    return known === type;
  }

  /**
   * This run's handle typed by its workflow, bound to the chain of the run it finds: switch on `type`.
   * @throws AidpWorkflowTypeError when the run is not one of AIDP's workflows
   */
  async narrow(): Promise<TypedRunHandle> {
    const run = await this.describe();
    if (!isWorkflowTypeName(run.type)) throw new AidpWorkflowTypeError(this.workflowId, undefined, run.type);
    const first = this.firstExecutionRunId ?? firstRunIdOf(run);
    const handle = new AidpRunHandle(this.context, this.workflowId, {
      type: run.type,
      ...(first !== undefined ? { firstExecutionRunId: first } : {}),
    });
    handle.lastRunId = run.runId;
    return handle as TypedRunHandle;
  }

  /** True when `error` is this run's {@link AidpRunFailedError}, typed with its result and failure types. */
  isFailure(error: unknown): error is AidpRunFailedError<RunResult<T>, RunFailure<T>> {
    return (
      error instanceof AidpRunFailedError &&
      error.workflowId === this.workflowId &&
      (error.firstExecutionRunId === undefined ||
        this.firstExecutionRunId === undefined ||
        error.firstExecutionRunId === this.firstExecutionRunId)
    );
  }

  // ---- steering ----

  /**
   * Holds the run at its next safe point until {@link resume}. By default the run acknowledges it
   * (a worker must be running), and `pause()` then waits up to `holdTimeoutMs` for the run to hold.
   * @throws AidpNoWorkerError when no worker takes the request within `timeoutMs`
   * @throws AidpRunClosedError when the run has ended
   */
  pause(options: NoWait): Promise<void>;
  pause(options?: PauseOptions): Promise<PauseResult>;
  async pause(options: PauseOptions | NoWait = {}): Promise<PauseResult | void> {
    if (options.wait === false) return await this.signal(pauseSignal);
    const ack = await this.update('pause_run', options, (h) => h.executeUpdate(pauseUpdate));
    const acknowledged = { changed: ack.changed, forwardedToChildren: ack.forwardedToChildren };
    if (ack.held) return { held: true, phase: ack.phase, ...acknowledged };
    const deadline = Date.now() + (options.holdTimeoutMs ?? HOLD_TIMEOUT_MS);
    let phase = ack.phase;
    while (Date.now() < deadline) {
      await sleep(Math.min(options.intervalMs ?? 250, Math.max(deadline - Date.now(), 0)));
      const progress = await this.progress().catch((err: unknown) => {
        if (err instanceof AidpNoWorkerError) return undefined;
        throw err;
      });
      if (!progress) continue;
      phase = progress.state;
      // Resumed meanwhile (by someone else): it will not hold.
      if (!progress.paused) return { held: false, phase, ...acknowledged };
      if (await this.holds(progress, 0)) return { held: true, phase, ...acknowledged };
    }
    return { held: false, phase, willHoldAt: 'next_safe_point', ...acknowledged };
  }

  /**
   * Releases a paused run; acknowledged by default (a worker must be running).
   * @throws AidpNoWorkerError when no worker takes the request within `timeoutMs`
   * @throws AidpRunClosedError when the run has ended
   */
  resume(options: NoWait): Promise<void>;
  resume(options?: SteerOptions): Promise<ResumeAck>;
  async resume(options: SteerOptions | NoWait = {}): Promise<ResumeAck | void> {
    if (options.wait === false) return await this.signal(resumeSignal);
    return await this.update('resume_run', options, (h) => h.executeUpdate(resumeUpdate));
  }

  /**
   * Queues an instruction for the agent's next prompt (a run waiting for its parts passes it on to
   * them); acknowledged by default with its place in the queue.
   * @throws AidpInputError, before anything is sent, when the text is blank or larger than
   *   `INSTRUCTION_MAX_BYTES` (the run's own validator refuses the same with AidpSteeringRefusedError)
   * @throws AidpNoWorkerError when no worker takes the request within `timeoutMs`
   * @throws AidpRunClosedError when the run has ended
   */
  injectInstruction(text: string, options: NoWait): Promise<void>;
  injectInstruction(text: string, options?: SteerOptions): Promise<InstructionAck>;
  async injectInstruction(text: string, options: SteerOptions | NoWait = {}): Promise<InstructionAck | void> {
    assertInput('instruction', validateInstruction(text));
    if (options.wait === false) return await this.signal(injectInstructionSignal, text);
    return await this.update('queue_instruction', options, (h) => h.executeUpdate(queueInstructionUpdate, { args: [text] }));
  }

  /**
   * Moves the next agent runs to the next model tier; acknowledged by default with the model they
   * use (`escalated: false` when the run is already on the strongest tier).
   * @throws AidpNoWorkerError when no worker takes the request within `timeoutMs`
   * @throws AidpRunClosedError when the run has ended
   */
  escalateModel(options: NoWait): Promise<void>;
  escalateModel(options?: SteerOptions): Promise<EscalationAck>;
  async escalateModel(options: SteerOptions | NoWait = {}): Promise<EscalationAck | void> {
    if (options.wait === false) return await this.signal(escalateModelSignal);
    return await this.update('escalate_model_tier', options, (h) => h.executeUpdate(escalateModelUpdate));
  }

  // ---- reading ----

  /** The phase the run is in. @throws AidpNoWorkerError when no worker answers within 10 s */
  state(): Promise<WorkflowPhase> {
    return this.query(currentStateQuery);
  }

  /** Agent iterations completed. @throws AidpNoWorkerError when no worker answers within 10 s */
  iterationCount(): Promise<number> {
    return this.query(iterationCountQuery);
  }

  /** Everything about the run at a glance. @throws AidpNoWorkerError when no worker answers within 10 s */
  progress(): Promise<Progress> {
    return this.query(progressQuery);
  }

  /**
   * The latest check results, or null before the first run of the checks.
   * @throws AidpNoWorkerError when no worker answers within 10 s
   */
  testResults(): Promise<TestResults | null> {
    return this.query(testResultsQuery);
  }

  /** Temporal's description of the run this handle addresses now: status, times, history length. */
  describe(): Promise<WorkflowExecutionDescription> {
    return this.call(() => this.current());
  }

  /**
   * Requests cancellation: the agent's processes are killed and the run ends Cancelled.
   * @throws AidpRunClosedError when the run (of this handle's chain) has ended
   */
  cancel(): Promise<void> {
    return this.call(() => this.sent(async () => void (await this.bound().cancel())));
  }

  /** The full history of the run this handle addresses now (for audit and replay). */
  fetchHistory(): ReturnType<WorkflowHandle['fetchHistory']> {
    return this.call(async () => await this.runOf((await this.current()).runId).fetchHistory());
  }

  /** The full history of the run this handle addresses now as JSON, for a file to audit or to replay. */
  async exportHistory(): Promise<HistoryExport> {
    const history = await this.fetchHistory();
    return { json: historyToJSON(history), eventCount: history.events?.length ?? 0 };
  }

  /**
   * Waits for the run to end, following continue-as-new (from the chain's first run, for a bound handle).
   * @returns the run's result when it reached its goal
   * @throws AidpRunFailedError with the reason and the partial result when it did not (`isFailure`
   *   narrows it to this run's types)
   */
  async result(): Promise<RunResult<T>> {
    try {
      return (await this.call(() => this.bound().result())) as RunResult<T>;
    } catch (err) {
      throw toRunFailed(this.workflowId, err, this.firstExecutionRunId);
    }
  }

  /**
   * The run's progress, one event per change, until the run closes (the last one is its final state).
   * When no worker answers for `noWorkerAfterMs`, a `no_worker` event says so, once; following goes on
   * (the run resumes when a worker comes back) unless `stopWhenNoWorker` is set. Stops quietly when
   * `signal` aborts. A query error other than an unanswered query is thrown.
   */
  async *follow(options: FollowOptions = {}): AsyncGenerator<FollowEvent, void, undefined> {
    const interval = options.intervalMs ?? 1_000;
    const noWorkerAfter = options.noWorkerAfterMs ?? 15_000;
    const abort = options.signal;
    // One listener for the whole follow, removed at its end: it cuts the wait between two looks short.
    let wake: (() => void) | undefined;
    const onAbort = () => wake?.();
    abort?.addEventListener('abort', onAbort, { once: true });
    try {
      let last = '';
      let unanswered: { since: Date; reported: boolean } | undefined;
      while (!abort?.aborted) {
        const run = await this.describe();
        const asked = new Date();
        let progress: Progress | undefined;
        try {
          progress = await this.query(progressQuery, run.runId, Math.min(noWorkerAfter, QUERY_DEADLINE_MS));
        } catch (err) {
          if (!(err instanceof AidpNoWorkerError)) throw err;
          // A closed run that no worker can replay: its result says how it ended.
          if (run.status.name !== 'RUNNING') return;
          unanswered ??= { since: asked, reported: false };
          if (!unanswered.reported && Date.now() - unanswered.since.getTime() >= noWorkerAfter && !abort?.aborted) {
            unanswered.reported = true;
            yield { kind: 'no_worker', since: unanswered.since, taskQueue: run.taskQueue, cause: err };
            if (options.stopWhenNoWorker) return;
          }
        }
        if (abort?.aborted) return;
        if (progress) {
          // After an outage the first answer is news even when nothing changed.
          if (unanswered?.reported) last = '';
          unanswered = undefined;
          const { updatedAt: _ignored, ...rest } = progress;
          const key = JSON.stringify(rest);
          if (key !== last) {
            last = key;
            yield { kind: 'progress', progress };
          }
        }
        if (run.status.name !== 'RUNNING' || abort?.aborted) return;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, interval);
          wake = done;
          function done() {
            clearTimeout(timer);
            wake = undefined;
            resolve();
          }
        });
      }
    } finally {
      abort?.removeEventListener('abort', onAbort);
    }
  }

  // ---- the run this handle addresses ----

  /** The SDK's handle bound like this one: the chain's first run when bound, else the latest run. */
  private bound(): WorkflowHandle<AidpWorkflows[T]> {
    const first = this.firstExecutionRunId;
    return this.context.temporal.workflow.getHandle<AidpWorkflows[T]>(
      this.workflowId,
      undefined,
      first ? { firstExecutionRunId: first } : {},
    );
  }

  /** The SDK's handle on one run (undefined: the latest run of the id). */
  private runOf(runId: string | undefined): WorkflowHandle {
    return this.context.temporal.workflow.getHandle(this.workflowId, runId);
  }

  /**
   * The run this handle addresses now: the latest run of the id, unless the handle is bound to a chain
   * that the latest run is not part of — then the last run of its own chain, found by following its
   * continue-as-new links.
   */
  private async current(): Promise<WorkflowExecutionDescription> {
    const latest = await this.runOf(undefined).describe();
    const first = this.firstExecutionRunId;
    if (first === undefined || latest.runId === first || firstRunIdOf(latest) === first) return this.seen(latest);
    // Another chain holds the id now (or the server does not say which chain a run is in): walk ours.
    let runId = this.lastRunId ?? first;
    for (let hop = 0; hop < MAX_CHAIN_HOPS; hop++) {
      const run = await this.runOf(runId).describe();
      if (run.status.name !== 'CONTINUED_AS_NEW') return this.seen(run);
      try {
        await this.context.temporal.workflow.result(this.workflowId, runId, { followRuns: false });
        return this.seen(run);
      } catch (err) {
        if (!(err instanceof WorkflowContinuedAsNewError)) throw err;
        runId = err.newExecutionRunId;
      }
    }
    throw new Error(`run ${this.workflowId} continued as new more than ${MAX_CHAIN_HOPS} times since this handle last looked`);
  }

  private seen(run: WorkflowExecutionDescription): WorkflowExecutionDescription {
    this.lastRunId = run.runId;
    if (this.knownType === undefined && isWorkflowTypeName(run.type)) this.knownType = run.type as T;
    return run;
  }

  /** Whether a paused run holds: at a safe point, or waiting for parts that each hold. */
  private async holds(progress: Progress, depth: number): Promise<boolean> {
    if (progress.state === 'paused') return true;
    const running = progress.children.filter((c) => c.state === 'running');
    if (progress.state !== 'awaiting_children' || running.length === 0 || depth >= MAX_PART_DEPTH) return false;
    for (const child of running) {
      const part = await this.context.temporal.connection
        .withDeadline(Date.now() + QUERY_DEADLINE_MS, () => this.context.temporal.workflow.getHandle(child.workflowId).query(progressQuery))
        .catch(() => undefined);
      if (!part?.paused || !(await this.holds(part, depth + 1))) return false;
    }
    return true;
  }

  // ---- calls ----

  private async query<R>(query: QueryDefinition<R>, runId?: string, deadlineMs = QUERY_DEADLINE_MS): Promise<R> {
    return await this.call(async () => {
      // A bound handle asks the run of its own chain; an unbound one the latest run.
      const target = runId ?? (this.firstExecutionRunId !== undefined ? (await this.current()).runId : undefined);
      try {
        return await this.context.temporal.connection.withDeadline(Date.now() + deadlineMs, () => this.runOf(target).query(query));
      } catch (err) {
        if (isUnanswered(err)) throw new AidpNoWorkerError(this.workflowId, 'query', deadlineMs, err);
        throw err;
      }
    });
  }

  /** Sends a signal to the run this handle addresses (again to the next run, when it continued as new meanwhile). */
  private async signal<Args extends unknown[]>(signal: SignalDefinition<Args>, ...args: Args): Promise<void> {
    await this.call(async () => {
      if (this.firstExecutionRunId === undefined) {
        await this.sent(() => this.runOf(undefined).signal(signal, ...args));
        return;
      }
      for (let attempt = 0; ; attempt++) {
        const run = await this.current();
        try {
          await this.runOf(run.runId).signal(signal, ...args);
          return;
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError) || attempt >= 2) throw await this.closedOr(err);
          // The run ended between the two calls; its chain may go on in a new run.
        }
      }
    });
  }

  private async sent(send: () => Promise<void>): Promise<void> {
    try {
      await send();
    } catch (err) {
      throw await this.closedOr(err);
    }
  }

  /** An acknowledged request: a Workflow Update, which waits for a worker to take it. */
  private async update<R>(
    name: UpdateName,
    options: SteerOptions,
    send: (handle: WorkflowHandle<AidpWorkflows[T]>) => Promise<R>,
  ): Promise<R> {
    const timeoutMs = options.timeoutMs ?? UPDATE_TIMEOUT_MS;
    return await this.call(async () => {
      try {
        return await this.context.temporal.connection.withDeadline(Date.now() + timeoutMs, () => send(this.bound()));
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) {
          const reason = err.cause instanceof Error ? err.cause.message : err.message;
          throw new AidpSteeringRefusedError(this.workflowId, name, reason, err);
        }
        if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) throw new AidpNoWorkerError(this.workflowId, name, timeoutMs, err);
        throw await this.closedOr(err);
      }
    });
  }

  /** A run the server cannot find to steer: {@link AidpRunClosedError} when it exists and has ended. */
  private async closedOr(err: unknown): Promise<unknown> {
    if (!(err instanceof WorkflowNotFoundError)) return err;
    const run = await this.current().catch(() => undefined);
    if (run && run.status.name !== 'RUNNING') return new AidpRunClosedError(this.workflowId, run.status.name);
    return err;
  }

  private async call<R>(fn: () => Promise<R>): Promise<R> {
    // An id no server can hold (empty, too long, control characters) is refused before any request.
    assertInput('workflowId', validateWorkflowId(this.workflowId));
    try {
      return await fn();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new AidpWorkflowNotFoundError(this.workflowId, this.namespace, err);
      throw err;
    }
  }
}

/** The first run of a run's chain, as the server reports it (older servers do not). */
function firstRunIdOf(run: WorkflowExecutionDescription): string | undefined {
  return run.raw.workflowExecutionInfo?.firstRunId || undefined;
}

/**
 * A query no worker answered: the deadline passed (the server holds a query while no worker polls), or
 * the server says no worker has polled the task queue lately.
 */
function isUnanswered(err: unknown): boolean {
  if (isGrpcDeadlineError(err) || isGrpcCancelledError(err)) return true;
  return grpcStatusOf((err as { cause?: unknown }).cause) === GRPC_STATUS.FAILED_PRECONDITION;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Explains how a run ended without reaching its goal (see `runEndOf` in the contracts). */
export function toRunFailed(workflowId: string, err: unknown, firstExecutionRunId?: string): unknown {
  if (!(err instanceof WorkflowFailedError)) return err;
  const end = runEndOf(err.cause ?? err);
  return new AidpRunFailedError(workflowId, end.reason, end.message, end.partialResult, err, firstExecutionRunId);
}
