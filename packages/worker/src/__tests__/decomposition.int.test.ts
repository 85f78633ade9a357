import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PARTS_PROJECT, createPartsProjectWithOrigin, scriptAgent, type AgentRule, type AgentStep } from '@aidp/testing';
import { recordHistory } from '@aidp/testing/work-loop-harness';
import type { SubIssueResult } from '@aidp/workflows/contracts';
import { REPO, failureOf, flow, runIssue, type Flow } from './issue-flow';
import { runDirOf } from '@aidp/activities';

// Decomposed issues whose parts each do only their share — the common case: a part is done by its own
// goal (its own checks, or its word and nothing broken), and the parent judges the whole on the
// merged branch. On the dev server with a real worker, real git and `node --test`, the scripted agent
// through the real agent path, and the GitHub double.

type Fn = keyof typeof PARTS_PROJECT;

/** The id of a failing test of the fixture's `test` check, as the checks list it. */
const failing = (fn: Fn) => `test: ${PARTS_PROJECT[fn].testName}`;

/** A rule: the part whose prompt says `Sub-task <id>` fixes `fns` (and says it is complete, unless told not to). */
function part(id: string, fns: Fn[], step: Partial<AgentStep> = {}): AgentRule {
  return {
    match: `Sub-task ${id.replace(/\./g, '\\.')} of the issue`,
    step: {
      sleepMs: 1_000,
      complete: true,
      cost: { usd: 0.01, inputTokens: 10, outputTokens: 5 },
      ...step,
      write: { ...Object.fromEntries(fns.map((fn) => [PARTS_PROJECT[fn].file, PARTS_PROJECT[fn].fixed])), ...step.write },
    },
  };
}

const NO_PLAN: AgentRule = { match: '# Plan for issue', step: { say: 'no plan today' } };

function planAnswer(plan: unknown): AgentRule {
  return { match: '# Plan for issue', step: { say: ['```json', JSON.stringify(plan), '```'].join('\n') } };
}

async function partResult(f: Flow, workflowId: string): Promise<SubIssueResult> {
  return (await f.harness.client.workflow.getHandle(workflowId).result()) as SubIssueResult;
}

/** The check logs of a run, by file name, from its run folder under the project. */
function checkLogs(f: Flow, workflowId: string): Record<string, string> {
  const runDir = runDirOf(f.project.dir, workflowId);
  const logs: Record<string, string> = {};
  for (const iteration of readdirSync(runDir).filter((d) => d.startsWith('iter-'))) {
    const dir = join(runDir, iteration, 'checks');
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) logs[`${iteration}/${name}`] = readFileSync(join(dir, name), 'utf8');
  }
  return logs;
}

