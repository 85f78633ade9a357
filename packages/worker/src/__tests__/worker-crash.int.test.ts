import { Client, Connection } from '@temporalio/client';
import { buildWorkLoopInput } from '@aidp/client';
import {
  FIXED_MATH,
  createFixtureProject,
  isProcessAlive,
  scriptAgent,
  startWorkerProcess,
  temporalAddress,
  uniqueName,
  writeKillableWorkerConfig,
  type WorkerProcess,
} from '@aidp/testing';
import { eventually, testConfig } from '@aidp/testing/work-loop-harness';
import type { WorkLoopResult } from '@aidp/workflows/contracts';

// Durability: the worker process is SIGKILLed in the middle of an agent run. A second worker picks the
// run up and finishes it; iterations that completed before the crash are not run again. Both workers
// are the real `aidp temporal worker` command (the built CLI, with its prebuilt workflow bundle).

describe('a worker killed during an agent run', () => {
  it('leaves the run to another worker, which completes it without repeating a finished iteration', async () => {
    const taskQueue = uniqueName('crash');
    const project = createFixtureProject();
    const agent = scriptAgent({
      iterations: {
        1: { write: { 'notes.txt': 'first\n' } },
        2: { sleepMs: 4_000, write: { 'src/math.js': FIXED_MATH } },
      },
    });
    const config = testConfig({ agent: { command: agent.command } }, taskQueue);
    const configFile = writeKillableWorkerConfig({ taskQueue });

    const connection = await Connection.connect({ address: temporalAddress() });
    const first = startWorkerProcess(configFile);
    let second: WorkerProcess | undefined;
    try {
      await first.polling;
      const input = buildWorkLoopInput(config, { projectDir: project.dir, stepName: 'crash', task: 'Fix it.' });
      input.activities.heartbeatTimeout = 3_000;
      const handle = await new Client({ connection }).workflow.start('WorkLoopWorkflow', {
        taskQueue,
        workflowId: uniqueName('crash-wf'),
        args: [input],
      });

      const doomed = await eventually(() => agent.invocations().find((c) => c.iteration === 2), 60_000, 'iteration 2 to start');
      first.child.kill('SIGKILL');
      await new Promise((r) => first.child.once('exit', r));

      second = startWorkerProcess(configFile);
      await second.polling;
      const result = (await handle.result()) as WorkLoopResult;

      expect(result.outcome).toBe('completed');
      expect(result.iterations).toBe(2);
      // Iteration 1 finished before the crash and ran once; iteration 2 was cut short and ran again.
      expect(agent.invocations().map((c) => c.iteration)).toEqual([1, 2, 2]);
      // The retry stopped the orphaned agent of the dead worker before starting its own.
      expect(isProcessAlive(doomed.pid)).toBe(false);
      expect(project.git('show', 'aidp/crash:src/math.js') + '\n').toBe(FIXED_MATH);
    } finally {
      first.child.kill('SIGKILL');
      second?.child.kill('SIGTERM');
      await connection.close();
    }
  }, 120_000);
});
