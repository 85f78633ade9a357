import {
  Client,
  Connection,
  WorkflowExecutionAlreadyStartedError,
  type WorkflowExecutionStatusName,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import {
  AidpPermissionDeniedError,
  connectionFailure,
  isPermissionDenied,
  toConnectionOptions,
  toWorkflowStartOptions,
  type AidpConfig,
} from '@aidp/config';
import type { IssueToPrWorkflow, WorkLoopWorkflow } from '@aidp/workflows';
import { WORKFLOW_TYPES, isWorkflowTypeName, issueWorkflowId, validateNamespace, validateNewWorkflowId } from '@aidp/workflows/contracts';
import { buildIssueToPrInput, type IssueToPrRequest } from './issue-input.js';
import { AidpAlreadyStartedError, AidpNamespaceNotFoundError, AidpWorkflowTypeError, assertInput } from './errors.js';
import { GRPC_STATUS, grpcStatusOf } from './grpc-status.js';
import { AidpRunHandle, type HandleContext, type IssueRunHandle, type KnownRunHandle, type WorkLoopHandle } from './handle.js';
import type { RunType } from './runs.js';
import { runUiUrl, temporalUiBase } from './ui.js';
import { buildWorkLoopInput, type WorkLoopRequest } from './work-loop-input.js';

/** Options of {@link AidpClient.connect}. */
export interface AidpClientOptions {
  /** The resolved configuration (see `loadConfig` in `@aidp/config`). */
  config: AidpConfig;
  /** How long to try to reach the server before giving up (default 5 s). */
  connectTimeoutMs?: number;
  /** Environment for the UI address (`AIDP_TEMPORAL_UI`); default `process.env`. */
  env?: Record<string, string | undefined>;
}

/** Options of {@link AidpClient.fromClient}. */
export interface FromClientOptions {
  /**
   * The resolved configuration: what the runs it starts need (agent, checks, steps, budgets, timeouts)
   * and the task queue. Its connection settings are not used: the client you hand in has its own.
   */
  config: AidpConfig;
  /** The task queue AIDP's worker serves; default `temporal.task_queue` of the configuration. */
  taskQueue?: string;
  /** The Temporal Web UI for run links; default from the configured address (see `temporalUiBase`). */
  uiBase?: string;
  /** Environment for the UI address (`AIDP_TEMPORAL_UI`); default `process.env`. */
  env?: Record<string, string | undefined>;
}

/** Options of a start. */
export interface StartOptions {
  /**
   * The run's id. Default: `aidp-workloop-<step>-<random>` for a work loop, `aidp-issue-<owner>-<repo>-<n>`
   * for an issue run. A running id cannot be started twice.
   */
  workflowId?: string;
}

/** Filter of {@link AidpClient.list}. */
export interface ListOptions {
  /** `running` (default), `completed`, `failed`, `canceled`, `terminated`, `timed_out` or `all`. */
  status?: 'running' | 'completed' | 'failed' | 'canceled' | 'terminated' | 'timed_out' | 'all';
  /** Only this workflow type. */
  type?: RunType;
  /** At most this many, newest first (default 20). */
  limit?: number;
}

/** One run, as listed. */
export interface RunSummary {
  workflowId: string;
  runId: string;
  type: RunType;
  status: WorkflowExecutionStatusName;
  startTime: Date;
  closeTime: Date | undefined;
  /** Run time so far, or in total once closed. */
  durationMs: number;
  uiUrl: string;
  /** Issue runs: `owner/name#n`. */
  issue?: string;
  /** Issue runs: the pull request's page, once opened. */
  pullRequest?: string;
}

const STATUS_QUERY: Record<Exclude<NonNullable<ListOptions['status']>, 'all'>, string> = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  canceled: 'Canceled',
  terminated: 'Terminated',
  timed_out: 'TimedOut',
};

/**
 * Drives AIDP on Temporal: starts runs, finds them, lists them. Either connects with the `temporal`
 * section of `aidp.yml` (address, namespace, TLS, API key), or works through a Temporal `Client` your
 * application already has ({@link fromClient}); either way it starts runs on AIDP's task queue.
 *
 * ```ts
 * const aidp = await AidpClient.connect({ config });
 * const run = await aidp.startWorkLoop({ projectDir: process.cwd(), stepName: 'fix-tests' });
 * for await (const e of run.follow()) if (e.kind === 'progress') console.log(e.progress.state);
 * console.log(await run.result());
 * await aidp.close();
 * ```
 */
export class AidpClient {
  private constructor(
    /** The underlying Temporal client, for anything this one does not cover. */
    readonly temporal: Client,
    /** The connection this client opened, and closes; none when the Temporal client was handed in. */
    private readonly ownConnection: Connection | undefined,
    readonly config: AidpConfig,
    /** Base address of the Temporal Web UI. */
    readonly uiBase: string,
    /** The task queue AIDP's worker serves, which runs are started on. */
    readonly taskQueue: string,
  ) {}

