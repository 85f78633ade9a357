import { getEventListeners } from 'node:events';
import { createFixtureProject } from '@aidp/testing';
import { testConfig } from '@aidp/testing/work-loop-harness';
import { AidpClient, type FollowEvent } from '..';

// Following a run that no worker serves (no worker polls the test's task queue): follow() must say so
// rather than poll in silence, and must not leak listeners on a long-lived AbortSignal.

describe('following a run with no worker', () => {
  const config = testConfig({ agent: { command: ['my-agent'] } });
  let aidp: AidpClient;
  beforeAll(async () => {
    aidp = await AidpClient.connect({ config, env: {} });
  });
  afterAll(async () => {
    await aidp.close();
  });

  async function unservedRun(stepName: string) {
    return await aidp.startWorkLoop({ projectDir: createFixtureProject().dir, stepName, task: 'Wait.' });
  }

  it('says once that no worker answers, naming the task queue, and ends when asked to', async () => {
    const run = await unservedRun('unanswered');
    try {
      const started = Date.now();
      const events: FollowEvent[] = [];
      for await (const event of run.follow({ intervalMs: 100, noWorkerAfterMs: 1_000, stopWhenNoWorker: true })) events.push(event);
      expect(events).toEqual([
        { kind: 'no_worker', since: expect.any(Date), taskQueue: config.temporal.task_queue, cause: expect.anything() },
      ]);
      const event = events[0] as Extract<FollowEvent, { kind: 'no_worker' }>;
      expect(event.since.getTime()).toBeGreaterThanOrEqual(started - 1);
      expect(event.cause).toMatchObject({ name: 'AidpNoWorkerError', request: 'query' });
      expect(Date.now() - started).toBeLessThan(8_000);
    } finally {
      await aidp.temporal.workflow.getHandle(run.workflowId).terminate('test over');
    }
  });

  it('keeps following after saying so, with one abort listener that it removes when it stops', async () => {
    const run = await unservedRun('listened');
    const controller = new AbortController();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const events: FollowEvent['kind'][] = [];
      const listeners: number[] = [];
      const following = (async () => {
        for await (const event of run.follow({ intervalMs: 10, noWorkerAfterMs: 300, signal: controller.signal })) events.push(event.kind);
      })();
      for (let i = 0; i < 10; i++) {
        await new Promise((r) => setTimeout(r, 150));
        listeners.push(getEventListeners(controller.signal, 'abort').length);
      }
      controller.abort();
      await following;
      expect(events).toEqual(['no_worker']);
      expect(new Set(listeners)).toEqual(new Set([1]));
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
      await aidp.temporal.workflow.getHandle(run.workflowId).terminate('test over');
    }
  });

  it('ends with no event for a run that ended while no worker could replay it', async () => {
    const run = await unservedRun('ended');
    await aidp.temporal.workflow.getHandle(run.workflowId).terminate('ended before anyone looked');
    const events: FollowEvent[] = [];
    for await (const event of run.follow({ intervalMs: 100, noWorkerAfterMs: 500 })) events.push(event);
    expect(events).toEqual([]);
    await expect(run.result()).rejects.toMatchObject({ name: 'AidpRunFailedError', reason: 'Terminated' });
  });
});
