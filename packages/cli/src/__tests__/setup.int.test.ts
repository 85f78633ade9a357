import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { temporalAddress, uniqueName } from '@aidp/testing';
import { freePort } from '@aidp/worker';
import { PtySession } from './pty';
import { runCli } from './run-cli';

// `aidp temporal setup` as people and scripts use it: in-process from flags, the built binary on a
// pseudo-terminal for the questions, a project folder with an aidp.yml someone wrote by hand, and the
// shared dev server as the Temporal to connect to.

function project(aidpYml?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'aidp-setup-'));
  if (aidpYml !== undefined) writeFileSync(join(dir, 'aidp.yml'), aidpYml);
  return dir;
}

const fileIn = (dir: string) => readFileSync(join(dir, 'aidp.yml'), 'utf8');

/**
 * An aidp.yml someone wrote, with comments, odd spacing and sections the wizard must leave alone,
 * around a temporal section of these lines (and a `worker` block the wizard does not manage).
 */
function handWrittenWith(temporalLines: string[]): string {
  return [
    '# AIDP for the payments service',
    '',
    'github:',
    '  repo: acme/payments   # the origin remote is a mirror',
    '',
    '# Temporal: the old cluster',
    'temporal:',
    ...temporalLines,
    '  worker:',
    '    max_concurrent_activities: 4   # small box',
    '',
    '# agents',
    'agent:',
    '  provider: claude',
    '',
  ].join('\n');
}

/** The file as the tests find it. */
const HAND_WRITTEN = handWrittenWith([
  '  target_host: "old-cluster.internal:7233"   # behind the VPN',
  '  namespace: payments',
  '  api_key: ${OLD_KEY}',
]);

