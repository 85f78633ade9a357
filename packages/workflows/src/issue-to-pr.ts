// IssueToPrWorkflow: a GitHub issue in, a tested pull request out. analyzing → planning →
// implementing (the fix-forward loop, or one SubIssueWorkflow per part) → testing → creating_pr →
// completed. Runs in Temporal's sandbox like every workflow of this package.
import { continueAsNew, patched, upsertMemo, workflowInfo } from '@temporalio/workflow';
import {
  type ChildSummary,
  type IssueAnalysis,
  type IssueToPrInput,
  type IssueToPrResult,
  type Plan,
  type PullRequestRef,
} from './contracts/index.js';
import { mergeChildren, runChildren } from './children.js';
import { FixForwardRun, nowIso } from './fix-forward.js';
import { issueBranch, issueTask, pullRequestBody, pullRequestTitle } from './issue-logic.js';
import { failedRequiredChecks } from './loop-decisions.js';
import { issueFound, pullRequestOpened, sideWorkDone, totalIterations } from './run-state.js';

/** The patch id of parts judged by their own goals (see `patched`). */
const PARTS_HAVE_GOALS = 'parts-have-goals';

export async function IssueToPrWorkflow(input: IssueToPrInput): Promise<IssueToPrResult> {
  const repo = input.github.repo;
  const run = new FixForwardRun(
    input.loop,
    { workflowType: 'IssueToPrWorkflow', subject: { kind: 'issue', repo, issueNumber: input.issueNumber } },
    input.carried?.loop,
  );
  let analysis: IssueAnalysis | undefined = input.carried?.analysis;
  let plan: Plan | undefined = input.carried?.plan;
  let children: ChildSummary[] = input.carried?.children ?? [];
  let pullRequest: PullRequestRef | null = null;
  let conflicts: string[] | undefined;
  const baseBranch = () => input.baseBranch ?? analysis?.defaultBranch ?? null;
  const result = (outcome: IssueToPrResult['outcome']): IssueToPrResult => ({
    outcome,
    repo,
    issueNumber: input.issueNumber,
    title: analysis?.title ?? '',
    pullRequest,
    branch: run.state.workspace?.branch ?? null,
    baseBranch: baseBranch(),
    iterations: totalIterations(run.state),
    finalChecks: run.state.lastResults,
    cost: run.state.cost,
    model: run.model(),
    escalations: run.state.escalations,
    changedFiles: run.state.changedFiles,
    children,
    ...(conflicts ? { conflicts } : {}),
  });
  run.partialResult = () => result('incomplete');
  run.registerHandlers();

  const loop = () =>
    run.loop(
      { stepName: `Issue #${input.issueNumber}: ${analysis!.title}`, task: issueTask(analysis!, plan) },
      {
        mode: 'worktree',
        continueAsNew: (state) => continueAsNew<typeof IssueToPrWorkflow>({ ...input, carried: { analysis, plan, children, loop: state } }),
      },
    );

  return await run.phases(async () => {
    if (!input.carried) {
      // ---- analyzing: the issue, its criteria and parts ----
      run.setPhase('analyzing');
      await run.safePoint();
      analysis = await run.guard(() =>
        run.quick.analyzeIssue({
          github: input.github,
          issueNumber: input.issueNumber,
          projectDir: input.projectDir,
          workflowId: workflowInfo().workflowId,
        }),
      );
      run.apply((s) => issueFound(s, { title: analysis!.title, url: analysis!.url }, nowIso()));

      // ---- planning: the worktree on the issue's branch, and a plan ----
      run.setPhase('planning');
      await run.prepare({
        projectDir: input.projectDir,
        branch: issueBranch(input.issueNumber),
        mode: 'worktree',
        startPoint: baseBranch() ?? undefined,
      });
      await run.safePoint();
      const { provider, model } = run.model();
      plan = await run.guard(() =>
        run.agentic.createPlan({
          workspace: run.state.workspace!.workspace,
          runDir: run.state.workspace!.runDir,
          analysis: analysis!,
          agent: { ...input.loop.agent, provider },
          model,
          checks: input.loop.checks,
        }),
      );
      run.apply((s) => sideWorkDone(s, plan!, nowIso()));

      // ---- implementing: parts in parallel, merged; or the loop on the whole issue ----
      if (plan.decompose && plan.subTasks.length >= 2 && input.maxDepth > 0) {
        // Each part is judged by its own goal against the checks as they are now (runs that started
        // before parts had goals of their own made every part pass every check, and replay so).
        const baseline = patched(PARTS_HAVE_GOALS) ? await run.baseline() : undefined;
        children = await runChildren(run, {
          subTasks: plan.subTasks,
          subIssueId: null,
          depth: 1,
          maxDepth: input.maxDepth,
          issue: { repo, issueNumber: input.issueNumber, title: analysis.title, task: analysis.task },
          projectDir: input.projectDir,
          loop: input.loop,
          ...(baseline ? { baseline } : {}),
        });
        await mergeChildren(run, children, (files) => (conflicts = files));
        run.setPhase('testing');
        const checks = await run.finalChecks();
        // The merged parts may still fail together: then the loop goes on on the merged branch.
        if (checks?.passing === false) {
          run.setPhase('implementing');
          await loop();
        }
      } else {
        run.setPhase('implementing');
        await loop();
      }
    } else {
      // Runs that continued before the issue was part of the carried state: it is known from the analysis.
      if (analysis && !run.state.issue) run.apply((s) => issueFound(s, { title: analysis!.title, url: analysis!.url }, nowIso()));
      await loop();
    }

    // ---- testing: every check, on the result as it will be pushed ----
    run.setPhase('testing');
    await run.finalChecks();
    if (run.state.lastResults && !run.state.lastResults.passing) {
      run.fail('ChecksFailed', `the checks fail on the final result: ${failedRequiredChecks(run.state.lastResults).join(', ')}`);
    }
    if (run.state.changedFiles.length === 0) {
      run.setPhase('completed');
      return result('no_changes');
    }

    // ---- creating_pr: commit, push, open or update the PR, link it from the issue ----
    run.setPhase('creating_pr');
    await run.safePoint();
    const ws = run.state.workspace!;
    const pr = await run.guard(
      () =>
        run.quick.createPullRequest({
          github: input.github,
          workspace: ws.workspace,
          runDir: ws.runDir,
          issueNumber: input.issueNumber,
          branch: ws.branch ?? issueBranch(input.issueNumber),
          baseBranch: baseBranch() ?? 'main',
          title: pullRequestTitle(analysis!),
          body: pullRequestBody({
            analysis: analysis!,
            plan,
            changedFiles: run.state.changedFiles,
            checks: run.state.lastResults,
            iterations: totalIterations(run.state),
            cost: run.state.cost,
            children,
            workflowId: workflowInfo().workflowId,
          }),
          draft: input.draft,
          commitMessage: `aidp: ${pullRequestTitle(analysis!)}\n\nCloses #${input.issueNumber}`,
        }),
      'PullRequestFailed',
    );
    pullRequest = { number: pr.number, url: pr.url, action: pr.action, draft: pr.draft };
    run.apply((s) => pullRequestOpened(s, { number: pr.number, url: pr.url }, nowIso()));
    // In the run's memo too, so `aidp temporal list` shows the link without asking a worker.
    upsertMemo({ pullRequest: pr.url });
    run.setPhase('completed');
    return result('completed');
  });
}