describe('decomposed issues whose parts each do their share', () => {
  it('two independent bugs: each part fixes its own, the parts run side by side, one PR with both fixes', async () => {
    const agent = scriptAgent({ rules: [NO_PLAN, part('1', ['add']), part('2', ['mul'])], default: {} });
    const f = await flow(agent, {}, undefined, createPartsProjectWithOrigin(['add', 'mul']));
    f.gh.addIssue(REPO, {
      number: 31,
      title: 'Two bugs',
      body: '## Tasks\n- Fix add: the test "add works" fails\n- Fix mul: the test "mul works" fails\n',
    });
    const { handle, result, progress } = await runIssue(f, 31);

    expect(result.outcome).toBe('completed');
    expect(result.finalChecks?.passing).toBe(true);
    expect(result.children.map((c) => [c.outcome, c.goal?.rule, c.goal?.met])).toEqual([
      ['completed', 'no_regression', true],
      ['completed', 'no_regression', true],
    ]);
    // Each part removed its own failure, and left the other's to the other part.
    expect(result.children.map((c) => [c.goal?.removed, c.goal?.left, c.goal?.broken])).toEqual([
      [[failing('add')], [failing('mul')], []],
      [[failing('mul')], [failing('add')], []],
    ]);
    // The parts ran side by side: each started before the other (1 s long) could have finished.
    const starts = agent
      .invocations()
      .filter((i) => /Sub-task \d of the issue/.test(i.prompt))
      .map((i) => i.startedAt);
    expect(starts).toHaveLength(2);
    expect(Math.abs(starts[0]! - starts[1]!)).toBeLessThan(1_000);
    // Each part needed one iteration; the merged result passed without a loop of the parent's own.
    expect(progress.decomposition).toEqual({ partsBudgetUsd: null, partsCostUsd: 0.02, partsIterations: 2, ownIterations: 0 });
    expect(f.gh.pulls(REPO)).toHaveLength(1);
    expect(f.origin('show', `aidp/issue-31:${PARTS_PROJECT.add.file}`)).toBe(PARTS_PROJECT.add.fixed.trim());
    expect(f.origin('show', `aidp/issue-31:${PARTS_PROJECT.mul.file}`)).toBe(PARTS_PROJECT.mul.fixed.trim());
    // A part's prompt says how it is judged.
    const prompt = agent.invocations().find((i) => i.prompt.includes('Sub-task 1 of the issue'))!.prompt;
    expect(prompt).toContain('This is one part of a larger issue');
    expect(prompt).toContain('STATUS: COMPLETE');
    f.gh.assertNoProblems();
    await recordHistory(f.harness.client, handle.workflowId, 'issue-to-pr-parts-each-partial');
    await recordHistory(f.harness.client, `${handle.workflowId}.sub-1`, 'sub-issue-part-no-regression');
  }, 180_000);

  it('three parts whose merged result still fails a test: the parent’s own loop fixes it, within its share of the budget', async () => {
    const agent = scriptAgent({
      rules: [
        NO_PLAN,
        part('1', ['add']),
        part('2', ['mul']),
        part('3', [], { write: { 'docs/math.md': '# add, mul and sub\n' } }),
        // The parent's loop on the merged branch: its prompt is the issue's, not a part's.
        {
          match: '# Issue #32',
          step: { write: { [PARTS_PROJECT.sub.file]: PARTS_PROJECT.sub.fixed }, cost: { usd: 0.02, inputTokens: 20, outputTokens: 8 } },
        },
      ],
      default: {},
    });
    const f = await flow(agent, { work_loop: { max_cost_usd: 10, parts_budget_share: 0.5 } }, undefined, createPartsProjectWithOrigin());
    f.gh.addIssue(REPO, { number: 32, title: 'Three parts', body: '## Tasks\n- Fix add\n- Fix mul\n- Document the functions\n' });
    const { handle, result, progress } = await runIssue(f, 32);

    expect(result.outcome).toBe('completed');
    expect(result.finalChecks?.passing).toBe(true);
    expect(result.children.map((c) => c.goal?.met)).toEqual([true, true, true]);
    expect(result.children[2]!.goal).toMatchObject({ removed: [], broken: [] });
    // The parts spent $0.03 of the $5 they had together; the parent's own loop took one iteration.
    expect(progress.decomposition).toEqual({ partsBudgetUsd: 5, partsCostUsd: 0.03, partsIterations: 3, ownIterations: 1 });
    expect(result.iterations).toBe(4);
    expect(result.cost.usd).toBeCloseTo(0.05, 5);
    expect(f.origin('show', `aidp/issue-32:${PARTS_PROJECT.sub.file}`)).toBe(PARTS_PROJECT.sub.fixed.trim());
    expect(f.origin('show', 'aidp/issue-32:docs/math.md')).toContain('add, mul and sub');
    // The parent's prompt showed what still failed after the merge.
    const parentPrompt = agent.invocations().find((i) => i.prompt.includes('# Issue #32'))!.prompt;
    expect(parentPrompt).toContain('sub works');
    await recordHistory(f.harness.client, handle.workflowId, 'issue-to-pr-parts-final-loop');
  }, 180_000);

  it('a part that breaks a test that passed is not done: it is told what it broke, and done once it repairs it', async () => {
    const agent = scriptAgent({
      rules: [
        NO_PLAN,
        {
          match: 'Your changes broke what passed',
          step: { write: { [PARTS_PROJECT.double.file]: PARTS_PROJECT.double.fixed }, complete: true },
        },
        part('1', ['add'], { write: { [PARTS_PROJECT.double.file]: "'use strict';\nexports.double = (a) => a * 3;\n" } }),
        part('2', ['mul']),
      ],
      default: {},
    });
    const f = await flow(agent, {}, undefined, createPartsProjectWithOrigin(['add', 'mul']));
    f.gh.addIssue(REPO, { number: 33, title: 'Two bugs', body: '## Tasks\n- Fix add\n- Fix mul\n' });
    const { handle, result } = await runIssue(f, 33);

    expect(result.outcome).toBe('completed');
    const first = await partResult(f, `${handle.workflowId}.sub-1`);
    expect(first.iterations).toBe(2);
    expect(first.goal).toMatchObject({ met: true, broken: [], removed: [failing('add')] });
    const prompts = agent.invocations().filter((i) => i.cwd.endsWith('-33.sub-1'));
    expect(prompts).toHaveLength(2);
    expect(prompts[1]!.prompt).toContain('Your changes broke what passed when this part started (1)');
    expect(prompts[1]!.prompt).toContain('double works');
    expect(f.origin('show', `aidp/issue-33:${PARTS_PROJECT.double.file}`)).toBe(PARTS_PROJECT.double.fixed.trim());
    await recordHistory(f.harness.client, `${handle.workflowId}.sub-1`, 'sub-issue-part-broke-then-repaired');
  }, 180_000);

  it('a part that keeps a test broken fails the issue run with what it broke', async () => {
    const agent = scriptAgent({
      rules: [
        NO_PLAN,
        part('1', ['add'], { write: { [PARTS_PROJECT.double.file]: "'use strict';\nexports.double = (a) => a * 3;\n" } }),
        part('2', ['mul']),
      ],
      default: {},
    });
    const f = await flow(agent, { work_loop: { max_iterations: 1 } }, undefined, createPartsProjectWithOrigin(['add', 'mul']));
    f.gh.addIssue(REPO, { number: 34, title: 'Two bugs', body: '## Tasks\n- Fix add\n- Fix mul\n' });
    const failure = await failureOf(f, 34);
    expect(failure.type).toBe('MaxIterationsReached');
    expect(failure.message).toBe(
      `MaxIterationsReached: sub-task 1 "Fix add" failed: the part is not done after 1 of 1 iterations: it broke something that passed when it started: ${failing('double')}`,
    );
    expect(f.gh.pulls(REPO)).toHaveLength(0);
  }, 180_000);

  it('a plan’s part checks narrow the real `node --test` run to the part’s own test file', async () => {
    const agent = scriptAgent({
      rules: [
        planAnswer({
          steps: [{ title: 'Fix add and mul' }],
          decompose: true,
          subTasks: [
            { title: 'Fix add', detail: 'src/add.js', checks: [{ check: 'test', files: [PARTS_PROJECT.add.test] }] },
            { title: 'Fix mul', detail: 'src/mul.js', checks: [{ check: 'test', files: [PARTS_PROJECT.mul.test] }] },
          ],
        }),
        // Judged by their own checks: the agent's word is not needed.
        part('1', ['add'], { complete: false }),
        part('2', ['mul'], { complete: false }),
      ],
      default: {},
    });
    const f = await flow(agent, {}, undefined, createPartsProjectWithOrigin(['add', 'mul']));
    f.gh.addIssue(REPO, { number: 35, title: 'Two bugs', body: 'add and mul are both wrong.' });
    const { handle, result } = await runIssue(f, 35);

    expect(result.outcome).toBe('completed');
    expect(result.children.map((c) => [c.goal?.rule, c.goal?.met, c.goal?.removed])).toEqual([
      ['part_checks', true, [failing('add')]],
      ['part_checks', true, [failing('mul')]],
    ]);
    // The part's own check ran `node --test` on its test file only.
    const logs = checkLogs(f, `${handle.workflowId}.sub-1`);
    const own = Object.entries(logs).filter(([name]) => name.includes('part'));
    expect(own.length).toBeGreaterThan(0);
    for (const [, text] of own) {
      expect(text).toContain('add works');
      expect(text).not.toContain('mul works');
      expect(text).not.toContain('double works');
    }
    const prompt = agent.invocations().find((i) => i.prompt.includes('Sub-task 1 of the issue'))!.prompt;
    expect(prompt).toContain('The part is done when its own checks pass');
    expect(prompt).toContain(PARTS_PROJECT.add.test);
    await recordHistory(f.harness.client, handle.workflowId, 'issue-to-pr-part-checks');
    await recordHistory(f.harness.client, `${handle.workflowId}.sub-1`, 'sub-issue-part-checks');
  }, 180_000);

  it('nested parts at depth 2, each partial: the middle part is done when its own parts are, and the whole is green', async () => {
    const agent = scriptAgent({ rules: [NO_PLAN, part('1.1', ['add']), part('1.2', ['mul']), part('2', ['sub'])], default: {} });
    const f = await flow(agent, {}, undefined, createPartsProjectWithOrigin());
    f.gh.addIssue(REPO, { number: 36, title: 'Nested', body: '## Tasks\n- Arithmetic\n  - Fix add\n  - Fix mul\n- Fix sub\n' });
    const { handle, result } = await runIssue(f, 36);

    expect(result.outcome).toBe('completed');
    expect(result.finalChecks?.passing).toBe(true);
    const middle = await partResult(f, `${handle.workflowId}.sub-1`);
    expect(middle.children.map((c) => [c.subIssueId, c.goal?.met])).toEqual([
      ['1.1', true],
      ['1.2', true],
    ]);
    // Done by its parts: no iteration of its own, both of its failures removed, the third left to part 2.
    expect(middle.goal).toEqual({
      rule: 'no_regression',
      met: true,
      removed: [failing('add'), failing('mul')],
      left: [failing('sub')],
      broken: [],
    });
    expect(agent.invocations().filter((i) => i.cwd.endsWith('-36.sub-1'))).toHaveLength(0);
    for (const fn of ['add', 'mul', 'sub'] as const) {
      expect(f.origin('show', `aidp/issue-36:${PARTS_PROJECT[fn].file}`)).toBe(PARTS_PROJECT[fn].fixed.trim());
    }
    await recordHistory(f.harness.client, handle.workflowId, 'issue-to-pr-parts-nested');
    await recordHistory(f.harness.client, `${handle.workflowId}.sub-1`, 'sub-issue-parts-nested');
  }, 240_000);
});
