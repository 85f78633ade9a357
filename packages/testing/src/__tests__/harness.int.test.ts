import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { join } from 'node:path';
import { temporalAddress, uniqueName } from '../index';
import { addWordSignal, finishSignal, HarnessWorkflow, wordsQuery } from '../fixtures/harness-workflows';

// Proves the test harness end to end against the real dev server that jest's global setup started:
// a real worker, a real client, a workflow that takes signals, answers queries and calls an activity.
describe('the Temporal test harness', () => {
  let connection: Connection;
  let nativeConnection: NativeConnection;

  beforeAll(async () => {
    connection = await Connection.connect({ address: temporalAddress() });
    nativeConnection = await NativeConnection.connect({ address: temporalAddress() });
  });

  afterAll(async () => {
    await connection?.close();
    await nativeConnection?.close();
  });

  it('runs a workflow on a real worker: signals change it, queries read it, an activity finishes it', async () => {
    const taskQueue = uniqueName('harness');
    const activityInputs: string[] = [];
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowsPath: join(__dirname, '..', 'fixtures', 'harness-workflows.ts'),
      activities: {
        shout: (text: string) => {
          activityInputs.push(text);
          return Promise.resolve(text.toUpperCase());
        },
      },
    });
    const client = new Client({ connection });

    const result = await worker.runUntil(async () => {
      const handle = await client.workflow.start(HarnessWorkflow, {
        taskQueue,
        workflowId: uniqueName('harness-wf'),
        args: ['hello'],
      });
      await handle.signal(addWordSignal, 'durable');
      await handle.signal(addWordSignal, 'world');
      expect(await handle.query(wordsQuery)).toEqual(['durable', 'world']);
      await handle.signal(finishSignal);
      return await handle.result();
    });

    expect(result).toBe('HELLO DURABLE WORLD');
    expect(activityInputs).toEqual(['hello durable world']);
  });
});
