import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_NOT_FOUND, type CostSummary, type RunAgentInput, type RunAgentResult } from '@aidp/workflows/contracts';
import { agentEnvironment } from './environment.js';
import { changedBetween, isGitWorkTree, snapshotTree } from './git.js';
import { lastLines, runProcess } from './process.js';

const MAX_CHANGED_FILES = 200;

/** Replaces `{promptFile}`, `{model}` and `{workspace}` in an argv template. */
export function expandCommand(template: string[], values: { promptFile: string; model: string; workspace: string }): string[] {
  return template.map((part) =>
    part.replace(/\{(promptFile|model|workspace)\}/g, (_, key: keyof typeof values) => values[key]),
  );
}

/**
 * Usage a `command` agent reports: a line `AIDP_COST {"usd":…,"inputTokens":…,"outputTokens":…}`.
 * Several lines add up.
 */
export function parseReportedCost(output: string): CostSummary {
  const cost: CostSummary = { usd: 0, inputTokens: 0, outputTokens: 0 };
  for (const match of output.matchAll(/^AIDP_COST (\{.*\})\s*$/gm)) {
    try {
      const reported = JSON.parse(match[1]!) as Partial<CostSummary>;
      cost.usd += Number(reported.usd) || 0;
      cost.inputTokens += Number(reported.inputTokens) || 0;
      cost.outputTokens += Number(reported.outputTokens) || 0;
    } catch {
      // Not ours after all.
    }
  }
  return cost;
}

/** True when the agent printed the completion marker on a line of its own. */
export function hasCompletionMarker(output: string): boolean {
  return /^\s*STATUS: COMPLETE\s*$/m.test(output);
}

/**
 * Runs the agent CLI in the workspace with the prompt (on stdin, and as `{promptFile}`), streaming its
 * output to `<runDir>/iter-<n>/agent.log`. Heartbeats while it runs; on cancellation or `agent.timeout`
 * the agent's whole process group is killed. A failed or timed-out agent run is a result, not an
 * error: the loop decides what to do. An agent that cannot be started fails non-retryably.
 */
export async function runAgent(input: RunAgentInput): Promise<RunAgentResult> {
  const ctx = Context.current();
  const [executable, ...args] = expandCommand(input.agent.command, {
    promptFile: input.promptPath,
    model: input.model,
    workspace: input.workspace,
  });
  if (!executable) {
    throw ApplicationFailure.nonRetryable(
      'agent.command is empty: set it in aidp.yml to the agent CLI and its arguments, e.g. ["my-agent", "--prompt-file", "{promptFile}"]',
      AGENT_NOT_FOUND,
    );
  }
  const iterDir = join(input.runDir, `iter-${input.iteration}`);
  mkdirSync(iterDir, { recursive: true });
  const tracked = await isGitWorkTree(input.workspace);
  const indexFile = join(iterDir, '.snapshot-index');
  const before = tracked ? await snapshotTree(input.workspace, indexFile) : null;

  const heartbeatEvery = Math.max(1_000, Math.min((ctx.info.heartbeatTimeoutMs ?? 30_000) / 3, 10_000));
  const outcome = await runProcess({
    command: executable,
    args,
    cwd: input.workspace,
    env: agentEnvironment(process.env, input.agent.env),
    stdin: readFileSync(input.promptPath, 'utf8'),
    logPath: join(iterDir, 'agent.log'),
    timeoutMs: input.agent.timeoutMs,
    signal: ctx.cancellationSignal,
    onTick: () => ctx.heartbeat({ iteration: input.iteration }),
    tickMs: heartbeatEvery,
    pidFile: join(iterDir, 'agent.pid'),
  });

  if (outcome.spawnError) {
    const code = outcome.spawnError.code;
    const why = code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'not executable' : outcome.spawnError.message;
    throw ApplicationFailure.nonRetryable(
      `agent command "${executable}" ${why}: install it or fix agent.command in aidp.yml (it runs in ${input.workspace})`,
      AGENT_NOT_FOUND,
    );
  }
  if (outcome.cancelled) throw new CancelledFailure('the agent run was cancelled; its processes were killed');

  const output = readFileSync(join(iterDir, 'agent.log'), 'utf8');
  const changedFiles = before ? await changedBetween(input.workspace, before, await snapshotTree(input.workspace, indexFile)) : [];
  return {
    ok: outcome.exitCode === 0 && !outcome.timedOut,
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    timedOut: outcome.timedOut,
    durationMs: outcome.durationMs,
    summary: lastLines(outcome.tail, 30),
    changedFiles: changedFiles.slice(0, MAX_CHANGED_FILES),
    completionMarker: hasCompletionMarker(output),
    cost: parseReportedCost(output),
    logPath: join(iterDir, 'agent.log'),
  };
}
