import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuiltCli, runCli } from './run-cli';

// The CLI in-process with captured streams, in a project folder of its own; and the built binary, for
// what only the process shows: its exit status.

function project(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'aidp-cli-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

describe('aidp', () => {
  it('prints help, the version and the Temporal commands, exiting 0', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('aidp temporal config');
    expect(help.stdout).not.toContain('\u001b['); // no colours when not on a terminal
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const temporal = await runCli(['temporal', '--help']);
    expect(temporal.code).toBe(0);
    expect(temporal.stdout).toMatch(/aidp temporal dev\s+start a local Temporal dev server/);
    expect(temporal.stdout).toMatch(/aidp temporal worker\s+run an AIDP worker/);
    expect(temporal.stdout).toMatch(/aidp temporal setup\s+set up the connection to Temporal in aidp\.yml/);
    const configHelp = await runCli(['temporal', 'config', '--help']);
    expect(configHelp.code).toBe(0);
    expect(configHelp.stdout).toContain('aidp temporal config --json');
  });

  it('exits 2 with the reason on stderr for an unknown command or option', async () => {
    const unknown = await runCli(['temporal', 'frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command: aidp temporal frobnicate');
    expect(unknown.stderr).toContain('aidp temporal config');
    const badOption = await runCli(['temporal', 'config', '--nope']);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain('--nope');
  });
});

describe('the built aidp binary', () => {
  it('exits 0 on success, 1 on a failure and 2 on a usage error, with the message on stderr', async () => {
    const version = await runBuiltCli(['--version']);
    expect(version).toMatchObject({ code: 0, stderr: '' });
    const failure = await runBuiltCli(['temporal', 'config'], { cwd: project({ 'aidp.yml': 'temporal: [' }) });
    expect(failure.code).toBe(1);
    expect(failure.stderr).toMatch(/^error: .*aidp\.yml/);
    const usage = await runBuiltCli(['temporal', 'list', '--limit', 'none'], { cwd: project() });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Invalid value for --limit: expected a positive integer, got "none"');
    const unknown = await runBuiltCli(['temporal', 'frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
  });
});

describe('aidp temporal config', () => {
  it('shows each value with its source: file, ${VAR} in the file, environment, flag and default', async () => {
    const dir = project({
      'aidp.yml': [
        'temporal:',
        '  namespace: team-a',
        '  target_host: "${AIDP_TEST_HOST:-localhost:7233}"',
        '  api_key: "${MY_KEY}"',
        '',
      ].join('\n'),
    });
    const run = await runCli(['temporal', 'config', '--task-queue', 'from-flag'], {
      cwd: dir,
      env: { AIDP_TEST_HOST: 'temporal.internal:7233', MY_KEY: 'sk-very-secret', AIDP_LOG_LEVEL: 'debug' },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Configuration file: \/.*\/aidp\.yml\n/);
    expect(run.stdout).toMatch(/temporal\.namespace\s+team-a\s+aidp\.yml\n/);
    expect(run.stdout).toMatch(/temporal\.target_host\s+temporal\.internal:7233\s+aidp\.yml \(\$\{AIDP_TEST_HOST\}\)/);
    expect(run.stdout).toMatch(/logging\.level\s+debug\s+env AIDP_LOG_LEVEL/);
    expect(run.stdout).toMatch(/temporal\.task_queue\s+from-flag\s+flag --task-queue/);
    expect(run.stdout).toMatch(/temporal\.worker\.max_concurrent_activities\s+10\s+default/);
    expect(run.stdout).toMatch(/temporal\.api_key\s+\*\*\*/);
    expect(run.stdout).not.toContain('sk-very-secret');
  });

  it('prints JSON with --json', async () => {
    const run = await runCli(['temporal', 'config', '--json'], { cwd: project(), env: { TEMPORAL_NAMESPACE: 'ns-env' } });
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { configFile: string | null; entries: { key: string; value: unknown; source: string }[] };
    expect(out.configFile).toBeNull();
    expect(out.entries.find((e) => e.key === 'temporal.namespace')).toEqual({
      key: 'temporal.namespace',
      value: 'ns-env',
      source: 'env TEMPORAL_NAMESPACE',
    });
  });

  it('rejects a bad file naming the key path, with exit code 1 and no stack trace', async () => {
    const dir = project({ 'aidp.yml': 'temporal:\n  worker:\n    max_concurrent_activities: ten\n  taskqueue: x\n' });
    const run = await runCli(['temporal', 'config'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('aidp.yml: temporal.worker.max_concurrent_activities: expected an integer from 1 to 10000, got "ten"');
    expect(run.stderr).toContain('temporal.taskqueue: unknown key; did you mean "task_queue"?');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports malformed YAML with its line and column', async () => {
    const run = await runCli(['temporal', 'config'], { cwd: project({ 'aidp.yml': 'temporal:\n  namespace: [unclosed\n' }) });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/aidp\.yml:\d+:\d+/);
  });

  it('names a --config file that does not exist', async () => {
    const run = await runCli(['temporal', 'config', '--config', 'nowhere.yml'], { cwd: project() });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('nowhere.yml');
  });
});

describe('aidp temporal setup without a terminal', () => {
  // Only the PEM framing is checked before writing; the TLS handshake is the connection test's job.
  const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
  const setup = (args: string[], cwd: string) => runCli(['temporal', 'setup', ...args], { cwd, env: { NO_COLOR: '1' } });

  it('names the flags that are missing and exits 2, writing nothing', async () => {
    const dir = project();
    const none = await setup([], dir);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(
      'not on a terminal, so every answer must come from flags; missing: --mode <local|self-hosted|cloud>, --yes',
    );
    const cloud = await setup(['--mode', 'cloud', '--yes'], dir);
    expect(cloud.code).toBe(2);
    expect(cloud.stderr).toContain(
      'missing: --namespace <namespace>.<account>, --address <host:port>, --api-key-env <NAME> (or --tls-cert and --tls-key)',
    );
    const selfHosted = await setup(['--mode', 'self-hosted', '--yes'], dir);
    expect(selfHosted.code).toBe(2);
    expect(selfHosted.stderr).toContain('missing: --address <host:port>');
    expect(existsSync(join(dir, 'aidp.yml'))).toBe(false);
  });

  it('refuses an API key given where the name of its variable belongs, without repeating it', async () => {
    const key = 'eyJhbGciOiJFUzI1NiJ9.eyJhY2NvdW50IjoiYWNtZSJ9.c2lnbmF0dXJl';
    const run = await setup(['--mode', 'cloud', '--namespace', 'prod.acme1', '--api-key-env', key, '--yes'], project());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--api-key-env: that looks like an API key itself, not the name of a variable');
    expect(run.stderr + run.stdout).not.toContain(key);
  });

  it('refuses bad flags: a file that does not exist, a mode it does not know, TLS for the local server', async () => {
    const dir = project();
    const missingFile = await setup(['--mode', 'self-hosted', '--address', 'temporal:7233', '--tls-ca', 'certs/ca.pem', '--yes'], dir);
    expect(missingFile.code).toBe(2);
    expect(missingFile.stderr).toMatch(/--tls-ca: no file at \S*certs\/ca\.pem: give the path of an existing file/);
    const badMode = await setup(['--mode', 'onprem'], dir);
    expect(badMode.code).toBe(2);
    expect(badMode.stderr).toContain('--mode: expected one of local, self-hosted, cloud, got "onprem"');
    const localTls = await setup(['--mode', 'local', '--tls'], dir);
    expect(localTls.code).toBe(2);
    expect(localTls.stderr).toContain('--mode local: the local dev server takes no TLS or API key flags');
    const pem = project({ 'client.pem': PEM, 'aidp.yml': '' });
    const notPem = await setup(['--mode', 'self-hosted', '--tls-cert', 'aidp.yml', '--tls-key', 'client.pem'], pem);
    expect(notPem.code).toBe(2);
    expect(notPem.stderr).toMatch(/--tls-cert: \S*aidp\.yml is not a PEM file/);
    const halfPair = await setup(['--mode', 'self-hosted', '--tls-cert', 'client.pem'], pem);
    expect(halfPair.code).toBe(2);
    expect(halfPair.stderr).toContain('--tls-cert and --tls-key go together');
  });

  it('writes mTLS paths relative to the file it edits, and a file in another folder with --config', async () => {
    const dir = project({ 'certs/client.pem': PEM, 'certs/client.key': PEM, 'deploy/.keep': '' });
    const run = await setup(
      [
        '--config',
        'deploy/aidp.yml',
        '--mode',
        'self-hosted',
        '--address',
        'temporal.internal:7233',
        '--tls-cert',
        'certs/client.pem',
        '--tls-key',
        'certs/client.key',
        '--tls-server-name',
        'temporal',
        '--no-verify',
        '--yes',
      ],
      dir,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Changes to deploy/aidp.yml (a new file):');
    expect(run.stdout).toContain('aidp temporal worker --config deploy/aidp.yml');
    expect(readFileSync(join(dir, 'deploy', 'aidp.yml'), 'utf8')).toBe(
      [
        'temporal:',
        '  target_host: temporal.internal:7233',
        '  namespace: default',
        '  task_queue: aidp-workflows',
        '  tls:',
        '    cert_file: ../certs/client.pem',
        '    key_file: ../certs/client.key',
        '    server_name: temporal',
        '',
      ].join('\n'),
    );
  });

  it('for Temporal Cloud, writes the key variable by name, and cannot test a connection without it', async () => {
    const dir = project({ 'aidp.yml': '# ours\nagent:\n  provider: codex\n' });
    const args = ['--mode', 'cloud', '--namespace', 'prod.acme1', '--api-key-env', '${ACME_KEY}', '--yes'];
    const untestable = await setup(args, dir);
    expect(untestable.code).toBe(1);
    expect(untestable.stderr).toContain('Cannot test the connection: ACME_KEY is not set, so there is no API key to sign in with.');
    expect(readFileSync(join(dir, 'aidp.yml'), 'utf8')).toBe('# ours\nagent:\n  provider: codex\n');

    const saved = await setup([...args, '--no-verify'], dir);
    expect(saved.code).toBe(0);
    expect(saved.stdout).toContain('+ temporal.target_host: prod.acme1.tmprl.cloud:7233');
    expect(saved.stdout).toContain('export ACME_KEY=<your key>');
    expect(readFileSync(join(dir, 'aidp.yml'), 'utf8')).toBe(
      '# ours\nagent:\n  provider: codex\n\ntemporal:\n  target_host: prod.acme1.tmprl.cloud:7233\n  namespace: prod.acme1\n  task_queue: aidp-workflows\n  api_key: ${ACME_KEY}\n',
    );
  });

  it('says when the environment overrides what it writes, and that a second run has nothing to change', async () => {
    // A literal "$${" elsewhere in the file stays literal while setup checks the file.
    const agent = 'agent:\n  provider: command\n  command: ["sh", "-c", "echo $${NOT_SET} {promptFile}"]\n';
    const dir = project({ 'aidp.yml': agent });
    const args = ['temporal', 'setup', '--mode', 'local', '--no-verify', '--yes'];
    const first = await runCli(args, { cwd: dir, env: { NO_COLOR: '1', TEMPORAL_HOST: 'elsewhere:7233' } });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(
      'Note: TEMPORAL_HOST is set here, and overrides temporal.target_host from aidp.yml whenever AIDP runs with it.',
    );
    expect(first.stdout).not.toContain('elsewhere');
    expect(readFileSync(join(dir, 'aidp.yml'), 'utf8')).toBe(
      `${agent}\ntemporal:\n  target_host: localhost:7233\n  namespace: default\n  task_queue: aidp-workflows\n`,
    );
    const again = await setup(['--mode', 'local', '--no-verify', '--yes'], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('aidp.yml already has these settings; nothing to write.');
  });

  it('leaves a configuration that is not YAML alone', async () => {
    const dir = project({ '.aidprc.json': '{"temporal": {"namespace": "x"}}' });
    const run = await setup(['--mode', 'local', '--no-verify', '--yes'], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('aidp temporal setup edits YAML files, and the configuration in use is .aidprc.json');
    expect(readFileSync(join(dir, '.aidprc.json'), 'utf8')).toBe('{"temporal": {"namespace": "x"}}');
  });
});