  /** The namespace runs live in: the Temporal client's. */
  get namespace(): string {
    return this.temporal.options.namespace;
  }

  /** The server address. */
  get address(): string {
    return addressOf(this.temporal) ?? this.config.temporal.target_host;
  }

  /**
   * Opens a connection with the configuration's `temporal` section and checks that the namespace
   * exists. Takes options (`{ config, connectTimeoutMs?, env? }`) or the configuration itself.
   * @throws AidpConnectionError when the server cannot be reached, or not with the configured TLS
   *   settings (its `reason` and message say which side wants TLS, or which certificate is missing)
   * @throws AidpPermissionDeniedError when the server refuses the API key for the namespace
   * @throws AidpNamespaceNotFoundError when the namespace does not exist
   * @throws ConfigError when a TLS file named in the configuration cannot be read
   * @throws AidpInputError when the namespace cannot be sent (not printable ASCII, or too long)
   */
  static async connect(options: AidpClientOptions): Promise<AidpClient>;
  static async connect(config: AidpConfig): Promise<AidpClient>;
  static async connect(optionsOrConfig: AidpClientOptions | AidpConfig): Promise<AidpClient> {
    const options = clientOptions(optionsOrConfig);
    const { config } = options;
    const address = config.temporal.target_host;
    const namespace = config.temporal.namespace;
    assertInput('namespace', validateNamespace(namespace));
    // Built first: a TLS file that is missing is a configuration error, not a connection failure.
    const translated = toConnectionOptions(config);
    let connection: Connection;
    try {
      connection = await Connection.connect({ ...translated, connectTimeout: options.connectTimeoutMs ?? 5_000 });
    } catch (err) {
      throw await connectionFailure(translated, namespace, err);
    }
    try {
      await connection.workflowService.describeNamespace({ namespace });
    } catch (err) {
      const code = grpcStatusOf(err);
      if (code === GRPC_STATUS.NOT_FOUND) {
        await connection.close();
        throw new AidpNamespaceNotFoundError(namespace, address);
      }
      if (code === GRPC_STATUS.UNAVAILABLE || isPermissionDenied(err)) {
        await connection.close();
        throw await connectionFailure(translated, namespace, err);
      }
      // Anything else (a server that does not implement it): carry on; starting a run will tell.
    }
    const temporal = new Client({ connection, namespace });
    return new AidpClient(temporal, connection, config, temporalUiBase(address, options.env), config.temporal.task_queue);
  }

  /**
   * Works through a Temporal `Client` your application already has — its connection, namespace,
   * interceptors, data converter and credentials. Nothing is checked until it is used, and
   * {@link close} leaves the client and its connection open: they are yours.
   */
  static fromClient(client: Client, options: FromClientOptions): AidpClient {
    const uiBase = options.uiBase ?? temporalUiBase(addressOf(client) ?? options.config.temporal.target_host, options.env);
    return new AidpClient(
      client,
      undefined,
      options.config,
      uiBase.replace(/\/+$/, ''),
      options.taskQueue ?? options.config.temporal.task_queue,
    );
  }

  /**
   * Starts a WorkLoopWorkflow: the fix-forward loop on one step of a project.
   * @throws AidpAlreadyStartedError when a run with the same id is running
   */
  async startWorkLoop(request: WorkLoopRequest, options: StartOptions = {}): Promise<WorkLoopHandle> {
    const input = buildWorkLoopInput(this.config, request);
    const workflowId = options.workflowId ?? `aidp-workloop-${request.stepName}-${randomUUID().slice(0, 8)}`;
    return await this.start('WorkLoopWorkflow', workflowId, () =>
      this.temporal.workflow.start<typeof WorkLoopWorkflow>('WorkLoopWorkflow', { ...this.startOptions(workflowId), args: [input] }),
    );
  }

  /**
   * Starts an IssueToPrWorkflow: a GitHub issue in, a tested pull request out. Its id is derived from
   * the repository and the issue unless `options.workflowId` says otherwise, so a second start for the
   * same issue finds the running one.
   * @throws AidpAlreadyStartedError (with the running run's id) when that issue already has a run
   */
  async startIssueToPr(request: IssueToPrRequest, options: StartOptions = {}): Promise<IssueRunHandle> {
    const input = buildIssueToPrInput(this.config, request);
    const workflowId = options.workflowId ?? issueWorkflowId(input.github.repo, input.issueNumber);
    const memo = { issue: `${input.github.repo}#${input.issueNumber}` };
    return await this.start('IssueToPrWorkflow', workflowId, () =>
      this.temporal.workflow.start<typeof IssueToPrWorkflow>('IssueToPrWorkflow', {
        ...this.startOptions(workflowId),
        memo,
        args: [input],
      }),
    );
  }

  /**
   * A handle on the latest run of a workflow id, of any of AIDP's types (`narrow()` types it). Nothing
   * is checked until it is used.
   */
  getHandle(workflowId: string): AidpRunHandle {
    return new AidpRunHandle(this.handleContext(), workflowId);
  }

