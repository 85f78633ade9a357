import type { AidpConfig } from '@aidp/config';
import { AidpWorkerError } from './errors.js';
import type { SupervisedWorker } from './supervised-worker.js';
import type { ServiceActivities } from './plugin.js';
import { createAidpWorker, messageOf, shortName, type CreateAidpWorkerOptions } from './worker.js';

/** What a running worker serves; given to {@link RunWorkerOptions.onPolling}. */
export interface WorkerEndpoint {
  address: string;
  namespace: string;
  taskQueue: string;
}

/** Options of {@link runWorker}. */
export interface RunWorkerOptions<A extends object = ServiceActivities> extends CreateAidpWorkerOptions<A> {
  /** Called once the worker is actually polling its task queue. */
  onPolling?: (endpoint: WorkerEndpoint) => void;
  /**
   * Stops the worker when aborted, as a shutdown signal does; `runWorker` then rejects with the
   * signal's reason once the worker has stopped. An abort after a shutdown signal changes nothing.
   */
  signal?: AbortSignal;
}

/**
 * How long a worker that failed gets to finish `run()` before runWorker gives up on it: after some
 * fatal errors the SDK's `run()` never settles.
 */
const SETTLE_AFTER_FAILURE_MS = 5_000;

/**
 * Creates and runs an AIDP worker until the process gets SIGINT, SIGTERM, SIGQUIT or SIGUSR2 (the
 * Temporal runtime's shutdown signals). On a signal the worker stops polling, lets running activities
 * finish within `temporal.worker.shutdown_grace_period`, then the connection is closed.
 *
 * It rejects, within seconds, on any error the worker will not recover from: at start (see
 * {@link createAidpWorker}), or later, when Temporal's core ends the worker on an error it does not
 * retry (AidpWorkerError, whose message has the core's reason) — including when the worker fails
 * or stops without being asked to. A server that goes away is not such an error: the worker keeps
 * retrying, logging each failed attempt, and carries on when the server is back.
 */
export async function runWorker<A extends object = ServiceActivities>(options: RunWorkerOptions<A>): Promise<void> {
  const aidp = await createAidpWorker(options);
  let failed = false;
  try {
    await supervise(aidp.worker as SupervisedWorker, options);
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    // A worker whose run() never settled still holds the connection; the failure says more.
    await aidp.close().catch((err: unknown) => {
      if (!failed) throw err;
    });
  }
}

function endpointOf(config: AidpConfig, worker: SupervisedWorker): WorkerEndpoint {
  return { address: config.temporal.target_host, namespace: worker.options.namespace, taskQueue: worker.options.taskQueue };
}

/** Runs the worker and settles when it stops: resolves on a stop someone asked for, rejects otherwise. */
async function supervise(worker: SupervisedWorker, options: RunWorkerOptions<object>): Promise<void> {
  const endpoint = endpointOf(options.config, worker);
  const graceMs = options.config.temporal.worker.shutdown_grace_period * 1000;
  return await new Promise<void>((resolve, reject) => {
    const timers: NodeJS.Timeout[] = [];
    let settled = false;
    let stopReason: unknown;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      unwatch();
      options.signal?.removeEventListener('abort', onAbort);
      for (const timer of timers) clearTimeout(timer);
      if (error === undefined) resolve();
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the stop's reason as it came: an abort signal's reason may be any value, and runWorker rejects with it (see `signal`).
      else reject(error);
    };
    // run() has not settled in time: leave it, and its threads, behind.
    const giveUpAfter = (ms: number, error: () => unknown) => {
      timers.push(
        setTimeout(() => {
          const reason = error();
          void worker.abandon().finally(() => finish(reason));
        }, ms),
      );
    };

    // Stops the worker, and runWorker then rejects with `reason`.
    const stopWith = (reason: unknown) => {
      stopReason = reason;
      if (worker.getState() === 'RUNNING') worker.shutdown();
      // The server may be gone: shutting down cannot take longer than the grace period and a margin.
      giveUpAfter(graceMs + SETTLE_AFTER_FAILURE_MS, () => stopReason);
    };
    const onAbort = () => {
      // Already stopping on a signal: that stop is the one that counts.
      if (!worker.stopRequested) stopWith(options.signal?.reason ?? new AidpWorkerError('the worker was stopped'));
    };

    let polling = false;
    const unwatch = worker.watchState((state) => {
      if (state === 'RUNNING' && !polling) {
        polling = true;
        try {
          options.onPolling?.(endpoint);
        } catch (err) {
          stopWith(err);
        }
      }
      if (state === 'FAILED') giveUpAfter(SETTLE_AFTER_FAILURE_MS, () => failure(worker, endpoint, undefined));
    });

    worker.run().then(
      () => {
        if (stopReason !== undefined) finish(stopReason);
        else if (!worker.stopRequested) finish(failure(worker, endpoint, undefined));
        else finish();
      },
      (err: unknown) => finish(stopReason ?? failure(worker, endpoint, err)),
    );
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The error for a worker that failed or stopped on its own: the core's reason, where it polled. */
function failure(worker: SupervisedWorker, endpoint: WorkerEndpoint, runError: unknown): AidpWorkerError {
  const cause = worker.fatalError ?? runError;
  const where = `task queue ${shortName(endpoint.taskQueue)} in namespace "${endpoint.namespace}" at ${endpoint.address}`;
  if (cause === undefined) {
    return new AidpWorkerError(
      `the worker stopped without being asked to (${where}): Temporal's core shut it down; its log lines above say why`,
    );
  }
  return new AidpWorkerError(`the worker stopped on an error Temporal does not retry (${where}): ${messageOf(cause)}`, { cause });
}
