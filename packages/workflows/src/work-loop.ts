// WorkLoopWorkflow: the fix-forward loop on one step. Runs in Temporal's sandbox: only
// @temporalio/workflow and pure modules of this package may be imported; the loop itself is shared
// with the issue workflows (fix-forward.ts).
import { continueAsNew, log } from '@temporalio/workflow';
import type { WorkLoopInput, WorkLoopResult } from './contracts/index.js';
import { FixForwardRun } from './fix-forward.js';

export async function WorkLoopWorkflow(input: WorkLoopInput): Promise<WorkLoopResult> {
  const run = new FixForwardRun(
    input,
    { workflowType: 'WorkLoopWorkflow', subject: { kind: 'step', stepName: input.stepName } },
    input.carried,
  );
  const result = (outcome: WorkLoopResult['outcome']): WorkLoopResult => ({
    outcome,
    stepName: input.stepName,
    branch: run.state.workspace?.branch ?? null,
    workspace: run.state.workspace?.workspace ?? input.projectDir,
    commits: run.state.commits,
    iterations: run.state.iteration,
    finalChecks: run.state.lastResults,
    cost: run.state.cost,
    model: run.model(),
    escalations: run.state.escalations,
    changedFiles: run.state.changedFiles,
  });
  run.partialResult = () => result('incomplete');
  run.registerHandlers();

  return await run.phases(async () => {
    // ---- initializing: the workspace, and the checks before any change ----
    if (!run.state.workspace) {
      log.info('work loop started', {
        stepName: input.stepName,
        maxIterations: input.maxIterations,
        checks: input.checks.length,
        model: run.model().model,
      });
      await run.prepare({
        projectDir: input.projectDir,
        branch: input.branch ?? `aidp/${input.stepName}`,
        mode: input.workspaceMode,
      });
      if (await run.initialChecks()) {
        run.setPhase('done');
        log.info('work loop finished', { outcome: 'already_passing', iterations: 0 });
        return result('already_passing');
      }
    }

    await run.loop(input, {
      mode: input.workspaceMode,
      continueAsNew: (carried) => continueAsNew<typeof WorkLoopWorkflow>({ ...input, carried }),
    });
    run.setPhase('done');
    const outcome = run.state.changedFiles.length === 0 ? 'no_changes' : 'completed';
    log.info('work loop finished', {
      outcome,
      iterations: run.state.iteration,
      costUsd: run.state.cost.usd,
      commits: run.state.commits.length,
    });
    return result(outcome);
  });
}
