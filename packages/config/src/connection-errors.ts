/**
 * Why a connection to the Temporal server failed, in words a user can act on. The SDK reports a TLS
 * client talking to a plain-text server, or the reverse, as a timeout ("Failed to connect before the
 * deadline") or as an opaque transport error; so after a failure we look at the server ourselves: one
 * TCP connection, one lenient TLS handshake, and (when TLS is on) one with the user's own TLS settings.
 */
import { connect as tcpConnect, isIP } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions as NodeTlsOptions } from 'node:tls';

import { AidpConnectionError, AidpPermissionDeniedError, type ConnectionFailureReason } from './errors.js';
import type { AidpConnectionOptions } from './sdk-options.js';

/** What the server on the other end turned out to speak. */
type Speaks = 'unreachable' | 'tls' | 'plaintext';

interface HostPort {
  host: string;
  port: number;
}

function splitAddress(address: string): HostPort | undefined {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address.trim());
  if (!match) return undefined;
  return { host: match[1]!, port: Number(match[2]) };
}

function reachable({ host, port }: HostPort, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

interface HandshakeOutcome {
  ok: boolean;
  error?: Error & { code?: string };
  /** The server closed the connection right after the handshake, without saying why. */
  droppedAfterHandshake?: boolean;
}

/**
 * A TLS handshake. With TLS 1.3 a server that refuses the client's certificate (or its absence) says so
 * only after the client's side of the handshake is done, so a successful handshake waits a moment for
 * that alert, or for the server to hang up.
 */
function handshake(target: HostPort, options: NodeTlsOptions, timeoutMs: number): Promise<HandshakeOutcome> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: target.host, port: target.port, ALPNProtocols: ['h2'], ...options });
    let settled = false;
    let secured = false;
    const done = (outcome: HandshakeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(
      () => done({ ok: false, error: Object.assign(new Error('TLS handshake timed out'), { code: 'ETIMEDOUT' }) }),
      timeoutMs,
    );
    socket.once('secureConnect', () => {
      secured = true;
      setTimeout(() => done({ ok: true }), 300);
    });
    socket.once('error', (error: Error & { code?: string }) => done({ ok: false, error }));
    socket.once('close', () =>
      done(
        secured
          ? { ok: false, droppedAfterHandshake: true }
          : { ok: false, error: Object.assign(new Error('connection closed during the TLS handshake'), { code: 'ECONNRESET' }) },
      ),
    );
  });
}

const isAlert = (error: Error & { code?: string }) => /ALERT/i.test(error.code ?? '') || /alert/i.test(error.message);

async function speaks(target: HostPort, timeoutMs: number): Promise<Speaks> {
  if (!(await reachable(target, timeoutMs))) return 'unreachable';
  // Lenient: no verification and no client certificate, only "does it answer a TLS hello".
  const outcome = await handshake(target, { rejectUnauthorized: false }, timeoutMs);
  if (outcome.ok || outcome.droppedAfterHandshake) return 'tls';
  // A TLS server answers even a hello it will not accept with a TLS alert; anything else (bytes that are
  // not a TLS record, a dropped connection) is a server that does not speak TLS.
  return outcome.error && isAlert(outcome.error) ? 'tls' : 'plaintext';
}

const VERIFY_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
]);

const CERTIFICATE_REQUIRED = 'the server requires a client certificate (mTLS); set temporal.tls.cert_file and temporal.tls.key_file';

