import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AidpClient } from '@aidp/client';
import { FIXED_MATH, FIXTURE_TEST_COMMAND, createFixtureProject, scriptAgent, temporalAddress, uniqueName } from '@aidp/testing';
import { eventually, freePort, testConfig } from '@aidp/testing/work-loop-harness';
import { AIDP_BIN } from './run-cli';

// The Prometheus endpoint of `aidp temporal worker`, scraped after a run that completes and one that
// fails: Temporal's own metrics under the names the deployment guide lists, and AIDP's.

function value(metrics: string, name: string, labels: Record<string, string> = {}): number {
  const lines = metrics.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  const matching = lines.filter((l) => Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return matching.reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

describe('the metrics endpoint', () => {
  let worker: ChildProcess | undefined;
  afterAll(() => void worker?.kill('SIGTERM'));

  it("carries Temporal's workflow, activity and slot metrics and AIDP's iterations, tokens, cost, check failures and escalations", async () => {
    const taskQueue = uniqueName('metrics');
    const port = await freePort();
    const project = createFixtureProject();
    const agent = scriptAgent({
      iterations: { 1: { write: { 'notes.txt': 'x\n' }, cost: { usd: 0.5, inputTokens: 100, outputTokens: 10 }, sleepMs: 2_000 } },
      default: { write: { 'src/math.js': FIXED_MATH }, cost: { usd: 0.25, inputTokens: 50, outputTokens: 5 } },
    });
    // Fails its one iteration, which escalates it to the next tier before it runs out of iterations.
    const failing = scriptAgent({ default: { exitCode: 1, cost: { usd: 0.5, inputTokens: 100, outputTokens: 10 } } });
    writeFileSync(
      join(project.dir, 'worker.yml'),
      JSON.stringify({ temporal: { target_host: temporalAddress(), task_queue: taskQueue }, metrics: { prometheus: `127.0.0.1:${port}` } }),
    );
    worker = spawn(process.execPath, [AIDP_BIN, 'temporal', 'worker', '--config', 'worker.yml'], {
      cwd: project.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      worker!.stdout!.on('data', (c: Buffer) => ((out += c.toString()), out.includes('Worker polling') && resolve()));
      worker!.stderr!.on('data', (c: Buffer) => (out += c.toString()));
      worker!.once('exit', () => reject(new Error(`worker exited:\n${out}`)));
    });

    const configFor = (command: string[]) =>
      testConfig(
        {
          agent: { command, tiers: ['small', 'large'] },
          work_loop: { escalate_after: 1, checks: [{ name: 'test', command: FIXTURE_TEST_COMMAND }] },
        },
        taskQueue,
      );
    const aidp = await AidpClient.connect({ config: configFor(agent.command), env: {} });
    const aidpFailing = await AidpClient.connect({ config: configFor(failing.command), env: {} });
    try {
      const good = await aidp.startWorkLoop({ projectDir: project.dir, stepName: 'metrics-ok', task: 'Fix it.' });
      // While the agent works, its activity holds a slot.
      await eventually(() => agent.invocations().length === 1, 30_000, 'the first agent run');
      const during = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(value(during, 'temporal_worker_task_slots_used', { task_queue: taskQueue, worker_type: 'ActivityWorker' })).toBe(1);
      expect((await good.result()).iterations).toBe(2);
      const doomed = await aidpFailing.startWorkLoop({
        projectDir: createFixtureProject().dir,
        stepName: 'metrics-fail',
        task: 'Fix it.',
        maxIterations: 1,
      });
      await expect(doomed.result()).rejects.toMatchObject({ reason: 'MaxIterationsReached' });
    } finally {
      await aidp.close();
      await aidpFailing.close();
    }

    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const ours = { task_queue: taskQueue };
    // This worker ran exactly these two runs: one completed, one failed.
    expect(value(metrics, 'temporal_workflow_completed_total', { ...ours, workflow_type: 'WorkLoopWorkflow' })).toBe(1);
    expect(value(metrics, 'temporal_workflow_failed_total', { ...ours, workflow_type: 'WorkLoopWorkflow' })).toBe(1);
    // A histogram per activity type: three agent runs (two good, one failing), and the checks before and
    // after each successful agent run (two before any change, two after the good run's iterations).
    const latency = 'temporal_activity_execution_latency'; // milliseconds
    expect(value(metrics, `${latency}_count`, { ...ours, activity_type: 'runAgent' })).toBe(3);
    expect(value(metrics, `${latency}_count`, { ...ours, activity_type: 'runChecks' })).toBe(4);
    expect(value(metrics, `${latency}_sum`, { ...ours, activity_type: 'runAgent' })).toBeGreaterThan(0);
    expect(value(metrics, `${latency}_bucket`, { ...ours, activity_type: 'runAgent', le: '+Inf' })).toBe(3);
    // Every slot is free again once the runs are over, for workflows and activities alike.
    for (const workerType of ['WorkflowWorker', 'ActivityWorker']) {
      expect(metrics).toMatch(new RegExp(`^temporal_worker_task_slots_used\\{[^}]*worker_type="${workerType}"[^}]*\\} 0$`, 'm'));
    }
    // Two iterations of the good run and one of the failing run, all by the command agent on the first tier.
    expect(value(metrics, 'aidp_iterations_total', { provider: 'command', model: 'small' })).toBe(3);
    expect(value(metrics, 'aidp_iterations_total', { model: 'large' })).toBe(0);
    expect(value(metrics, 'aidp_agent_tokens_total', { direction: 'input' })).toBe(100 + 50 + 100);
    expect(value(metrics, 'aidp_agent_cost_usd_sum', { provider: 'command' })).toBeCloseTo(0.5 + 0.25 + 0.5);
    // The good run's first iteration leaves the test failing; the failing agent's iteration runs no checks.
    expect(value(metrics, 'aidp_check_failures_total')).toBe(1);
    // The failing run's failed iteration escalates it once.
    expect(value(metrics, 'aidp_escalations_total', { reason: 'consecutive_failures' })).toBe(1);
    expect(value(metrics, 'aidp_escalations_total')).toBe(1);
  }, 120_000);
});
