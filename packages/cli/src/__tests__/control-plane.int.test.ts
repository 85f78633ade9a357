import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  FIXED_MATH,
  FIXTURE_TEST_COMMAND,
  createFixtureProject,
  scriptAgent,
  temporalAddress,
  uniqueName,
  type FixtureProject,
} from '@aidp/testing';
import { freePort } from '@aidp/worker';
import { AIDP_BIN, runCli } from './run-cli';

// The control plane as a user drives it: the CLI in-process with captured streams, a real worker (the
// built `aidp temporal worker` in a process of its own), the shared dev server, a fixture project with
// its own aidp.yml. The confirmation on a terminal takes the built binary on a pseudo-terminal.

const taskQueue = uniqueName('cli');
let worker: ChildProcess;
let project: FixtureProject;
let agent: ReturnType<typeof scriptAgent>;

function writeConfig(dir: string, agent: ReturnType<typeof scriptAgent>): void {
  writeFileSync(
    join(dir, 'aidp.yml'),
    JSON.stringify({
      temporal: { target_host: temporalAddress(), task_queue: taskQueue, timeouts: { activity_heartbeat: 5 } },
      // Several workers run on this machine during the suite; only the metrics test serves metrics.
      metrics: { enabled: false },
      agent: { command: agent.command, tiers: ['small', 'large'] },
      work_loop: {
        max_iterations: 4,
        checks: [{ name: 'test', command: FIXTURE_TEST_COMMAND }],
        steps: { 'fix-tests': { task: 'Make the tests pass.' } },
      },
    }),
  );
}

async function aidp(...args: string[]) {
  return await runCli(args, { cwd: project.dir, env: { NO_COLOR: '1' } });
}

