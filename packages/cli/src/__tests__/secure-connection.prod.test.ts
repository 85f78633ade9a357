import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AidpConfig } from '@aidp/config';
import { createAidpWorker, startDevServer, type DevServer } from '@aidp/worker';
import { FIXED_MATH, createFixtureProject, createJwtKey, scriptAgent, signJwt, startJwtIssuer, type JwtIssuer } from '@aidp/testing';
import { startTemporalStack, type TemporalStack } from '@aidp/testing/temporal-server';
import { testConfig, workLoopHarness, type RawConfig } from '@aidp/testing/work-loop-harness';
import { AidpClient } from '@aidp/client';
import { runCli, type CliRun } from './run-cli.js';

// Connections to a production-like Temporal server (the full server on PostgreSQL) secured three ways:
// TLS, TLS with client certificates, and JWT authorization. Each block starts its own server, as a
// company's deployment would be set up, and checks what a user sees when the settings fit and when not.

const START_TIMEOUT = 240_000;

function configFor(stack: TemporalStack, temporal: RawConfig, raw: RawConfig = {}): AidpConfig {
  return testConfig({ ...raw, temporal: { target_host: stack.server.address, ...temporal } });
}

/** A fix-forward run through a real worker and AidpClient; the agent fixes the bug in iteration 1. */
async function runWorkLoop(config: AidpConfig): Promise<unknown> {
  const project = createFixtureProject();
  const agent = scriptAgent({ iterations: { 1: { write: { 'src/math.js': FIXED_MATH } } } });
  const withAgent = { ...config, agent: { ...config.agent, command: agent.command } } as AidpConfig;
  const harness = await workLoopHarness(withAgent);
  const aidp = await AidpClient.connect({ config: withAgent, env: {} });
  try {
    return await harness.run(async () => {
      const run = await aidp.startWorkLoop({ projectDir: project.dir, stepName: 'secure', task: 'Fix the failing test.' });
      return await run.result();
    });
  } finally {
    await aidp.close();
    await harness.close();
  }
}

/**
 * Runs the `aidp` CLI (in-process) in a folder whose aidp.yml names the stack's server and trusts its
 * CA, and says nothing else about how to connect.
 */
function runCliAgainst(stack: TemporalStack, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const cwd = mkdtempSync(join(tmpdir(), 'aidp-secure-cli-'));
  const yaml = [
    'temporal:',
    `  target_host: "${stack.server.address}"`,
    '  tls:',
    `    ca_file: "${stack.server.certificates!.caCert}"`,
    '',
  ];
  writeFileSync(join(cwd, 'aidp.yml'), yaml.join('\n'));
  return runCli(args, { cwd, env: { NO_COLOR: '1', ...env } });
}

describe('a server with TLS', () => {
  let stack: TemporalStack;
  let devServer: DevServer | undefined;
  beforeAll(async () => {
    stack = await startTemporalStack({ tls: 'server' });
  }, START_TIMEOUT);
  afterAll(async () => {
    await devServer?.stop();
    await stack?.stop();
  });

  it('accepts a client that trusts its CA through temporal.tls.ca_file', async () => {
    const aidp = await AidpClient.connect(configFor(stack, { tls: { ca_file: stack.server.certificates!.caCert } }));
    try {
      await expect(aidp.list({ status: 'all' })).resolves.toEqual([]);
    } finally {
      await aidp.close();
    }
  });

  it('verifies the server certificate against temporal.tls.server_name when one is set', async () => {
    const ca_file = stack.server.certificates!.caCert;
    const aidp = await AidpClient.connect(configFor(stack, { tls: { ca_file, server_name: 'localhost' } }));
    await aidp.close();

    await expect(
      AidpClient.connect({ config: configFor(stack, { tls: { ca_file, server_name: 'temporal.example.com' } }), connectTimeoutMs: 2_000 }),
    ).rejects.toMatchObject({
      name: 'AidpConnectionError',
      reason: 'server-certificate-untrusted',
      message: expect.stringContaining('temporal.tls.server_name'),
    });
  });

  it('tells a plain-text client that the server requires TLS', async () => {
    const config = configFor(stack, {});

    await expect(AidpClient.connect({ config, connectTimeoutMs: 2_000 })).rejects.toMatchObject({
      name: 'AidpConnectionError',
      reason: 'server-requires-tls',
      message: expect.stringContaining(`failed to connect to temporal server at ${stack.server.address}: the server requires TLS`),
    });
    await expect(createAidpWorker({ config })).rejects.toMatchObject({ name: 'AidpConnectionError', reason: 'server-requires-tls' });
  });

  it('tells a client without the private CA that the server certificate cannot be verified', async () => {
    const config = configFor(stack, { tls: true });

    await expect(AidpClient.connect({ config, connectTimeoutMs: 2_000 })).rejects.toMatchObject({
      name: 'AidpConnectionError',
      reason: 'server-certificate-untrusted',
      message: expect.stringContaining('temporal.tls.ca_file'),
    });
  });

  it('tells a TLS client that a plain-text dev server does not speak TLS', async () => {
    devServer = await startDevServer({ cliPath: process.env.AIDP_TEMPORAL_CLI, uiPort: false });
    const config = testConfig({ temporal: { target_host: devServer.address, tls: { ca_file: stack.server.certificates!.caCert } } });

    await expect(AidpClient.connect({ config, connectTimeoutMs: 2_000 })).rejects.toMatchObject({
      name: 'AidpConnectionError',
      reason: 'server-not-tls',
      message: expect.stringContaining(`failed to connect to temporal server at ${devServer.address}: the server does not speak TLS`),
    });
    await expect(createAidpWorker({ config })).rejects.toMatchObject({ name: 'AidpConnectionError', reason: 'server-not-tls' });
  });

  it('names the key and the path of a certificate file that does not exist, before connecting', async () => {
    const missing = join(tmpdir(), 'no-such-dir', 'ca.pem');
    const config = configFor(stack, { tls: { ca_file: missing } });
    const expected = { name: 'ConfigError', message: `temporal.tls.ca_file: file not found: ${missing}` };

    await expect(AidpClient.connect(config)).rejects.toMatchObject(expected);
    await expect(createAidpWorker({ config })).rejects.toMatchObject(expected);
  });
});

