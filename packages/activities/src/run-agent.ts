import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ACTIVITY_FAILURES, type RunAgentInput, type RunAgentResult } from '@aidp/workflows/contracts';
import { adapterFor, type AgentInvocation, type AgentReport } from './agents/index.js';
import { perRunFigures } from './agents/session-totals.js';
import { agentEnvironment, redactSecrets, secretValues } from './environment.js';
import { changedBetween, snapshotTree } from './git.js';
import { lastLines, runProcess } from './process.js';
import { findWorkspaceRepo, workspaceRepo } from './prepare-workspace.js';

const MAX_CHANGED_FILES = 200;
/** How much of one agent run's output its log keeps when `agent.max_output_bytes` is not given. */
export const DEFAULT_MAX_OUTPUT_BYTES = 10 * 1024 * 1024;
// Reading more than this of an agent's output adds nothing to what is parsed from it.
const MAX_PARSED_BYTES = 8 * 1024 * 1024;

/** True when the agent printed the completion marker on a line of its own. */
export function hasCompletionMarker(output: string): boolean {
  return /^\s*STATUS: COMPLETE\s*$/m.test(output);
}

/**
 * Runs the agent CLI in the workspace through its adapter (a built-in one, or `agent.command`):
 * output streams to `<runDir>/iter-<n>/agent.log` (its end kept within `agent.max_output_bytes`), the
 * run heartbeats, and on cancellation or `agent.timeout` the agent's whole process group is killed.
 * A failed or timed-out run is a result, not an error: the loop decides what to do. An agent that is
 * not installed or whose credentials are refused fails non-retryably; a rate limit fails retryably,
 * so Temporal retries it with backoff. A worktree the agent broke (see `verifyWorkspace`) fails the
 * activity non-retryably as `WorkspaceLost`.
 */
export async function runAgent(input: RunAgentInput): Promise<RunAgentResult> {
  return (await executeAgent(input)).result;
}

