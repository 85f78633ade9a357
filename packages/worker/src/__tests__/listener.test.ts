import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttp2Server } from 'node:http2';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { createCertificates } from '@aidp/testing';
import { describeListener, freePort, listeningProcess, probeListener, type Listener } from '@aidp/worker';

// What answers on a port, told from real servers of each kind on loopback.

const sockets = new Set<Socket>();
function track(server: Server): Server {
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  return server;
}

async function serve(server: Server): Promise<number> {
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return port;
}

const certificates = createCertificates();
const servers: Server[] = [];
afterAll(() => {
  for (const socket of sockets) socket.destroy();
  for (const server of servers) server.close();
  certificates.remove();
});

const kinds: [string, () => Server, Listener, string][] = [
  [
    'an HTTP/1 server, with its status line and Server header',
    () => createHttpServer((_req, res) => res.writeHead(404, { Server: 'tiny/1.0' }).end()),
    { kind: 'http', statusLine: 'HTTP/1.1 404 Not Found', server: 'tiny/1.0' },
    'an HTTP server (it answered "HTTP/1.1 404 Not Found", Server: tiny/1.0)',
  ],
  ['an HTTP/2 server (what gRPC, and so Temporal, speaks)', () => createHttp2Server(), { kind: 'http2' }, 'an HTTP/2 or gRPC server'],
  [
    'a TLS server',
    () => createTlsServer({ cert: readFileSync(certificates.serverCert), key: readFileSync(certificates.serverKey) }),
    { kind: 'tls' },
    'a TLS server',
  ],
  [
    'a server that speaks first',
    () => createTcpServer((s) => s.end('SSH-2.0-OpenSSH_9.6\r\n')),
    { kind: 'other', greeting: 'SSH-2.0-OpenSSH_9.6' },
    'a program that said "SSH-2.0-OpenSSH_9.6"',
  ],
  [
    'a server that says nothing',
    () => createTcpServer(() => undefined),
    { kind: 'silent' },
    'a program that accepted the connection and said nothing',
  ],
];

describe('probeListener', () => {
  it.each(kinds)('recognises %s', async (_name, make, expected, words) => {
    const server = track(make());
    servers.push(server);
    const port = await serve(server);
    const found = await probeListener('127.0.0.1', port, { timeoutMs: 1_500 });
    expect(found).toEqual(expected);
    expect(describeListener(found)).toEqual(words);
  });

  it('finds nothing on a port where nothing listens', async () => {
    expect(await probeListener('127.0.0.1', await freePort())).toEqual({ kind: 'none', code: 'ECONNREFUSED' });
  });
});

describe('listeningProcess', () => {
  (process.platform === 'linux' ? it : it.skip)('names the process that listens on a port of this machine', async () => {
    const server = track(createTcpServer());
    servers.push(server);
    const port = await serve(server);
    expect(listeningProcess(port, '127.0.0.1')).toMatchObject({ pid: process.pid, command: expect.stringContaining('node') });
    expect(listeningProcess(await freePort(), '127.0.0.1')).toBeUndefined();
    // Only for addresses of this machine: another host's processes are not ours to look at.
    expect(listeningProcess(port, 'example.invalid')).toBeUndefined();
  });
});
