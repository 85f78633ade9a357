// The checks a plan gives its parts: validated with the plan, narrowed to each part's tests when the
// plan is made, and dropped (with the reason in the plan's note) when they cannot be.
import { MockActivityEnvironment } from '@temporalio/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_TEST_COMMAND, createFixtureProject } from '@aidp/testing';
import type { CheckSpec, CreatePlanInput, IssueAnalysis, Plan } from '@aidp/workflows/contracts';
import {
  createPlan,
  deterministicPlan,
  extractJson,
  narrowPlanChecks,
  renderPlanPrompt,
  validateAgentPlan,
  type AgentPlan,
} from '../create-plan';
import { tempProject } from './temp-project';

const CHECKS: CheckSpec[] = [
  { name: 'test', command: 'node --test test/', required: true, timeoutMs: 60_000 },
  { name: 'lint', command: 'make lint', required: true, timeoutMs: 60_000 },
];

const analysis: IssueAnalysis = {
  repo: 'acme/widgets',
  issueNumber: 3,
  title: 'Two parts',
  url: 'https://github.com/acme/widgets/issues/3',
  labels: [],
  defaultBranch: 'main',
  acceptanceCriteria: ['it works'],
  subTasks: [
    { title: 'a', detail: '' },
    { title: 'b', detail: '' },
  ],
  recommendDecomposition: true,
  task: '…',
  issueFile: '/tmp/issue.md',
};

function valid(raw: unknown): AgentPlan {
  const checked = validateAgentPlan(raw);
  if (!('plan' in checked)) throw new Error(checked.error);
  return checked.plan;
}

describe("the agent's plan, and the plan without one", () => {
  it('reads the last JSON block of the answer and validates it', () => {
    const answer =
      'First:\n```json\n{"steps": []}\n```\nFinal:\n```json\n{"steps": [{"title": "Do it"}], "decompose": true, "subTasks": [{"title": "x"}, {"title": "y", "detail": "z"}]}\n```';
    const checked = validateAgentPlan(extractJson(answer));
    expect(checked).toEqual({
      plan: {
        steps: [{ title: 'Do it', detail: '' }],
        decompose: true,
        subTasks: [
          { title: 'x', detail: '' },
          { title: 'y', detail: 'z' },
        ],
      },
    });
  });

  it('says why an answer cannot be used', () => {
    expect(validateAgentPlan(extractJson('no json here'))).toEqual({ error: 'the agent gave no JSON plan' });
    expect(validateAgentPlan({ steps: [] })).toMatchObject({ error: expect.stringContaining('steps') });
    expect(validateAgentPlan({ steps: [{ title: 42 }] })).toMatchObject({ error: expect.stringContaining('steps.0.title') });
    // decompose with fewer than two parts is no decomposition.
    expect(validateAgentPlan({ steps: [{ title: 's' }], decompose: true, subTasks: [{ title: 'only' }] })).toMatchObject({
      plan: { decompose: false },
    });
  });

  it("falls back to the criteria as steps and the issue's own parts", () => {
    expect(deterministicPlan(analysis)).toEqual({
      steps: [{ title: 'it works', detail: '' }],
      decompose: true,
      subTasks: analysis.subTasks,
    });
    expect(deterministicPlan({ ...analysis, acceptanceCriteria: [], recommendDecomposition: false }).steps).toEqual([
      { title: 'Resolve issue #3: Two parts', detail: '' },
    ]);
  });
});

