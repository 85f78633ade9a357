import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { temporalAddress, uniqueName } from '@aidp/testing';

// Fatal errors of the worker library, in a process of its own (the built package, a real server), so
// that the test sees what a user sees: whether the error is clear, and whether the process ends.

const WORKER_LIB = resolve(__dirname, '..', '..', 'lib', 'index.js');
const CONFIG_LIB = resolve(__dirname, '..', '..', '..', 'config', 'lib', 'index.js');

interface Outcome {
  /** The `{ settled, name, message, ms }` line the script printed, if any. */
  result?: { settled: 'resolved' | 'rejected'; name?: string; message?: string; ms: number };
  /** The process's exit code; null when it had to be killed. */
  code: number | null;
  /** How long after the result the process took to exit on its own. */
  exitAfterResultMs?: number;
  killed: boolean;
  output: string;
}

/**
 * Runs `call` (the body of an async function with `w` = @aidp/worker and `config` = a loaded
 * configuration) in a new Node process, which prints how the call settled and then does nothing:
 * the process must end by itself. Killed at `limitMs`.
 */
function runInProcess(call: string, taskQueue: string, limitMs: number): Promise<Outcome> {
  const script = `
    const w = require(${JSON.stringify(WORKER_LIB)});
    const { resolveConfig } = require(${JSON.stringify(CONFIG_LIB)});
    (async () => {
      const { config } = resolveConfig(
        { temporal: { target_host: ${JSON.stringify(temporalAddress())}, task_queue: ${JSON.stringify(taskQueue)} }, metrics: { enabled: false }, logging: { level: 'error' } },
        { cwd: process.cwd(), env: {} },
      );
      const runtime = await w.installAidpRuntime(config);
      const started = Date.now();
      let line;
      try {
        await (async () => { ${call} })();
        line = { settled: 'resolved', ms: Date.now() - started };
      } catch (err) {
        line = { settled: 'rejected', name: err.name, message: err.message, ms: Date.now() - started };
      }
      await runtime.close();
      process.stdout.write('RESULT ' + JSON.stringify(line) + '\\n');
    })();
  `;
  return new Promise((done) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let resultAt: number | undefined;
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
      if (resultAt === undefined && output.includes('RESULT ')) resultAt = Date.now();
    });
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    let killed = false;
    const limit = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('close', (code) => {
      clearTimeout(limit);
      const line = /RESULT (.*)/.exec(output)?.[1];
      done({
        ...(line ? { result: JSON.parse(line) as Outcome['result'] } : {}),
        code,
        ...(resultAt !== undefined ? { exitAfterResultMs: Date.now() - resultAt } : {}),
        killed,
        output,
      });
    });
  });
}

describe("createAidpWorker with settings Temporal's core rejects", () => {
  it("fails with the core's reason and the settings, and leaves nothing that keeps the process alive", async () => {
    // The core panics on this many activity slots; aidp.yml's schema refuses it, an embedding
    // service's workerOptions may not.
    const outcome = await runInProcess(
      `const aidp = await w.createAidpWorker({ config, workerOptions: { maxConcurrentActivityTaskExecutions: 1e19 } }); await aidp.close();`,
      uniqueName('core-refuses'),
      30_000,
    );
    expect(outcome.result).toMatchObject({ settled: 'rejected', name: 'AidpWorkerError' });
    expect(outcome.result?.message).toContain(
      "Temporal's worker core refused to create the worker: a semaphore may not have more than MAX_PERMITS permits",
    );
    expect(outcome.result?.message).toContain('max_concurrent_activities: 10000000000000000000');
    expect(outcome.killed).toBe(false);
    expect(outcome.exitAfterResultMs).toBeLessThan(5_000);
  }, 40_000);
});

describe("runWorker when the server refuses the worker's polls", () => {
  it("rejects with the server's reason soon after the first refusal, instead of hanging or stopping quietly", async () => {
    // The server checks a poll's identity only when it answers the poll: after its long-poll
    // timeout (a minute). Temporal's core does not retry the refusal and ends the worker; the SDK's
    // run() then either never settles or settles without saying why.
    const taskQueue = uniqueName('refused-polls');
    const outcome = await runInProcess(`await w.runWorker({ config, workerOptions: { identity: 'i'.repeat(3000) } });`, taskQueue, 100_000);
    expect(outcome.result).toMatchObject({ settled: 'rejected', name: 'AidpWorkerError' });
    expect(outcome.result?.message).toBe(
      `the worker stopped on an error Temporal does not retry (task queue "${taskQueue}" in namespace "default" at ${temporalAddress()}): Identity length exceeds limit.`,
    );
    // The refusal comes with the first poll's answer; the worker gives up at most seconds later.
    expect(outcome.result!.ms).toBeLessThan(75_000);
  }, 110_000);
});
