import { CliError } from './errors.js';

/**
 * Turns the SDK's "cannot reach the server" errors into the message of the deployment guide's
 * troubleshooting section, with the checks to try. Other errors pass through unchanged.
 */
export function connectionHint(error: unknown, address: string): unknown {
  if (!(error instanceof Error)) return error;
  const unreachable =
    error.name === 'TransportError' ||
    /Failed to connect before the deadline|connection refused|tcp connect error|dns error|transport error/i.test(error.message);
  if (!unreachable) return error;
  return new CliError(
    [
      `failed to connect to temporal server at ${address}`,
      `  cause: ${error.message}`,
      '  check:',
      '  1. the Temporal server is running (for a local one: aidp temporal dev)',
      '  2. temporal.target_host in aidp.yml, TEMPORAL_HOST or --address names it (see: aidp temporal config)',
      '  3. the network lets you reach that host and port',
      '  4. the TLS settings match the server (temporal.tls, TEMPORAL_TLS)',
    ].join('\n'),
  );
}
