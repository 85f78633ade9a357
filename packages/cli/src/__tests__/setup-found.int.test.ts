import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificates } from '@aidp/testing';
import { freePort } from '@aidp/worker';
import { runCli } from './run-cli';

// `aidp temporal setup` tests the address it is about to save. When something answers there that is
// not Temporal, it says so and what it is, instead of "no Temporal dev server is running there".

const project = () => mkdtempSync(join(tmpdir(), 'aidp-setup-found-'));

/** Starts `server` on a free port of 127.0.0.1 and gives its address. */
async function listening(server: Server): Promise<string> {
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return `127.0.0.1:${port}`;
}

/** `aidp temporal setup --yes` for the server at `address`, in a new project folder unless given one. */
function setupFor(mode: string, address: string, cwd = project()) {
  return runCli(['temporal', 'setup', '--mode', mode, '--address', address, '--yes'], { cwd });
}

/** A server that takes connections and never says anything. */
function silentServer(): { server: Server; close(): void } {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  return {
    server,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

describe('aidp temporal setup, with something else on the port', () => {
  it.each(['local', 'self-hosted'])('in %s mode, says an HTTP server is there and is not Temporal', async (mode) => {
    const http = createHttpServer((_req, res) => res.end('hello'));
    try {
      const address = await listening(http);
      const dir = project();
      const run = await setupFor(mode, address, dir);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        `✖ something is listening on ${address}, but it is not a Temporal server (it did not answer Temporal's gRPC API)`,
      );
      expect(run.stderr).toContain('  it is an HTTP server (it answered "HTTP/1.1 200 OK")');
      if (process.platform === 'linux') expect(run.stderr).toContain(`; pid ${process.pid}: `);
      expect(run.stderr).not.toContain('no Temporal dev server');
      expect(run.stderr).not.toContain('Nothing answers');
      expect(existsSync(join(dir, 'aidp.yml'))).toBe(false);
    } finally {
      http.close();
    }
  });

  it('says a listener that accepts and stays silent is not Temporal either', async () => {
    const silent = silentServer();
    try {
      const address = await listening(silent.server);
      const run = await setupFor('local', address);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`✖ something is listening on ${address}, but it is not a Temporal server`);
      expect(run.stderr).toContain('  it is a program that accepted the connection and said nothing');
      expect(run.stderr).not.toContain('no Temporal dev server');
    } finally {
      silent.close();
    }
  });

  it('in local mode, says a server that wants TLS wants TLS, rather than that nothing answers', async () => {
    const certificates = createCertificates();
    const tls = createTlsServer({ cert: readFileSync(certificates.serverCert), key: readFileSync(certificates.serverKey) });
    tls.on('tlsClientError', () => undefined);
    try {
      const address = await listening(tls);
      const run = await setupFor('local', address);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`✖ failed to connect to temporal server at ${address}`);
      expect(run.stderr).toContain('the server requires TLS');
      expect(run.stderr).not.toContain('Nothing answers');
    } finally {
      tls.close();
      certificates.remove();
    }
  });

  it('still says nothing answers when nothing listens', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const run = await setupFor('local', address);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`✖ Nothing answers at ${address}: no Temporal dev server is running there.`);
  });
});
