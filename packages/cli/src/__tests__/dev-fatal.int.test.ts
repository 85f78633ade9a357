import { spawnSync } from 'node:child_process';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { temporalAddress } from '@aidp/testing';
import { freePort } from '@aidp/worker';
import { runCli } from './run-cli';
import { runCliWithin, startCli, waitFor } from './run-cli-within';

// `aidp temporal dev` when something stands in its way, or stops under it: it says what is really
// the matter, and exits non-zero within seconds. The built binary, in processes of their own (a dev
// server's worker installs the process's Temporal runtime); flags it refuses, in-process.

const cwd = () => mkdtempSync(join(tmpdir(), 'aidp-dev-fatal-'));
// The dev tests start real servers; the Temporal CLI found by jest's global setup is the one to use.
const env = () => ({ AIDP_TEMPORAL_CLI: process.env.AIDP_TEMPORAL_CLI ?? '' });
const LIMIT_MS = 30_000;

/** An address of the documentation ranges (RFC 5737) that this machine does not have. */
function foreignAddress(): string {
  const mine = new Set(Object.values(networkInterfaces()).flatMap((infos) => (infos ?? []).map((info) => info.address)));
  const address = ['192.0.2.1', '198.51.100.1', '203.0.113.1', '192.0.2.254'].find((a) => !mine.has(a));
  if (!address) throw new Error("every test address is one of this machine's");
  return address;
}

async function httpServerOn(port: number): Promise<HttpServer> {
  const server = createHttpServer((_req, res) => res.end('not temporal'));
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return server;
}

describe('aidp temporal dev, refused at start', () => {
  it('says an --ip this machine does not have is not one of its addresses, not that a port is in use', async () => {
    const ip = foreignAddress();
    const run = await runCliWithin(['temporal', 'dev', '--ip', ip, '--port', String(await freePort()), '--headless'], {
      cwd: cwd(),
      env: env(),
      limitMs: LIMIT_MS,
    });
    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`error: --ip: cannot listen on ${ip}: it is not an address of this machine (its addresses: 127.0.0.1`);
    expect(run.stderr).toContain('use one of those, or 0.0.0.0 for all of them');
    expect(run.stderr).not.toContain('in use');
  });

  it('names a Temporal server that holds the port', async () => {
    const port = Number(temporalAddress().split(':').pop());
    const run = await runCliWithin(['temporal', 'dev', '--port', String(port), '--headless'], {
      cwd: cwd(),
      env: env(),
      limitMs: LIMIT_MS,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`error: port ${port} on 127.0.0.1 is already in use by a Temporal server`);
    expect(run.stderr).toContain('to use another: aidp temporal dev --port <port>');
  });

  it('says what else holds the port when it is not Temporal, with its process', async () => {
    const port = await freePort();
    const holder = await httpServerOn(port);
    try {
      const run = await runCliWithin(['temporal', 'dev', '--port', String(port), '--headless'], {
        cwd: cwd(),
        env: env(),
        limitMs: LIMIT_MS,
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        `error: port ${port} on 127.0.0.1 is already in use by something that is not a Temporal server: an HTTP server (it answered "HTTP/1.1 200 OK")`,
      );
      if (process.platform === 'linux') expect(run.stderr).toContain(`pid ${process.pid}: `);
    } finally {
      holder.close();
    }
  });

  it('names the UI port when that is the one taken, and offers --headless', async () => {
    const uiPort = await freePort();
    const holder = await httpServerOn(uiPort);
    try {
      const run = await runCliWithin(['temporal', 'dev', '--port', String(await freePort()), '--ui-port', String(uiPort)], {
        cwd: cwd(),
        env: env(),
        limitMs: LIMIT_MS,
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`error: UI port ${uiPort} on 127.0.0.1 is already in use by something that is not a Temporal server`);
      expect(run.stderr).toContain('to use another: aidp temporal dev --ui-port <port>, or --headless for no Web UI');
    } finally {
      holder.close();
    }
  });

  it('passes on the error the server gives when it cannot start, as one line', async () => {
    const run = await runCliWithin(
      ['temporal', 'dev', '--port', String(await freePort()), '--headless', '--db-file', join(cwd(), 'missing', 'dir', 'temporal.db')],
      {
        cwd: cwd(),
        env: env(),
        limitMs: LIMIT_MS,
      },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^error: temporal server start-dev exited with code 1: failed starting server: failed checking dir for database file: .*no such file or directory\n$/m,
    );
    expect(run.stderr).not.toContain('level=ERROR');
  });

  it.each([
    [['--port', '0'], 'Invalid value for --port: expected a port number from 1 to 65535, got "0"'],
    [['--port', '70000'], 'Invalid value for --port: expected a port number from 1 to 65535, got "70000"'],
    [['--port', '7e3'], 'Invalid value for --port: expected a port number from 1 to 65535, got "7e3"'],
    [['--ui-port', 'eighty'], 'Invalid value for --ui-port: expected a port number from 1 to 65535, got "eighty"'],
    [['--port', '7300', '--ui-port', '7300'], '--ui-port must differ from --port (both are 7300)'],
    [['--port', '8233'], '--ui-port must differ from --port (both are 8233)'],
    [
      ['--ip', 'not an address'],
      'Invalid value for --ip: expected an IP address of this machine, such as 127.0.0.1 (or 0.0.0.0 for all), got "not an address"',
    ],
  ])('refuses %j as a usage error (exit 2) before starting anything', async (flags, message) => {
    const run = await runCli(['temporal', 'dev', ...flags], { cwd: cwd(), env: env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).not.toContain('Starting the Temporal dev server');
  });
});

describe('aidp temporal dev, when its server goes away', () => {
  it('stops the worker and exits 1 within seconds, saying the server exited', async () => {
    const port = await freePort();
    const dev = startCli(['temporal', 'dev', '--port', String(port), '--headless'], { cwd: cwd(), env: env(), limitMs: 90_000 });
    expect(await waitFor(() => dev.output().includes('Worker polling'), 60_000)).toBe(true);
    const server = spawnSync('ps', ['-o', 'pid=', '--ppid', String(dev.child.pid)], { encoding: 'utf8' })
      .stdout.split('\n')
      .map((line) => Number(line.trim()))
      .find((pid) => pid > 0);
    expect(server).toBeDefined();
    const killedAt = Date.now();
    process.kill(server!, 'SIGKILL');
    const run = await dev.done;
    expect(run.timedOut).toBe(false);
    expect(Date.now() - killedAt).toBeLessThan(15_000);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'error: the Temporal dev server exited (signal SIGKILL), so the worker was stopped; start both again with: aidp temporal dev',
    );
    expect(run.stdout).not.toContain('Stopped the worker and the dev server.');
  }, 120_000);
});