describe("validating a plan's part checks", () => {
  it('keeps the scopes as the plan gives them, at any depth', () => {
    const plan = valid({
      steps: [{ title: 's' }],
      decompose: true,
      subTasks: [
        { title: 'Fix add', checks: [{ check: ' test ', files: ['test/add.test.js'], tests: 'adds' }] },
        { title: 'Fix more', subTasks: [{ title: 'deeper', checks: [{ check: 'test', tests: 'doubles' }] }] },
      ],
    });
    expect(plan.subTasks).toEqual([
      { title: 'Fix add', detail: '', checks: [{ check: 'test', files: ['test/add.test.js'], tests: 'adds' }] },
      { title: 'Fix more', detail: '', subTasks: [{ title: 'deeper', detail: '', checks: [{ check: 'test', tests: 'doubles' }] }] },
    ]);
  });

  it.each<[string, unknown, string]>([
    ['more than five checks', Array.from({ length: 6 }, () => ({ check: 'test', tests: 'a' })), 'subTasks.0.checks'],
    ['a check without a name', [{ files: ['a'] }], 'subTasks.0.checks.0.check'],
    ['files that are not a list of strings', [{ check: 'test', files: 'test/a.js' }], 'subTasks.0.checks.0.files'],
    ['more than twenty files', [{ check: 'test', files: Array.from({ length: 21 }, () => 'a') }], 'subTasks.0.checks.0.files'],
    ['a long name pattern', [{ check: 'test', tests: 'a'.repeat(201) }], 'subTasks.0.checks.0.tests'],
  ])('refuses %s', (_what, checks, path) => {
    expect(validateAgentPlan({ steps: [{ title: 's' }], decompose: true, subTasks: [{ title: 'x', checks }, { title: 'y' }] })).toEqual({
      error: expect.stringContaining(`not valid at ${path}`) as string,
    });
  });
});

describe('narrowPlanChecks', () => {
  const ws = tempProject({ 'test/add.test.js': '', 'test/double.test.js': '' });

  it("narrows each part's checks to its tests; steps are not parts and keep none", () => {
    const plan = valid({
      steps: [{ title: 's', checks: [{ check: 'test', tests: 'x' }] }],
      decompose: true,
      subTasks: [
        {
          title: 'Fix add',
          checks: [
            { check: 'test', files: ['test/add.test.js'] },
            { check: 'test', files: ['test/double.test.js'], tests: 'doubles' },
          ],
        },
        { title: 'Fix double', subTasks: [{ title: 'deeper', checks: [{ check: 'test', tests: 'doubles' }] }] },
      ],
    });
    const { steps, subTasks, notes } = narrowPlanChecks(plan, CHECKS, ws);
    expect(notes).toEqual([]);
    expect(steps).toEqual([{ title: 's', detail: '' }]);
    expect(subTasks).toEqual([
      {
        title: 'Fix add',
        detail: '',
        checks: [
          {
            name: 'test (part)',
            command: "node --test 'test/add.test.js'",
            required: true,
            timeoutMs: 60_000,
            check: 'test',
            files: ['test/add.test.js'],
          },
          {
            name: 'test (part 2)',
            command: "node --test '--test-name-pattern=doubles' 'test/double.test.js'",
            required: true,
            timeoutMs: 60_000,
            check: 'test',
            files: ['test/double.test.js'],
            tests: 'doubles',
          },
        ],
      },
      {
        title: 'Fix double',
        detail: '',
        subTasks: [
          {
            title: 'deeper',
            detail: '',
            checks: [
              {
                name: 'test (part)',
                command: "node --test '--test-name-pattern=doubles' test/",
                required: true,
                timeoutMs: 60_000,
                check: 'test',
                files: [],
                tests: 'doubles',
              },
            ],
          },
        ],
      },
    ]);
  });

  it('leaves a part with a scope it cannot use without checks, and says why', () => {
    const plan = valid({
      steps: [{ title: 's' }],
      decompose: true,
      subTasks: [
        {
          title: 'Fix add',
          checks: [
            { check: 'test', files: ['test/add.test.js'] },
            { check: 'lint', files: ['test/add.test.js'] },
          ],
        },
        { title: 'Fix double', checks: [{ check: 'types', tests: 'x' }] },
        { title: 'Fix more', checks: [{ check: 'test', files: ['test/missing.test.js'] }] },
      ],
    });
    const { subTasks, notes } = narrowPlanChecks(plan, CHECKS, ws);
    expect(subTasks.map((t) => t.checks)).toEqual([undefined, undefined, undefined]);
    expect(notes).toEqual([
      expect.stringMatching(
        /^part "Fix add": check "lint" runs `make lint`, which AIDP cannot narrow to a part's tests: .*; the part is judged by the no-regression rule$/,
      ),
      'part "Fix double": check "types" is not a configured check (configured: "test", "lint"); the part is judged by the no-regression rule',
      'part "Fix more": the scope of check "test" cannot be used: the file "test/missing.test.js" does not exist in the workspace; the part is judged by the no-regression rule',
    ]);
    expect(narrowPlanChecks(plan, undefined, ws).notes).toContain(
      'part "Fix double": check "types" is not a configured check (none are configured); the part is judged by the no-regression rule',
    );
  });

  it("the deterministic plan's parts have no checks", () => {
    expect(deterministicPlan(analysis).subTasks.every((t) => t.checks === undefined)).toBe(true);
  });
});

