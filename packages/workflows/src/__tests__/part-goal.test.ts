import type { CheckResult, Diagnosis, PartCheck, TestResults } from '../contracts';
import { PART_LIST_CAP, failureId } from '../contracts';
import { partsBudget, stopReason } from '../loop-decisions';
import { baselineOf, compareWithBaseline, failuresNamedBy, judgePart, partDiagnosis, type PartGoalSpec } from '../part-goal';
import { initialRunState, partJudged, partsStarting, progressOf } from '../run-state';

// How a part of a decomposed run judges itself, as plain functions.

function check(name: string, passed: boolean, failures?: string[], required = true): CheckResult {
  return {
    name,
    required,
    passed,
    exitCode: passed ? 0 : 1,
    durationMs: 1,
    outputTail: '',
    logPath: '',
    timedOut: false,
    ...(failures ? { failures } : {}),
  };
}

function results(...checks: CheckResult[]): TestResults {
  return { iteration: 1, passing: checks.every((c) => !c.required || c.passed), checks };
}

const A = 'test: add sums two numbers';
const B = 'test: mul multiplies';
const C = 'test: sub subtracts';
// Two bugs, two failing tests, one passing: where the parts start.
const START = baselineOf(results(check('test', false, [A, B]), check('lint', true)));
const PART_CHECK: PartCheck = {
  name: 'test (part)',
  command: "node --test 'test/add.test.js'",
  required: true,
  timeoutMs: 1000,
  check: 'test',
  files: ['test/add.test.js'],
};
const noRegression = (names: string[] = []): PartGoalSpec => ({ baseline: START, checks: [], names });
const withChecks: PartGoalSpec = { baseline: START, checks: [PART_CHECK], names: [] };

describe('the baseline and what a part changed', () => {
  it('keeps which checks passed and the failures of those that failed', () => {
    expect(START).toEqual({
      checks: [
        { name: 'test', required: true, passed: false, failures: [A, B] },
        { name: 'lint', required: true, passed: true },
      ],
    });
  });

  it.each<[string, TestResults, { removed: string[]; left: string[]; broken: string[] }]>([
    ['fixing one of two failures', results(check('test', false, [B]), check('lint', true)), { removed: [A], left: [B], broken: [] }],
    ['fixing both', results(check('test', true), check('lint', true)), { removed: [A, B], left: [], broken: [] }],
    ['breaking a passing test', results(check('test', false, [A, B, C]), check('lint', true)), { removed: [], left: [A, B], broken: [C] }],
    [
      'breaking a passing check whose failures cannot be listed',
      results(check('test', false, [A, B]), check('lint', false)),
      { removed: [], left: [A, B], broken: ['lint (the whole check)'] },
    ],
    [
      'a check that listed its failures and now cannot (it may no longer run)',
      results(check('test', false), check('lint', true)),
      { removed: [], left: [], broken: ['test (its failures can no longer be listed: it may not run any more)'] },
    ],
    [
      'a new check that fails',
      results(check('test', false, [A, B]), check('lint', true), check('types', false, ['types: src/a.ts: bad'])),
      { removed: [], left: [A, B], broken: ['types: src/a.ts: bad'] },
    ],
    [
      'an optional check that fails (never counts)',
      results(check('test', false, [A, B]), check('lint', true), check('style', false, undefined, false)),
      { removed: [], left: [A, B], broken: [] },
    ],
  ])('%s', (_, now, expected) => {
    expect(compareWithBaseline(START, now)).toEqual(expected);
  });

  it('compares whole checks when neither run could list the failures', () => {
    const start = baselineOf(results(check('build', false)));
    expect(compareWithBaseline(start, results(check('build', false)))).toEqual({
      removed: [],
      left: ['build (the whole check)'],
      broken: [],
    });
    expect(compareWithBaseline(start, results(check('build', true)))).toEqual({
      removed: ['build (the whole check)'],
      left: [],
      broken: [],
    });
  });
});

