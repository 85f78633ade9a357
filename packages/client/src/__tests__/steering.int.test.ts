import { FIXED_MATH, createFixtureProject, scriptAgent, uniqueName } from '@aidp/testing';
import { eventually, testConfig, workLoopHarness } from '@aidp/testing/work-loop-harness';
import { AidpClient, AidpNoWorkerError, AidpRunClosedError } from '..';

// Acknowledged steering as another team's code uses it, against the shared dev server: with a real
// worker the run answers each request; with none, a request that waits for an answer says so in time
// and `{ wait: false }` leaves a signal the run reads later.

describe('steering a run from the client', () => {
  it('pause returns once the run holds, and the instruction, the escalation and the resume are answered', async () => {
    const project = createFixtureProject();
    const agent = scriptAgent({
      iterations: { 1: { sleepMs: 2_500, write: { 'notes.txt': 'x\n' } }, 2: { write: { 'src/math.js': FIXED_MATH } } },
    });
    const config = testConfig({ agent: { command: agent.command, tiers: ['small', 'large'] } });
    const harness = await workLoopHarness(config);
    const aidp = await AidpClient.connect({ config, env: {} });
    try {
      await harness.run(async () => {
        const run = await aidp.startWorkLoop({ projectDir: project.dir, stepName: 'steered', task: 'Fix it.' });
        await eventually(() => agent.invocations().length === 1, 30_000, 'the first agent run');

        // The agent run is in hand: without waiting to hold, pause says where the run will hold.
        expect(await run.pause({ holdTimeoutMs: 0 })).toEqual({
          held: false,
          phase: 'apply_patch',
          willHoldAt: 'next_safe_point',
          changed: true,
          forwardedToChildren: 0,
        });
        // Waiting: it returns once the agent run has finished and the run holds before the checks.
        expect(await run.pause({ holdTimeoutMs: 20_000, intervalMs: 100 })).toEqual({
          held: true,
          phase: 'paused',
          changed: false,
          forwardedToChildren: 0,
        });
        expect((await run.progress()).iteration).toBe(1);

        expect(await run.injectInstruction('Use the helper.')).toEqual({ position: 1, pending: 1, forwardedToChildren: 0 });
        expect(await run.injectInstruction('Keep the API.')).toEqual({ position: 2, pending: 2, forwardedToChildren: 0 });
        expect(await run.escalateModel()).toMatchObject({ escalated: true, model: { model: 'large', tier: 1 }, tiers: 2 });
        expect(await run.escalateModel()).toMatchObject({ escalated: false, model: { model: 'large', tier: 1 } });
        expect(await run.resume()).toEqual({ phase: 'paused', changed: true, forwardedToChildren: 0 });

        const result = await run.result();
        expect(result).toMatchObject({ outcome: 'completed', iterations: 2 });
        expect(agent.invocations().map((i) => i.model)).toEqual(['small', 'large']);
        const second = agent.invocations()[1]!.prompt;
        expect(second.indexOf('Use the helper.')).toBeGreaterThan(-1);
        expect(second.indexOf('Keep the API.')).toBeGreaterThan(second.indexOf('Use the helper.'));
        // The requests are in the history as accepted updates, not signals.
        const events = (await run.fetchHistory()).events ?? [];
        expect(events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toHaveLength(7);
        expect(events.filter((e) => e.workflowExecutionSignaledEventAttributes)).toHaveLength(0);

        await expect(run.pause()).rejects.toMatchObject({ name: 'AidpRunClosedError', status: 'COMPLETED' });
      });
    } finally {
      await aidp.close();
      await harness.close();
    }
  });

  it('with no worker, an answered request fails in its time, and { wait: false } leaves a signal for later', async () => {
    // No worker polls this task queue.
    const aidp = await AidpClient.connect({ config: testConfig({ agent: { command: ['my-agent'] } }), env: {} });
    const run = await aidp.startWorkLoop({ projectDir: createFixtureProject().dir, stepName: 'unserved', task: 'Wait.' });
    try {
      const started = Date.now();
      const refused = await run.pause({ timeoutMs: 1_000 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(AidpNoWorkerError);
      expect(refused).toMatchObject({ workflowId: run.workflowId, request: 'pause_run', waitedMs: 1_000 });
      expect(Date.now() - started).toBeLessThan(10_000);

      await run.pause({ wait: false });
      await run.injectInstruction('Read me when you can.', { wait: false });
      const signals = ((await run.fetchHistory()).events ?? []).flatMap(
        (e) => e.workflowExecutionSignaledEventAttributes?.signalName ?? [],
      );
      expect(signals).toEqual(['pause', 'inject_instruction']);
    } finally {
      await aidp.temporal.workflow.getHandle(run.workflowId).terminate('test over');
      await aidp.close();
    }
  });

  it('a handle steers only the chain of runs it started: a later run reusing the id is not its', async () => {
    const aidp = await AidpClient.connect({ config: testConfig({ agent: { command: ['my-agent'] } }), env: {} });
    const workflowId = uniqueName('reused');
    const request = { projectDir: createFixtureProject().dir, stepName: 'reused', task: 'Wait.' };
    const first = await aidp.startWorkLoop(request, { workflowId });
    await aidp.temporal.workflow.getHandle(workflowId).terminate('make room');
    const second = await aidp.startWorkLoop(request, { workflowId });
    try {
      expect(second.firstExecutionRunId).not.toBe(first.firstExecutionRunId);
      expect((await first.describe()).runId).toBe(first.firstExecutionRunId);
      expect((await first.describe()).status.name).toBe('TERMINATED');
      const failed = await first.result().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(first.isFailure(failed) && failed.reason).toBe('Terminated');
      expect(second.isFailure(failed)).toBe(false);
      await expect(first.pause({ wait: false })).rejects.toBeInstanceOf(AidpRunClosedError);
      await expect(first.injectInstruction('not for the new run', { timeoutMs: 2_000 })).rejects.toMatchObject({
        name: 'AidpRunClosedError',
        status: 'TERMINATED',
      });
      await expect(first.cancel()).rejects.toMatchObject({ name: 'AidpRunClosedError', status: 'TERMINATED' });
      expect((await second.describe()).status.name).toBe('RUNNING');
      expect(((await second.fetchHistory()).events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes)).toHaveLength(0);

      // A handle by id alone addresses the latest run; narrowed, it is bound to that run's chain.
      const latest = aidp.getHandle(workflowId);
      expect((await latest.describe()).runId).toBe(second.firstExecutionRunId);
      const narrowed = await latest.narrow();
      expect(narrowed.type).toBe('WorkLoopWorkflow');
      expect(narrowed.firstExecutionRunId).toBe(second.firstExecutionRunId);
    } finally {
      await aidp.temporal.workflow.getHandle(workflowId).terminate('test over');
      await aidp.close();
    }
  });
});
