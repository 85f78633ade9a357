// SubIssueWorkflow: one part of a decomposed issue, on its own branch off its parent's. It splits again
// when the part lists parts of its own and the depth limit allows; otherwise it runs the fix-forward
// loop. A part started with a baseline is done by its own goal (see part-goal.ts): its own checks, or
// the agent's word, and nothing broken that passed when it started; its parent judges the whole.
// Steering sent to the parent reaches it; steering sent to it directly works too.
import { continueAsNew } from '@temporalio/workflow';
import type { ChildSummary, SubIssueInput, SubIssueResult } from './contracts/index.js';
import { mergeChildren, runChildren } from './children.js';
import { FixForwardRun } from './fix-forward.js';
import { shouldDecompose, subIssueBranch, subIssueTask } from './issue-logic.js';
import { failuresNamedBy, type PartGoalSpec } from './part-goal.js';
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
    ...(run.state.part ? { goal: run.state.part } : {}),
  });
  const finished = () => result(run.state.changedFiles.length === 0 ? 'no_changes' : 'completed');
  run.partialResult = () => result('incomplete');
  run.registerHandlers();
  // Parts started before parts had goals of their own have no baseline: every check must pass.
  const part: PartGoalSpec | undefined = input.baseline
    ? { baseline: input.baseline, checks: input.subTask.checks ?? [], names: failuresNamedBy(input.subTask, input.baseline) }
    : undefined;
  const { task, context } = subIssueTask(input.subTask, input.subIssueId);
  const loopTask = { stepName: `${input.issue.title} — part ${input.subIssueId}`, task: `${task}\n\n${input.issue.task}`, context };
  const loop = () =>
    run.loop(loopTask, {
      mode: 'worktree',
      continueAsNew: (state) => continueAsNew<typeof SubIssueWorkflow>({ ...input, carried: { loop: state, children } }),
      ...(part ? { part } : {}),
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
          // Its branch starts where its parent's did: the parent's baseline is its own.
          ...(input.baseline ? { baseline: input.baseline } : {}),
        });
        await mergeChildren(run, children, () => undefined);
        run.setPhase('testing');
        // Its parts are done: it is done too, unless together they miss its own goal.
        const done = part ? await run.judgePart(part, true) : (await run.finalChecks())?.passing !== false;
        if (done) {
          await run.checkpoint('final', `${loopTask.stepName}: parts merged`, 'worktree');
          run.setPhase('done');
          return finished();
        }
      }
      run.setPhase('implementing');
    }
    await loop();
    run.setPhase('done');
    return finished();
  });
}