/** The cause of a failed connection, and a sentence saying it; undefined when nothing better is known. */
export async function diagnoseConnectionFailure(
  options: AidpConnectionOptions,
  { timeoutMs = 3_000 }: { timeoutMs?: number } = {},
): Promise<{ reason: ConnectionFailureReason; detail: string } | undefined> {
  const target = splitAddress(options.address);
  if (!target) return undefined;
  const server = await speaks(target, timeoutMs);
  if (server === 'unreachable') return undefined;
  const tlsOn = options.tls !== undefined && options.tls !== false;
  if (!tlsOn) {
    return server === 'tls'
      ? {
          reason: 'server-requires-tls',
          detail: 'the server requires TLS; turn TLS on with temporal.tls (true, or a ca_file for a private CA)',
        }
      : undefined;
  }
  if (server === 'plaintext') {
    const why = options.apiKey !== undefined && options.tls === true ? ' (temporal.api_key turns TLS on)' : '';
    return {
      reason: 'server-not-tls',
      detail: `the server does not speak TLS, but the connection uses TLS${why}; check temporal.tls and temporal.target_host`,
    };
  }

  // Both speak TLS: try the user's own TLS settings to find which part the server or we refuse.
  const tls = typeof options.tls === 'object' ? options.tls : {};
  const servername = tls.serverNameOverride ?? (isIP(target.host) ? undefined : target.host);
  const outcome = await handshake(
    target,
    {
      ...(tls.serverRootCACertificate ? { ca: tls.serverRootCACertificate } : {}),
      ...(tls.clientCertPair ? { cert: tls.clientCertPair.crt, key: tls.clientCertPair.key } : {}),
      ...(servername ? { servername } : {}),
      rejectUnauthorized: true,
    },
    timeoutMs,
  );
  if (outcome.ok) return undefined;
  if (outcome.droppedAfterHandshake) {
    return tls.clientCertPair
      ? {
          reason: 'client-certificate-rejected',
          detail:
            'the server hung up after the TLS handshake: it does not accept the client certificate; check temporal.tls.cert_file and key_file',
        }
      : { reason: 'client-certificate-required', detail: CERTIFICATE_REQUIRED };
  }
  const { error } = outcome;
  if (!error) return undefined;
  const code = error.code ?? '';
  if (/CERTIFICATE_REQUIRED/i.test(code) || /certificate required/i.test(error.message)) {
    return { reason: 'client-certificate-required', detail: CERTIFICATE_REQUIRED };
  }
  if (isAlert(error)) {
    return {
      reason: 'client-certificate-rejected',
      detail: `the server rejected the client certificate (${error.message.trim()}); check temporal.tls.cert_file and key_file`,
    };
  }
  if (VERIFY_CODES.has(code)) {
    return {
      reason: 'server-certificate-untrusted',
      detail: `the server's certificate cannot be verified (${error.message.trim()}); set temporal.tls.ca_file to the CA that signed it, or temporal.tls.server_name to a name it is for`,
    };
  }
  return undefined;
}

/** gRPC status codes: PERMISSION_DENIED and UNAUTHENTICATED. */
const DENIED_CODES = new Set([7, 16]);

/** True for the server refusing the caller's credentials (an API key, a token, a certificate's identity). */
export function isPermissionDenied(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number' && DENIED_CODES.has(code)) return true;
  const cause = (error as { cause?: unknown }).cause;
  if (cause && cause !== error && isPermissionDenied(cause)) return true;
  // The worker's native connection reports a status as text.
  return /\b(PermissionDenied|Unauthenticated|PERMISSION_DENIED|UNAUTHENTICATED)\b|Request unauthorized/.test(error.message);
}

/**
 * The error for a failure to connect or to use the namespace: {@link AidpPermissionDeniedError} when the
 * server refused the credentials, else an {@link AidpConnectionError} whose message says why when the
 * server can tell us (TLS on one side only, a client certificate missing or refused, a certificate not
 * trusted). Shared by the client and the worker, so both say the same thing.
 */
export async function connectionFailure(
  options: AidpConnectionOptions,
  namespace: string,
  cause: unknown,
): Promise<AidpConnectionError | AidpPermissionDeniedError> {
  if (isPermissionDenied(cause)) return new AidpPermissionDeniedError(namespace, options.address, cause);
  const diagnosis = await diagnoseConnectionFailure(options).catch(() => undefined);
  return new AidpConnectionError(options.address, cause, diagnosis);
}
