import type { AidpConfig } from '@aidp/config';
import { troubleshoot } from '../troubleshoot.js';

/** How long the wizard waits for the server: long enough for a TLS handshake across the world, short enough to answer fast. */
export const CONNECT_TIMEOUT_MS = 4_000;

export type ConnectionTest = { ok: true } | { ok: false; unreachable: boolean; message: string };

/**
 * Connects with the configuration the wizard is about to save and lists one workflow in its
 * namespace: proof that the address, TLS, credentials and namespace all work. (`AidpClient.connect`
 * already asks for the namespace, but lets a key that may not describe namespaces through; the list
 * call is what a worker and the CLI need to be allowed.)
 */
export async function testConnection(config: AidpConfig, env: Record<string, string | undefined>): Promise<ConnectionTest> {
  const { AidpClient } = await import('@aidp/client');
  let client: Awaited<ReturnType<typeof AidpClient.connect>> | undefined;
  try {
    client = await AidpClient.connect({ config, env, connectTimeoutMs: CONNECT_TIMEOUT_MS });
    const temporal = client.temporal;
    await temporal.withDeadline(Date.now() + CONNECT_TIMEOUT_MS, () =>
      temporal.workflowService.listWorkflowExecutions({ namespace: config.temporal.namespace, pageSize: 1 }),
    );
    return { ok: true };
  } catch (error) {
    return describeFailure(error, config);
  } finally {
    await client?.close().catch(() => undefined);
  }
}

function codeOf(error: unknown): number | undefined {
  const own = (error as { code?: unknown } | null)?.code;
  if (typeof own === 'number') return own;
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof cause === 'number' ? cause : undefined;
}

function describeFailure(error: unknown, config: AidpConfig): ConnectionTest {
  const address = config.temporal.target_host;
  const code = codeOf(error);
  if (code === 16 /* UNAUTHENTICATED */ || code === 7 /* PERMISSION_DENIED */) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      unreachable: false,
      message: [
        `the server at ${address} refused the credentials`,
        `  cause: ${detail}`,
        '  check:',
        '  1. the API key in the variable is current and not expired (or the client certificate and key are the pair the server trusts)',
        `  2. the key or certificate is allowed to use namespace ${config.temporal.namespace}`,
      ].join('\n'),
    };
  }
  const explained = troubleshoot(error);
  const unreachable = error instanceof Error && error.name === 'AidpConnectionError';
  return { ok: false, unreachable, message: explained instanceof Error ? explained.message : String(explained) };
}
