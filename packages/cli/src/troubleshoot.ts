import { UsageError } from 'clipanion';
import { CliError } from './errors.js';
import { commandLine } from './shell-quote.js';

/**
 * Turns the errors a user can fix into the deployment guide's troubleshooting messages, each with the
 * checks to try; a value that breaks an input limit becomes a usage error. Anything else passes
 * through unchanged.
 */
export function troubleshoot(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const e = error as Error & Record<string, unknown>;
  switch (error.name) {
    case 'AidpConnectionError':
      return new CliError(
        [
          `failed to connect to temporal server at ${String(e.address)}`,
          `  cause: ${typeof e.detail === 'string' ? e.detail : causeText(error)}`,
          '  check:',
          '  1. the Temporal server is running (for a local one: aidp temporal dev)',
          '  2. temporal.target_host in aidp.yml, TEMPORAL_HOST or --address names it (see: aidp temporal config)',
          '  3. the network lets you reach that host and port',
          '  4. the TLS settings match the server (temporal.tls, TEMPORAL_TLS)',
        ].join('\n'),
      );
    case 'AidpPermissionDeniedError':
      return new CliError(
        [
          `permission denied for namespace ${String(e.namespace)} (on ${String(e.address)})`,
          '  check:',
          '  1. temporal.api_key in aidp.yml or TEMPORAL_API_KEY is the current key (not expired, not revoked)',
          '  2. the key grants access to this namespace (temporal.namespace, TEMPORAL_NAMESPACE or --namespace)',
          '  3. the key was issued for this server (temporal.target_host, TEMPORAL_HOST or --address)',
        ].join('\n'),
      );
    case 'AidpNamespaceNotFoundError':
      return new CliError(
        [
          `namespace not found: ${String(e.namespace)} (on ${String(e.address)})`,
          '  check:',
          '  1. temporal.namespace in aidp.yml, TEMPORAL_NAMESPACE or --namespace',
          '  2. the namespace was created on the server (temporal operator namespace create)',
        ].join('\n'),
      );
    case 'AidpWorkflowNotFoundError':
      return new CliError(
        [
          `workflow not found: ${String(e.workflowId)}`,
          `  namespace: ${String(e.namespace)}`,
          '  check:',
          '  1. the workflow id (aidp temporal list --status all shows recent runs)',
          '  2. the namespace is the one the run was started in (--namespace, TEMPORAL_NAMESPACE)',
          '  3. the run may have closed longer ago than the namespace keeps history',
        ].join('\n'),
      );
    case 'AidpAlreadyStartedError':
      return new CliError(
        `${error.message}\n  follow it with: ${commandLine(['aidp', 'temporal', 'status'], [String(e.workflowId)], ['--follow'])}`,
      );
    case 'AidpInputError':
      // The commands check their own flags first; this covers any limit the client checks on its own.
      return new UsageError(error.message);
    case 'WorkLoopRequestError':
      return new CliError(error.message);
    case 'ServiceError': {
      // The server answered, and said no to what was asked (a namespace name past its length limit, a
      // payload too large): its own words say what to change.
      const cause = e.cause as { code?: number; details?: string } | undefined;
      const kind = cause?.code === undefined ? undefined : REFUSALS[cause.code];
      return kind ? new CliError(`the Temporal server refused the request (${kind}): ${cause?.details || error.message}`) : error;
    }
    default:
      return error;
  }
}

// gRPC status codes by which the server refuses a request it understood.
const REFUSALS: Record<number, string> = { 3: 'invalid argument', 8: 'resource exhausted', 9: 'failed precondition', 11: 'out of range' };

function causeText(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : error.message;
}