/** Waits until the run `id` is in iteration `iteration` (or past it). */
async function untilIteration(id: string, iteration: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const run = await aidp('temporal', 'status', id, '--json');
    const progress = (JSON.parse(run.stdout) as { progress: { iteration: number } | null }).progress;
    if ((progress?.iteration ?? 0) >= iteration) return;
    if (Date.now() > deadline) throw new Error(`${id} did not reach iteration ${iteration}:\n${run.stdout}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Another project on the same task queue, with an agent that never finishes its first iteration. */
function stuckProject(): FixtureProject {
  const stuck = createFixtureProject();
  writeConfig(stuck.dir, scriptAgent({ default: { sleepMs: 60_000 } }));
  return stuck;
}

beforeAll(async () => {
  agent = scriptAgent({
    iterations: { 1: { sleepMs: 1_500, write: { 'notes.txt': 'x\n' } }, 2: { write: { 'src/math.js': FIXED_MATH } } },
  });
  project = createFixtureProject();
  writeConfig(project.dir, agent);
  project.git('add', 'aidp.yml');
  project.git('commit', '-qm', 'aidp config');
  worker = spawn(process.execPath, [AIDP_BIN, 'temporal', 'worker'], { cwd: project.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    worker.stdout!.on('data', (c: Buffer) => ((out += c.toString()), out.includes('Worker polling') && resolve()));
    worker.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    worker.once('exit', () => reject(new Error(`worker exited:\n${out}`)));
  });
});

afterAll(() => {
  worker?.kill('SIGTERM');
});

describe('aidp temporal start workloop / status / signal / list / history', () => {
  it('starts a run, steers it with signals, shows its status, follows it to the end and exports its history', async () => {
    const started = await aidp('temporal', 'start', 'workloop', 'fix-tests', '--workflow-id', uniqueName('cli-run'));
    expect(started.code).toBe(0);
    const id = /workflow id: (\S+)/.exec(started.stdout)![1]!;
    expect(started.stdout).toMatch(/run id: +\S+/);
    expect(started.stdout).toContain(`/namespaces/default/workflows/${id}/`);

    // A typo is refused before anything is sent.
    const typo = await aidp('temporal', 'signal', id, 'pasue');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown signal "pasue"');
    expect(typo.stderr).toContain('inject_instruction <text>');
    const missing = await aidp('temporal', 'signal', id, 'inject_instruction');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('inject_instruction needs its text');

    // Paused while its first iteration runs, the run holds after it: the instruction goes to the second.
    await untilIteration(id, 1);
    // Each request is answered by the run: what it did is printed.
    const paused = await aidp('temporal', 'signal', id, 'pause');
    expect(paused.code).toBe(0);
    expect(paused.stdout).toMatch(
      new RegExp(`^(Paused ${id}: it holds at a safe point|Pause taken by ${id}: it holds at its next safe point)`),
    );
    const queued = await aidp('temporal', 'signal', id, 'inject_instruction', 'Use', 'the', 'plus', 'operator');
    expect(queued.code).toBe(0);
    expect(queued.stdout).toBe(`Instruction queued for ${id}'s next prompt (1 of 1 waiting).\n`);
    const escalated = await aidp('temporal', 'signal', id, 'escalate_model');
    expect(escalated.code).toBe(0);
    expect(escalated.stdout).toMatch(new RegExp(`^Escalated ${id}: the next agent runs use \\S+/large \\(tier \\d of \\d\\)\\.`));

    const deadline = Date.now() + 30_000;
    let status: { status: string; progress: { state: string; pendingInstructions: number; model: { model: string } } | null };
    do {
      const run = await aidp('temporal', 'status', id, '--json');
      expect(run.code).toBe(0);
      status = JSON.parse(run.stdout) as typeof status;
    } while (status.progress?.state !== 'paused' && Date.now() < deadline);
    expect(status.status).toBe('RUNNING');
    expect(status.progress).toMatchObject({ state: 'paused', pendingInstructions: 1, model: { model: 'large' } });

    const text = await aidp('temporal', 'status', id);
    expect(text.stdout).toMatch(/state\s+paused/);
    expect(text.stdout).toMatch(/pending\s+1 instruction/);

    const listed = await aidp('temporal', 'list', '--json');
    expect((JSON.parse(listed.stdout) as { workflowId: string }[]).map((r) => r.workflowId)).toContain(id);
    const table = await aidp('temporal', 'list', '--status', 'running');
    expect(table.stdout).toMatch(/^ID\s+TYPE\s+STATUS\s+STATE\s+ITERATION\s+STARTED\s+DURATION/);
    expect(table.stdout).toMatch(new RegExp(`${id}\\s+WorkLoopWorkflow\\s+RUNNING\\s+paused\\s+1/4`));

    // Without waiting for an answer: the plain signal, as `temporal workflow signal` sends it.
    const resumed = await aidp('temporal', 'signal', id, 'resume', '--no-wait');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toBe(`Sent resume to ${id}.\n`);
    const followed = await aidp('temporal', 'status', id, '--follow');
    expect(followed.code).toBe(0);
    expect(followed.stdout).toMatch(/state=\w+ iteration=\d\/4/);
    expect(followed.stdout).toContain('✔ fix-tests: the checks pass after 2 iteration(s)');
    expect(followed.stdout).toContain('branch:  aidp/fix-tests');

    // A finished run is not "not found": the signal is refused with what it is.
    const late = await aidp('temporal', 'signal', id, 'pause');
    expect(late.code).toBe(1);
    expect(late.stderr).toContain(`${id} is not running (COMPLETED): a signal can only steer a running run`);
    expect(agent.invocations()[1]!.prompt).toContain('Use the plus operator');

    const file = join(project.dir, 'history.json');
    const history = await aidp('temporal', 'history', id, '--output', file);
    expect(history.code).toBe(0);
    const events = (JSON.parse(readFileSync(file, 'utf8')) as { events: { eventType: string }[] }).events;
    expect(history.stdout).toBe(`Wrote ${events.length} events to ${file}.\n`);
    expect(events[0]!.eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
    // Three answered requests (updates) and one plain signal.
    expect(events.filter((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED')).toHaveLength(3);
    expect(events.filter((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED')).toHaveLength(1);
    expect(events.at(-1)!.eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
  }, 120_000);

  it('cancels a run with --yes; following it then exits 1 and says it was cancelled', async () => {
    const id = uniqueName('cli-cancel');
    const cwd = stuckProject().dir;
    const run = (...args: string[]) => runCli(args, { cwd, env: { NO_COLOR: '1' } });
    const started = await run('temporal', 'start', 'workloop', 'stuck', '--task', 'Never finishes.', '--workflow-id', id);
    expect(started.code).toBe(0);
    const cancelled = await run('temporal', 'cancel', id, '--yes');
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toContain(`Cancellation requested for ${id}`);
    const followed = await run('temporal', 'status', id, '--follow');
    expect(followed.code).toBe(1);
    expect(followed.stderr).toContain('did not reach its goal: the run was cancelled');
    const again = await run('temporal', 'cancel', id, '--yes');
    expect(again.stdout).toContain('is not running (CANCELLED)');
  }, 60_000);

  it('asks for confirmation on a terminal, and cancels only on yes', async () => {
    const id = uniqueName('cli-tty');
    const cwd = stuckProject().dir;
    expect((await runCli(['temporal', 'start', 'workloop', 'stuck', '--task', 'Never finishes.', '--workflow-id', id], { cwd })).code).toBe(
      0,
    );
    // `script` gives the CLI a real pseudo-terminal, as a person at a keyboard has; the answer is typed into it.
    const answer = (text: string) =>
      new Promise<{ code: number | null; out: string }>((done) => {
        const child = spawn('script', ['-qec', `${process.execPath} ${AIDP_BIN} temporal cancel ${id}`, '/dev/null'], {
          cwd,
          env: { ...process.env, NO_COLOR: '1' },
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('[y/N]') && !child.stdin.writableEnded) child.stdin.end(text);
        });
        child.on('close', (code) => done({ code, out }));
      });
    const no = await answer('n\n');
    expect(no.out).toContain(`Cancel ${id}? Its agent will be stopped. [y/N]`);
    expect(no.out).toContain('Not cancelled.');
    expect(no.code).toBe(1);
    const status = JSON.parse((await runCli(['temporal', 'status', id, '--json'], { cwd })).stdout) as { status: string };
    expect(status.status).toBe('RUNNING');
    const yes = await answer('y\n');
    expect(yes.code).toBe(0);
    expect(yes.out).toContain(`Cancellation requested for ${id}`);
  }, 60_000);

  it('refuses an unknown step without a task, listing the defined steps', async () => {
    const run = await aidp('temporal', 'start', 'workloop', 'fix-test');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('step "fix-test" is not defined in work_loop.steps');
    expect(run.stderr).toContain('defined steps: fix-tests');
    const bad = await aidp('temporal', 'start', 'workloop', 'fix-tests', '--max-iterations', 'lots');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--max-iterations: expected a whole number from 1 to 10000, got "lots"');
  });

  it('says which workflow and namespace when a run does not exist', async () => {
    for (const args of [
      ['status', 'no-such-run'],
      ['signal', 'no-such-run', 'pause'],
      ['cancel', 'no-such-run', '--yes'],
      ['history', 'no-such-run'],
    ]) {
      const run = await aidp('temporal', ...args);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('workflow not found: no-such-run');
      expect(run.stderr).toContain('namespace: default');
    }
  });

  it('says the server cannot be reached, with what to check, for every command that needs it', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    for (const args of [
      ['list'],
      ['status', 'x'],
      ['signal', 'x', 'pause'],
      ['cancel', 'x', '--yes'],
      ['history', 'x'],
      ['start', 'workloop', 'fix-tests'],
    ]) {
      const run = await aidp('temporal', ...args, '--address', address);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`failed to connect to temporal server at ${address}`);
      expect(run.stderr).toContain('check:');
    }
  }, 90_000);
});
