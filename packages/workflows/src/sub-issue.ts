// SubIssueWorkflow: one part of a decomposed issue, on its own branch off its parent's. It splits again
// when the part lists parts of its own and the depth limit allows; otherwise it runs the fix-forward
// loop. Steering sent to the parent reaches it; steering sent to it directly works too.
import { continueAsNew } from '@temporalio/workflow';
import type { ChildSummary, SubIssueInput, SubIssueResult } from './contracts/index.js';
import { mergeChildren, runChildren } from './children.js';
import { FixForwardRun } from './fix-forward.js';
import { shouldDecompose, subIssueBranch, subIssueTask } from './issue-logic.js';
import { totalIterations } from './run-state.js';

export async function SubIssueWorkflow(input: SubIssueInput): Promise<SubIssueResult> {
  const run = new FixForwardRun(
    input.loop,
    { workflowType: 'SubIssueWorkflow', subject: { kind: 'sub_issue', subIssueId: input.subIssueId } },
    input.carried?.loop,
  );
  const branch = subIssueBranch(input.issue.issueNumber, input.subIssueId);
  let children: ChildSummary[] = input.carried?.children ?? [];
  const result = (outcome: SubIssueResult['outcome']): SubIssueResult => ({
    outcome,
    subIssueId: input.subIssueId,
    title: input.subTask.title,
    branch,
    iterations: totalIterations(run.state),
    finalChecks: run.state.lastResults,
    cost: run.state.cost,
    changedFiles: run.state.changedFiles,
    children,
  });
  run.partialResult = () => result('incomplete');
  run.registerHandlers();
  const { task, context } = subIssueTask(input.subTask, input.subIssueId);
  const loopTask = { stepName: `${input.issue.title} — part ${input.subIssueId}`, task: `${task}\n\n${input.issue.task}`, context };
  const loop = () =>
    run.loop(loopTask, {
      mode: 'worktree',
      continueAsNew: (state) => continueAsNew<typeof SubIssueWorkflow>({ ...input, carried: { loop: state, children } }),
    });

  return await run.phases(async () => {
    if (!input.carried) {
      run.setPhase('planning');
      // Each part works in its own worktree: parts run side by side.
      await run.prepare({ projectDir: input.projectDir, branch, mode: 'worktree', startPoint: input.parentBranch });
      if (shouldDecompose(input.subTask, input.depth, input.maxDepth)) {
        children = await runChildren(run, {
          subTasks: input.subTask.subTasks!,
          subIssueId: input.subIssueId,
          depth: input.depth + 1,
          maxDepth: input.maxDepth,
          issue: input.issue,
          projectDir: input.projectDir,
          loop: input.loop,
        });
        await mergeChildren(run, children, () => undefined);
        run.setPhase('testing');
        const checks = await run.finalChecks();
        if (checks?.passing !== false) {
          await run.checkpoint('final', `${loopTask.stepName}: parts merged`, 'worktree');
          run.setPhase('done');
          return result(run.state.changedFiles.length === 0 ? 'no_changes' : 'completed');
        }
      }
      run.setPhase('implementing');
    }
    await loop();
    run.setPhase('done');
    return result(run.state.changedFiles.length === 0 ? 'no_changes' : 'completed');
  });
}
