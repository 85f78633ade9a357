import { Client, Connection, type WorkflowExecutionStatusName } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import {
  AidpPermissionDeniedError,
  connectionFailure,
  isPermissionDenied,
  toConnectionOptions,
  toWorkflowStartOptions,
  type AidpConfig,
} from '@aidp/config';
import {
  WORKFLOW_TYPES,
  issueWorkflowId,
  validateNamespace,
  validateNewWorkflowId,
  type IssueToPrResult,
  type WorkLoopResult,
  type WorkflowTypeName,
} from '@aidp/workflows/contracts';
import { buildIssueToPrInput, type IssueToPrRequest } from './issue-input.js';
import { AidpAlreadyStartedError, AidpNamespaceNotFoundError, assertInput } from './errors.js';
import { AidpRunHandle } from './handle.js';
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

/** Options of a start. */
export interface StartOptions {
  /** The run's id; default `aidp-workloop-<step>-<random>`. A running id cannot be started twice. */
  workflowId?: string;
}

/** Filter of {@link AidpClient.list}. */
export interface ListOptions {
  /** `running` (default), `completed`, `failed`, `canceled`, `terminated`, `timed_out` or `all`. */
  status?: 'running' | 'completed' | 'failed' | 'canceled' | 'terminated' | 'timed_out' | 'all';
  /** Only this workflow type. */
  type?: WorkflowTypeName;
  /** At most this many, newest first (default 20). */
  limit?: number;
}

/** One run, as listed. */
export interface RunSummary {
  workflowId: string;
  runId: string;
  type: string;
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
 * Drives AIDP on Temporal: starts runs, finds them, lists them. Connects with the `temporal` section of
 * `aidp.yml` (address, namespace, TLS, API key) and starts runs on its task queue.
 *
 * ```ts
 * const aidp = await AidpClient.connect({ config });
 * const run = await aidp.startWorkLoop({ projectDir: process.cwd(), stepName: 'fix-tests' });
 * for await (const p of run.follow()) console.log(p.state, p.iteration);
 * console.log(await run.result());
 * await aidp.close();
 * ```
 */
export class AidpClient {
  private constructor(
    /** The underlying Temporal client, for anything this one does not cover. */
    readonly temporal: Client,
    private readonly connection: Connection,
    readonly config: AidpConfig,
    /** Base address of the Temporal Web UI. */
    readonly uiBase: string,
  ) {}

  /** The namespace runs live in. */
  get namespace(): string {
    return this.config.temporal.namespace;
  }

  /** The server address. */
  get address(): string {
    return this.config.temporal.target_host;
  }

  /**
   * Connects to the configured server and checks that the namespace exists. Takes the configuration
   * itself, or options with it.
   * @throws AidpConnectionError when the server cannot be reached, or not with the configured TLS
   *   settings (its `reason` and message say which side wants TLS, or which certificate is missing)
   * @throws AidpPermissionDeniedError when the server refuses the API key for the namespace
   * @throws AidpNamespaceNotFoundError when the namespace does not exist
   * @throws ConfigError when a TLS file named in the configuration cannot be read
   * @throws AidpInputError when the namespace cannot be sent (not printable ASCII, or too long)
   */
  static async connect(configOrOptions: AidpConfig | AidpClientOptions): Promise<AidpClient> {
    const options: AidpClientOptions = 'temporal' in configOrOptions ? { config: configOrOptions } : configOrOptions;
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
      const code = (err as { code?: number }).code;
      if (code === 5 /* NOT_FOUND */) {
        await connection.close();
        throw new AidpNamespaceNotFoundError(namespace, address);
      }
      if (code === 14 /* UNAVAILABLE */ || isPermissionDenied(err)) {
        await connection.close();
        throw await connectionFailure(translated, namespace, err);
      }
      // Anything else (a server that does not implement it): carry on; starting a run will tell.
    }
    const temporal = new Client({ connection, namespace: config.temporal.namespace });
    return new AidpClient(temporal, connection, config, temporalUiBase(address, options.env));
  }

  /**
   * Starts a WorkLoopWorkflow: the fix-forward loop on one step of a project.
   * @throws AidpAlreadyStartedError when a run with the same id is running
   */
  async startWorkLoop(request: WorkLoopRequest, options: StartOptions = {}): Promise<AidpRunHandle> {
    const input = buildWorkLoopInput(this.config, request);
    const workflowId = options.workflowId ?? `aidp-workloop-${request.stepName}-${randomUUID().slice(0, 8)}`;
    return await this.start('WorkLoopWorkflow', workflowId, [input]);
  }

  /**
   * Starts an IssueToPrWorkflow: a GitHub issue in, a tested pull request out. Its id is derived from
   * the repository and the issue, so a second start for the same issue finds the running one.
   * @throws AidpAlreadyStartedError (with the running run's id) when that issue already has a run
   */
  async startIssueToPr(request: IssueToPrRequest): Promise<AidpRunHandle<IssueToPrResult>> {
    const input = buildIssueToPrInput(this.config, request);
    return await this.start<IssueToPrResult>('IssueToPrWorkflow', issueWorkflowId(input.github.repo, input.issueNumber), [input], {
      issue: `${input.github.repo}#${input.issueNumber}`,
    });
  }

  /** A handle on an existing run (the latest run of that id). Nothing is checked until it is used. */
  getHandle(workflowId: string): AidpRunHandle {
    return new AidpRunHandle(this.temporal.workflow.getHandle(workflowId), this.namespace, this.uiBase, undefined);
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

  /** Closes the connection. */
  async close(): Promise<void> {
    await this.connection.close();
  }

  private async start<R = WorkLoopResult>(
    type: WorkflowTypeName,
    workflowId: string,
    args: unknown[],
    memo?: Record<string, string>,
  ): Promise<AidpRunHandle<R>> {
    assertInput('workflowId', validateNewWorkflowId(workflowId));
    try {
      const started = await this.temporal.workflow.start(type, {
        ...toWorkflowStartOptions(this.config),
        workflowId,
        args,
        ...(memo ? { memo } : {}),
      });
      return new AidpRunHandle<R>(this.temporal.workflow.getHandle(workflowId), this.namespace, this.uiBase, started.firstExecutionRunId);
    } catch (err) {
      if ((err as Error).name === 'WorkflowExecutionAlreadyStartedError') {
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
