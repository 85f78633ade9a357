import { randomUUID } from 'node:crypto';

/**
 * The address of the Temporal server the integration tests use: the dev server jest's global setup
 * started, or the one `TEMPORAL_ADDRESS` pointed at before the run.
 */
export function temporalAddress(): string {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) {
    throw new Error(
      'TEMPORAL_ADDRESS is not set: integration tests (*.int.test.ts) run through jest\'s "integration" ' +
        'project, whose global setup starts a dev server. Run them with `pnpm test`.',
    );
  }
  return address;
}

/** A name no other test uses, for task queues and workflow ids. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