describe('aidp temporal setup, from flags', () => {
  it('tests the connection to the server and writes a file that loads', async () => {
    const dir = project(HAND_WRITTEN);
    const queue = uniqueName('setup');
    const run = await runCli(
      [
        'temporal',
        'setup',
        '--mode',
        'self-hosted',
        '--address',
        temporalAddress(),
        '--namespace',
        'default',
        '--task-queue',
        queue,
        '--no-tls',
        '--yes',
      ],
      {
        cwd: dir,
        env: { NO_COLOR: '1' },
      },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`✔ Connected to ${temporalAddress()}; namespace default is there.`);
    expect(run.stdout).toContain(`~ temporal.target_host: old-cluster.internal:7233 → ${temporalAddress()}`);
    expect(run.stdout).toContain('- temporal.api_key (was ${OLD_KEY})');
    expect(run.stdout).toContain('aidp temporal worker');
    expect(fileIn(dir)).toBe(
      handWrittenWith([`  target_host: "${temporalAddress()}"   # behind the VPN`, '  namespace: default', `  task_queue: ${queue}`]),
    );

    const config = await runCli(['temporal', 'config', '--json'], { cwd: dir });
    expect(config.code).toBe(0);
    const entries = (JSON.parse(config.stdout) as { entries: { key: string; value: unknown; source: string }[] }).entries;
    expect(entries.find((e) => e.key === 'temporal.target_host')).toMatchObject({ value: temporalAddress(), source: 'aidp.yml' });
    expect(entries.find((e) => e.key === 'temporal.task_queue')).toMatchObject({ value: queue, source: 'aidp.yml' });
  });

  it('writes nothing and exits 1 when the server does not answer, unless told not to test', async () => {
    const dir = project(HAND_WRITTEN);
    const nowhere = `127.0.0.1:${await freePort()}`;
    const args = ['temporal', 'setup', '--mode', 'self-hosted', '--address', nowhere, '--yes'];
    const run = await runCli(args, { cwd: dir, env: { NO_COLOR: '1' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`failed to connect to temporal server at ${nowhere}`);
    expect(run.stderr).toContain('Nothing was written to aidp.yml (--no-verify saves without testing).');
    expect(fileIn(dir)).toBe(HAND_WRITTEN);

    const untested = await runCli([...args, '--no-verify'], { cwd: dir, env: { NO_COLOR: '1' } });
    expect(untested.code).toBe(0);
    expect(untested.stdout).not.toContain('Testing the connection');
    expect(fileIn(dir)).toContain(`  target_host: "${nowhere}"   # behind the VPN\n`);
  });

  it('fails the test for a namespace the server does not have', async () => {
    const dir = project();
    const run = await runCli(
      ['temporal', 'setup', '--mode', 'self-hosted', '--address', temporalAddress(), '--namespace', 'no-such-namespace', '--yes'],
      {
        cwd: dir,
        env: { NO_COLOR: '1' },
      },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`namespace not found: no-such-namespace (on ${temporalAddress()})`);
    expect(() => fileIn(dir)).toThrow(/ENOENT/);
  });
});

describe('aidp temporal setup, on a terminal', () => {
  it('asks for a self-hosted server, tests it, shows the change and keeps the rest of the file', async () => {
    const dir = project(HAND_WRITTEN);
    const queue = uniqueName('setup-tty');
    const tty = new PtySession(['temporal', 'setup'], { cwd: dir, env: { NO_COLOR: '1' } });
    await tty.expect('Answers go into the temporal section of aidp.yml; nothing else in the file changes.');
    await tty.expect('? Where does your Temporal server run?');
    // The file's current server is a remote one with an API key, so the suggestion is Temporal Cloud.
    await tty.answer('Choose 1-3 [3]: ', '2');
    // A Cloud address is no default for a self-hosted server: this question has none.
    await tty.answer('? Temporal server address (host:port): ', 'not-an-address');
    await tty.expect('✖ expected an address as "host:port" (port 1-65535), got "not-an-address"');
    await tty.answer('? Temporal server address (host:port): ', temporalAddress());
    await tty.answer('? Namespace [default]: ', '');
    await tty.answer('? Task queue [aidp-workflows]: ', queue);
    await tty.expect('? How is the connection to the server secured?');
    await tty.answer('Choose 1-4 [1]: ', '1');
    await tty.expect(`✔ Connected to ${temporalAddress()}; namespace default is there.`);
    await tty.expect('Changes to aidp.yml:');
    await tty.expect(`~ temporal.target_host: old-cluster.internal:7233 → ${temporalAddress()}`);
    await tty.expect('~ temporal.namespace: payments → default');
    await tty.expect(`+ temporal.task_queue: ${queue}`);
    await tty.expect('- temporal.api_key (was ${OLD_KEY})');
    await tty.answer('? Write these changes to aidp.yml? [Y/n] ', 'y');
    await tty.expect('✔ Saved aidp.yml; it loads cleanly');
    expect(await tty.exit()).toBe(0);
    expect(fileIn(dir)).toBe(
      handWrittenWith([`  target_host: "${temporalAddress()}"   # behind the VPN`, '  namespace: default', `  task_queue: ${queue}`]),
    );
  }, 60_000);

  it('for Temporal Cloud, refuses a pasted key and writes the ${NAME} of its variable, never the key', async () => {
    const dir = project(HAND_WRITTEN);
    const secret = 'acme-secret-0123456789abcdef';
    // Nothing answers here: this run checks what is written, and takes "save anyway" after the
    // connection test fails (a real Cloud endpoint is not reachable from the tests).
    const endpoint = `127.0.0.1:${await freePort()}`;
    const pasted = 'eyJhbGciOiJFUzI1NiJ9.eyJhY2NvdW50IjoiYWNtZSJ9.c2lnbmF0dXJl';
    const tty = new PtySession(['temporal', 'setup'], { cwd: dir, env: { NO_COLOR: '1', ACME_TEMPORAL_KEY: secret } });
    await tty.answer('Choose 1-3 [3]: ', '3');
    await tty.expect('Temporal Cloud namespaces are written <namespace>.<account>');
    await tty.answer('? Namespace [payments]: ', 'prod.acme1');
    await tty.answer('? Endpoint (host:port) [prod.acme1.tmprl.cloud:7233]: ', endpoint);
    await tty.answer('? Task queue [aidp-workflows]: ', '');
    await tty.expect('? How does AIDP sign in to Temporal Cloud?');
    await tty.answer('Choose 1-2 [1]: ', '1');
    await tty.answer('? Environment variable that holds the API key [OLD_KEY]: ', pasted);
    await tty.expect('✖ that looks like an API key itself, not the name of a variable.');
    await tty.answer('? Environment variable that holds the API key [OLD_KEY]: ', 'ACME_TEMPORAL_KEY');
    await tty.expect(`Testing the connection to ${endpoint}, namespace prod.acme1...`);
    await tty.expect(`✖ failed to connect to temporal server at ${endpoint}`);
    await tty.expect('? What now?');
    await tty.answer('Choose 1-4 [2]: ', '3');
    await tty.expect('~ temporal.api_key: ${OLD_KEY} → ${ACME_TEMPORAL_KEY}');
    await tty.answer('? Write these changes to aidp.yml? [Y/n] ', '');
    await tty.expect('✔ Saved aidp.yml');
    expect(await tty.exit()).toBe(0);

    const written = fileIn(dir);
    expect(written).toBe(
      handWrittenWith([
        `  target_host: "${endpoint}"   # behind the VPN`,
        '  namespace: prod.acme1',
        '  task_queue: aidp-workflows',
        '  api_key: ${ACME_TEMPORAL_KEY}',
      ]),
    );
    expect(written).not.toContain(secret);
    expect(written).not.toContain(pasted);
    // The terminal echoes what was typed; the wizard's own lines never repeat the pasted key, and
    // the key in the variable never appears at all.
    const refusal = tty.transcript.split('\n').find((line) => line.includes('looks like an API key'));
    expect(refusal).not.toContain(pasted);
    expect(tty.transcript).not.toContain(secret);
  }, 60_000);

  it('for a local server that is not running, points at aidp temporal dev and lets the answers be edited', async () => {
    const dir = project();
    const nowhere = `127.0.0.1:${await freePort()}`;
    const tty = new PtySession(['temporal', 'setup'], { cwd: dir, env: { NO_COLOR: '1' } });
    await tty.expect('Answers go into the temporal section of aidp.yml (a new file).');
    await tty.answer('Choose 1-3 [1]: ', '');
    await tty.answer('? Temporal server address (host:port) [localhost:7233]: ', nowhere);
    await tty.answer('? Namespace [default]: ', '');
    await tty.answer('? Task queue [aidp-workflows]: ', '');
    await tty.expect(`✖ Nothing answers at ${nowhere}: no Temporal dev server is running there.`);
    await tty.expect('Start one with: aidp temporal dev');
    await tty.answer('Choose 1-4 [1]: ', '2');
    // Edit: the questions again, with the last answers as defaults.
    await tty.answer('Choose 1-3 [1]: ', '');
    await tty.answer(`? Temporal server address (host:port) [${nowhere}]: `, temporalAddress());
    await tty.answer('? Namespace [default]: ', '');
    await tty.answer('? Task queue [aidp-workflows]: ', '');
    await tty.expect(`✔ Connected to ${temporalAddress()}`);
    await tty.expect('Changes to aidp.yml (a new file):');
    await tty.answer('? Write these changes to aidp.yml? [Y/n] ', 'n');
    await tty.expect('Nothing was written to aidp.yml.');
    expect(await tty.exit()).toBe(1);
    expect(() => fileIn(dir)).toThrow(/ENOENT/);
  }, 60_000);

  it('quits on Ctrl+C without writing', async () => {
    const dir = project(HAND_WRITTEN);
    const tty = new PtySession(['temporal', 'setup'], { cwd: dir, env: { NO_COLOR: '1' } });
    await tty.answer('Choose 1-3 [3]: ', '2');
    await tty.expect('? Temporal server address (host:port)');
    tty.send('\u0003');
    await tty.expect('Setup cancelled; nothing was written to aidp.yml.');
    expect(await tty.exit()).toBe(1);
    expect(fileIn(dir)).toBe(HAND_WRITTEN);
  }, 60_000);
});
