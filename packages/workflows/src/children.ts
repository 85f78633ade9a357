// Decomposition, shared by IssueToPrWorkflow and SubIssueWorkflow: one SubIssueWorkflow child per
// sub-task, all in parallel, then their branches merged into this run's branch.
import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  ChildWorkflowFailure,
  ParentClosePolicy,
  isCancellation,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import {
  RUN_FAILURES,
  isRunFailureType,
  type ChecksBaseline,
  type ChildSummary,
  type LoopSettings,
  type RunFailureType,
  type SubIssueInput,
  type SubIssueResult,
  type SubTask,
} from './contracts/index.js';
import { nowIso, type FixForwardRun } from './fix-forward.js';
import { partsBudget } from './loop-decisions.js';
import { childFinished, childStarted, childStopped, partsStarting, sideWorkDone } from './run-state.js';
import { childSubIssueId, childSummary, childWorkflowId } from './issue-logic.js';

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
  /**
   * The checks on this run's branch as the parts start: each part is judged against them by its own
   * goal, and may spend only its share of the budget. Absent in runs started before parts had goals
   * of their own (their parts must make every check pass, with the whole budget each).
   */
  baseline?: ChecksBaseline;
}

/** The reason a child failed, as the parent's own failure. */
function childFailure(err: unknown, subIssueId: string, title: string): { type: RunFailureType; message: string } {
  const cause = err instanceof ChildWorkflowFailure ? err.cause : err;
  const type = cause instanceof ApplicationFailure && isRunFailureType(cause.type) ? cause.type : RUN_FAILURES.SubIssueFailed;
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
  const branch = run.state.workspace!.branch!;
  let loop = request.loop;
  if (request.baseline) {
    // The parts share their part of what is left of the budget evenly; progress shows what they have.
    const together = partsBudget(request.loop.budget, run.state.cost.usd);
    run.apply((s) => partsStarting(s, together, nowIso()));
    loop = partLoopSettings(request.loop, together, request.subTasks.length);
  }
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
        loop,
        ...(request.baseline ? { baseline: request.baseline } : {}),
      };
      // Started by its wire name: importing the workflow itself would make sub-issue.ts and this module
      // import each other.
      const handle = await startChild<(input: SubIssueInput) => Promise<SubIssueResult>>('SubIssueWorkflow', {
        workflowId,
        args: [input],
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      });
      run.runningChildren.set(workflowId, handle);
      return { handle, workflowId, subIssueId, title: subTask.title };
    }),
  );
  // Recorded in the plan's order, not in the order the server reports the starts: progress lists
  // the parts as the plan does.
  for (const { workflowId, subIssueId, title } of started) run.apply((s) => childStarted(s, { workflowId, subIssueId, title }, nowIso()));

  const summaries = await Promise.all(
    started.map(async ({ handle, workflowId, subIssueId, title }) => {
      let result: SubIssueResult;
      try {
        result = await handle.result();
      } catch (err) {
        run.runningChildren.delete(workflowId);
        run.apply((s) => childStopped(s, workflowId, isCancellation(err) ? 'cancelled' : 'failed', nowIso()));
        // This run is being cancelled, and its children with it: it ends Cancelled, not failed.
        if (CancellationScope.current().consideredCancelled) throw new CancelledFailure('cancelled, with its sub-tasks');
        const { type, message } = childFailure(err, subIssueId, title);
        return failWithSiblingsCancelled(run, type, message);
      }
      run.runningChildren.delete(workflowId);
      run.apply((s) => childFinished(s, workflowId, result, nowIso()));
      // A part judged by its own goal that changed nothing and removed no failure did nothing at all.
      if (result.goal && result.outcome === 'no_changes' && result.goal.removed.length === 0) {
        return failWithSiblingsCancelled(
          run,
          RUN_FAILURES.SubIssueFailed,
          `sub-task ${subIssueId} "${title}" changed nothing and removed no failure`,
        );
      }
      return childSummary(workflowId, result);
    }),
  );
  return summaries;
}

/**
 * Fails this run for one part's sake. Its other running parts are cancelled when it closes (their
 * parent-close policy), so progress says so rather than leaving them `running`.
 */
function failWithSiblingsCancelled(run: FixForwardRun, type: RunFailureType, message: string): never {
  for (const child of run.state.children) {
    if (child.state === 'running') run.apply((s) => childStopped(s, child.workflowId, 'cancelled', nowIso()));
  }
  return run.fail(type, message);
}

/** The loop settings of each part: `together` (see `partsBudget`; null: no cost budget) split evenly. */
function partLoopSettings(loop: LoopSettings, together: number | null, parts: number): LoopSettings {
  if (together === null) return loop;
  return { ...loop, budget: { ...loop.budget, maxCostUsd: together / parts } };
}

/**
 * Merges the children's branches into this run's branch. A conflict gets one agent run; if it
 * remains, the run ends `NeedsHuman` with the files listed.
 */
export async function mergeChildren(run: FixForwardRun, children: ChildSummary[], onConflict: (files: string[]) => void): Promise<void> {
  run.setPhase('implementing');
  await run.safePoint();
  const ws = run.state.workspace!;
  const { provider, model } = run.model();
  const merged = await run.guard(
    () =>
      run.agentic.mergeBranches({
        workspace: ws.workspace,
        runDir: ws.runDir,
        branches: children.map((c) => c.branch),
        resolveWith: { agent: { ...run.settings.agent, provider }, model },
      }),
    'NeedsHuman',
    "merging the sub-tasks' branches failed",
  );
  run.apply((s) => sideWorkDone(s, { cost: merged.cost }, nowIso()));
  if (merged.conflict) {
    onConflict(merged.conflict.files);
    run.fail(
      'NeedsHuman',
      `merging ${merged.conflict.branch} into ${ws.branch} conflicts in ${merged.conflict.files.join(', ')}; the agent could not resolve it`,
    );
  }
}
