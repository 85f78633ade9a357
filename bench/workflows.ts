// The workflows the benchmark runs: AIDP's WorkLoopWorkflow, and a minimal hand-written loop that makes
// the same activity calls with none of AIDP's state, signals, queries or decisions — the floor the
// real loop is measured against.
import { ApplicationFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { AidpActivities, WorkLoopInput } from '@aidp/workflows/contracts';

export { WorkLoopWorkflow } from '@aidp/workflows';

export async function MinimalLoopWorkflow(input: WorkLoopInput): Promise<number> {
  const acts = proxyActivities<AidpActivities>({
    startToCloseTimeout: input.activities.startToCloseTimeout,
    heartbeatTimeout: input.activities.heartbeatTimeout,
  });
  const { workflowId } = workflowInfo();
  const ws = await acts.prepareWorkspace({
    projectDir: input.projectDir,
    workflowId,
    branch: `aidp/${input.stepName}`,
    mode: input.workspaceMode,
  });
  let results = await acts.runChecks({ workspace: ws.workspace, runDir: ws.runDir, iteration: 0, checks: input.checks });
  let diagnosis = await acts.diagnoseFailure({ iteration: 0, results });
  for (let i = 1; i <= input.maxIterations; i++) {
    const { promptPath } = await acts.createPrompt({
      runDir: ws.runDir,
      workspace: ws.workspace,
      stepName: input.stepName,
      task: input.task,
      iteration: i,
      maxIterations: input.maxIterations,
      instructions: [],
      diagnosis,
      previousAgentRun: null,
      completionByMarker: false,
    });
    await acts.runAgent({ workspace: ws.workspace, runDir: ws.runDir, promptPath, iteration: i, agent: input.agent, model: 'default' });
    results = await acts.runChecks({ workspace: ws.workspace, runDir: ws.runDir, iteration: i, checks: input.checks });
    diagnosis = await acts.diagnoseFailure({ iteration: i, results });
    if (i % input.checkpointInterval === 0) {
      await acts.recordCheckpoint({
        workspace: ws.workspace,
        runDir: ws.runDir,
        workflowId,
        iteration: i,
        mode: input.workspaceMode,
        summary: 'wip',
        passing: false,
        reason: 'interval',
      });
    }
  }
  throw ApplicationFailure.nonRetryable('done', 'MaxIterationsReached');
}
