import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@aidp/worker';
import { AIDP_BIN, runCli } from './run-cli';

// The commands that talk to Temporal, run as a user would.

describe('aidp temporal worker', () => {
  it('says it cannot reach the server, with the checks to try, and exits 1', async () => {
    const port = await freePort();
    const run = await runCli(['temporal', 'worker', '--address', `127.0.0.1:${port}`], { cwd: mkdtempSync(join(tmpdir(), 'aidp-w-')) });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`failed to connect to temporal server at 127.0.0.1:${port}`);
    expect(run.stderr).toContain('aidp temporal dev');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('aidp temporal dev', () => {
  it('starts a dev server and a worker, and stops both cleanly on Ctrl+C', async () => {
    const port = await freePort();
    const cwd = mkdtempSync(join(tmpdir(), 'aidp-dev-'));
    const child = spawn(process.execPath, [AIDP_BIN, 'temporal', 'dev', '--port', String(port), '--headless'], {
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
    expect(out).toContain(`Temporal dev server at 127.0.0.1:${port}`);
    expect(out).toContain('Worker polling task queue "aidp-workflows" in namespace "default"');

    // A second dev server on the same port is refused with a clear message.
    const clash = await runCli(['temporal', 'dev', '--port', String(port), '--headless'], { cwd, env: { AIDP_TEMPORAL_CLI: process.env.AIDP_TEMPORAL_CLI ?? '' } });
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out).toContain('Stopped the worker and the dev server.');
  }, 90_000);
});
