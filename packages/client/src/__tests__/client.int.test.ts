import { FIXED_MATH, createFixtureProject, scriptAgent, uniqueName } from '@aidp/testing';
import { freePort, testConfig, workLoopHarness } from '@aidp/testing/work-loop-harness';
import type { Progress } from '@aidp/workflows/contracts';
import { AidpClient } from '..';

// @aidp/client as another team's code uses it, against the shared dev server and a real worker.

describe('AidpClient', () => {
  it('starts a work loop, steers it, follows its progress to the end and returns its result', async () => {
    const project = createFixtureProject();
    const agent = scriptAgent({
      iterations: { 1: { sleepMs: 1_500, write: { 'notes.txt': 'x\n' } }, 2: { write: { 'src/math.js': FIXED_MATH } } },
    });
    const config = testConfig({ agent: { command: agent.command } });
    const harness = await workLoopHarness(config);
    const aidp = await AidpClient.connect({ config, env: {} });
    try {
      await harness.run(async () => {
        const run = await aidp.startWorkLoop({ projectDir: project.dir, stepName: 'client', task: 'Fix it.' });
        expect(run.workflowId).toMatch(/^aidp-workloop-client-/);
        expect(run.uiUrl).toContain(`/namespaces/default/workflows/${run.workflowId}/${run.firstExecutionRunId}/history`);
        expect(run.type).toBe('WorkLoopWorkflow');
        expect(await run.injectInstruction('from the client')).toEqual({ position: 1, pending: 1, forwardedToChildren: 0 });
        const seen: Progress[] = [];
        for await (const event of run.follow({ intervalMs: 200 })) if (event.kind === 'progress') seen.push(event.progress);
        expect(seen.length).toBeGreaterThanOrEqual(2);
        expect(seen.at(-1)).toMatchObject({ state: 'done', iteration: 2, pendingInstructions: 0 });
        const result = await run.result();
        expect(result).toMatchObject({ outcome: 'completed', iterations: 2 });
        expect(await run.state()).toBe('done');
        expect(await run.iterationCount()).toBe(2);
        expect((await run.testResults())?.passing).toBe(true);
        expect((await run.describe()).status.name).toBe('COMPLETED');
        const history = await run.exportHistory();
        const events = (JSON.parse(history.json) as { events: { eventType: string }[] }).events;
        expect(events).toHaveLength(history.eventCount);
        expect(events.at(-1)!.eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
        // Delivered to exactly one prompt.
        expect(agent.invocations().filter((c) => c.prompt.includes('from the client'))).toHaveLength(1);

        const listed = await aidp.list({ status: 'completed', type: 'WorkLoopWorkflow', limit: 100 });
        expect(listed.find((r) => r.workflowId === run.workflowId)).toMatchObject({ type: 'WorkLoopWorkflow', status: 'COMPLETED' });
      });
    } finally {
      await aidp.close();
      await harness.close();
    }
  });

  it('raises typed errors: already started, not found, namespace not found, cannot connect', async () => {
    const agent = scriptAgent({ default: { sleepMs: 60_000 } });
    const config = testConfig({ agent: { command: agent.command } });
    const aidp = await AidpClient.connect({ config, env: {} });
    try {
      const workflowId = uniqueName('twice');
      // No worker polls this task queue: the run just waits, which is all this test needs.
      const first = await aidp.startWorkLoop({ projectDir: createFixtureProject().dir, stepName: 'x', task: 'y' }, { workflowId });
      await expect(aidp.startWorkLoop({ projectDir: '/tmp', stepName: 'x', task: 'y' }, { workflowId })).rejects.toMatchObject({
        name: 'AidpAlreadyStartedError',
        workflowId,
        runId: first.firstExecutionRunId,
      });
      await first.cancel();
      await expect(aidp.getHandle('no-such-run').describe()).rejects.toMatchObject({
        name: 'AidpWorkflowNotFoundError',
        workflowId: 'no-such-run',
        namespace: 'default',
      });
    } finally {
      await aidp.close();
    }
    const otherNs = testConfig({ temporal: { namespace: 'no-such-namespace' } });
    await expect(AidpClient.connect(otherNs)).rejects.toMatchObject({ name: 'AidpNamespaceNotFoundError', namespace: 'no-such-namespace' });
    const down = testConfig({ temporal: { target_host: `127.0.0.1:${await freePort()}` } });
    await expect(AidpClient.connect({ config: down, connectTimeoutMs: 1_000 })).rejects.toMatchObject({
      name: 'AidpConnectionError',
      address: down.temporal.target_host,
    });
  });
});
