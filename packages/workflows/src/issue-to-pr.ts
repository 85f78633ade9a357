// IssueToPrWorkflow: a GitHub issue in, a tested pull request out. analyzing → planning →
// implementing (the fix-forward loop, or one SubIssueWorkflow per part) → testing → creating_pr →
// completed. Runs in Temporal's sandbox like every workflow of this package.
import { ActivityFailure, ApplicationFailure, continueAsNew, upsertMemo, workflowInfo } from '@temporalio/workflow';
import { AGENT_AUTH_FAILED, AGENT_NOT_FOUND, WORKSPACE_LOST, type ChildSummary, type IssueAnalysis, type IssueToPrInput, type IssueToPrResult, type Plan, type PullRequestRef } from './contracts/index.js';
import { mergeChildren, runChildren } from './children.js';
import { FixForwardRun } from './fix-forward.js';
import { issueBranch, issueTask, pullRequestBody, pullRequestTitle } from './issue-logic.js';
import { addCost, mergeChangedFiles } from './work-loop-logic.js';

export async function IssueToPrWorkflow(input: IssueToPrInput): Promise<IssueToPrResult> {
  const repo = input.github.repo;
  const run = new FixForwardRun(input.loop, { workflowType: 'IssueToPrWorkflow', subject: { kind: 'issue', repo, issueNumber: input.issueNumber } }, input.carried?.loop);
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
    branch: run.workspace?.branch ?? null,
    baseBranch: baseBranch(),
    iterations: run.iteration + run.childIterations,
    finalChecks: run.lastResults,
    cost: run.cost,
    model: run.model(),
    escalations: run.escalations,
    changedFiles: run.changedFiles,
    children,
    ...(conflicts ? { conflicts } : {}),
  });
  run.partialResult = () => result('incomplete');
  run.registerHandlers();

  /** GitHub and planning failures that retrying cannot fix end the run with their own reason. */
  const orFail = async <T>(call: () => Promise<T>, failureType?: string): Promise<T> => {
    try {
      return await call();
    } catch (err) {
      if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.nonRetryable) {
        const type =
          err.cause.type === AGENT_NOT_FOUND || err.cause.type === AGENT_AUTH_FAILED
            ? 'AgentUnavailable'
            : err.cause.type === WORKSPACE_LOST
              ? WORKSPACE_LOST
              : (failureType ?? err.cause.type ?? 'ActivityFailed');
        return run.fail(type, err.cause.message);
      }
      throw err;
    }
  };
  const loop = () =>
    run.loop(
      { stepName: `Issue #${input.issueNumber}: ${analysis!.title}`, task: issueTask(analysis!, plan) },
      {
        mode: 'worktree',
        continueAsNew: (state) => continueAsNew<typeof IssueToPrWorkflow>({ ...input, carried: { analysis, plan, children, loop: state } }),
      },
    );

  if (!input.carried) {
    // ---- analyzing: the issue, its criteria and parts ----
    run.setPhase('analyzing');
    await run.safePoint();
    analysis = await orFail(() =>
      run.quick.analyzeIssue({ github: input.github, issueNumber: input.issueNumber, projectDir: input.projectDir, workflowId: workflowInfo().workflowId }),
    );
    run.issue = { title: analysis.title, url: analysis.url };
    run.touch();

    // ---- planning: the worktree on the issue's branch, and a plan ----
    run.setPhase('planning');
    await run.prepare({ projectDir: input.projectDir, branch: issueBranch(input.issueNumber), mode: 'worktree', startPoint: baseBranch() ?? undefined });
    await run.safePoint();
    const { provider, model } = run.model();
    plan = await orFail(() =>
      run.agentic.createPlan({ workspace: run.workspace!.workspace, runDir: run.workspace!.runDir, analysis: analysis!, agent: { ...input.loop.agent, provider }, model }),
    );
    run.cost = addCost(run.cost, plan.cost);
    run.changedFiles = mergeChangedFiles(run.changedFiles, plan.changedFiles);
    run.touch();

    // ---- implementing: parts in parallel, merged; or the loop on the whole issue ----
    if (plan.decompose && plan.subTasks.length >= 2 && input.maxDepth > 0) {
      children = await runChildren(run, {
        subTasks: plan.subTasks,
        subIssueId: null,
        depth: 1,
        maxDepth: input.maxDepth,
        issue: { repo, issueNumber: input.issueNumber, title: analysis.title, task: analysis.task },
        projectDir: input.projectDir,
        loop: input.loop,
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
    run.issue = analysis ? { title: analysis.title, url: analysis.url } : undefined;
    await loop();
  }

  // ---- testing: every check, on the result as it will be pushed ----
  run.setPhase('testing');
  await run.finalChecks();
  if (run.lastResults && !run.lastResults.passing) {
    run.fail('ChecksFailed', `the checks fail on the final result: ${run.lastResults.checks.filter((c) => c.required && !c.passed).map((c) => c.name).join(', ')}`);
  }
  if (run.changedFiles.length === 0) {
    run.setPhase('completed');
    return result('no_changes');
  }

  // ---- creating_pr: commit, push, open or update the PR, link it from the issue ----
  run.setPhase('creating_pr');
  await run.safePoint();
  const ws = run.workspace!;
  const pr = await orFail(
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
          changedFiles: run.changedFiles,
          checks: run.lastResults,
          iterations: run.iteration + run.childIterations,
          cost: run.cost,
          children,
          workflowId: workflowInfo().workflowId,
        }),
        draft: input.draft,
        commitMessage: `aidp: ${pullRequestTitle(analysis!)}\n\nCloses #${input.issueNumber}`,
      }),
    'PullRequestFailed',
  );
  pullRequest = { number: pr.number, url: pr.url, action: pr.action, draft: pr.draft };
  run.pullRequest = { number: pr.number, url: pr.url };
  // In the run's memo too, so `aidp temporal list` shows the link without asking a worker.
  upsertMemo({ pullRequest: pr.url });
  run.setPhase('completed');
  return result('completed');
}
