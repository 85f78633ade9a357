import type { AidpConfig } from '@aidp/config';
import { clientModule, workerModule } from '../lazy.js';
import type { Paint } from '../render.js';
import { troubleshoot } from '../troubleshoot.js';
import type { TemporalSetupAnswers } from './answers.js';

/** How long the wizard waits for the server: long enough for a TLS handshake across the world, short enough to answer fast. */
export const CONNECT_TIMEOUT_MS = 4_000;

/**
 * What the test found. `unreachable`: nothing listens at the address at all. `notTemporal`:
 * something listens there, but it is not a Temporal server; the message says what it is.
 */
export type ConnectionTest = { ok: true } | { ok: false; unreachable: boolean; notTemporal?: boolean; message: string };

/**
 * Connects with the configuration the wizard is about to save and lists one workflow in its
 * namespace: proof that the address, TLS, credentials and namespace all work. (`AidpClient.connect`
 * already asks for the namespace, but lets a key that may not describe namespaces through; the list
 * call is what a worker and the CLI need to be allowed.)
 */
export async function testConnection(config: AidpConfig, env: Record<string, string | undefined>): Promise<ConnectionTest> {
  const { AidpClient } = clientModule();
  let client: Awaited<ReturnType<typeof AidpClient.connect>> | undefined;
  try {
    client = await AidpClient.connect({ config, env, connectTimeoutMs: CONNECT_TIMEOUT_MS });
    const temporal = client.temporal;
    await temporal.withDeadline(Date.now() + CONNECT_TIMEOUT_MS, () =>
      temporal.workflowService.listWorkflowExecutions({ namespace: config.temporal.namespace, pageSize: 1 }),
    );
    return { ok: true };
  } catch (error) {
    return await describeFailure(error, config);
  } finally {
    await client?.close().catch(() => undefined);
  }
}

/** Where the wizard reports: `out` for the conversation, `fail` for a failure (stderr without a terminal). */
export interface VerifyOutput {
  out: (line: string) => void;
  fail: (line: string) => void;
}

/**
 * Tests the connection the answers describe and says how it went; true when it works.
 * `unsetKeyVariable`: the API key variable, when it is not set here (nothing to sign in with).
 */
export async function verifyConnection(
  config: AidpConfig,
  answers: TemporalSetupAnswers,
  unsetKeyVariable: string | undefined,
  env: Record<string, string | undefined>,
  c: Paint,
  { out, fail }: VerifyOutput,
): Promise<boolean> {
  const where = `${answers.address}, namespace ${answers.namespace}`;
  if (unsetKeyVariable !== undefined) {
    const why = `${unsetKeyVariable} is not set, so there is no API key to sign in with`;
    fail(`${c.red('✖')} Cannot test the connection: ${why}.`);
    fail(`  Set it (export ${unsetKeyVariable}=<your key>) and run setup again to test, or save without testing.`);
    return false;
  }
  out(`Testing the connection to ${where}...`);
  const result = await testConnection(config, env);
  if (result.ok) {
    out(`${c.green('✔')} Connected to ${answers.address}; namespace ${answers.namespace} is there.`);
    return true;
  }
  if (answers.mode === 'local' && result.unreachable) {
    fail(`${c.red('✖')} Nothing answers at ${answers.address}: no Temporal dev server is running there.`);
    fail('  Start one with: aidp temporal dev   (a dev server with its Web UI, and a worker)');
    fail('  The settings can be saved now and the server started later.');
    return false;
  }
  fail(`${c.red('✖')} ${result.message}`);
  return false;
}

function codeOf(error: unknown): number | undefined {
  const own = (error as { code?: unknown } | null)?.code;
  if (typeof own === 'number') return own;
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof cause === 'number' ? cause : undefined;
}

async function describeFailure(error: unknown, config: AidpConfig): Promise<ConnectionTest> {
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
  if (code === 12 /* UNIMPLEMENTED */) {
    return { ok: false, unreachable: false, notTemporal: true, message: notTemporal(address, "a gRPC server without Temporal's API") };
  }
  const explained = troubleshoot(error);
  const message = explained instanceof Error ? explained.message : String(explained);
  const connection = error instanceof Error && error.name === 'AidpConnectionError' ? (error as Error & { reason?: string }) : undefined;
  // A known reason (TLS on one side only, a certificate refused) means a server did answer.
  if (!connection || connection.reason !== undefined) return { ok: false, unreachable: false, message };
  // The client only knows it got no Temporal answer; look at what, if anything, is listening.
  const found = await whatListens(address);
  if (found === undefined) return { ok: false, unreachable: true, message };
  if (found.mayBeTemporal) {
    // TLS or HTTP/2: Temporal speaks those, so the settings may be what is wrong, not the server.
    return {
      ok: false,
      unreachable: false,
      message: `${message}\n  found: ${found.words} at ${address}, which did not answer Temporal's gRPC API with these settings`,
    };
  }
  return { ok: false, unreachable: false, notTemporal: true, message: notTemporal(address, found.words) };
}

/**
 * What listens at `host:port`, in words (with its process, for this machine), and whether it may be
 * a Temporal server all the same; undefined when nothing listens.
 */
async function whatListens(address: string): Promise<{ words: string; mayBeTemporal: boolean } | undefined> {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address.trim());
  if (!match) return undefined;
  const [, host = '', portText = ''] = match;
  const port = Number(portText);
  const { describeListener, listeningProcess, probeListener } = workerModule();
  const listener = await probeListener(host, port);
  if (listener.kind === 'none') return undefined;
  const owner = listeningProcess(port, host);
  return {
    words: `${describeListener(listener)}${owner ? `; pid ${owner.pid}: ${owner.command}` : ''}`,
    mayBeTemporal: listener.kind === 'tls' || listener.kind === 'http2',
  };
}

function notTemporal(address: string, what: string): string {
  return [
    `something is listening on ${address}, but it is not a Temporal server (it did not answer Temporal's gRPC API)`,
    `  it is ${what}`,
    '  check:',
    '  1. the address: is this the host and port of the Temporal frontend? (its gRPC port, 7233 unless changed; not the Web UI)',
    '  2. that program: stop it, or run Temporal on another port (aidp temporal dev --port <port>) and give that port here',
  ].join('\n');
}
