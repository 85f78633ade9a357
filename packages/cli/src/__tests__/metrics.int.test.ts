import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AidpClient } from '@aidp/client';
import { FIXED_MATH, FIXTURE_TEST_COMMAND, createFixtureProject, scriptAgent, temporalAddress, uniqueName } from '@aidp/testing';
import { freePort, testConfig } from '@aidp/testing/work-loop-harness';
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

  it("carries Temporal's workflow and activity metrics and AIDP's iterations, tokens, cost and check failures", async () => {
    const taskQueue = uniqueName('metrics');
    const port = await freePort();
    const project = createFixtureProject();
    const agent = scriptAgent({
      iterations: { 1: { write: { 'notes.txt': 'x\n' }, cost: { usd: 0.5, inputTokens: 100, outputTokens: 10 } } },
      default: { write: { 'src/math.js': FIXED_MATH }, cost: { usd: 0.25, inputTokens: 50, outputTokens: 5 } },
    });
    writeFileSync(
      join(project.dir, 'worker.yml'),
      JSON.stringify({ temporal: { target_host: temporalAddress(), task_queue: taskQueue }, metrics: { prometheus: `127.0.0.1:${port}` } }),
    );
    worker = spawn(process.execPath, [AIDP_BIN, 'temporal', 'worker', '--config', 'worker.yml'], { cwd: project.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      worker!.stdout!.on('data', (c: Buffer) => ((out += c.toString()), out.includes('Worker polling') && resolve()));
      worker!.stderr!.on('data', (c: Buffer) => (out += c.toString()));
      worker!.once('exit', () => reject(new Error(`worker exited:\n${out}`)));
    });

    const config = testConfig({ agent: { command: agent.command }, work_loop: { checks: [{ name: 'test', command: FIXTURE_TEST_COMMAND }] } }, taskQueue);
    const aidp = await AidpClient.connect({ config, env: {} });
    try {
      const good = await aidp.startWorkLoop({ projectDir: project.dir, stepName: 'metrics-ok', task: 'Fix it.' });
      expect((await good.result()).iterations).toBe(2);
      const doomed = await aidp.startWorkLoop({ projectDir: createFixtureProject().dir, stepName: 'metrics-fail', task: 'Fix it.', maxIterations: 1 });
      await expect(doomed.result()).rejects.toMatchObject({ reason: 'MaxIterationsReached' });
    } finally {
      await aidp.close();
    }

    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(value(metrics, 'temporal_workflow_completed_total', { workflow_type: 'WorkLoopWorkflow' })).toBeGreaterThanOrEqual(1);
    expect(value(metrics, 'temporal_workflow_failed_total', { workflow_type: 'WorkLoopWorkflow' })).toBeGreaterThanOrEqual(1);
    expect(metrics).toMatch(/^temporal_activity_execution_latency(_seconds)?_bucket\{/m);
    expect(metrics).toMatch(/^temporal_worker_task_slots_used\{/m);
    // Two iterations of the good run and one of the failing run, all by the command agent.
    expect(value(metrics, 'aidp_iterations_total', { provider: 'command', model: 'default' })).toBe(3);
    expect(value(metrics, 'aidp_agent_tokens_total', { direction: 'input' })).toBe(100 + 50 + 100);
    expect(value(metrics, 'aidp_agent_cost_usd_sum', { provider: 'command' })).toBeCloseTo(0.5 + 0.25 + 0.5);
    // The first iteration of each run leaves the test failing.
    expect(value(metrics, 'aidp_check_failures_total')).toBe(2);
  }, 120_000);
});
