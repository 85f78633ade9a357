import { CancelledFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckResult, RunChecksInput, TestResults } from '@aidp/workflows/contracts';
import { itemiseFailures } from './diagnose/itemise.js';
import { checkEnvironment } from './environment.js';
import { lastLines, runProcess } from './process.js';

const TAIL_LINES = 40;
/** The end of a check's output kept in memory while it runs. */
const TAIL_BYTES = 4096;
/** A log longer than this is not itemised: reading only part of it could miss failures. */
const MAX_ITEMISED_LOG_BYTES = 2 * 1024 * 1024;

/** A check name as a file name. */
function fileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** The path with its links resolved, as tools that print absolute paths mostly print it. */
function resolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * A failed check's whole output: its log, or the tail kept in memory when the log cannot be read and
 * the tail holds everything. Undefined when neither holds the whole output.
 */
function wholeOutput(logPath: string, tail: string): string | undefined {
  try {
    if (statSync(logPath).size > MAX_ITEMISED_LOG_BYTES) return undefined;
    return readFileSync(logPath, 'utf8');
  } catch {
    return tail.length < TAIL_BYTES ? tail : undefined;
  }
}

/**
 * Runs the configured checks one after another in the workspace (`sh -c <command>`), each with its
 * timeout. Every check runs, so the diagnosis sees every failure at once. Full output goes to
 * `<runDir>/iter-<n>/checks/<name>.log`; the result keeps a tail and, when `itemise` asks for it, for a
 * failed check whose output a runner's parser reads failure by failure, the ids of its failures. Only required checks decide
 * `passing`.
 */
export async function runChecks(input: RunChecksInput): Promise<TestResults> {
  const ctx = Context.current();
  const workspaces = input.itemise ? [input.workspace, resolved(input.workspace)] : [];
  const heartbeatEvery = Math.max(1_000, Math.min((ctx.info.heartbeatTimeoutMs ?? 30_000) / 3, 10_000));
  const checks: CheckResult[] = [];
  for (const check of input.checks) {
    const logPath = join(input.runDir, `iter-${input.iteration}`, 'checks', `${fileName(check.name)}.log`);
    const outcome = await runProcess({
      command: 'sh',
      args: ['-c', check.command],
      cwd: input.workspace,
      env: checkEnvironment(process.env),
      logPath,
      timeoutMs: check.timeoutMs,
      signal: ctx.cancellationSignal,
      onTick: () => ctx.heartbeat({ iteration: input.iteration, check: check.name }),
      tickMs: heartbeatEvery,
      tailBytes: TAIL_BYTES,
      pidFile: join(input.runDir, `iter-${input.iteration}`, 'checks.pid'),
    });
    if (outcome.cancelled) throw new CancelledFailure('the checks were cancelled; their processes were killed');
    const timedOutNote = outcome.timedOut
      ? `\n[aidp] ${check.name} timed out after ${Math.round(check.timeoutMs / 1000)} s and was killed`
      : '';
    const passed = outcome.exitCode === 0 && !outcome.timedOut;
    const output = !input.itemise || passed || outcome.timedOut ? undefined : wholeOutput(logPath, outcome.tail);
    const failures = output === undefined ? undefined : itemiseFailures(check.name, output, { workspace: workspaces });
    checks.push({
      name: check.name,
      required: check.required,
      passed,
      exitCode: outcome.exitCode,
      durationMs: outcome.durationMs,
      outputTail: lastLines(outcome.tail, TAIL_LINES) + timedOutNote,
      logPath,
      timedOut: outcome.timedOut,
      ...(failures !== undefined ? { failures } : {}),
    });
    ctx.heartbeat({ iteration: input.iteration, check: check.name });
    const done = checks[checks.length - 1]!;
    ctx.log.debug('check finished', {
      iteration: input.iteration,
      check: check.name,
      passed: done.passed,
      exitCode: done.exitCode,
      timedOut: done.timedOut,
      durationMs: done.durationMs,
    });
  }
  const passing = checks.every((c) => !c.required || c.passed);
  // Names and counts only: a check's output stays in its log file.
  ctx.log.info('checks finished', {
    iteration: input.iteration,
    passing,
    passed: checks.filter((c) => c.passed).length,
    total: checks.length,
    failed: checks.filter((c) => !c.passed).map((c) => c.name),
  });
  return { iteration: input.iteration, passing, checks };
}
