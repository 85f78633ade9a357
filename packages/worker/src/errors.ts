// Errors a worker ends with. Each sets `name`, so `err.name === 'AidpWorkerError'` works even when two
// copies of this package are loaded (instanceof would not).

// Defined once in @aidp/config, so the client and the worker throw the same error.
export { AidpNamespaceNotFoundError } from '@aidp/config';

/**
 * The worker cannot start, or stopped, on an error that retrying will not fix: a task queue the
 * server refuses, settings Temporal's core rejects, a fatal error after it started. The message says
 * what happened and what to change; `cause` is the SDK's own error, when there is one.
 */
export class AidpWorkerError extends Error {
  override readonly name = 'AidpWorkerError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