describe('a part judged by its rule', () => {
  it('no_regression: done when the agent reports it complete and nothing broke, whatever other parts left', () => {
    const now = results(check('test', false, [B]), check('lint', true));
    const verdict = judgePart(noRegression(), { partChecks: null, all: now, reportedComplete: true });
    expect(verdict).toEqual({ rule: 'no_regression', met: true, removed: [A], left: [B], broken: [] });
    const notYet = judgePart(noRegression(), { partChecks: null, all: now, reportedComplete: false });
    expect(notYet.met).toBe(false);
    expect(notYet.pending).toContain('STATUS: COMPLETE');
  });

  it('no_regression: not done while it breaks what passed, even when the agent says it is complete', () => {
    const verdict = judgePart(noRegression(), {
      partChecks: null,
      all: results(check('test', false, [B, C]), check('lint', true)),
      reportedComplete: true,
    });
    expect(verdict).toMatchObject({ met: false, broken: [C] });
    expect(verdict.pending).toBe(`it broke something that passed when it started: ${C}`);
  });

  it('no_regression: not done while a failure its words name still fails', () => {
    const named = failuresNamedBy({ title: 'Fix add', detail: 'The test "add sums two numbers" fails.' }, START);
    expect(named).toEqual([A]);
    const verdict = judgePart(noRegression(named), {
      partChecks: null,
      all: results(check('test', false, [A]), check('lint', true)),
      reportedComplete: true,
    });
    expect(verdict.met).toBe(false);
    expect(verdict.pending).toBe(`the failures it names still fail: ${A}`);
  });

  it('no_regression with no checks configured: the agent’s word decides', () => {
    const empty: PartGoalSpec = { baseline: { checks: [] }, checks: [], names: [] };
    expect(judgePart(empty, { partChecks: null, all: null, reportedComplete: true }).met).toBe(true);
    expect(judgePart(empty, { partChecks: null, all: null, reportedComplete: false }).met).toBe(false);
  });

  it('part_checks: not done while its own checks fail; done once they pass and nothing broke, without the agent’s word', () => {
    const failingOwn = judgePart(withChecks, {
      partChecks: results(check('test (part)', false)),
      all: null,
      reportedComplete: true,
    });
    expect(failingOwn).toMatchObject({ rule: 'part_checks', met: false, pending: 'its own checks fail: test (part)' });
    const done = judgePart(withChecks, {
      partChecks: results(check('test (part)', true)),
      all: results(check('test', false, [B]), check('lint', true)),
      reportedComplete: false,
    });
    expect(done).toEqual({ rule: 'part_checks', met: true, removed: [A], left: [B], broken: [] });
    const broke = judgePart(withChecks, {
      partChecks: results(check('test (part)', true)),
      all: results(check('test', false, [B]), check('lint', false)),
      reportedComplete: true,
    });
    expect(broke).toMatchObject({ met: false, broken: ['lint (the whole check)'] });
  });

  it('caps every list, saying how many more there were', () => {
    const many = Array.from({ length: PART_LIST_CAP + 10 }, (_, i) => `test: t${i}`);
    const verdict = judgePart(
      { baseline: baselineOf(results(check('test', true))), checks: [], names: [] },
      { partChecks: null, all: results(check('test', false, many)), reportedComplete: true },
    );
    expect(verdict.broken).toHaveLength(PART_LIST_CAP);
    expect(verdict.broken.at(-1)).toBe('… and 11 more');
  });
});

describe('what the part’s agent is told', () => {
  const diagnosis: Diagnosis = {
    iteration: 2,
    failedChecks: ['test'],
    failures: [
      { check: 'test', test: 'mul multiplies', message: 'expected 6' },
      { check: 'test', test: 'sub subtracts', message: 'expected 1' },
    ],
    omitted: 0,
    summary: '1 check failed (test): 2 failing tests',
  };

  it('what it broke, alone and first', () => {
    const verdict = judgePart(noRegression(), {
      partChecks: null,
      all: results(check('test', false, [B, C])),
      reportedComplete: true,
    });
    const focused = partDiagnosis(diagnosis, verdict);
    expect(focused.failures.map(failureId)).toEqual([C]);
    expect(focused.summary).toMatch(/^Your changes broke what passed when this part started \(1\): fix that first\./);
  });

  it('otherwise every failure, marked as there before the part started', () => {
    const verdict = judgePart(noRegression(), { partChecks: null, all: results(check('test', false, [B])), reportedComplete: false });
    const focused = partDiagnosis(diagnosis, verdict);
    expect(focused.failures).toEqual(diagnosis.failures);
    expect(focused.summary).toContain('leave the rest to the other parts');
  });
});

describe('budgets and progress of a decomposed run', () => {
  it('gives the parts their share of what is left of the budget, and nothing without one', () => {
    expect(partsBudget({ maxCostUsd: 10 }, 2)).toBeCloseTo(4.8);
    expect(partsBudget({ maxCostUsd: 10, partsShare: 0.5 }, 0)).toBe(5);
    expect(partsBudget({ maxCostUsd: 1 }, 3)).toBe(0);
    expect(partsBudget(undefined, 0)).toBeNull();
  });

  it('says why a part stops at its iteration limit', () => {
    expect(
      stopReason({ iteration: 3, maxIterations: 3, costUsd: 0, elapsedMs: 0, partPending: 'its own checks fail: test (part)' }),
    ).toEqual({
      type: 'MaxIterationsReached',
      message: 'the part is not done after 3 of 3 iterations: its own checks fail: test (part)',
    });
  });

  it('shows the part’s verdict, and a parent’s parts budget, spend and own iterations, in progress', () => {
    const T = '2026-01-01T00:00:00.000Z';
    const identity = { workflowType: 'IssueToPrWorkflow' as const, subject: { kind: 'issue' as const, repo: 'a/b', issueNumber: 1 } };
    const run = { ...identity, maxIterations: 5, tiers: [{ provider: 'p', model: 'm' }] };
    const parent = partsStarting({ ...initialRunState(undefined, 1, T), iteration: 2, childIterations: 4 }, 6, T);
    expect(progressOf(parent, run).decomposition).toEqual({ partsBudgetUsd: 6, partsCostUsd: 0, partsIterations: 4, ownIterations: 2 });
    expect(progressOf(initialRunState(undefined, 1, T), run).decomposition).toBeUndefined();
    const verdict = judgePart(noRegression(), { partChecks: null, all: results(check('test', false, [B])), reportedComplete: true });
    expect(progressOf(partJudged(initialRunState(undefined, 1, T), verdict, T), run).part).toEqual(verdict);
  });
});
