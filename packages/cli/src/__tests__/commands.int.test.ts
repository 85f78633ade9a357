import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@aidp/worker';
import { AIDP_BIN, runBuiltCli, runCli } from './run-cli';

// The commands that talk to Temporal. `worker` and `dev` run as the built binary, in processes of
// their own: each installs the process's one Temporal runtime and handles its signals. The commands a
// run is started, listed and cancelled with run in-process.

interface DevRun {
  child: ChildProcess;
  /** What it printed so far, standard output and error together. */
  output(): string;
  /** Its exit code once it has ended. */
  exited: Promise<number | null>;
}

/** Starts `aidp temporal dev --headless <args>` and waits (up to a minute) for its worker to poll. */
async function startDev(cwd: string, args: string[]): Promise<DevRun> {
  const child = spawn(process.execPath, [AIDP_BIN, 'temporal', 'dev', '--headless', ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => child.on('close', r));
  const deadline = Date.now() + 60_000;
  while (!out.includes('Worker polling') && Date.now() < deadline && child.exitCode === null) {
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => out, exited };
}

describe('aidp temporal worker', () => {
  it('says it cannot reach the server, with the checks to try, and exits 1', async () => {
    const port = await freePort();
    const cwd = mkdtempSync(join(tmpdir(), 'aidp-w-'));
    writeFileSync(join(cwd, 'aidp.yml'), 'metrics: { enabled: false }\n');
    const run = await runBuiltCli(['temporal', 'worker', '--address', `127.0.0.1:${port}`], { cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`failed to connect to temporal server at 127.0.0.1:${port}`);
    expect(run.stderr).toContain('aidp temporal dev');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('aidp temporal worker with its metrics address taken', () => {
  it('says which address is taken and how to choose another, and exits 1', async () => {
    const port = await freePort();
    const holder = createServer().listen(port, '127.0.0.1');
    try {
      const cwd = mkdtempSync(join(tmpdir(), 'aidp-m-'));
      writeFileSync(join(cwd, 'aidp.yml'), `metrics: { prometheus: "127.0.0.1:${port}" }\n`);
      const run = await runBuiltCli(['temporal', 'worker'], { cwd });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`metrics.prometheus 127.0.0.1:${port} is already in use`);
      expect(run.stderr).toContain('metrics.enabled: false');
    } finally {
      holder.close();
    }
  });
});

describe('aidp temporal dev', () => {
  it('starts a dev server and a worker, and stops both cleanly on Ctrl+C', async () => {
    const port = await freePort();
    const cwd = mkdtempSync(join(tmpdir(), 'aidp-dev-'));
    const dev = await startDev(cwd, ['--port', String(port)]);
    expect(dev.output()).toContain(`Temporal dev server at 127.0.0.1:${port}`);
    expect(dev.output()).toContain('Worker polling task queue "aidp-workflows" in namespace "default"');

    // A second dev server on the same port is refused with a clear message.
    const clash = await runBuiltCli(['temporal', 'dev', '--port', String(port), '--headless'], {
      cwd,
      env: { AIDP_TEMPORAL_CLI: process.env.AIDP_TEMPORAL_CLI ?? '' },
    });
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);

    dev.child.kill('SIGINT');
    expect(await dev.exited).toBe(0);
    expect(dev.output()).toContain('Stopped the worker and the dev server.');
  }, 90_000);
});

describe('aidp temporal dev --db-file', () => {
  it('keeps runs across a restart of the dev server', async () => {
    const port = await freePort();
    const cwd = mkdtempSync(join(tmpdir(), 'aidp-devdb-'));
    const dbFile = join(cwd, 'temporal.db');
    const address = `127.0.0.1:${port}`;
    // A run that stays open: its agent does not exist on this machine, so it is the only thing that
    // matters here that the server remembers it.
    writeFileSync(join(cwd, 'aidp.yml'), JSON.stringify({ agent: { command: ['sleep', '600'] } }));

    const startWithDb = async () => {
      const dev = await startDev(cwd, ['--port', String(port), '--db-file', dbFile]);
      expect(dev.output()).toContain('Worker polling');
      return dev;
    };
    const stop = async (dev: DevRun) => {
      dev.child.kill('SIGTERM');
      await dev.exited;
    };

    const first = await startWithDb();
    const started = await runCli(
      [
        'temporal',
        'start',
        'workloop',
        'remembered',
        '--task',
        'Wait.',
        '--address',
        address,
        '--workflow-id',
        'remembered-run',
        '--in-place',
      ],
      { cwd },
    );
    expect(started.code).toBe(0);
    await stop(first);

    const second = await startWithDb();
    try {
      const listed = await runCli(['temporal', 'list', '--status', 'all', '--json', '--address', address], { cwd });
      expect(listed.code).toBe(0);
      expect((JSON.parse(listed.stdout) as { workflowId: string }[]).map((r) => r.workflowId)).toContain('remembered-run');
      expect((await runCli(['temporal', 'cancel', 'remembered-run', '--yes', '--address', address], { cwd })).code).toBe(0);
    } finally {
      await stop(second);
    }
  }, 180_000);
});
