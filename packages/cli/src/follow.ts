import type { BaseContext } from 'clipanion';
import type { AidpClient, AidpRunHandle } from '@aidp/client';
import type { IssueToPrResult, SubIssueResult, WorkLoopResult } from '@aidp/client/contracts';
import { modelText, paint, progressLine, progressPanel, usd } from './render.js';
import { commandLine } from './shell-quote.js';

/** Whether the output is a terminal that can show the live view. */
export function isTerminal(context: BaseContext): boolean {
  return (context.stdout as NodeJS.WriteStream).isTTY === true;
}

/**
 * What every `start` command prints: the run's ids and page, then either how to follow it or — with
 * `--follow` — the run itself until it ends (the exit code is its outcome).
 */
export async function reportStarted(
  context: BaseContext,
  client: AidpClient,
  handle: AidpRunHandle,
  options: { what: string; follow: boolean; colors: boolean },
): Promise<number> {
  const out = context.stdout;
  out.write(`Started ${options.what}\n`);
  out.write(`  workflow id: ${handle.workflowId}\n  run id:      ${handle.firstExecutionRunId}\n  ui:          ${handle.uiUrl}\n`);
  if (!options.follow) {
    out.write(`Follow it with: ${commandLine(['aidp', 'temporal', 'status'], [handle.workflowId], ['--follow'])}\n`);
    return 0;
  }
  return await followRun(context, client, handle, options.colors);
}

/**
 * Follows a run until it closes: a live view redrawn in place on a terminal, one line per change
 * otherwise. Then prints how it ended. Returns the exit code: 0 when the run reached its goal (or had
 * nothing to do), 1 when it failed, was cancelled, terminated or timed out.
 */
