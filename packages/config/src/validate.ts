/**
 * Validation against {@link AidpConfigSchema}, with valibot's issues turned into messages a user
 * reads: the source of the value, the key path, what was expected and what was found.
 */
import * as v from 'valibot';

import { closestMatch, describeValue, makeIssue, type ConfigIssue } from './errors.js';
import { formatKeyPath, getAtPath, isPlainObject, isUnder, type PathSegment } from './paths.js';
import { AidpConfigSchema, type AidpConfig } from './schema.js';
import { findStructuralProblems } from './schema-walk.js';
import { isSecretKey } from './secrets.js';

/** Result of {@link validateConfig}: the configuration when valid, and every issue found. */
export interface ValidationResult {
  /** The validated, normalised configuration; undefined when there were issues. */
  config?: AidpConfig;
  /** Every problem found. */
  issues: ConfigIssue[];
}

/** Options for {@link validateConfig}. */
export interface ValidateOptions {
  /** Names the source of the value at a key path (file, variable or flag). */
  sourceOf?: (path: readonly PathSegment[]) => string;
  /** Key paths already reported by an earlier step; issues at or under them are not repeated. */
  skip?: readonly PathSegment[][];
}

/**
 * Lists that may be left out but not written empty. The schema cannot tell the two apart (a default
 * goes through the same pipeline as a written value), so they are checked on the data as written.
 *
 * `work_loop.checks`: with no checks, the agent decides when the work is done by printing
 * `STATUS: COMPLETE`; that is what leaving the key out means. An explicit `[]` reads like "the checks
 * are set up" while nothing is checked, so it is refused with both ways forward.
 */
const EMPTY_LIST_RULES: ReadonlyArray<{ path: PathSegment[]; expected: string; message: string }> = [
  {
    path: ['work_loop', 'checks'],
    expected: 'at least one check, or no checks key at all',
    message:
      'an empty list of checks is not allowed: remove the key to let the agent decide when the work is done (it prints "STATUS: COMPLETE"), or add a check',
  },
];

function issuePath(issue: v.BaseIssue<unknown>): PathSegment[] {
  return (issue.path ?? []).map((item) => {
    const key = (item as { key: unknown }).key;
    return typeof key === 'number' ? key : String(key);
  });
}

/**
 * A union (such as `tls: boolean | { ca_file, … }`) that fails on an object or a list reports one
 * issue for the whole value; the issues of the object or list option say what is actually wrong
 * inside it, so they replace it (with the union's path in front).
 */
function expandUnionIssues(issues: readonly v.BaseIssue<unknown>[]): v.BaseIssue<unknown>[] {
  const out: v.BaseIssue<unknown>[] = [];
  for (const issue of issues) {
    const nested = (issue.issues ?? []).filter((sub) => (sub.path?.length ?? 0) > 0);
    const structured = isPlainObject(issue.input) || Array.isArray(issue.input);
    if (issue.type !== 'union' || !structured || nested.length === 0) {
      out.push(issue);
      continue;
    }
    const prefix = issue.path ?? [];
    const prefixed = nested.map((sub) => ({ ...sub, path: [...prefix, ...(sub.path ?? [])] }) as v.BaseIssue<unknown>);
    out.push(...expandUnionIssues(prefixed));
  }
  return out;
}

function shownValue(path: readonly PathSegment[], value: unknown): string {
  return isSecretKey(formatKeyPath(path)) && value !== undefined ? '(secret, not shown)' : describeValue(value);
}

/**
 * Validates and normalises merged configuration data: unknown keys (with a "did you mean" when a
 * known key is close), wrong types and out-of-range values, all reported together. Applies defaults,
 * turns durations into seconds and command strings into argv.
 */
export function validateConfig(data: unknown, options: ValidateOptions = {}): ValidationResult {
  const sourceOf = options.sourceOf ?? (() => '');
  const reported: PathSegment[][] = [...(options.skip ?? [])];
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  const add = (issue: ConfigIssue) => {
    const key = `${issue.keyPath}\u0000${issue.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    issues.push(issue);
  };
  const alreadyReported = (path: readonly PathSegment[]) => reported.some((done) => isUnder(path, done));

  for (const problem of findStructuralProblems(AidpConfigSchema, data)) {
    if (alreadyReported(problem.path)) continue;
    const keyPath = formatKeyPath(problem.path);
    if (problem.kind === 'unknown-key') {
      const suggestion = closestMatch(problem.key, problem.knownKeys);
      add(
        makeIssue({
          source: sourceOf(problem.path),
          keyPath,
          expected: `one of the keys ${problem.knownKeys.join(', ')}`,
          found: JSON.stringify(problem.key),
          ...(suggestion ? { hint: `did you mean "${suggestion}"?` } : {}),
          message: suggestion
            ? `unknown key; did you mean "${suggestion}"?`
            : `unknown key; known keys here: ${problem.knownKeys.join(', ')}`,
        }),
      );
    } else {
      add(makeIssue({ source: sourceOf(problem.path), keyPath, expected: problem.expected, found: 'a list' }));
    }
    reported.push(problem.path);
  }

  for (const rule of EMPTY_LIST_RULES) {
    const value = getAtPath(data, rule.path);
    if (!Array.isArray(value) || value.length > 0 || alreadyReported(rule.path)) continue;
    add(
      makeIssue({
        source: sourceOf(rule.path),
        keyPath: formatKeyPath(rule.path),
        expected: rule.expected,
        found: 'an empty list',
        message: rule.message,
      }),
    );
    reported.push(rule.path);
  }

  const result = v.safeParse(AidpConfigSchema, data, { abortEarly: false });
  if (result.success && issues.length === 0) return { config: result.output, issues };

  for (const issue of expandUnionIssues(result.issues ?? [])) {
    // Unknown keys were reported above, all of them and with suggestions.
    if (issue.type === 'strict_object' && issue.expected === 'never') continue;
    const path = issuePath(issue);
    if (alreadyReported(path)) continue;
    const keyPath = formatKeyPath(path);
    const source = sourceOf(path);
    const lastItem = issue.path?.[issue.path.length - 1] as { origin?: string } | undefined;
    if (issue.input === undefined && lastItem?.origin === 'key') {
      add(makeIssue({ source, keyPath, expected: 'a value', found: 'nothing', message: 'required key is missing' }));
      continue;
    }
    add(makeIssue({ source, keyPath, expected: issue.message, found: shownValue(path, issue.input) }));
  }
  return { issues };
}
