import { Connection } from '@temporalio/client';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { temporalAddress, uniqueName } from '@aidp/testing';
import { freePort, startDevServer, type DevServer } from '@aidp/worker';
import { runCliWithin, startCli, waitFor } from './run-cli-within';

// `aidp temporal worker` against the shared dev server, with a mistake the server will never accept:
// the worker ends within seconds, exit code 1, with one message that says what to change, never
// "unexpected failure" and a gRPC dump, and never a process left running.

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aidp-worker-fatal-'));
  writeFileSync(
    join(dir, 'aidp.yml'),
    ['temporal:', `  target_host: "${temporalAddress()}"`, 'metrics: { enabled: false }', ''].join('\n'),
  );
  return dir;
}

const LIMIT_MS = 20_000;

describe('aidp temporal worker with a fatal mistake', () => {
  it('ends at once for a namespace the server does not have, naming it and the server', async () => {
    const namespace = uniqueName('no-such-namespace');
    const run = await runCliWithin(['temporal', 'worker', '--namespace', namespace], { cwd: project(), limitMs: LIMIT_MS });
    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(1);
    expect(run.ms).toBeLessThan(10_000);
    expect(run.stderr).toContain(`error: namespace not found: ${namespace} (on ${temporalAddress()})`);
    expect(run.stderr).toContain('temporal.namespace in aidp.yml, TEMPORAL_NAMESPACE or --namespace');
    expect(run.stderr).not.toContain('unexpected failure');
    expect(run.stderr).not.toMatch(/\n\s+at |Status \{|MetadataMap/);
    expect(run.stdout).not.toContain('Worker polling');
  });

  it('ends at once for a task queue name the server refuses, saying why', async () => {
    const taskQueue = 'q'.repeat(1_100);
    const run = await runCliWithin(['temporal', 'worker', '--task-queue', taskQueue], { cwd: project(), limitMs: LIMIT_MS });
    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(1);
    expect(run.ms).toBeLessThan(10_000);
    expect(run.stderr).toContain(
      `error: the server at ${temporalAddress()} refuses task queue "${'q'.repeat(40)}…" (1100 characters): taskQueue length exceeds limit`,
    );
    expect(run.stderr).toContain('set temporal.task_queue in aidp.yml, TEMPORAL_TASK_QUEUE or --task-queue');
    expect(run.stderr).not.toContain('unexpected failure');
    expect(run.stdout).not.toContain('Worker stopped.');
  });
});

describe('aidp temporal worker when its server goes away', () => {
  it('is not a fatal error: the worker waits, and polls again once the server is back', async () => {
    const port = await freePort();
    const cliPath = process.env.AIDP_TEMPORAL_CLI;
    let server: DevServer | undefined = await startDevServer({ cliPath, port, uiPort: false });
    const taskQueue = uniqueName('comeback');
    const worker = startCli(['temporal', 'worker', '--address', server.address, '--task-queue', taskQueue], {
      cwd: project(),
      limitMs: 120_000,
    });
    try {
      expect(await waitFor(() => worker.output().includes('Worker polling'), 30_000)).toBe(true);
      await server.stop();
      server = undefined;
      // Long enough for several failed polls; a fatal error would end the process in this time.
      await new Promise((r) => setTimeout(r, 8_000));
      expect(worker.child.exitCode).toBeNull();

      server = await startDevServer({ cliPath, port, uiPort: false });
      const connection = await Connection.connect({ address: server.address });
      try {
        const polled = async () =>
          (
            (await connection.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, taskQueueType: 1 }))
              .pollers ?? []
          ).length > 0;
        const deadline = Date.now() + 60_000;
        while (!(await polled()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
        expect(await polled()).toBe(true);
      } finally {
        await connection.close();
      }

      worker.child.kill('SIGTERM');
      const run = await worker.done;
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Worker stopped.');
    } finally {
      worker.child.kill('SIGKILL');
      await server?.stop();
    }
  }, 150_000);
});
