import { CliError } from './errors.js';

/**
 * Turns the errors a user can fix into the deployment guide's troubleshooting messages, each with the
 * checks to try. Anything else passes through unchanged.
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
      return new CliError(`${error.message}\n  follow it with: aidp temporal status ${String(e.workflowId)} --follow`);
    case 'WorkLoopRequestError':
      return new CliError(error.message);
    default:
      return error;
  }
}

function causeText(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : error.message;
}
