import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Connection, Client } from '@temporalio/client';
import {
  FIXED_MATH,
  FIXTURE_TEST_COMMAND,
  createFixtureProject,
  scriptAgent,
  startWorkerProcess,
  temporalAddress,
  uniqueName,
  type WorkerProcess,
} from '@aidp/testing';
import { AIDP_BIN, runCaptured, runCli, type CliRun } from './run-cli';

// `aidp temporal status` of a run that has ended says how it ended, and its exit code says the same:
// 0 for a run that reached its goal, 1 for one that failed, was cancelled or terminated. The CLI
// in-process, a real worker process, the shared dev server; the hints it prints are run by a real
// shell, with the built binary as `aidp`.

const taskQueue = uniqueName('status-outcome');
let worker: WorkerProcess;

/** A project whose agent does what `agent` says, on this test's task queue. */
function project(agent: ReturnType<typeof scriptAgent>): string {
  const dir = createFixtureProject().dir;
  writeFileSync(
    join(dir, 'aidp.yml'),
    JSON.stringify({
      temporal: { target_host: temporalAddress(), task_queue: taskQueue },
      metrics: { enabled: false },
      agent: { command: agent.command },
      work_loop: { max_iterations: 1, checks: [{ name: 'test', command: FIXTURE_TEST_COMMAND }] },
    }),
  );
  return dir;
}

const failing = () => project(scriptAgent({ default: { write: { 'notes.txt': 'not a fix\n' } } }));
const fixing = () => project(scriptAgent({ default: { write: { 'src/math.js': FIXED_MATH } } }));
const stuck = () => project(scriptAgent({ default: { sleepMs: 60_000 } }));

function aidp(cwd: string, ...args: string[]): Promise<CliRun> {
  return runCli(args, { cwd, env: { NO_COLOR: '1' } });
}

/** Starts a work loop on `step` with `task` under a new id `status-<what>-…`, and gives the id. */
async function startRun(cwd: string, what: string, step: string, task: string): Promise<string> {
  const id = uniqueName(`status-${what}`);
  expect((await aidp(cwd, 'temporal', 'start', 'workloop', step, '--task', task, '--workflow-id', id)).code).toBe(0);
  return id;
}

async function untilClosed(cwd: string, id: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const status = (JSON.parse((await aidp(cwd, 'temporal', 'status', id, '--json')).stdout) as { status: string }).status;
    if (status !== 'RUNNING' || Date.now() > deadline) return status;
    await new Promise((r) => setTimeout(r, 300));
  }
}

beforeAll(async () => {
  const dir = stuck();
  worker = startWorkerProcess(join(dir, 'aidp.yml'));
  await worker.polling;
});

afterAll(async () => {
  await worker?.stop();
});

describe('aidp temporal status of an ended run', () => {
  it('shows why a failed run failed, its failure type and message, and exits 1', async () => {
    const cwd = failing();
    const id = await startRun(cwd, 'failed', 'fails', 'Fix the tests.');
    expect(await untilClosed(cwd, id)).toBe('FAILED');

    const text = await aidp(cwd, 'temporal', 'status', id);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/status\s+FAILED/);
    expect(text.stderr).toContain(`✘ run ${id} did not reach its goal: MaxIterationsReached: `);
    expect(text.stderr).toMatch(/after 1 iteration\(s\)/);

    const json = await aidp(cwd, 'temporal', 'status', id, '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'FAILED', outcome: { reachedGoal: false, reason: 'MaxIterationsReached' } });
  }, 90_000);

  it('says a cancelled run was cancelled, and exits 1', async () => {
    const cwd = stuck();
    const id = await startRun(cwd, 'cancelled', 'stuck', 'Never finishes.');
    expect((await aidp(cwd, 'temporal', 'cancel', id, '--yes')).code).toBe(0);
    expect(await untilClosed(cwd, id)).toBe('CANCELLED');
    const run = await aidp(cwd, 'temporal', 'status', id);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('did not reach its goal: the run was cancelled');
  }, 90_000);

  it('says a terminated run was terminated and why, and exits 1', async () => {
    const cwd = stuck();
    const id = await startRun(cwd, 'terminated', 'stuck', 'Never finishes.');
    const connection = await Connection.connect({ address: temporalAddress() });
    try {
      await new Client({ connection }).workflow.getHandle(id).terminate('stopped by the operator');
    } finally {
      await connection.close();
    }
    const run = await aidp(cwd, 'temporal', 'status', id);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/status\s+TERMINATED/);
    expect(run.stderr).toContain('did not reach its goal: the run was terminated: stopped by the operator');
  }, 90_000);

  it('shows the result of a run that reached its goal, and exits 0', async () => {
    const cwd = fixing();
    const id = await startRun(cwd, 'completed', 'fixes', 'Fix the tests.');
    expect(await untilClosed(cwd, id)).toBe('COMPLETED');
    const run = await aidp(cwd, 'temporal', 'status', id);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('✔ fixes: the checks pass after 1 iteration(s)');
    const json = JSON.parse((await aidp(cwd, 'temporal', 'status', id, '--json')).stdout) as {
      outcome: { reachedGoal: boolean; result: { outcome: string } };
    };
    expect(json.outcome).toMatchObject({ reachedGoal: true, result: { outcome: 'completed' } });
  }, 90_000);
});

/** Runs a printed hint in bash, `aidp` being the built CLI, and returns what it printed. */
function runHint(cwd: string, hint: string): Promise<CliRun> {
  return runCaptured('bash', ['-c', `aidp() { "${process.execPath}" "${AIDP_BIN}" "$@"; }\n${hint}`], { cwd, env: { NO_COLOR: '1' } });
}

describe('the hints the CLI prints', () => {
  it.each([
    ['a space', (u: string) => `has space ${u}`],
    ['quotes and a dollar sign', (u: string) => `it's $HOME ${u}`],
    ['a leading dash', (u: string) => `-dash-${u}`],
  ])(
    'quote a workflow id with %s so the shell passes it back unchanged',
    async (_what, make) => {
      const cwd = stuck();
      const id = make(uniqueName('hint'));
      const started = await aidp(cwd, 'temporal', 'start', 'workloop', 'stuck', '--task', 'Never finishes.', `--workflow-id=${id}`);
      expect(started.code).toBe(0);
      try {
        const hint = /^Follow it with: (.*)$/m.exec(started.stdout)![1]!;
        expect(hint).toMatch(/^aidp temporal status /);
        // The same command, asking for JSON instead of following: the shell must hand over the exact id.
        const shown = await runHint(cwd, hint.replace('--follow', '--json'));
        expect(shown.code).toBe(0);
        expect((JSON.parse(shown.stdout) as { workflowId: string }).workflowId).toBe(id);

        const twice = await aidp(cwd, 'temporal', 'start', 'workloop', 'stuck', '--task', 'Never finishes.', `--workflow-id=${id}`);
        expect(twice.code).toBe(1);
        expect(twice.stderr).toContain(`follow it with: ${hint}`);
      } finally {
        await aidp(cwd, 'temporal', 'cancel', `--yes`, '--', id);
      }
    },
    60_000,
  );
});
