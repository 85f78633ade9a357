import { NativeConnection, type Worker, type WorkerOptions } from '@temporalio/worker';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { aidpActivities } from '@aidp/activities';
import { connectionFailure, isPermissionDenied, toConnectionOptions, toWorkerOptions, type AidpConfig } from '@aidp/config';
import { AidpNamespaceNotFoundError, AidpWorkerError } from './errors.js';
import { SupervisedWorker } from './supervised-worker.js';

/**
 * The workflow bundle made at package build time (`scripts/bundle-workflows.js`). Starting from it
 * skips webpack at worker start-up; without it the worker bundles `@aidp/workflows` itself.
 */
export const PREBUILT_WORKFLOW_BUNDLE = join(__dirname, '..', 'lib', 'workflow-bundle.js');

function workflowSource(workflowsPath: string | undefined): Pick<WorkerOptions, 'workflowsPath' | 'workflowBundle'> {
  if (workflowsPath) return { workflowsPath };
  if (existsSync(PREBUILT_WORKFLOW_BUNDLE)) return { workflowBundle: { codePath: PREBUILT_WORKFLOW_BUNDLE } };
  return { workflowsPath: require.resolve('@aidp/workflows') };
}

/** Options of {@link createAidpWorker}. */
export interface CreateAidpWorkerOptions {
  /** The resolved configuration (see `loadConfig` in `@aidp/config`). */
  config: AidpConfig;
  /**
   * Activities to register. An embedding service passes its own here; they are merged over AIDP's,
   * so an activity of the same name replaces AIDP's.
   */
  activities?: object;
  /** An open connection to reuse; otherwise one is made from `config.temporal` and closed on shutdown. */
  connection?: NativeConnection;
  /**
   * Module of workflow functions to bundle. Default: the bundle prebuilt with this package, else
   * `@aidp/workflows` bundled at start-up.
   */
  workflowsPath?: string;
  /** Worker options that win over the configuration (identity, tuner, interceptors, ...). */
  workerOptions?: Partial<WorkerOptions>;
}

/** A worker ready to `run()`, and the connection it owns (closed by {@link AidpWorker.close}). */
export interface AidpWorker {
  worker: Worker;
  connection: NativeConnection;
  /** Closes the connection if this worker opened it. Call after `run()` has resolved. */
  close: () => Promise<void>;
}

/**
 * Creates a Temporal worker for AIDP on the configured task queue, with the connection, concurrency
 * and shutdown grace period taken from `aidp.yml`. Before the worker is made, the server is asked
 * about the namespace and the task queue, so that a mistake there fails here, at once, instead of
 * when the first poll comes back. A create that fails leaves nothing running.
 * @throws AidpConnectionError when the server cannot be reached, or not with the configured TLS settings
 * @throws AidpPermissionDeniedError when the server refuses the API key for the namespace
 * @throws AidpNamespaceNotFoundError when the namespace does not exist on the server
 * @throws AidpWorkerError when the server refuses the task queue's name, or Temporal's core the worker's settings
 * @throws ConfigError when a TLS file named in the configuration cannot be read
 */
export async function createAidpWorker(options: CreateAidpWorkerOptions): Promise<AidpWorker> {
  const { config } = options;
  const ownsConnection = options.connection === undefined;
  const connection = options.connection ?? (await connect(config));
  const workerOptions: WorkerOptions = {
    ...toWorkerOptions(config),
    connection,
    ...(options.workerOptions?.workflowBundle || options.workerOptions?.workflowsPath ? {} : workflowSource(options.workflowsPath)),
    activities: { ...aidpActivities, ...options.activities },
    ...options.workerOptions,
  };
  const target: Target = {
    address: config.temporal.target_host,
    namespace: workerOptions.namespace ?? config.temporal.namespace,
    taskQueue: workerOptions.taskQueue,
  };
  try {
    await preflight(connection, config, target);
    let worker: SupervisedWorker;
    try {
      worker = await SupervisedWorker.createSupervised(workerOptions);
    } catch (err) {
      throw createFailure(err, workerOptions, target);
    }
    return {
      worker,
      connection,
      close: async () => {
        if (ownsConnection) await connection.close();
      },
    };
  } catch (err) {
    if (ownsConnection) await connection.close().catch(() => undefined);
    throw err;
  }
}