  /**
   * A work loop's handle, bound to the chain of the latest run of the id.
   * @throws AidpWorkflowTypeError when that run is not a work loop
   * @throws AidpWorkflowNotFoundError when there is none
   */
  async getWorkLoopHandle(workflowId: string): Promise<WorkLoopHandle> {
    return await this.typedHandle(workflowId, 'WorkLoopWorkflow');
  }

  /**
   * An issue run's handle — by workflow id, or by repository and issue — bound to the chain of the
   * latest run of the id.
   * @throws AidpWorkflowTypeError when that run is not an issue run
   * @throws AidpWorkflowNotFoundError when there is none
   */
  async getIssueHandle(issue: string | { repo: string; issueNumber: number }): Promise<IssueRunHandle> {
    const workflowId = typeof issue === 'string' ? issue : issueWorkflowId(issue.repo, issue.issueNumber);
    return await this.typedHandle(workflowId, 'IssueToPrWorkflow');
  }

  /** Runs of AIDP's workflow types, newest first. */
  async list(options: ListOptions = {}): Promise<RunSummary[]> {
    const types = options.type ? [options.type] : [...WORKFLOW_TYPES];
    const clauses = [`WorkflowType IN (${types.map((t) => `'${t}'`).join(', ')})`];
    const status = options.status ?? 'running';
    if (status !== 'all') clauses.push(`ExecutionStatus = '${STATUS_QUERY[status]}'`);
    const limit = options.limit ?? 20;
    const runs: RunSummary[] = [];
    const now = Date.now();
    for await (const run of this.temporal.workflow.list({ query: clauses.join(' AND '), pageSize: Math.min(limit, 1000) })) {
      if (!isWorkflowTypeName(run.type)) continue;
      runs.push({
        workflowId: run.workflowId,
        runId: run.runId,
        type: run.type,
        status: run.status.name,
        startTime: run.startTime,
        closeTime: run.closeTime,
        durationMs: (run.closeTime?.getTime() ?? now) - run.startTime.getTime(),
        uiUrl: runUiUrl(this.uiBase, this.namespace, run.workflowId, run.runId),
        ...(typeof run.memo?.issue === 'string' ? { issue: run.memo.issue } : {}),
        ...(typeof run.memo?.pullRequest === 'string' ? { pullRequest: run.memo.pullRequest } : {}),
      });
      if (runs.length >= limit) break;
    }
    return runs;
  }

  /** Closes the connection this client opened; a Temporal client handed in to `fromClient` stays open. */
  async close(): Promise<void> {
    await this.ownConnection?.close();
  }

  private handleContext(): HandleContext {
    return { temporal: this.temporal, namespace: this.namespace, uiBase: this.uiBase };
  }

  private async typedHandle<K extends RunType>(workflowId: string, type: K): Promise<KnownRunHandle<K>> {
    const handle = await this.getHandle(workflowId).narrow();
    if (!handle.is(type)) throw new AidpWorkflowTypeError(workflowId, type, handle.type ?? 'unknown');
    return handle;
  }

  private startOptions(workflowId: string) {
    return { ...toWorkflowStartOptions(this.config), taskQueue: this.taskQueue, workflowId };
  }

  /** Starts a run with `start` and binds a handle to its chain; the errors a start can meet, typed. */
  private async start<K extends RunType>(
    type: K,
    workflowId: string,
    start: () => Promise<WorkflowHandleWithFirstExecutionRunId>,
  ): Promise<KnownRunHandle<K>> {
    assertInput('workflowId', validateNewWorkflowId(workflowId));
    try {
      const started = await start();
      const handle = new AidpRunHandle<K>(this.handleContext(), workflowId, { type, firstExecutionRunId: started.firstExecutionRunId });
      return handle as KnownRunHandle<K>;
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        const running = await this.temporal.workflow
          .getHandle(workflowId)
          .describe()
          .catch(() => undefined);
        throw new AidpAlreadyStartedError(workflowId, running?.runId);
      }
      // A key that may read the namespace but not start runs in it.
      if (isPermissionDenied(err)) throw new AidpPermissionDeniedError(this.namespace, this.address, err);
      throw err;
    }
  }
}

/**
 * The options `connect` was given: an object with `config` is options, one with a `temporal` section
 * is the configuration itself. Anything else is refused rather than guessed at.
 */
function clientOptions(given: AidpClientOptions | AidpConfig): AidpClientOptions {
  if (given && typeof given === 'object') {
    if ('config' in given && given.config) return given;
    if ('temporal' in given && given.temporal) return { config: given };
  }
  throw new TypeError('AidpClient.connect takes options ({ config, connectTimeoutMs?, env? }) or the resolved configuration');
}

/** The address a Temporal client's connection was opened to, when it says. */
function addressOf(client: Client): string | undefined {
  const address = (client.connection as { options?: { address?: unknown } }).options?.address;
  return typeof address === 'string' ? address : undefined;
}
