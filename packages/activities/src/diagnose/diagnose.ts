import type { CheckResult, DiagnoseFailureInput, Diagnosis, Failure } from '@aidp/workflows/contracts';
import { parseCheckOutput } from './parse.js';
import type { FailureKind, ParsedFailure } from './runner.js';

// Turns a failed run of the checks into a `Diagnosis`: the failures worth showing the agent, most
// useful first, and one short line for people. Pure: the caller supplies each check's output.

/** At most this many failures are listed; the rest are counted in `omitted`. */
export const MAX_FAILURES = 30;

/** The summary is cut to this length. */
export const MAX_SUMMARY_LENGTH = 500;

interface Entry {
  found: ParsedFailure;
  required: boolean;
  checkIndex: number;
  index: number;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return seconds >= 120 ? `${Math.round(seconds / 60)} min` : `${seconds}s`;
}

/** How each kind of failure is counted in the summary, in the order the counts are listed. */
const KIND_PHRASES: Array<[FailureKind, string, string]> = [
  ['test', 'failing test', 'failing tests'],
  ['suite', 'test file that could not run', 'test files that could not run'],
  ['type', 'type error', 'type errors'],
  ['build', 'build error', 'build errors'],
  ['lint', 'lint error', 'lint errors'],
  ['lint-warning', 'lint warning', 'lint warnings'],
  ['error', 'error', 'errors'],
  ['warning', 'warning', 'warnings'],
];

function failuresOf(check: CheckResult, readOutput: (check: CheckResult) => string): ParsedFailure[] {
  let text: string;
  try {
    text = readOutput(check);
  } catch {
    text = check.outputTail;
  }
  if (text.trim() === '') text = check.outputTail;
  const found: ParsedFailure[] = [];
  if (check.timedOut) {
    found.push({
      kind: 'timeout',
      failure: {
        check: check.name,
        message: `timed out after ${formatDuration(check.durationMs)}; its output may be cut short`,
      },
    });
  }
  const parsed = parseCheckOutput(check.name, text).failures;
  found.push(...parsed);
  if (found.length === 0) {
    const how = check.exitCode === null ? 'was stopped' : `exited with code ${check.exitCode}`;
    found.push({ kind: 'output', failure: { check: check.name, message: `${how} and printed nothing` } });
  }
  return found;
}

function summarize(failedChecks: CheckResult[], entries: Entry[], listed: number): string {
  if (failedChecks.length === 0) return 'no checks failed';
  const required = failedChecks.filter((c) => c.required).map((c) => c.name);
  const optional = failedChecks.filter((c) => !c.required).map((c) => c.name);
  const names = [required.join(', '), optional.length > 0 ? `optional: ${optional.join(', ')}` : ''].filter((s) => s !== '').join('; ');
  const head = `${plural(failedChecks.length, 'check', 'checks')} failed (${names})`;

  const parts: string[] = [];
  const timedOut = failedChecks.filter((c) => c.timedOut).map((c) => c.name);
  if (timedOut.length > 0) parts.push(`${timedOut.join(', ')} timed out`);
  const counts = new Map<FailureKind, number>();
  for (const e of entries) counts.set(e.found.kind, (counts.get(e.found.kind) ?? 0) + 1);
  const countText = KIND_PHRASES.filter(([kind]) => (counts.get(kind) ?? 0) > 0)
    .map(([kind, one, many]) => plural(counts.get(kind) ?? 0, one, many))
    .join(', ');
  if (countText !== '') parts.push(countText);
  // Checks whose output had nothing structured in it.
  const unparsed = failedChecks
    .map((c, i) => ({ c, i }))
    .filter(({ c, i }) => !c.timedOut && entries.filter((e) => e.checkIndex === i).every((e) => e.found.kind === 'output'))
    .map(({ c }) => c.name);
  if (unparsed.length > 0) parts.push(`no recognisable failures in ${unparsed.join(', ')} (see the output)`);
  if (listed < entries.length) parts.push(`showing ${listed} of ${entries.length}`);

  const text = parts.length > 0 ? `${head}: ${parts.join('; ')}` : head;
  return text.length <= MAX_SUMMARY_LENGTH ? text : `${text.slice(0, MAX_SUMMARY_LENGTH - 1).trimEnd()}…`;
}

/**
 * Diagnoses a failed run of the checks. Each failed check (required ones first, then optional ones)
 * has its output parsed into failures; `readOutput` returns a check's full output (the caller reads
 * `logPath`, falling back to `outputTail`). The list is capped at `MAX_FAILURES`, every failed check
 * keeping at least one entry; failures from required checks come first and, within each group, those
 * pointing at a file before those that do not. A failure reported by two checks is listed once.
 */
export function diagnose(input: DiagnoseFailureInput, readOutput: (check: CheckResult) => string): Diagnosis {
  const failedChecks = [
    ...input.results.checks.filter((c) => !c.passed && c.required),
    ...input.results.checks.filter((c) => !c.passed && !c.required),
  ];

  const entries: Entry[] = [];
  const seen = new Set<string>();
  failedChecks.forEach((check, checkIndex) => {
    for (const found of failuresOf(check, readOutput)) {
      const f = found.failure;
      // Located failures are the same wherever they were reported; others only within one check.
      const key = JSON.stringify(f.file !== undefined ? [f.file, f.line, f.column, f.test, f.message] : [f.check, f.test, f.message]);
      if (seen.has(key)) continue;
      seen.add(key);
      entries.push({ found, required: check.required, checkIndex, index: entries.length });
    }
  });

  const rank = (e: Entry) => [e.required ? 0 : 1, e.found.failure.file !== undefined ? 0 : 1, e.checkIndex, e.index];
  const compare = (a: Entry, b: Entry) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < ra.length; i++) {
      const d = (ra[i] ?? 0) - (rb[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  };
  const sorted = [...entries].sort(compare);

  // Every failed check keeps its most useful failure; the rest of the room goes in order.
  const chosen = new Set<Entry>();
  for (let i = 0; i < failedChecks.length && chosen.size < MAX_FAILURES; i++) {
    const first = sorted.find((e) => e.checkIndex === i);
    if (first) chosen.add(first);
  }
  for (const e of sorted) {
    if (chosen.size >= MAX_FAILURES) break;
    chosen.add(e);
  }
  const failures: Failure[] = sorted.filter((e) => chosen.has(e)).map((e) => e.found.failure);

  return {
    iteration: input.iteration,
    failedChecks: failedChecks.map((c) => c.name),
    failures,
    omitted: entries.length - failures.length,
    summary: summarize(failedChecks, entries, failures.length),
  };
}
