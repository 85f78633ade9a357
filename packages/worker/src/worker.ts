import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { aidpActivities } from '@aidp/activities';
import { connectionFailure, isPermissionDenied, toConnectionOptions, toWorkerOptions, type AidpConfig } from '@aidp/config';

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
  close(): Promise<void>;
}

/**
 * Creates a Temporal worker for AIDP on the configured task queue, with the connection, concurrency
 * and shutdown grace period taken from `aidp.yml`.
 * @throws AidpConnectionError when the server cannot be reached, or not with the configured TLS settings
 * @throws AidpPermissionDeniedError when the server refuses the API key for the namespace
 * @throws ConfigError when a TLS file named in the configuration cannot be read
 */
export async function createAidpWorker(options: CreateAidpWorkerOptions): Promise<AidpWorker> {
  const { config } = options;
  const ownsConnection = options.connection === undefined;
  const connection = options.connection ?? (await connect(config));
  try {
    await checkNamespaceAccess(connection, config);
    const worker = await Worker.create({
      ...toWorkerOptions(config),
      connection,
      ...(options.workerOptions?.workflowBundle || options.workerOptions?.workflowsPath ? {} : workflowSource(options.workflowsPath)),
      activities: { ...aidpActivities, ...options.activities },
      ...options.workerOptions,
    });
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

/**
 * Asks the server about the namespace before creating the worker, so that a key the server refuses
 * becomes AidpPermissionDeniedError. Left to `Worker.create`, the refusal would also leave the SDK's
 * half-made native worker running, which keeps the process alive.
 */
async function checkNamespaceAccess(connection: NativeConnection, config: AidpConfig): Promise<void> {
  try {
    await connection.workflowService.describeNamespace({ namespace: config.temporal.namespace });
  } catch (err) {
    if (isPermissionDenied(err)) throw await connectionFailure(toConnectionOptions(config), config.temporal.namespace, err);
    // Anything else is for Worker.create to report, as it always has.
  }
}

async function connect(config: AidpConfig): Promise<NativeConnection> {
  const options = toConnectionOptions(config); // a configuration error stays one
  try {
    return await NativeConnection.connect(options);
  } catch (err) {
    throw await connectionFailure(options, config.temporal.namespace, err);
  }
}
