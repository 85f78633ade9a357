import type { AidpConfig } from '@aidp/config';
import { createAidpWorker, type CreateAidpWorkerOptions } from './worker.js';

/** What a running worker serves; given to {@link RunWorkerOptions.onPolling}. */
export interface WorkerEndpoint {
  address: string;
  namespace: string;
  taskQueue: string;
}

/** Options of {@link runWorker}. */
export interface RunWorkerOptions extends CreateAidpWorkerOptions {
  /** Called once the worker is actually polling its task queue. */
  onPolling?: (endpoint: WorkerEndpoint) => void;
}

/**
 * Creates and runs an AIDP worker until the process gets SIGINT, SIGTERM, SIGQUIT or SIGUSR2 (the
 * Temporal runtime's shutdown signals). On a signal the worker stops polling, lets running activities
 * finish within `temporal.worker.shutdown_grace_period`, then the connection is closed.
 */
export async function runWorker(options: RunWorkerOptions): Promise<void> {
  const aidp = await createAidpWorker(options);
  try {
    const running = aidp.worker.run();
    if (options.onPolling) {
      await whenRunning(aidp.worker, running);
      options.onPolling(endpointOf(options.config));
    }
    await running;
  } finally {
    await aidp.close();
  }
}

function endpointOf(config: AidpConfig): WorkerEndpoint {
  return { address: config.temporal.target_host, namespace: config.temporal.namespace, taskQueue: config.temporal.task_queue };
}

// The SDK has no "polling started" event; its state turns RUNNING once the pollers are up.
async function whenRunning(worker: { getState(): string }, running: Promise<void>): Promise<void> {
  let done = false;
  void running.then(
    () => (done = true),
    () => (done = true),
  );
  while (!done && worker.getState() !== 'RUNNING') {
    await new Promise((r) => setTimeout(r, 20));
  }
  if (done) await running;
}