/** {@link runAgent}, also returning the end of the agent's stdout and what its adapter read from it. */
export async function executeAgent(input: RunAgentInput): Promise<{ result: RunAgentResult; stdout: string; report: AgentReport }> {
  const ctx = Context.current();
  const adapter = adapterFor(input.agent);
  if (!adapter) {
    throw ApplicationFailure.nonRetryable(`unknown agent provider "${input.agent.provider}"`, ACTIVITY_FAILURES.AgentNotFound);
  }
  const prompt = readFileSync(input.promptPath, 'utf8');
  const invocationFor = (sessionId: string | undefined): AgentInvocation =>
    adapter.buildInvocation({ promptFile: input.promptPath, prompt, model: input.model, workspace: input.workspace, sessionId });
  let resumedSession = adapter.resumesSessions ? input.sessionId : undefined;
  const invocation = invocationFor(resumedSession);
  const [executable] = invocation.argv;
  if (!executable) {
    throw ApplicationFailure.nonRetryable(
      'agent.command is empty: set it in aidp.yml to the agent CLI and its arguments, e.g. ["my-agent", "--prompt-file", "{promptFile}"]',
      ACTIVITY_FAILURES.AgentNotFound,
    );
  }
  const iterDir = join(input.runDir, input.label ?? `iter-${input.iteration}`);
  mkdirSync(iterDir, { recursive: true });
  // A worktree is checked before the agent runs and again after: git is pinned to it throughout.
  const repo = await findWorkspaceRepo(input.runDir, input.workspace);
  const indexFile = join(iterDir, '.snapshot-index');
  // The work tree as this iteration found it, kept across attempts: a retry (after a worker crash, or
  // a server that never heard the first attempt finish) diffs against the same starting point, so the
  // files the first attempt already changed still count as this iteration's changes.
  const beforeFile = join(iterDir, 'before-tree');
  let before: string | null = null;
  if (repo) {
    before = existsSync(beforeFile) ? readFileSync(beforeFile, 'utf8').trim() : await snapshotTree(repo, indexFile);
    writeFileSync(beforeFile, `${before}\n`);
  }

  const logPath = join(iterDir, 'agent.log');
  const maxOutputBytes = input.agent.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const heartbeatEvery = Math.max(1_000, Math.min((ctx.info.heartbeatTimeoutMs ?? 30_000) / 3, 10_000));
  // The command's name only: its arguments may carry the prompt, and the prompt stays in its file.
  const logged = { iteration: input.iteration, provider: adapter.provider, model: input.model, command: basename(executable) };
  ctx.log.info('agent started', logged);
  const passThrough = [...input.agent.env, ...adapter.credentialEnv];
  // What the agent prints leaves the worker in its result (workflow history, the next prompt) and in
  // failure messages; a key it was given and echoes must not go with it.
  const secrets = secretValues(process.env, passThrough);
  const runOnce = ({ argv, stdin, env }: AgentInvocation) =>
    runProcess({
      command: argv[0]!,
      args: argv.slice(1),
      cwd: input.workspace,
      env: { ...agentEnvironment(process.env, passThrough), ...env },
      stdin,
      logPath,
      maxLogBytes: maxOutputBytes,
      streamTailBytes: Math.min(maxOutputBytes, MAX_PARSED_BYTES),
      timeoutMs: input.agent.timeoutMs,
      signal: ctx.cancellationSignal,
      onTick: () => ctx.heartbeat({ iteration: input.iteration }),
      tickMs: heartbeatEvery,
      pidFile: join(iterDir, 'agent.pid'),
    });
  let outcome = await runOnce(invocation);
  // A session the CLI does not have (one whose first run failed before the CLI saved it, a HOME that
  // was reset): every later run would fail on it, so this run starts a new session instead.
  const streams = outcome.streams;
  if (
    resumedSession &&
    outcome.exitCode !== 0 &&
    !outcome.cancelled &&
    streams &&
    adapter.sessionMissing?.(streams.stdout, streams.stderr)
  ) {
    ctx.log.warn('agent session not found: starting a new one', { ...logged, sessionId: resumedSession });
    resumedSession = undefined;
    outcome = await runOnce(invocationFor(undefined));
  }

  if (outcome.spawnError) {
    const code = outcome.spawnError.code;
    const why = code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'not executable' : outcome.spawnError.message;
    throw ApplicationFailure.nonRetryable(
      `agent command "${executable}" ${why}: ${adapter.installHint} (it runs in ${input.workspace})`,
      ACTIVITY_FAILURES.AgentNotFound,
    );
  }
  if (outcome.cancelled) throw new CancelledFailure('the agent run was cancelled; its processes were killed');
  const ended = {
    ...logged,
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    timedOut: outcome.timedOut,
    durationMs: outcome.durationMs,
  };

  if (outcome.droppedBytes > 0)
    ctx.log.info('agent output capped', { ...logged, droppedBytes: outcome.droppedBytes, maxOutputBytes, logPath });
  // Kept apart: adapters read results from stdout and classify failures by the CLI's own messages on
  // stderr, never by the model's prose on stdout (which may well mention rate limits or API keys).
  const { stdout, stderr } = outcome.streams ?? { stdout: '', stderr: '' };
  const output = `${stdout}\n${stderr}`;
  const report = adapter.parseOutput(stdout, stderr, input.model);
  const ok = outcome.exitCode === 0 && !outcome.timedOut && !report.isError;
  if (!ok && !outcome.timedOut) {
    const failure = adapter.classifyFailure(outcome.exitCode, stdout, stderr);
    if (failure !== 'transient') ctx.log.warn('agent failed', { ...ended, failure, logPath });
    const detail = redactSecrets(lastLines(outcome.tail, 5), secrets);
    if (failure === 'not_installed') {
      throw ApplicationFailure.nonRetryable(
        `agent "${executable}" is not installed: ${adapter.installHint}\n${detail}`,
        ACTIVITY_FAILURES.AgentNotFound,
      );
    }
    if (failure === 'auth') {
      const vars = adapter.credentialEnv.length ? ` (${adapter.credentialEnv.join(', ')}; pass them with agent.env)` : '';
      throw ApplicationFailure.nonRetryable(
        `agent "${executable}" refused its credentials: log it in or set its key${vars}\n${detail}`,
        ACTIVITY_FAILURES.AgentAuthFailed,
      );
    }
    if (failure === 'config') {
      throw ApplicationFailure.nonRetryable(
        `agent "${executable}" refused its configuration (model "${input.model}"): ${adapter.configHint}\n${detail}`,
        ACTIVITY_FAILURES.AgentMisconfigured,
      );
    }
    if (failure === 'rate_limit') {
      throw ApplicationFailure.retryable(`agent "${executable}" hit a rate limit or quota\n${detail}`, ACTIVITY_FAILURES.AgentRateLimited);
    }
  }

  // The agent may have broken its worktree (deleted .git, switched branch, …): checked again before
  // git runs there, so nothing is ever read from — or written to — another repository.
  const after = repo ? await workspaceRepo(input.runDir, input.workspace) : undefined;
  const changedFiles = before && after ? await changedBetween(after, before, await snapshotTree(after, indexFile)) : [];
  // The run's own figures: a CLI that reports session totals is counted from the previous run's.
  const { cost, sessionTotals } = perRunFigures(report, {
    reportsSessionTotals: adapter.reportsSessionTotals,
    ...(resumedSession !== undefined ? { resumedSession } : {}),
    ...(input.sessionTotals ? { previousTotals: input.sessionTotals } : {}),
  });
  const result: RunAgentResult = {
    ok,
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    timedOut: outcome.timedOut,
    durationMs: outcome.durationMs,
    summary: redactSecrets(report.finalMessage ? lastLines(report.finalMessage, 30) : lastLines(outcome.tail, 30), secrets),
    changedFiles: changedFiles.slice(0, MAX_CHANGED_FILES),
    completionMarker: hasCompletionMarker(report.finalMessage ?? output),
    cost,
    sessionId: report.sessionId,
    ...(sessionTotals ? { sessionTotals } : {}),
    provider: adapter.provider,
    model: input.model,
    ...(report.model ? { reportedModel: report.model } : {}),
    logPath,
  };
  ctx.log[ok ? 'info' : 'warn']('agent finished', {
    ...ended,
    ok,
    changedFiles: changedFiles.length,
    costUsd: cost.usd,
    ...(report.model ? { reportedModel: report.model } : {}),
    logPath,
  });
  // The iteration's record: what ran, what it cost, what it changed.
  writeFileSync(join(iterDir, 'agent-result.json'), `${JSON.stringify(result, null, 2)}\n`);
  return { result, stdout, report };
}
