import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { FIXED_MATH, createFixtureProject, scriptAgent, temporalAddress } from '@aidp/testing';
import { eventually, testConfig, workLoopHarness } from '@aidp/testing/work-loop-harness';
import type { Progress } from '@aidp/workflows/contracts';

// The wire names (signals, queries and workflow types; docs/architecture.md) are a contract with other languages and with the Go `temporal` CLI: this
// test steers a run with nothing but that CLI.

// Asynchronous on purpose: the worker answering the queries runs in this process.
async function temporal(...args: string[]): Promise<string> {
  const cli = process.env.AIDP_TEMPORAL_CLI;
  if (!cli) throw new Error('AIDP_TEMPORAL_CLI is not set (jest global setup sets it)');
  const { stdout } = await promisify(execFile)(cli, [...args, '--address', temporalAddress(), '--namespace', 'default']);
  return stdout;
}

async function query(workflowId: string, type: string): Promise<unknown> {
  const out = JSON.parse(await temporal('workflow', 'query', '--workflow-id', workflowId, '--type', type, '--output', 'json')) as {
    queryResult: unknown[];
  };
  return out.queryResult[0];
}

describe('the wire names through the Go temporal CLI', () => {
  it('pauses, steers, escalates, resumes and queries a run by its signal and query names', async () => {
    const project = createFixtureProject();
    const agent = scriptAgent({
      iterations: { 1: { sleepMs: 2_000, write: { 'notes.txt': 'x\n' } }, 2: { write: { 'src/math.js': FIXED_MATH } } },
    });
    const harness = await workLoopHarness(testConfig({ agent: { command: agent.command, tiers: ['small', 'large'] } }));
    try {
      await harness.run(async () => {
        const handle = await harness.start({ projectDir: project.dir, stepName: 'wire', task: 'Fix it.' });
        const id = handle.workflowId;
        await eventually(() => agent.invocations().length === 1, 30_000, 'the first agent run');

        await temporal('workflow', 'signal', '--workflow-id', id, '--name', 'pause');
        await temporal('workflow', 'signal', '--workflow-id', id, '--name', 'inject_instruction', '--input', '"Keep it simple."');
        await temporal('workflow', 'signal', '--workflow-id', id, '--name', 'escalate_model');
        await eventually(async () => (await query(id, 'current_state')) === 'paused', 30_000, 'current_state to say paused');

        const progress = (await query(id, 'progress')) as Progress;
        expect(progress).toMatchObject({ workflowType: 'WorkLoopWorkflow', paused: true, iteration: 1, pendingInstructions: 1 });
        expect(progress.model).toMatchObject({ model: 'large', tier: 1 });
        expect(await query(id, 'iteration_count')).toBe(1);
        expect(await query(id, 'test_results')).toMatchObject({ iteration: 0, passing: false });

        await temporal('workflow', 'signal', '--workflow-id', id, '--name', 'resume');
        const result = await handle.result();
        expect(result.outcome).toBe('completed');
        expect(agent.invocations()[1]!.prompt).toContain('Keep it simple.');
        expect(agent.invocations()[1]!.model).toBe('large');
      });
    } finally {
      await harness.close();
    }
  });
});
