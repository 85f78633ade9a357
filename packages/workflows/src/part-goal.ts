// How a part of a decomposed run judges itself, as pure functions: the checks when the parts started
// (the baseline), what a later run of the checks removed, left and broke compared with it, and whether
// the part is done by its rule (see `PartRule`). No Temporal and no I/O: tested as plain functions.
import {
  PART_LIST_CAP,
  failureId,
  type ChecksBaseline,
  type Diagnosis,
  type PartCheck,
  type PartGoal,
  type PartRule,
  type SubTask,
  type TestResults,
} from './contracts/index.js';

/** What a part works towards: its own checks (none: the no-regression rule) and its starting point. */
export interface PartGoalSpec {
  baseline: ChecksBaseline;
  checks: PartCheck[];
  /** Failures of the baseline that the part's own words name: they must be gone for it to be done. */
  names: string[];
}

/** The checks' state as a baseline for parts: which passed, and each failing one's failures. */
export function baselineOf(results: TestResults): ChecksBaseline {
  return {
    checks: results.checks.map((c) => ({
      name: c.name,
      required: c.required,
      passed: c.passed,
      ...(!c.passed && c.failures ? { failures: c.failures } : {}),
    })),
  };
}

/** A whole check as one entry, when its failures cannot be listed one by one. */
function wholeCheck(name: string): string {
  return `${name} (the whole check)`;
}

function cap(list: string[]): string[] {
  return list.length <= PART_LIST_CAP ? list : [...list.slice(0, PART_LIST_CAP - 1), `… and ${list.length - PART_LIST_CAP + 1} more`];
}

/** What the checks now removed, left and broke compared with the baseline. Optional checks never count. */
export function compareWithBaseline(
  baseline: ChecksBaseline,
  results: TestResults,
): { removed: string[]; left: string[]; broken: string[] } {
  const removed: string[] = [];
  const left: string[] = [];
  const broken: string[] = [];
  for (const now of results.checks) {
    if (!now.required) continue;
    // A check the baseline does not know passed there: it is new, and must not fail.
    const before = baseline.checks.find((c) => c.name === now.name) ?? { name: now.name, required: true, passed: true };
    if (now.passed) {
      if (!before.passed) removed.push(...(before.failures ?? [wholeCheck(now.name)]));
      continue;
    }
    if (before.passed) {
      broken.push(...(now.failures ?? [wholeCheck(now.name)]));
    } else if (now.failures && before.failures) {
      const was = new Set(before.failures);
      const is = new Set(now.failures);
      broken.push(...now.failures.filter((f) => !was.has(f)));
      left.push(...now.failures.filter((f) => was.has(f)));
      removed.push(...before.failures.filter((f) => !is.has(f)));
    } else if (before.failures) {
      // It listed its failures before and cannot now: something the part did stops it from running.
      broken.push(`${now.name} (its failures can no longer be listed: it may not run any more)`);
    } else {
      // It failed before as a whole, and still does: the same failure as far as anyone can tell.
      left.push(...(now.failures ?? [wholeCheck(now.name)]));
    }
  }
  return { removed, left, broken };
}

/**
 * The baseline's failures that a part's words name (a test's name, quoted or not, in its title or
 * detail): the part is about them, so they must be gone before it is done by the no-regression rule.
 */
export function failuresNamedBy(subTask: Pick<SubTask, 'title' | 'detail'>, baseline: ChecksBaseline): string[] {
  const text = `${subTask.title}\n${subTask.detail}`.toLowerCase();
  const named: string[] = [];
  for (const check of baseline.checks) {
    for (const id of check.failures ?? []) {
      // An id is `<check>: <test name>`; the name alone is what an issue would quote.
      const name = id
        .slice(check.name.length + 2)
        .trim()
        .toLowerCase();
      if (name.length >= 4 && text.includes(name)) named.push(id);
    }
  }
  return named;
}

/** The rule a part is judged by. */
export function partRule(goal: Pick<PartGoalSpec, 'checks'>): PartRule {
  return goal.checks.length > 0 ? 'part_checks' : 'no_regression';
}

/**
 * Judges a part after a run of its checks: `partChecks` is the run of its own checks (null when it
 * has none), `all` the run of every configured check (null when none are configured), and
 * `reportedComplete` whether the agent said the part is complete.
 */
export function judgePart(
  goal: PartGoalSpec,
  runs: { partChecks: TestResults | null; all: TestResults | null; reportedComplete: boolean },
): PartGoal {
  const rule = partRule(goal);
  const { removed, left, broken } = runs.all ? compareWithBaseline(goal.baseline, runs.all) : { removed: [], left: [], broken: [] };
  const stillNamed = goal.names.filter((n) => left.includes(n));
  let pending: string | undefined;
  if (rule === 'part_checks' && runs.partChecks?.passing !== true) {
    const failing = (runs.partChecks?.checks ?? []).filter((c) => !c.passed).map((c) => c.name);
    pending = `its own checks fail: ${failing.join(', ') || 'they did not run'}`;
  } else if (broken.length > 0) {
    pending = `it broke ${broken.length === 1 ? 'something that passed' : `${broken.length} things that passed`} when it started: ${broken.slice(0, 3).join('; ')}${broken.length > 3 ? '; …' : ''}`;
  } else if (rule === 'no_regression' && stillNamed.length > 0) {
    pending = `the failures it names still fail: ${stillNamed.slice(0, 3).join('; ')}${stillNamed.length > 3 ? '; …' : ''}`;
  } else if (rule === 'no_regression' && !runs.reportedComplete) {
    pending = 'the agent has not reported the part complete (a line "STATUS: COMPLETE")';
  }
  return {
    rule,
    met: pending === undefined,
    removed: cap(removed),
    left: cap(left),
    broken: cap(broken),
    ...(pending ? { pending } : {}),
  };
}

/**
 * The diagnosis for a part that is not done yet, from the diagnosis of every check: what it broke
 * comes first and alone, with a line saying so; otherwise the failures stay, with a line saying they
 * were there when the part started and only those of its part are its work.
 */
export function partDiagnosis(diagnosis: Diagnosis, verdict: PartGoal): Diagnosis {
  if (verdict.broken.length > 0) {
    const broken = new Set(verdict.broken);
    const failures = diagnosis.failures.filter((f) => broken.has(failureId(f)));
    return {
      ...diagnosis,
      failures: failures.length > 0 ? failures : diagnosis.failures,
      omitted: failures.length > 0 ? Math.max(0, verdict.broken.length - failures.length) : diagnosis.omitted,
      summary: clip(
        `Your changes broke what passed when this part started (${verdict.broken.length}): fix that first. ${diagnosis.summary}`,
      ),
    };
  }
  return {
    ...diagnosis,
    summary: clip(
      `These failed already when this part started: fix those your part is about, leave the rest to the other parts. ${diagnosis.summary}`,
    ),
  };
}

// A diagnosis summary stays one short paragraph.
const MAX_SUMMARY = 600;
function clip(text: string): string {
  return text.length <= MAX_SUMMARY ? text : `${text.slice(0, MAX_SUMMARY - 1)}…`;
}
