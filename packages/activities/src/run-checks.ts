import { CancelledFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { join } from 'node:path';
import type { CheckResult, RunChecksInput, TestResults } from '@aidp/workflows/contracts';
import { checkEnvironment } from './environment.js';
import { lastLines, runProcess } from './process.js';

const TAIL_LINES = 40;

/** A check name as a file name. */
function fileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}

/**
 * Runs the configured checks one after another in the workspace (`sh -c <command>`), each with its
 * timeout. Every check runs, so the diagnosis sees every failure at once. Full output goes to
 * `<runDir>/iter-<n>/checks/<name>.log`; the result keeps a tail. Only required checks decide `passing`.
 */
export async function runChecks(input: RunChecksInput): Promise<TestResults> {
  const ctx = Context.current();
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
      pidFile: join(input.runDir, `iter-${input.iteration}`, 'checks.pid'),
    });
    if (outcome.cancelled) throw new CancelledFailure('the checks were cancelled; their processes were killed');
    const timedOutNote = outcome.timedOut
      ? `\n[aidp] ${check.name} timed out after ${Math.round(check.timeoutMs / 1000)} s and was killed`
      : '';
    checks.push({
      name: check.name,
      required: check.required,
      passed: outcome.exitCode === 0 && !outcome.timedOut,
      exitCode: outcome.exitCode,
      durationMs: outcome.durationMs,
      outputTail: lastLines(outcome.tail, TAIL_LINES) + timedOutNote,
      logPath,
      timedOut: outcome.timedOut,
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
