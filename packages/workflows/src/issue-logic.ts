// The issue flow's decisions and texts, as pure functions: names of branches and children, whether a
// sub-task splits again, what a sub-task's agent is told, and the pull request's title and body.
import type { ChildSummary, CostSummary, IssueAnalysis, Plan, SubIssueResult, SubTask, TestResults } from './contracts/index.js';

/** The issue's branch. */
export function issueBranch(issueNumber: number): string {
  return `aidp/issue-${issueNumber}`;
}

/**
 * A sub-task's branch. Git cannot hold both `a` and `a/b` as branches, so the tree is spelled with
 * dashes: `aidp/issue-5-sub-1`, `aidp/issue-5-sub-1-2`.
 */
export function subIssueBranch(issueNumber: number, subIssueId: string): string {
  return `${issueBranch(issueNumber)}-sub-${subIssueId.replace(/\./g, '-')}`;
}

/** Child ids are deterministic, so a replay or a retry addresses the same children. */
export function childWorkflowId(parentWorkflowId: string, index: number): string {
  return `${parentWorkflowId}.sub-${index + 1}`;
}

export function childSubIssueId(parentSubIssueId: string | null, index: number): string {
  return parentSubIssueId ? `${parentSubIssueId}.${index + 1}` : String(index + 1);
}

/** A sub-task splits again when it lists two or more parts of its own and the depth limit allows. */
export function shouldDecompose(subTask: Pick<SubTask, 'subTasks'>, depth: number, maxDepth: number): boolean {
  return (subTask.subTasks?.length ?? 0) >= 2 && depth < maxDepth;
}

function renderSteps(steps: SubTask[], indent = ''): string[] {
  return steps.flatMap((s) => [`${indent}- ${s.title}${s.detail ? `: ${s.detail}` : ''}`, ...renderSteps(s.subTasks ?? [], `${indent}  `)]);
}

/** The loop's task for the whole issue: the fenced issue text and the plan. */
export function issueTask(analysis: IssueAnalysis, plan: Plan | undefined): string {
  const lines = [analysis.task];
  if (plan && plan.steps.length > 0)
    lines.push('', `Plan (${plan.source === 'agent' ? 'yours, from the planning step' : 'from the issue'}):`, ...renderSteps(plan.steps));
  return lines.join('\n');
}

/** The loop's task for one sub-task: its part, with the whole issue as context. */
export function subIssueTask(subTask: SubTask, subIssueId: string): { task: string; context: string } {
  const lines = [`Sub-task ${subIssueId} of the issue: ${subTask.title}`];
  if (subTask.detail) lines.push('', subTask.detail);
  if (subTask.subTasks && subTask.subTasks.length > 0) lines.push('', 'It covers:', ...renderSteps(subTask.subTasks));
  lines.push('', 'Work only on this part; other parts are done on other branches and merged later.');
  return { task: lines.join('\n'), context: '' };
}

export function pullRequestTitle(analysis: Pick<IssueAnalysis, 'title' | 'issueNumber'>): string {
  return `${analysis.title} (#${analysis.issueNumber})`;
}

function money(usd: number): string {
  return `$${usd.toFixed(2)}`;
}

export interface PullRequestSummary {
  analysis: Pick<IssueAnalysis, 'issueNumber' | 'title'>;
  plan?: Plan;
  changedFiles: string[];
  checks: TestResults | null;
  iterations: number;
  cost: CostSummary;
  children: ChildSummary[];
  workflowId: string;
}

const MAX_FILES_LISTED = 50;

/** The pull request's body: what changed, which checks passed, iterations and cost, `Closes #n`. */
export function pullRequestBody(s: PullRequestSummary): string {
  const lines = [`Resolves #${s.analysis.issueNumber}: ${s.analysis.title}`, '', '## What changed', ''];
  if (s.plan && s.plan.steps.length > 0) lines.push(...renderSteps(s.plan.steps), '');
  if (s.changedFiles.length > 0) {
    lines.push(`Files (${s.changedFiles.length}):`, ...s.changedFiles.slice(0, MAX_FILES_LISTED).map((f) => `- \`${f}\``));
    if (s.changedFiles.length > MAX_FILES_LISTED) lines.push(`- … and ${s.changedFiles.length - MAX_FILES_LISTED} more`);
    lines.push('');
  }
  if (s.children.length > 0) {
    lines.push('Built in parts, each on its own branch, then merged:', '');
    for (const c of s.children)
      lines.push(`- ${c.subIssueId}. ${c.title} — ${c.outcome}, ${c.iterations} iteration(s), ${money(c.cost.usd)}`);
    lines.push('');
  }
  lines.push('## Checks', '');
  if (s.checks && s.checks.checks.length > 0) {
    for (const c of s.checks.checks) lines.push(`- ${c.passed ? '✅' : '❌'} ${c.name}${c.required ? '' : ' (optional)'}`);
  } else {
    lines.push('- No checks are configured: the agent declared the work complete.');
  }
  lines.push(
    '',
    '## Run',
    '',
    `- Iterations: ${s.iterations}`,
    `- Cost: ${money(s.cost.usd)} (${s.cost.inputTokens} input / ${s.cost.outputTokens} output tokens)`,
    `- Workflow: \`${s.workflowId}\``,
    '',
    `Closes #${s.analysis.issueNumber}`,
    '',
  );
  return lines.join('\n');
}

/** What a finished child tells its parent, for progress and the PR body. */
export function childSummary(
  workflowId: string,
  result: Pick<SubIssueResult, 'subIssueId' | 'title' | 'branch' | 'outcome' | 'iterations' | 'cost' | 'finalChecks' | 'goal'>,
): ChildSummary {
  return {
    workflowId,
    subIssueId: result.subIssueId,
    title: result.title,
    branch: result.branch,
    outcome: result.outcome,
    iterations: result.iterations,
    cost: result.cost,
    passing: result.finalChecks?.passing ?? null,
    ...(result.goal ? { goal: result.goal } : {}),
  };
}
