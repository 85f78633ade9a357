// The issue flow's first activities: fetch and analyse the issue, then plan the work — with the agent's
// structured plan when it gives a valid one, else a deterministic plan from the analysis.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import * as v from 'valibot';
import type { AnalyzeIssueInput, CreatePlanInput, IssueAnalysis, Plan, SubTask } from '@aidp/workflows/contracts';
import { executeAgent } from './agent.js';
import { gitHubCall, gitHubClient, splitRepo } from './github/client.js';
import { parseIssueBody, renderIssueFile, renderIssueForAgent, type IssueComment } from './github/issue-text.js';
import { runDirOf } from './prepare-workspace.js';

const MAX_COMMENT_PAGES = 5;

/** Fetches the issue (title, body, labels, comments) and reads its acceptance criteria and sub-tasks. */
export async function analyzeIssue(input: AnalyzeIssueInput): Promise<IssueAnalysis> {
  const { owner, repo } = splitRepo(input.github.repo);
  const { octokit } = await gitHubClient(input.github);
  const what = `issue #${input.issueNumber}`;
  const repository = await gitHubCall(`repository ${input.github.repo}`, input.github.repo, () => octokit.rest.repos.get({ owner, repo }));
  const { data: issue } = await gitHubCall(what, input.github.repo, () =>
    octokit.rest.issues.get({ owner, repo, issue_number: input.issueNumber }),
  );
  if (issue.pull_request) {
    throw ApplicationFailure.nonRetryable(`#${input.issueNumber} in ${input.github.repo} is a pull request, not an issue`, 'IssueNotFound');
  }
  if (issue.state !== 'open') {
    throw ApplicationFailure.nonRetryable(
      `issue #${input.issueNumber} in ${input.github.repo} is ${issue.state}; reopen it to work on it`,
      'IssueNotOpen',
    );
  }
  const comments: IssueComment[] = [];
  for (let page = 1; page <= MAX_COMMENT_PAGES; page++) {
    const { data } = await gitHubCall(`the comments of ${what}`, input.github.repo, () =>
      octokit.rest.issues.listComments({ owner, repo, issue_number: input.issueNumber, per_page: 100, page }),
    );
    comments.push(...data.map((c) => ({ body: c.body ?? '', user: c.user?.login ?? 'ghost', isBot: c.user?.type === 'Bot' })));
    if (data.length < 100) break;
  }
  const labels = issue.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean);
  const text = { repo: input.github.repo, number: input.issueNumber, title: issue.title, body: issue.body ?? '', labels, comments };
  const parsed = parseIssueBody(issue.body);

  const runDir = runDirOf(input.projectDir, input.workflowId);
  mkdirSync(runDir, { recursive: true });
  const issueFile = join(runDir, 'issue.md');
  writeFileSync(issueFile, renderIssueFile({ ...text, url: issue.html_url }));
  return {
    repo: input.github.repo,
    issueNumber: input.issueNumber,
    title: issue.title,
    url: issue.html_url,
    labels,
    defaultBranch: repository.data.default_branch,
    acceptanceCriteria: parsed.acceptanceCriteria,
    subTasks: parsed.subTasks,
    recommendDecomposition: parsed.subTasks.length >= 2,
    task: renderIssueForAgent(text, parsed),
    issueFile,
  };
}

// ---- planning ----

const MAX_DEPTH = 3;
interface SubTaskInput {
  title: string;
  detail?: string;
  subTasks?: SubTaskInput[];
}
const SubTaskSchema: v.GenericSchema<SubTaskInput, SubTask> = v.object({
  title: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200)),
  detail: v.optional(v.pipe(v.string(), v.maxLength(4_000)), ''),
  subTasks: v.optional(v.pipe(v.array(v.lazy(() => SubTaskSchema)), v.maxLength(10))),
});
const AgentPlanSchema = v.object({
  steps: v.pipe(v.array(SubTaskSchema), v.minLength(1), v.maxLength(50)),
  decompose: v.optional(v.boolean(), false),
  subTasks: v.optional(v.pipe(v.array(SubTaskSchema), v.maxLength(10)), []),
});

function depthOf(tasks: SubTask[] | undefined): number {
  return tasks && tasks.length > 0 ? 1 + Math.max(...tasks.map((t) => depthOf(t.subTasks))) : 0;
}

