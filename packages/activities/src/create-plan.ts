// The createPlan activity: plan the work on an issue — with the agent's structured plan when it gives
// a valid one (part checks narrowed from the configured ones), else a deterministic plan from the analysis.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import type { CheckSpec, CreatePlanInput, IssueAnalysis, PartCheck, Plan, SubTask } from '@aidp/workflows/contracts';
import { executeAgent } from './run-agent.js';
import { MAX_PART_FILES, MAX_TESTS_PATTERN, narrowCheck } from './part-checks.js';

const MAX_DEPTH = 3;
/** At most this many checks for one part. */
const MAX_PART_CHECKS = 5;

/** A part's check as the plan gives it: a configured check's name and the part's tests, not yet narrowed. */
export interface PlannedCheck {
  check: string;
  files?: string[];
  tests?: string;
}

/** A sub-task as the agent's plan gives it: its checks are scopes, until `narrowPlanChecks` turns them into commands. */
export interface PlannedSubTask extends Omit<SubTask, 'subTasks' | 'checks'> {
  subTasks?: PlannedSubTask[];
  checks?: PlannedCheck[];
}

/** The agent's plan once validated, its parts' checks not yet narrowed. */
export interface AgentPlan {
  steps: PlannedSubTask[];
  decompose: boolean;
  subTasks: PlannedSubTask[];
}

interface SubTaskInput {
  title: string;
  detail?: string;
  subTasks?: SubTaskInput[];
  checks?: PlannedCheck[];
}
const PlannedCheckSchema = v.object({
  check: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(100)),
  files: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(300))), v.maxLength(MAX_PART_FILES))),
  tests: v.optional(v.pipe(v.string(), v.maxLength(MAX_TESTS_PATTERN))),
});
const SubTaskSchema: v.GenericSchema<SubTaskInput, PlannedSubTask> = v.object({
  title: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200)),
  detail: v.optional(v.pipe(v.string(), v.maxLength(4_000)), ''),
  subTasks: v.optional(v.pipe(v.array(v.lazy(() => SubTaskSchema)), v.maxLength(10))),
  checks: v.optional(v.pipe(v.array(PlannedCheckSchema), v.maxLength(MAX_PART_CHECKS))),
});
const AgentPlanSchema = v.object({
  steps: v.pipe(v.array(SubTaskSchema), v.minLength(1), v.maxLength(50)),
  decompose: v.optional(v.boolean(), false),
  subTasks: v.optional(v.pipe(v.array(SubTaskSchema), v.maxLength(10)), []),
});

