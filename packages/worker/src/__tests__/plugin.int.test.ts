import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type ActivityInterceptorsFactory } from '@temporalio/worker';
import { buildWorkLoopInput } from '@aidp/client';
import { toConnectionOptions, toWorkerOptions } from '@aidp/config';
import { FIXED_MATH, createFixtureProject, scriptAgent, uniqueName } from '@aidp/testing';
import { testConfig } from '@aidp/testing/work-loop-harness';
import type { WorkLoopWorkflow } from '@aidp/workflows';
import { aidpWorkerPlugin } from '../plugin';

// A service that creates its own worker adds AIDP to it as a plugin: AIDP's work loop runs on the
// service's worker, through the service's own interceptors, next to the service's own activities.

describe('a service worker with the AIDP plugin', () => {
  it("runs AIDP's work loop through the service's interceptors, its own activities still there", async () => {
    const project = createFixtureProject();
    const agent = scriptAgent({ iterations: { 1: { write: { 'src/math.js': FIXED_MATH } } } });
    const config = testConfig({ agent: { command: agent.command } });
    const intercepted: string[] = [];
    const audit: ActivityInterceptorsFactory = (ctx) => ({
      inbound: {
        execute: (input, next) => {
          intercepted.push(ctx.info.activityType);
          return next(input);
        },
      },
    });
    const sendInvoice = (id: string) => Promise.resolve(`invoice ${id} sent`);

    const nativeConnection = await NativeConnection.connect(toConnectionOptions(config));
    const connection = await Connection.connect(toConnectionOptions(config));
    try {
      const worker = await Worker.create({
        ...toWorkerOptions(config),
        connection: nativeConnection,
        activities: { sendInvoice },
        interceptors: { activity: [audit] },
        plugins: [aidpWorkerPlugin(config)],
      });
      const client = new Client({ connection, namespace: config.temporal.namespace });
      const result = await worker.runUntil(async () => {
        const handle = await client.workflow.start<typeof WorkLoopWorkflow>('WorkLoopWorkflow', {
          taskQueue: config.temporal.task_queue,
          workflowId: uniqueName('plugin'),
          args: [buildWorkLoopInput(config, { projectDir: project.dir, stepName: 'fix-tests', task: 'Make the tests pass.' })],
        });
        return await handle.result();
      });

      expect(result.outcome).toBe('completed');
      expect(intercepted).toEqual(expect.arrayContaining(['prepareWorkspace', 'runAgent', 'runChecks', 'recordCheckpoint']));
      expect(worker.options.activities.has('sendInvoice')).toBe(true);
      expect(worker.options.activities.has('runAgent')).toBe(true);
    } finally {
      await connection.close();
      await nativeConnection.close();
    }
  });
});
