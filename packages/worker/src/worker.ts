import { NativeConnection, type Worker, type WorkerOptions } from '@temporalio/worker';
import { connectionFailure, isPermissionDenied, toConnectionOptions, toWorkerOptions, type AidpConfig } from '@aidp/config';
import { AidpNamespaceNotFoundError, AidpWorkerError } from './errors.js';
import { aidpWorkerPlugin, type AidpWorkerActivities, type ServiceActivities } from './plugin.js';
import { SupervisedWorker } from './supervised-worker.js';

/** Options of {@link createAidpWorker}. */
export interface CreateAidpWorkerOptions<A extends object = ServiceActivities> {
  /** The resolved configuration (see `loadConfig` in `@aidp/config`). */
  config: AidpConfig;
  /**
   * Activities to register next to AIDP's: the service's own, and any of AIDP's it replaces by name
   * (keeping AIDP's contract; the worker logs each replacement once).
   */
  activities?: AidpWorkerActivities<A>;
  /** An open connection to reuse; otherwise one is made from `config.temporal` and closed on shutdown. */
  connection?: NativeConnection;
  /**
   * Module of workflow functions to bundle. Default: the bundle prebuilt with this package when it
   * fits the worker, else `@aidp/workflows` bundled at start-up.
   */
  workflowsPath?: string;
  /**
   * Worker options over the configuration's (identity, tuner, ...). Activities and plugins join AIDP's
   * rather than replace them; the namespace and task queue must be the configuration's.
   */
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
 * when the first poll comes back. A create that fails leaves nothing running. AIDP's activities and
 * workflows come from {@link aidpWorkerPlugin}, as they would on a worker the service made itself.
 * @throws AidpConnectionError when the server cannot be reached, or not with the configured TLS settings
 * @throws AidpPermissionDeniedError when the server refuses the API key for the namespace
 * @throws AidpNamespaceNotFoundError when the namespace does not exist on the server
 * @throws AidpWorkerError when the server refuses the task queue's name, Temporal's core the worker's
 *   settings, or `workerOptions` name another namespace or task queue than the configuration
 * @throws ConfigError when a TLS file named in the configuration cannot be read
 */
export async function createAidpWorker<A extends object = ServiceActivities>(options: CreateAidpWorkerOptions<A>): Promise<AidpWorker> {
  const { config } = options;
  const ownsConnection = options.connection === undefined;
  const connection = options.connection ?? (await connect(config));
  const { activities, plugins, ...rest } = options.workerOptions ?? {};
  const workerOptions: WorkerOptions = {
    ...toWorkerOptions(config),
    connection,
    ...rest,
    activities: { ...options.activities, ...activities },
    // AIDP's last, so that it sees the activities of the others.
    plugins: [...(plugins ?? []), aidpWorkerPlugin(config, { workflowsPath: options.workflowsPath })],
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