function depthOf(tasks: PlannedSubTask[] | undefined): number {
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

/**
 * Validates what the agent proposed; a reason when it cannot be used. Its parts' checks stay as the
 * plan gives them (see `narrowPlanChecks`).
 */
export function validateAgentPlan(raw: unknown): { plan: AgentPlan } | { error: string } {
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

/**
 * Turns the checks the plan gives its parts (at any depth) into commands: each configured check named
 * is narrowed to the part's files and test names (see `narrowCheck`). A part with a check that cannot
 * be narrowed keeps none (it is judged by the no-regression rule), and the reason is noted. Steps are
 * not parts: any checks they were given are dropped.
 */
export function narrowPlanChecks(
  plan: AgentPlan,
  checks: CheckSpec[] | undefined,
  workspace: string,
): { steps: SubTask[]; subTasks: SubTask[]; notes: string[] } {
  const notes: string[] = [];
  const configured = checks ?? [];
  const fallback = 'the part is judged by the no-regression rule';
  const narrowPart = (task: PlannedSubTask): SubTask => {
    const { subTasks, checks: scopes, ...rest } = task;
    const part: SubTask = { ...rest };
    if (subTasks !== undefined) part.subTasks = subTasks.map(narrowPart);
    if (scopes === undefined || scopes.length === 0) return part;
    const narrowed: PartCheck[] = [];
    const problems: string[] = [];
    for (const scope of scopes) {
      const spec = configured.find((c) => c.name === scope.check);
      if (!spec) {
        const names = configured.map((c) => `"${c.name}"`).join(', ');
        problems.push(
          `check "${scope.check}" is not a configured check (${names === '' ? 'none are configured' : `configured: ${names}`})`,
        );
        continue;
      }
      const result = narrowCheck(spec, { files: scope.files, tests: scope.tests }, workspace);
      if ('error' in result) problems.push(result.error);
      else narrowed.push(result.check);
    }
    if (problems.length > 0) {
      notes.push(...problems.map((p) => `part "${task.title}": ${p}; ${fallback}`));
      return part;
    }
    // Two scopes of one configured check are two checks of the part: each has its own name (and log).
    narrowed.forEach((check, i) => {
      const same = narrowed.slice(0, i).filter((c) => c.check === check.check).length;
      if (same > 0) check.name = `${check.check} (part ${same + 1})`;
    });
    part.checks = narrowed;
    return part;
  };
  const withoutChecks = (task: PlannedSubTask): SubTask => {
    const { subTasks, checks: _checks, ...rest } = task;
    return subTasks !== undefined ? { ...rest, subTasks: subTasks.map(withoutChecks) } : rest;
  };
  return { steps: plan.steps.map(withoutChecks), subTasks: plan.subTasks.map(narrowPart), notes };
}

/** The plan when the agent gives none: the acceptance criteria as steps, the issue's own sub-tasks. */
export function deterministicPlan(analysis: IssueAnalysis): Omit<Plan, 'source' | 'cost' | 'note' | 'changedFiles'> {
  const steps: SubTask[] =
    analysis.acceptanceCriteria.length > 0
      ? analysis.acceptanceCriteria.map((c) => ({ title: c, detail: '' }))
      : [{ title: `Resolve issue #${analysis.issueNumber}: ${analysis.title}`, detail: '' }];
  return { steps, decompose: analysis.recommendDecomposition, subTasks: analysis.recommendDecomposition ? analysis.subTasks : [] };
}

/** How parts are checked, for the plan prompt: the configured checks, and how to name a part's tests. */
function renderPartChecks(checks: CheckSpec[]): string[] {
  if (checks.length === 0) return [];
  return [
    '## How each part is checked',
    '',
    'The configured checks:',
    '',
    ...checks.map((c) => `- "${c.name}": \`${c.command}\``),
    '',
    `When you decompose, give each part the checks that run only that part's tests, in its "checks" (at most ${MAX_PART_CHECKS}).`,
    'Each names a configured check in "check" and narrows it to the part:',
    '',
    `- "files": the test files (or folders) that hold the part's tests, relative to the repository root; they must exist now (at most ${MAX_PART_FILES}; letters, digits and _ . / @ + - only);`,
    `- "tests" (optional): a pattern of the part's test names, as the check's runner filters them (jest and vitest \`-t\`, node \`--test-name-pattern\`, go test \`-run\`: a regular expression; pytest \`-k\`: an expression); at most ${MAX_TESTS_PATTERN} characters: letters, digits, spaces and _ . , : ( ) ' / - only.`,
    '',
    "Select only the part's own tests, never the whole suite: a part is done when its checks pass and",
    'nothing that passed before it started fails, while the other parts are still being built. Only',
    'checks that run node --test, jest, vitest, pytest or go test (directly or through a package.json',
    'script) can be narrowed. A part without "checks" is done when its agent reports it complete, the',
    'failures it names are gone, and nothing that passed before fails.',
    '',
  ];
}

/** The prompt asking the agent for a plan; `checks`, when given, are the configured checks a part may narrow. */
export function renderPlanPrompt(analysis: IssueAnalysis, checks: CheckSpec[] = []): string {
  const partChecks =
    checks.length > 0 ? ',\n      "checks": [{ "check": "test", "files": ["test/part.test.js"], "tests": "optional name pattern" }]' : '';
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
    `  "subTasks": [{ "title": "an independent part", "detail": "what it covers", "subTasks": []${partChecks} }] }`,
    '```',
    '',
    'Set "decompose" to true only when the work splits into two or more independent parts that can be',
    'built in parallel on separate branches; list them in "subTasks".',
    '',
    ...renderPartChecks(checks),
  ].join('\n');
}

/**
 * Asks the agent for a structured plan and validates it, narrowing the checks it gives its parts to
 * their tests; falls back to a deterministic plan from the analysis (whose parts have no checks) when
 * the agent gives none (or an invalid one). Idempotent: a retry asks again, and the
 * answer is only a plan.
 */
export async function createPlan(input: CreatePlanInput): Promise<Plan> {
  const dir = join(input.runDir, 'plan');
  mkdirSync(dir, { recursive: true });
  const promptPath = join(dir, 'PLAN-PROMPT.md');
  writeFileSync(promptPath, renderPlanPrompt(input.analysis, input.checks));
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
  let plan: Plan;
  if ('plan' in checked) {
    const parts = narrowPlanChecks(checked.plan, input.checks, input.workspace);
    plan = {
      source: 'agent',
      steps: parts.steps,
      decompose: checked.plan.decompose,
      subTasks: parts.subTasks,
      ...(parts.notes.length > 0 ? { note: parts.notes.join('\n') } : {}),
      cost: run.cost,
      changedFiles: run.changedFiles,
    };
  } else {
    plan = {
      source: 'deterministic',
      ...deterministicPlan(input.analysis),
      note: checked.error,
      cost: run.cost,
      changedFiles: run.changedFiles,
    };
  }
  writeFileSync(join(dir, 'plan.json'), `${JSON.stringify(plan, null, 2)}\n`);
  return plan;
}
