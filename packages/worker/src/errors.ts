// Errors a worker ends with. Each sets `name`, so `err.name === 'AidpWorkerError'` works even when two
// copies of this package are loaded (instanceof would not).

/**
 * The namespace does not exist on the server. The same error, by name and fields, as the one
 * `@aidp/client` raises, so that callers (and the `aidp` CLI) treat both alike.
 */
export class AidpNamespaceNotFoundError extends Error {
  override readonly name = 'AidpNamespaceNotFoundError';
  constructor(
    readonly namespace: string,
    /** The `host:port` that was asked. */
    readonly address: string,
  ) {
    super(`namespace not found: ${namespace} (on ${address})`);
  }
}

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