describe('a server that requires client certificates (mTLS)', () => {
  let stack: TemporalStack;
  beforeAll(async () => {
    stack = await startTemporalStack({ tls: 'mtls' });
  }, START_TIMEOUT);
  afterAll(async () => {
    await stack?.stop();
  });

  it('runs a work loop for a worker and a client that present the certificate', async () => {
    const certs = stack.server.certificates!;
    const config = configFor(stack, { tls: { ca_file: certs.caCert, cert_file: certs.clientCert, key_file: certs.clientKey } });

    await expect(runWorkLoop(config)).resolves.toMatchObject({ outcome: 'completed', iterations: 1 });
  });

  it('refuses a client without a certificate, saying the server requires one', async () => {
    const config = configFor(stack, { tls: { ca_file: stack.server.certificates!.caCert } });
    const expected = {
      name: 'AidpConnectionError',
      reason: 'client-certificate-required',
      message: expect.stringContaining('the server requires a client certificate'),
    };

    await expect(AidpClient.connect({ config, connectTimeoutMs: 2_000 })).rejects.toMatchObject(expected);
    await expect(createAidpWorker({ config })).rejects.toMatchObject(expected);
  });

  it('refuses a certificate from a CA the server does not trust', async () => {
    const certs = stack.server.certificates!;
    const config = configFor(stack, { tls: { ca_file: certs.caCert, cert_file: certs.strangerCert, key_file: certs.strangerKey } });

    await expect(AidpClient.connect({ config, connectTimeoutMs: 2_000 })).rejects.toMatchObject({
      name: 'AidpConnectionError',
      reason: 'client-certificate-rejected',
    });
  });

  it('explains the refusal through the CLI, with exit code 1', async () => {
    const result = await runCliAgainst(stack, ['temporal', 'list']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`failed to connect to temporal server at ${stack.server.address}`);
    expect(result.stderr).toContain('cause: the server requires a client certificate (mTLS)');
  });
});

describe('a server with JWT authorization', () => {
  let stack: TemporalStack;
  let issuer: JwtIssuer;
  beforeAll(async () => {
    issuer = await startJwtIssuer();
    stack = await startTemporalStack({ tls: 'server', jwt: { jwksUrl: issuer.jwksUrl } });
  }, START_TIMEOUT);
  afterAll(async () => {
    await stack?.stop();
    await issuer?.close();
  });

  const withKey = (apiKey: string) => configFor(stack, { tls: { ca_file: stack.server.certificates!.caCert }, api_key: apiKey });

  it('runs a work loop with a valid token as temporal.api_key', async () => {
    const token = issuer.sign({ permissions: ['default:write'] });

    await expect(runWorkLoop(withKey(token))).resolves.toMatchObject({ outcome: 'completed', iterations: 1 });
  });

  const unsigned = () => {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'x', permissions: ['default:admin'], exp: now + 3600 })}.`;
  };
  it.each([
    ['signed by a key the server does not trust', () => signJwt(createJwtKey(), { permissions: ['default:admin'] })],
    ['unsigned', unsigned],
    ['expired', () => issuer.sign({ permissions: ['default:admin'], expiresInSeconds: -60 })],
    ['for another namespace', () => issuer.sign({ permissions: ['team-b:admin'] })],
    ['not a token at all', () => 'not-a-jwt'],
  ])('refuses a token %s: permission denied for namespace default', async (_what, token) => {
    const config = withKey(token());
    const expected = {
      name: 'AidpPermissionDeniedError',
      namespace: 'default',
      message: `permission denied for namespace default (on ${stack.server.address})`,
    };

    await expect(AidpClient.connect(config)).rejects.toMatchObject(expected);
    await expect(createAidpWorker({ config })).rejects.toMatchObject(expected);
  });

  it('says so through the CLI with exit code 1, and never prints the key', async () => {
    const token = issuer.sign({ permissions: ['team-b:admin'] });
    const result = await runCliAgainst(stack, ['temporal', 'list'], { TEMPORAL_API_KEY: token });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`permission denied for namespace default (on ${stack.server.address})`);
    expect(result.stderr).toContain('temporal.api_key');
    expect(result.stdout + result.stderr).not.toContain(token);
  });
});
