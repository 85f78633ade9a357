import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli';

// The CLI as a user runs it: the built binary in a child process, in a project folder of its own.

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

describe('aidp temporal config', () => {
  it('shows each value with its source: file, ${VAR} in the file, environment, flag and default', async () => {
    const dir = project({
      'aidp.yml': ['temporal:', '  namespace: team-a', '  target_host: "${AIDP_TEST_HOST:-localhost:7233}"', '  api_key: "${MY_KEY}"', ''].join('\n'),
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
    expect(out.entries.find((e) => e.key === 'temporal.namespace')).toEqual({ key: 'temporal.namespace', value: 'ns-env', source: 'env TEMPORAL_NAMESPACE' });
  });

  it('rejects a bad file naming the key path, with exit code 1 and no stack trace', async () => {
    const dir = project({ 'aidp.yml': 'temporal:\n  worker:\n    max_concurrent_activities: ten\n  taskqueue: x\n' });
    const run = await runCli(['temporal', 'config'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('aidp.yml: temporal.worker.max_concurrent_activities: expected a positive integer, got "ten"');
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