/** The last JSON object in a text: a ```json fence when there is one, else the outermost braces. */
export function extractJson(text: string): unknown {
  const fences = [...text.matchAll(/```(?:json)?\s*\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const candidates = fences.length > 0 ? fences.reverse() : [text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)];
  for (const candidate of candidates) {
    try {
      return JSON.parse(candidate);
    } catch {
      // try the next one
    }
  }
  return undefined;
}

/** Validates what the agent proposed; a reason when it cannot be used. */
export function validateAgentPlan(raw: unknown): { plan: Omit<Plan, 'source' | 'cost' | 'changedFiles'> } | { error: string } {
  if (raw === undefined) return { error: 'the agent gave no JSON plan' };
  const parsed = v.safeParse(AgentPlanSchema, raw);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join('.') ?? '(root)';
    return { error: `the agent's plan is not valid at ${path}: ${issue.message}` };
  }
  const { steps, decompose, subTasks } = parsed.output;
  if (depthOf(subTasks) > MAX_DEPTH) return { error: `the agent's plan nests sub-tasks deeper than ${MAX_DEPTH} levels` };
  return { plan: { steps, decompose: decompose && subTasks.length >= 2, subTasks: decompose ? subTasks : [] } };
}

/** The plan when the agent gives none: the acceptance criteria as steps, the issue's own sub-tasks. */
export function deterministicPlan(analysis: IssueAnalysis): Omit<Plan, 'source' | 'cost' | 'note' | 'changedFiles'> {
  const steps: SubTask[] =
    analysis.acceptanceCriteria.length > 0
      ? analysis.acceptanceCriteria.map((c) => ({ title: c, detail: '' }))
      : [{ title: `Resolve issue #${analysis.issueNumber}: ${analysis.title}`, detail: '' }];
  return { steps, decompose: analysis.recommendDecomposition, subTasks: analysis.recommendDecomposition ? analysis.subTasks : [] };
}

export function renderPlanPrompt(analysis: IssueAnalysis): string {
  return [
    `# Plan for issue #${analysis.issueNumber}`,
    '',
    'Plan the work for the issue below. Do not change any file in this step: only answer.',
    '',
    analysis.task,
    '',
    '## Your answer',
    '',
    'Reply with one JSON object in a ```json fenced block, of this shape:',
    '',
    '```json',
    '{ "steps": [{ "title": "what to do", "detail": "how" }],',
    '  "decompose": false,',
    '  "subTasks": [{ "title": "an independent part", "detail": "what it covers", "subTasks": [] }] }',
    '```',
    '',
    'Set "decompose" to true only when the work splits into two or more independent parts that can be',
    'built in parallel on separate branches; list them in "subTasks".',
    '',
  ].join('\n');
}

/**
 * Asks the agent for a structured plan and validates it; falls back to a deterministic plan from the
 * analysis when the agent gives none (or an invalid one). Idempotent: a retry asks again, and the
 * answer is only a plan.
 */
export async function createPlan(input: CreatePlanInput): Promise<Plan> {
  const dir = join(input.runDir, 'plan');
  mkdirSync(dir, { recursive: true });
  const promptPath = join(dir, 'PLAN-PROMPT.md');
  writeFileSync(promptPath, renderPlanPrompt(input.analysis));
  const {
    result: run,
    stdout,
    report,
  } = await executeAgent({
    workspace: input.workspace,
    runDir: input.runDir,
    promptPath,
    iteration: 0,
    label: 'plan',
    agent: input.agent,
    model: input.model,
  });
  const answer = run.ok ? (report.finalMessage ?? stdout) : '';
  const checked = run.ok
    ? validateAgentPlan(extractJson(answer))
    : { error: `the agent's planning run failed (exit ${run.exitCode ?? run.signal})` };
  const plan: Plan =
    'plan' in checked
      ? { source: 'agent', ...checked.plan, cost: run.cost, changedFiles: run.changedFiles }
      : {
          source: 'deterministic',
          ...deterministicPlan(input.analysis),
          note: checked.error,
          cost: run.cost,
          changedFiles: run.changedFiles,
        };
  writeFileSync(join(dir, 'plan.json'), `${JSON.stringify(plan, null, 2)}\n`);
  return plan;
}
