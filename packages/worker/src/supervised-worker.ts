import { AsyncLocalStorage } from 'node:async_hooks';
import { Worker, type State, type WorkerOptions } from '@temporalio/worker';

type WorkflowCreator = { destroy(): Promise<void> };

// The workflow thread pools made during one `create` call (async-context local, so that two workers
// created at once each end only their own).
const creations = new AsyncLocalStorage<WorkflowCreator[]>();

/**
 * Temporal's `Worker`, with what it takes to end an AIDP worker process when the worker fails
 * (checked against @temporalio/worker 1.24, whose protected members this relies on):
 *
 * - `Worker.create` starts the workflow threads before it makes the native worker, and leaves them
 *   running when the native worker cannot be made (a namespace the server does not have, settings
 *   the core rejects): a process with nothing left to do then never exits. The thread pools made
 *   during a create are remembered here, and ended when it fails.
 * - Temporal's core ends a worker on its own after a poll error it does not retry (the server
 *   refusing the worker's requests). `run()` may then resolve as if the worker had been asked to
 *   stop, or never settle at all. The first such error, and whether anyone asked the worker to stop,
 *   are kept for {@link runWorker} to tell a stop from a failure.
 */
export class SupervisedWorker extends Worker {
  /** The first error a poll ended with, other than the end of polling itself. */
  fatalError: unknown;
  /** Whether `shutdown()` was called: by a shutdown signal, by the SDK after an error, or by us. */
  stopRequested = false;

  /** Creates the worker; a failed create leaves no workflow threads behind. */
  static async createSupervised(options: WorkerOptions): Promise<SupervisedWorker> {
    const made: WorkflowCreator[] = [];
    try {
      const worker = (await creations.run(made, () => this.create(options))) as SupervisedWorker;
      worker.recordPollErrors();
      return worker;
    } catch (err) {
      await Promise.all(made.map((creator) => creator.destroy().catch(() => undefined)));
      throw err;
    }
  }

  protected static override async createWorkflowCreator(...args: Parameters<typeof Worker.createWorkflowCreator>) {
    const creator = await super.createWorkflowCreator(...args);
    creations.getStore()?.push(creator);
    return creator;
  }

  override shutdown(): void {
    this.stopRequested = true;
    super.shutdown();
  }

  /**
   * Ends the workflow threads of a worker whose `run()` will not settle (it failed, and the SDK waits
   * for a native shutdown that does not come), so that they do not keep the process alive. The
   * native worker itself stays until the runtime shuts down.
   */
  async abandon(): Promise<void> {
    await this.workflowCreator?.destroy().catch(() => undefined);
  }

  /** Calls `listener` with the worker's state now and on every change; returns the unsubscribe. */
  watchState(listener: (state: State) => void): () => void {
    const subscription = this.stateSubject.subscribe(listener);
    return () => subscription.unsubscribe();
  }

  // Every poll goes through these three functions of the native worker, looked up at each call.
  private recordPollErrors(): void {
    const native = this.nativeWorker;
    for (const poll of ['pollWorkflowActivation', 'pollActivityTask', 'pollNexusTask'] as const) {
      const original = native[poll];
      native[poll] = async () => {
        try {
          return await original();
        } catch (err) {
          // ShutdownError is the normal end of polling.
          if ((err as Error | undefined)?.name !== 'ShutdownError') this.fatalError ??= err;
          throw err;
        }
      };
    }
  }
}