export async function followRun(context: BaseContext, client: AidpClient, handle: AidpRunHandle, colors: boolean): Promise<number> {
  const out = context.stdout;
  const live = isTerminal(context);
  const c = paint(colors);
  const budget = client.config.work_loop.max_cost_usd;
  let drawn = 0;
  let waitingForWorker = false;
  for await (const event of handle.follow()) {
    if (event.kind === 'no_worker') {
      // Said once per stretch without a worker; the run goes on once one polls its task queue.
      if (!waitingForWorker) {
        context.stderr.write(
          `${c.yellow(`no worker has answered since ${event.since.toISOString()} on task queue ${event.taskQueue}`)}; ` +
            `start one with: aidp temporal worker — still waiting (Ctrl+C stops following; the run goes on)\n`,
        );
        drawn = 0;
      }
      waitingForWorker = true;
      continue;
    }
    waitingForWorker = false;
    const progress = event.progress;
    if (live) {
      const lines = progressPanel(progress, c, budget);
      // Move up over the last frame and clear it, then draw the new one.
      out.write(`${drawn ? `\u001b[${drawn}A\u001b[J` : ''}${lines.join('\n')}\n`);
      drawn = lines.length;
    } else {
      out.write(`${progressLine(progress)}\n`);
    }
  }
  return await printOutcome(context, handle, colors);
}

/** How a closed run ended: its result, or why it did not reach its goal. */
export type RunOutcome =
  | { reachedGoal: true; result: WorkLoopResult | IssueToPrResult | SubIssueResult }
  | { reachedGoal: false; reason: string; message: string; partialResult: WorkLoopResult | IssueToPrResult | SubIssueResult | null };

/** Waits for the run's end (at once for a closed run) and says how it ended. */
export async function runOutcome(handle: AidpRunHandle): Promise<RunOutcome> {
  try {
    return { reachedGoal: true, result: await handle.result() };
  } catch (error) {
    if (!handle.isFailure(error)) throw error;
    return {
      reachedGoal: false,
      reason: error.reason,
      message: error.message,
      partialResult: error.partialResult ?? null,
    };
  }
}

/** Prints how a closed run ended and returns the exit code (0 goal reached, 1 otherwise). */
export async function printOutcome(context: BaseContext, handle: AidpRunHandle, colors: boolean): Promise<number> {
  const c = paint(colors);
  const outcome = await runOutcome(handle);
  if (outcome.reachedGoal) {
    const raw = outcome.result;
    const lines =
      'issueNumber' in raw
        ? issueOutcomeLines(raw, c, handle.uiUrl)
        : 'subIssueId' in raw
          ? subIssueOutcomeLines(raw, c, handle.uiUrl)
          : loopOutcomeLines(raw, c, handle.uiUrl);
    context.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  }
  const lines = [c.red(`✘ run ${handle.workflowId} did not reach its goal: ${outcome.message}`)];
  const partial = outcome.partialResult;
  if (partial) {
    lines.push(
      `  after ${partial.iterations} iteration(s), ${usd(partial.cost.usd)}${partial.branch ? `; work in progress on ${partial.branch}` : ''}`,
    );
  }
  lines.push(`  run: ${handle.uiUrl}`);
  context.stderr.write(`${lines.join('\n')}\n`);
  return 1;
}

function loopOutcomeLines(result: WorkLoopResult, c: ReturnType<typeof paint>, uiUrl: string): string[] {
  const lines = [c.green(`✔ ${describeOutcome(result)}`)];
  if (result.branch && result.commits.length > 0)
    lines.push(`  branch:  ${result.branch} (${result.commits.length} commit(s), last ${result.commits.at(-1)!.slice(0, 12)})`);
  if (result.changedFiles.length > 0) lines.push(`  changed: ${result.changedFiles.join(', ')}`);
  if (result.finalChecks)
    lines.push(`  checks:  ${result.finalChecks.checks.filter((k) => k.passed).length}/${result.finalChecks.checks.length} passing`);
  lines.push(`  cost:    ${usd(result.cost.usd)}; model ${modelText(result.model)}`);
  lines.push(`  run:     ${uiUrl}`);
  return lines;
}

function subIssueOutcomeLines(result: SubIssueResult, c: ReturnType<typeof paint>, uiUrl: string): string[] {
  const lines = [c.green(`✔ sub-issue ${result.subIssueId} (${result.title}): ${result.outcome}`)];
  if (result.branch) lines.push(`  branch:  ${result.branch}`);
  if (result.changedFiles.length > 0) lines.push(`  changed: ${result.changedFiles.join(', ')}`);
  if (result.finalChecks)
    lines.push(`  checks:  ${result.finalChecks.checks.filter((k) => k.passed).length}/${result.finalChecks.checks.length} passing`);
  lines.push(`  cost:    ${usd(result.cost.usd)} over ${result.iterations} iteration(s)`);
  lines.push(`  run:     ${uiUrl}`);
  return lines;
}

function issueOutcomeLines(result: IssueToPrResult, c: ReturnType<typeof paint>, uiUrl: string): string[] {
  const lines =
    result.outcome === 'no_changes'
      ? [c.green(`✔ ${result.repo}#${result.issueNumber}: the agent changed nothing, so no pull request was opened`)]
      : [
          c.green(
            `✔ ${result.repo}#${result.issueNumber}: pull request #${result.pullRequest!.number} ${result.pullRequest!.action}: ${result.pullRequest!.url}`,
          ),
        ];
  if (result.branch) lines.push(`  branch:  ${result.branch} → ${result.baseBranch ?? '?'}`);
  if (result.children.length > 0) lines.push(`  parts:   ${result.children.map((ch) => `${ch.subIssueId} ${ch.outcome}`).join(', ')}`);
  if (result.finalChecks)
    lines.push(`  checks:  ${result.finalChecks.checks.filter((k) => k.passed).length}/${result.finalChecks.checks.length} passing`);
  lines.push(`  cost:    ${usd(result.cost.usd)} over ${result.iterations} iteration(s)`);
  lines.push(`  run:     ${uiUrl}`);
  return lines;
}

function describeOutcome(result: WorkLoopResult): string {
  switch (result.outcome) {
    case 'already_passing':
      return `nothing to do: the checks already pass (step ${result.stepName})`;
    case 'no_changes':
      return `the agent declared the step done without changing anything (step ${result.stepName})`;
    default:
      return `${result.stepName}: the checks pass after ${result.iterations} iteration(s)`;
  }
}
