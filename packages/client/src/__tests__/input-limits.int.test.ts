import { createFixtureProject, uniqueName } from '@aidp/testing';
import { testConfig } from '@aidp/testing/work-loop-harness';
import { AidpClient } from '..';

// The limits the client checks on its own, against the shared dev server: a value that breaks one is
// refused with AidpInputError and nothing reaches the server.

describe('AidpClient input limits', () => {
  let aidp: AidpClient;
  beforeAll(async () => {
    aidp = await AidpClient.connect({ config: testConfig({ agent: { command: ['my-agent'] } }), env: {} });
  });
  afterAll(async () => {
    await aidp.close();
  });

  it('refuses an empty, oversized or control-character workflow id before asking the server', async () => {
    for (const id of ['', 'i'.repeat(2000), 'line\nbreak']) {
      await expect(aidp.getHandle(id).describe()).rejects.toMatchObject({ name: 'AidpInputError', field: 'workflowId' });
      await expect(aidp.getHandle(id).cancel()).rejects.toMatchObject({ name: 'AidpInputError', field: 'workflowId' });
    }
  });

  it('starts no run with an id longer than a run folder can be named', async () => {
    const workflowId = `${uniqueName('long')}-${'x'.repeat(300)}`;
    const request = { projectDir: createFixtureProject().dir, stepName: 'limits', task: 'Wait.' };
    await expect(aidp.startWorkLoop(request, { workflowId })).rejects.toMatchObject({
      name: 'AidpInputError',
      field: 'workflowId',
      message: 'workflowId is too long: 314 bytes (at most 200 bytes)',
    });
    await expect(aidp.startWorkLoop(request, { workflowId: '' })).rejects.toMatchObject({
      name: 'AidpInputError',
      field: 'workflowId',
      message: 'workflowId is empty',
    });
    expect((await aidp.temporal.workflow.count(`WorkflowId = '${workflowId}'`)).count).toBe(0);
  });

  it('sends no blank instruction: the run never sees the signal', async () => {
    // No worker polls this task queue: the run just waits, which is all this test needs.
    const run = await aidp.startWorkLoop(
      { projectDir: createFixtureProject().dir, stepName: 'limits', task: 'Wait.' },
      { workflowId: uniqueName('blank') },
    );
    try {
      await expect(run.injectInstruction('')).rejects.toMatchObject({
        name: 'AidpInputError',
        field: 'instruction',
        message: 'instruction is empty',
      });
      await expect(run.injectInstruction(' \n ')).rejects.toMatchObject({ name: 'AidpInputError', field: 'instruction' });
      await expect(run.injectInstruction('i'.repeat(64 * 1024 + 1))).rejects.toMatchObject({
        name: 'AidpInputError',
        field: 'instruction',
      });
      const history = await run.fetchHistory();
      expect(history.events?.filter((e) => e.workflowExecutionSignaledEventAttributes)).toHaveLength(0);
    } finally {
      await aidp.temporal.workflow.getHandle(run.workflowId).terminate('test over');
    }
  });
});
