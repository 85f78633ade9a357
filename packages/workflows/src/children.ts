// Decomposition, shared by IssueToPrWorkflow and SubIssueWorkflow: one SubIssueWorkflow child per
// sub-task, all in parallel, then their branches merged into this run's branch.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  ChildWorkflowFailure,
  ParentClosePolicy,
  isCancellation,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WORKSPACE_LOST, type ChildSummary, type LoopSettings, type SubIssueInput, type SubIssueResult, type SubTask } from './contracts/index.js';
import type { FixForwardRun } from './fix-forward.js';
import { childSubIssueId, childSummary, childWorkflowId } from './issue-logic.js';
import type { SubIssueWorkflow } from './sub-issue.js';

export interface DecomposeRequest {
  subTasks: SubTask[];
  /** This run's own sub-issue id (null for the issue itself). */
  subIssueId: string | null;
  /** The depth of the children (1 for the issue's own children). */
  depth: number;
  maxDepth: number;
  issue: SubIssueInput['issue'];
  projectDir: string;
  loop: LoopSettings;
}

/** The reason a child failed, as the parent's own failure. */
function childFailure(err: unknown, subIssueId: string, title: string): { type: string; message: string } {
  const cause = err instanceof ChildWorkflowFailure ? err.cause : err;
  const type = cause instanceof ApplicationFailure && cause.type ? cause.type : 'SubIssueFailed';
  const message = cause instanceof Error ? cause.message : String(cause);
  return { type, message: `sub-task ${subIssueId} "${title}" failed: ${message}` };
}

/**
 * Starts one child per sub-task in parallel and waits for all. A child that fails fails this run with
 * its reason (the others are then cancelled by their parent-close policy); steering sent to this run
 * is forwarded to the children while they run.
 */
export async function runChildren(run: FixForwardRun, request: DecomposeRequest): Promise<ChildSummary[]> {
  run.setPhase('awaiting_children');
  await run.safePoint();
  const parentId = workflowInfo().workflowId;
  const branch = run.workspace!.branch!;
  const started = await Promise.all(
    request.subTasks.map(async (subTask, index) => {
      const workflowId = childWorkflowId(parentId, index);
      const subIssueId = childSubIssueId(request.subIssueId, index);
      const input: SubIssueInput = {
        parentWorkflowId: parentId,
        subIssueId,
        issue: request.issue,
        subTask,
        depth: request.depth,
        maxDepth: request.maxDepth,
        projectDir: request.projectDir,
        parentBranch: branch,
        loop: request.loop,
      };
      const handle = await startChild<typeof SubIssueWorkflow>('SubIssueWorkflow', {
        workflowId,
        args: [input],
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      });
      run.children.push({ workflowId, subIssueId, title: subTask.title, state: 'running' });
      run.runningChildren.set(workflowId, handle);
      run.touch();
      return { handle, workflowId, subIssueId, title: subTask.title };
    }),
  );

  const summaries = await Promise.all(
    started.map(async ({ handle, workflowId, subIssueId, title }) => {
      const entry = run.children.find((c) => c.workflowId === workflowId)!;
      let result: SubIssueResult;
      try {
        result = await handle.result();
      } catch (err) {
        run.runningChildren.delete(workflowId);
        entry.state = isCancellation(err) ? 'cancelled' : 'failed';
        run.touch();
        // This run is being cancelled, and its children with it: it ends Cancelled, not failed.
        if (CancellationScope.current().consideredCancelled) throw new CancelledFailure('cancelled, with its sub-tasks');
        const { type, message } = childFailure(err, subIssueId, title);
        return run.fail(type, message);
      }
      run.runningChildren.delete(workflowId);
      entry.state = 'completed';
      entry.outcome = result.outcome;
      entry.iterations = result.iterations;
      entry.cost = result.cost;
      run.rollUp(result);
      run.changedFiles = [...new Set([...run.changedFiles, ...result.changedFiles])];
      return childSummary(workflowId, result);
    }),
  );
  return summaries;
}

/**
 * Merges the children's branches into this run's branch. A conflict gets one agent run; if it
 * remains, the run ends `NeedsHuman` with the files listed.
 */
export async function mergeChildren(run: FixForwardRun, children: ChildSummary[], onConflict: (files: string[]) => void): Promise<void> {
  run.setPhase('implementing');
  await run.safePoint();
  const ws = run.workspace!;
  const { provider, model } = run.model();
  let merged;
  try {
    merged = await run.agentic.mergeBranches({
      workspace: ws.workspace,
      runDir: ws.runDir,
      branches: children.map((c) => c.branch),
      resolveWith: { agent: { ...run.settings.agent, provider }, model },
    });
  } catch (err) {
    if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === WORKSPACE_LOST) {
      return run.fail(WORKSPACE_LOST, err.cause.message);
    }
    if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.nonRetryable) {
      return run.fail('NeedsHuman', `merging the sub-tasks' branches failed: ${err.cause.message}`);
    }
    throw err;
  }
  run.rollUp({ iterations: 0, cost: merged.cost });
  if (merged.conflict) {
    onConflict(merged.conflict.files);
    run.fail('NeedsHuman', `merging ${merged.conflict.branch} into ${ws.branch} conflicts in ${merged.conflict.files.join(', ')}; the agent could not resolve it`);
  }
}
