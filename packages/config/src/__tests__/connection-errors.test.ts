import { readFileSync } from 'node:fs';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { createCertificates, type TestCertificates } from '@aidp/testing';

import { connectionFailure, diagnoseConnectionFailure, isPermissionDenied } from '../connection-errors.js';
import { AidpConnectionError, AidpPermissionDeniedError } from '../errors.js';

// Stand-ins for a Temporal frontend at the transport level: what matters is which side speaks TLS and
// which certificates each presents. The real server is exercised in the client's integration tests.
let certs: TestCertificates;
const servers: Server[] = [];
const sockets = new Set<{ destroy(): void }>();

beforeAll(() => {
  certs = createCertificates();
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  certs.remove();
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Answers like a plain-text HTTP/2 server: bytes that are not a TLS record, then a close. */
const plainServer = () =>
  listen(
    createTcpServer((socket) => {
      socket.on('error', () => undefined);
      socket.end(Buffer.from('000000040000000000', 'hex'));
    }),
  );

const tlsServer = (options: { requireClientCert?: boolean } = {}) =>
  listen(
    createTlsServer(
      {
        cert: readFileSync(certs.serverCert),
        key: readFileSync(certs.serverKey),
        ca: readFileSync(certs.caCert),
        requestCert: options.requireClientCert ?? false,
        rejectUnauthorized: options.requireClientCert ?? false,
        ALPNProtocols: ['h2'],
      },
      (socket) => socket.on('error', () => undefined),
    ).on('tlsClientError', () => undefined),
  );

const ca = () => readFileSync(certs.caCert);
const clientPair = () => ({ crt: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey) });

describe('why a connection failed', () => {
  it('says the server does not speak TLS when a TLS client meets a plain-text server', async () => {
    const address = await plainServer();

    const diagnosis = await diagnoseConnectionFailure({ address, tls: true });

    expect(diagnosis?.reason).toBe('server-not-tls');
    expect(diagnosis?.detail).toMatch(/^the server does not speak TLS/);
  });

  it('names the API key as what turned TLS on', async () => {
    const address = await plainServer();

    const diagnosis = await diagnoseConnectionFailure({ address, tls: true, apiKey: 'secret-key' });

    expect(diagnosis?.detail).toContain('temporal.api_key turns TLS on');
    expect(diagnosis?.detail).not.toContain('secret-key');
  });

  it('says the server requires TLS when a plain-text client meets a TLS server', async () => {
    const address = await tlsServer();

    const diagnosis = await diagnoseConnectionFailure({ address });

    expect(diagnosis?.reason).toBe('server-requires-tls');
    expect(diagnosis?.detail).toMatch(/^the server requires TLS/);
  });

  it('says a client certificate is required when the server asks for one and none is configured', async () => {
    const address = await tlsServer({ requireClientCert: true });

    const diagnosis = await diagnoseConnectionFailure({ address, tls: { serverRootCACertificate: ca() } });

    expect(diagnosis?.reason).toBe('client-certificate-required');
    expect(diagnosis?.detail).toContain('temporal.tls.cert_file');
  });

  it('says the client certificate was rejected when the server does not trust its CA', async () => {
    const address = await tlsServer({ requireClientCert: true });
    const stranger = { crt: readFileSync(certs.strangerCert), key: readFileSync(certs.strangerKey) };

    const diagnosis = await diagnoseConnectionFailure({ address, tls: { serverRootCACertificate: ca(), clientCertPair: stranger } });

    expect(diagnosis?.reason).toBe('client-certificate-rejected');
  });

  it('says the server certificate is not trusted without the CA that signed it', async () => {
    const address = await tlsServer();

    const diagnosis = await diagnoseConnectionFailure({ address, tls: true });

    expect(diagnosis?.reason).toBe('server-certificate-untrusted');
    expect(diagnosis?.detail).toContain('temporal.tls.ca_file');
  });

  it('finds nothing wrong with the transport when the TLS settings fit the server', async () => {
    const address = await tlsServer({ requireClientCert: true });

    await expect(
      diagnoseConnectionFailure({ address, tls: { serverRootCACertificate: ca(), clientCertPair: clientPair() } }),
    ).resolves.toBeUndefined();
  });

  it('leaves an unreachable server to the transport error', async () => {
    const address = await plainServer();
    servers.pop()!.close();
    await new Promise((r) => setTimeout(r, 50));

    await expect(diagnoseConnectionFailure({ address, tls: true })).resolves.toBeUndefined();
  });
});

describe('the error a failed connection becomes', () => {
  it('is a permission error naming the namespace when the server refused the credentials', async () => {
    const denied = Object.assign(new Error('7 PERMISSION_DENIED: Request unauthorized.'), { code: 7 });

    const error = await connectionFailure({ address: '127.0.0.1:1', apiKey: 'k' }, 'team-a', denied);

    expect(error).toBeInstanceOf(AidpPermissionDeniedError);
    expect(error.message).toBe('permission denied for namespace team-a (on 127.0.0.1:1)');
  });

  it("recognises the worker connection's textual status", () => {
    expect(isPermissionDenied(new Error('Server error: status: PermissionDenied, message: "Request unauthorized."'))).toBe(true);
    expect(isPermissionDenied(new Error('tcp connect error'))).toBe(false);
  });

  it('is a connection error with the diagnosis as its message', async () => {
    const address = await plainServer();

    const error = await connectionFailure({ address, tls: true }, 'default', new Error('Failed to connect before the deadline'));

    expect(error).toBeInstanceOf(AidpConnectionError);
    expect((error as AidpConnectionError).reason).toBe('server-not-tls');
    expect(error.message).toBe(`failed to connect to temporal server at ${address}: ${(error as AidpConnectionError).detail}`);
    expect(error.message).toContain('the server does not speak TLS');
  });
});
