import type { Failure } from '@aidp/workflows/contracts';
import type { ParsedFailure, Runner, RunnerParser } from './runner.js';
import { eslint } from './runners/eslint.js';
import { parseGeneric } from './runners/generic.js';
import { go } from './runners/go.js';
import { jest } from './runners/jest.js';
import { nodeTestSpec, nodeTestTap } from './runners/node-test.js';
import { pytest } from './runners/pytest.js';
import { tsc } from './runners/tsc.js';
import { vitest } from './runners/vitest.js';
import { normalizeOutput } from './text.js';

// Turns the text a check printed into structured failures: every runner that recognises the output
// reads it (each in its module under ./runners), and the generic fallback reads what none did.

/** Every supported runner, most specific first: the order in which their failures are listed. */
const RUNNERS: readonly RunnerParser[] = [jest, vitest, nodeTestTap, nodeTestSpec, pytest, go, tsc, eslint];

export interface ParsedOutput {
  /** The parsers that recognised the output, most specific first; `['generic']` when none did. */
  runners: Runner[];
  failures: ParsedFailure[];
}

function recognising(text: string): RunnerParser[] {
  return RUNNERS.filter((parser) => parser.detect(text));
}

/** The parsers that recognise `output` (already normalised or not), most specific first. */
export function detectRunners(output: string): Runner[] {
  return recognising(normalizeOutput(output)).map((parser) => parser.runner);
}

function locationKey(f: Failure): string | undefined {
  return f.file !== undefined && f.line !== undefined && f.column !== undefined ? `${f.file}:${f.line}:${f.column}` : undefined;
}

/**
 * Like `parseFailures`, with the runners that recognised the output and what kind each failure is.
 * Every recognising parser runs (a check may chain tools, e.g. `tsc && jest`); a later parser's
 * failure at a position an earlier one already reported is dropped. When no parser finds anything,
 * the generic fallback does.
 */
export function parseCheckOutput(check: string, output: string): ParsedOutput {
  const text = normalizeOutput(output);
  const parsers = recognising(text);
  const runners: Runner[] = parsers.map((parser) => parser.runner);
  const seen = new Set<string>();
  const taken = new Set<string>();
  const failures: ParsedFailure[] = [];
  const add = (found: ParsedFailure[], fromParser: Set<string>) => {
    for (const f of found) {
      const key = JSON.stringify([f.failure.file, f.failure.line, f.failure.column, f.failure.test, f.failure.message]);
      if (seen.has(key)) continue;
      const loc = locationKey(f.failure);
      if (loc !== undefined && taken.has(loc) && !fromParser.has(loc)) continue;
      seen.add(key);
      if (loc !== undefined) fromParser.add(loc);
      failures.push(f);
    }
  };
  for (const parser of parsers) {
    const own = new Set<string>();
    add(parser.parse(check, text), own);
    for (const loc of own) taken.add(loc);
  }
  if (failures.length > 0) return { runners, failures };
  add(parseGeneric(check, text), new Set());
  return { runners: [...runners, 'generic'], failures };
}

/**
 * The failures in a check's output. The runner is detected from the output itself; ANSI codes are
 * stripped, messages trimmed to `MAX_MESSAGE_LENGTH` and duplicates dropped.
 */
export function parseFailures(check: string, output: string): Failure[] {
  return parseCheckOutput(check, output).failures.map((f) => f.failure);
}
