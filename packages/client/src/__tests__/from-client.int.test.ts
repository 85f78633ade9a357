import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import { createFixtureProject, temporalAddress, uniqueName } from '@aidp/testing';
import { testConfig } from '@aidp/testing/work-loop-harness';
import { AidpClient, AidpWorkflowTypeError } from '..';

// A team that already has a Temporal client hands it in: AIDP's calls go through its interceptors, in
// its namespace, and closing AIDP leaves the team's connection open. No worker serves the task queue:
// starting, describing and typing a handle need none.

describe('AidpClient.fromClient', () => {
  it('starts and finds runs through the host’s client and interceptors, and leaves its connection open', async () => {
    const connection = await Connection.connect({ address: temporalAddress() });
    const seen: string[] = [];
    const interceptor: WorkflowClientInterceptor = {
      start: async (input, next) => {
        seen.push(`start ${input.workflowType}`);
        return await next(input);
      },
      describe: async (input, next) => {
        seen.push('describe');
        return await next(input);
      },
    };
    const client = new Client({ connection, namespace: 'default', interceptors: { workflow: [interceptor] } });
    const config = testConfig({ agent: { command: ['my-agent'] } });
    const aidp = AidpClient.fromClient(client, { config, uiBase: 'https://temporal.example.com/' });
    const workflowId = uniqueName('hosted');
    try {
      expect(aidp.temporal).toBe(client);
      expect(aidp.namespace).toBe('default');
      expect(aidp.taskQueue).toBe(config.temporal.task_queue);
      const run = await aidp.startWorkLoop({ projectDir: createFixtureProject().dir, stepName: 'hosted', task: 'Wait.' }, { workflowId });
      expect(run.uiUrl).toBe(`https://temporal.example.com/namespaces/default/workflows/${workflowId}/${run.firstExecutionRunId}/history`);
      const description = await run.describe();
      expect(description.taskQueue).toBe(config.temporal.task_queue);
      expect(seen).toEqual(['start WorkLoopWorkflow', 'describe']);

      // Typed handles: by type, or narrowed from a handle by id.
      const loop = await aidp.getWorkLoopHandle(workflowId);
      expect(loop.type).toBe('WorkLoopWorkflow');
      expect(loop.firstExecutionRunId).toBe(run.firstExecutionRunId);
      const refused = await aidp.getIssueHandle(workflowId).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(AidpWorkflowTypeError);
      expect(refused).toMatchObject({ workflowId, expected: 'IssueToPrWorkflow', actual: 'WorkLoopWorkflow' });
      const byId = aidp.getHandle(workflowId);
      expect(byId.is('WorkLoopWorkflow')).toBe(false);
      await byId.describe();
      expect(byId.is('WorkLoopWorkflow')).toBe(true);
      expect((await byId.narrow()).type).toBe('WorkLoopWorkflow');

      await aidp.close();
      // The connection is the host's: still open.
      expect((await client.workflow.getHandle(workflowId).describe()).status.name).toBe('RUNNING');
    } finally {
      await client.workflow.getHandle(workflowId).terminate('test over');
      await connection.close();
    }
  });
});