/** Where a worker polls. */
interface Target {
  address: string;
  namespace: string;
  taskQueue: string;
}

/** gRPC status codes the server answers a worker's mistakes with. */
const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;

/**
 * Asks the server about the namespace and the task queue before the worker is made: a key the
 * server refuses becomes AidpPermissionDeniedError, a namespace it does not have
 * AidpNamespaceNotFoundError, and a task queue name it refuses (too long, say) AidpWorkerError.
 * Left to the worker, the first two fail `Worker.create` with the server's raw status, and the third
 * fails only when the first poll comes back, a minute later.
 */
async function preflight(connection: NativeConnection, config: AidpConfig, target: Target): Promise<void> {
  try {
    await connection.workflowService.describeNamespace({ namespace: target.namespace });
  } catch (err) {
    if (isPermissionDenied(err)) throw await connectionFailure(toConnectionOptions(config), target.namespace, err);
    if (codeOf(err) === NOT_FOUND) throw new AidpNamespaceNotFoundError(target.namespace, target.address);
    // Anything else is for Worker.create to report.
  }
  try {
    await connection.workflowService.describeTaskQueue({
      namespace: target.namespace,
      taskQueue: { name: target.taskQueue, kind: 1 /* TASK_QUEUE_KIND_NORMAL */ },
      taskQueueType: 1 /* TASK_QUEUE_TYPE_WORKFLOW */,
    });
  } catch (err) {
    if (codeOf(err) === INVALID_ARGUMENT) {
      throw new AidpWorkerError(
        `the server at ${target.address} refuses task queue ${shortName(target.taskQueue)}: ${messageOf(err)}; ` +
          'set temporal.task_queue in aidp.yml, TEMPORAL_TASK_QUEUE or --task-queue to a name it accepts',
        { cause: err },
      );
    }
    // A key that may poll but not describe task queues, an older server: the worker will tell.
  }
}

/** Turns a failure of `Worker.create` into the error a user can act on, when it is one. */
function createFailure(err: unknown, options: WorkerOptions, target: Target): unknown {
  const message = messageOf(err);
  // The server answered the core's own namespace check (when the namespace went away since ours).
  if (/namespace/i.test(message) && /not ?found/i.test(message)) return new AidpNamespaceNotFoundError(target.namespace, target.address);
  // The core reports a panic while making the worker as an "internal error in Neon module".
  const fromCore = /internal error in Neon module/i.test(message) || (err as Error | undefined)?.name === 'TransportError';
  if (!fromCore) return err;
  // The values that reached the core, which workerOptions may have set over aidp.yml's.
  return new AidpWorkerError(
    `Temporal's worker core refused to create the worker: ${message.replace(/^internal error in Neon module:\s*/i, '')}; ` +
      `check the temporal.worker settings in aidp.yml (max_concurrent_activities: ${options.maxConcurrentActivityTaskExecutions}, ` +
      `max_concurrent_workflows: ${options.maxConcurrentWorkflowTaskExecutions})`,
    { cause: err },
  );
}

function codeOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** The first line of an error's message: what a one-line report of it shows. */
export function messageOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.trim();
}

/** A name for a message: quoted, and cut short when it is long. */
export function shortName(name: string): string {
  return name.length > 60 ? `"${name.slice(0, 40)}…" (${name.length} characters)` : JSON.stringify(name);
}

async function connect(config: AidpConfig): Promise<NativeConnection> {
  const options = toConnectionOptions(config); // a configuration error stays one
  try {
    return await NativeConnection.connect(options);
  } catch (err) {
    throw await connectionFailure(options, config.temporal.namespace, err);
  }
}
