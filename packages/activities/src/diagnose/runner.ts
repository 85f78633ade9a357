import type { Failure } from '@aidp/workflows/contracts';
import type { Location } from './location.js';

// What one runner module provides, and what its parser returns. Parsers are pure string work: no
// I/O, no clock, no environment.

/** The tools whose output is recognised. `generic` is the fallback for anything else. */
export type Runner = 'jest' | 'vitest' | 'node-test-tap' | 'node-test-spec' | 'pytest' | 'go' | 'eslint' | 'tsc' | 'generic';

/**
 * What a failure is, for counting in summaries: a failing test, a test file that could not even run, a
 * lint problem, a type error, a compile error, some other located error or warning, plain output with
 * nothing recognisable in it, or (added by `diagnose`, never by a parser) a check that timed out.
 */
export type FailureKind = 'timeout' | 'test' | 'suite' | 'lint' | 'lint-warning' | 'type' | 'build' | 'error' | 'warning' | 'output';

export interface ParsedFailure {
  failure: Failure;
  kind: FailureKind;
}

/** One tool's output: how to recognise it, and how to read the failures out of it (normalised text). */
export interface RunnerParser {
  runner: Exclude<Runner, 'generic'>;
  detect(text: string): boolean;
  parse(check: string, text: string): ParsedFailure[];
}

/** A failure of `check`; an empty message becomes `failed`, absent location parts are left out. */
export function failureAt(check: string, kind: FailureKind, message: string, loc?: Location, test?: string): ParsedFailure {
  const failure: Failure = { check, message: message === '' ? 'failed' : message };
  if (loc?.file) failure.file = loc.file;
  if (loc?.line !== undefined) failure.line = loc.line;
  if (loc?.column !== undefined) failure.column = loc.column;
  if (test !== undefined && test !== '') failure.test = test;
  return { failure, kind };
}