describe('the plan prompt', () => {
  it('lists the configured checks and asks for scopes that select only the part’s tests', () => {
    const prompt = renderPlanPrompt(analysis, CHECKS);
    expect(prompt).toContain('- "test": `node --test test/`');
    expect(prompt).toContain('- "lint": `make lint`');
    expect(prompt).toContain('"checks": [{ "check": "test", "files": ["test/part.test.js"], "tests": "optional name pattern" }]');
    expect(prompt).toMatch(/"files": the test files \(or folders\)/);
    expect(prompt).toMatch(/"tests" \(optional\): a pattern of the part's test names/);
    expect(prompt).toContain("Select only the part's own tests, never the whole suite");
  });

  it('says nothing of part checks when none are configured', () => {
    expect(renderPlanPrompt(analysis)).not.toContain('checks');
    expect(renderPlanPrompt(analysis, [])).toBe(renderPlanPrompt(analysis));
  });
});

// The activities log what they do; the test output needs none of it.
const noop = () => undefined;
const QUIET = { logger: { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop } };

describe('createPlan', () => {
  /** Plans with an "agent" that prints `answer`. */
  async function plan(answer: unknown, checks?: CheckSpec[]): Promise<{ plan: Plan; prompt: string }> {
    const project = createFixtureProject();
    const input: CreatePlanInput = {
      workspace: project.dir,
      runDir: join(project.dir, '.aidp', 'runs', 'plan'),
      analysis,
      agent: {
        provider: 'command',
        command: ['node', '-e', `console.log(${JSON.stringify('```json\n' + JSON.stringify(answer) + '\n```')})`],
        timeoutMs: 30_000,
        env: [],
      },
      model: 'm',
      ...(checks ? { checks } : {}),
    };
    const result = await new MockActivityEnvironment(undefined, QUIET).run<[CreatePlanInput], Plan, typeof createPlan>(createPlan, input);
    return { plan: result, prompt: readFileSync(join(input.runDir, 'plan', 'PLAN-PROMPT.md'), 'utf8') };
  }

  const answer = {
    steps: [{ title: 'fix' }],
    decompose: true,
    subTasks: [
      { title: 'Fix add', checks: [{ check: 'test', files: ['test/math.test.js'], tests: 'add' }] },
      { title: 'Fix the rest', checks: [{ check: 'lint', files: ['test/math.test.js'] }] },
    ],
  };

  it('gives the parts their narrowed checks, and notes the ones it could not narrow', async () => {
    const checks = [{ ...CHECKS[0]!, command: FIXTURE_TEST_COMMAND }, CHECKS[1]!];
    const { plan: made, prompt } = await plan(answer, checks);
    expect(prompt).toContain(`- "test": \`${FIXTURE_TEST_COMMAND}\``);
    expect(made).toMatchObject({ source: 'agent', decompose: true });
    expect(made.subTasks[0]!.checks).toEqual([
      expect.objectContaining({ name: 'test (part)', command: "node --test '--test-name-pattern=add' 'test/math.test.js'", check: 'test' }),
    ]);
    expect(made.subTasks[1]!.checks).toBeUndefined();
    expect(made.note).toMatch(/^part "Fix the rest": check "lint" runs `make lint`, which AIDP cannot narrow/);
  });

  it('without configured checks, no part has any', async () => {
    const { plan: made, prompt } = await plan(answer);
    expect(prompt).not.toContain('How each part is checked');
    expect(made.subTasks.map((t) => t.checks)).toEqual([undefined, undefined]);
    expect(made.note).toContain('none are configured');
  });
});
