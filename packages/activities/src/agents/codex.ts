// OpenAI Codex CLI (`codex`), run with `codex exec`.
//
// Where this comes from (openai/codex):
// - docs/exec.md: `codex exec` is non-interactive and never asks for approvals; `--json` streams JSONL
//   events (`thread.started`, `turn.completed` with `usage`, `turn.failed`, `item.completed` with an
//   `agent_message` item, …); `codex exec resume <SESSION_ID>`; `CODEX_API_KEY` for exec.
// - codex-rs/exec/src/cli.rs: the prompt is read from stdin when it is `-` (also after `resume`);
//   `--skip-git-repo-check`; the removed `--full-auto` now says "use `--sandbox workspace-write`".
//   codex-rs/exec/tests/suite/resume.rs passes `--sandbox` and `--model` before `resume`.
// - codex-rs/utils/cli/src/shared_options.rs: `-m`/`--model`, `-s`/`--sandbox`.
// - codex-rs/exec/src/exec_events.rs: event and usage shapes (the docs sample shows `cached_input_tokens`
//   as a part of `input_tokens`, so input is reported as `input_tokens`).
// - docs/authentication.md: `OPENAI_API_KEY` via `codex login --with-api-key`, credentials in
//   `$CODEX_HOME/auth.json`.
// - codex-rs/core/src/error.rs: error wording ("unexpected status 401 Unauthorized: …",
//   "You've hit your usage limit.", "Quota exceeded.", "exceeded retry limit, last status: 429 …").
// Codex reports no cost, so `costUsd` stays absent, and it does not name the model it ran.
// Seen from the real CLI (0.169.0) against the scripted model server: the `turn.completed` usage of a
// resumed thread (`codex exec resume`) covers the whole thread so far, `input_tokens` counting the
// cached part; it ignores OPENAI_BASE_URL (the base URL is `openai_base_url` or a model provider in
// `$CODEX_HOME/config.toml`); it retries an error itself and ends with `turn.failed` whose message
// names the status ("unexpected status 401 Unauthorized: …", "exceeded retry limit, last status: 429
// Too Many Requests", "Selected model is at capacity. …" for a 503, "stream disconnected before
// completion: …", and the provider's own text for a 404 model: "The model … does not exist or you do
// not have access to it.").

import { asNumber, isModelGiven } from './output.js';
import type { AgentAdapter, AgentFailureClass, AgentInvocation, AgentInvocationContext, AgentReport } from './types.js';

interface CodexEvent {
  type?: unknown;
  thread_id?: unknown;
  usage?: { input_tokens?: unknown; output_tokens?: unknown };
  item?: { type?: unknown; text?: unknown };
  error?: { message?: unknown };
  message?: unknown;
}

const AUTH =
  /\b401\b|unauthorized|not logged in|log in again|sign in again|missing bearer|incorrect api key|invalid api key|refresh token|missing environment variable: `?(?:OPENAI|CODEX)_API_KEY/i;
const RATE_LIMIT = /\b429\b|too many requests|rate limit|usage limit|quota exceeded|high demand|overloaded|at capacity/i;
const CONFIG = /model .{0,80}does not exist|model_not_found|unsupported model|error loading config|config\.toml/i;

/** The JSONL events on stdout; lines that are not JSON objects (warnings, noise) are skipped. */
function events(stdout: string): CodexEvent[] {
  const parsed: CodexEvent[] = [];
  for (const line of stdout.split('\n')) {
    const text = line.trim();
    if (!text.startsWith('{')) continue;
    try {
      const value: unknown = JSON.parse(text);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) parsed.push(value);
    } catch {
      // Not an event.
    }
  }
  return parsed;
}

/** The message of a `turn.failed` or top-level `error` event. */
function failureMessage(event: CodexEvent): string | undefined {
  if (event.type === 'turn.failed' && typeof event.error?.message === 'string') return event.error.message;
  if (event.type === 'error' && typeof event.message === 'string') return event.message;
  return undefined;
}

export const codexAdapter: AgentAdapter = {
  provider: 'codex',
  executable: 'codex',
  installHint: 'npm install -g @openai/codex',
  // CODEX_HOME is not a secret but says where `codex login` keeps its credentials.
  credentialEnv: ['CODEX_API_KEY', 'OPENAI_API_KEY', 'CODEX_HOME'],
  resumesSessions: true,
  reportsSessionTotals: true,
  configHint:
    'check the model names in agent.tiers and $CODEX_HOME/config.toml (codex takes its base URL from openai_base_url or a [model_providers] entry there, not from OPENAI_BASE_URL)',

  buildInvocation(context: AgentInvocationContext): AgentInvocation {
    // workspace-write: edits and commands inside the workspace, no network; `codex exec` itself never
    // stops to ask. --skip-git-repo-check: an in-place workspace need not be a git repository.
    const argv = ['codex', 'exec', '--json', '--sandbox', 'workspace-write', '--skip-git-repo-check'];
    if (isModelGiven(context.model)) argv.push('--model', context.model);
    // Options go before `resume`: only some are accepted after it, and these apply to it from here.
    if (context.sessionId) argv.push('resume', context.sessionId);
    // `-`: read the prompt from stdin (a long prompt does not fit argv, and argv is visible to `ps`).
    argv.push('-');
    return { argv, stdin: context.prompt };
  },

  parseOutput(stdout: string): AgentReport {
    const report: AgentReport = {};
    let failed = false;
    for (const event of events(stdout)) {
      if (event.type === 'thread.started' && typeof event.thread_id === 'string') report.sessionId = event.thread_id;
      if (event.type === 'item.completed' && event.item?.type === 'agent_message' && typeof event.item.text === 'string') {
        report.finalMessage = event.item.text;
      }
      if (event.type === 'turn.completed') {
        // The thread's usage so far (the whole session when it was resumed): the last one counts.
        const input = asNumber(event.usage?.input_tokens);
        const output = asNumber(event.usage?.output_tokens);
        if (input !== undefined) report.inputTokens = input;
        if (output !== undefined) report.outputTokens = output;
        failed = false;
      }
      // The run failed if its last word was a failure: an `error` the CLI recovered from is followed by
      // a completed turn.
      if (event.type === 'turn.failed' || event.type === 'error') failed = true;
    }
    if (failed) report.isError = true;
    return report;
  },

  // "Error: thread/resume: thread/resume failed: no rollout found for thread id <id>" (stderr, exit 1).
  sessionMissing: (_stdout: string, stderr: string) => /no rollout found for thread id|thread\/resume failed/i.test(stderr),

  classifyFailure(exitCode: number | null, stdout: string, stderr: string): AgentFailureClass {
    if (exitCode === 127 || /\bcodex: (?:command )?not found/.test(stderr)) return 'not_installed';
    const parsed = events(stdout);
    // The cause is in `turn.failed`; top-level `error` events are mostly reconnect notices on the way
    // there, so they count only when no turn failed. The agent's messages never count: they talk
    // about the code it edited.
    const turnFailures = parsed.filter((event) => event.type === 'turn.failed').map(failureMessage);
    const failures = turnFailures.length > 0 ? turnFailures : parsed.map(failureMessage);
    const errorText = [stderr, parsed.length === 0 ? stdout : '', ...failures.map((message) => message ?? '')].join('\n');
    if (AUTH.test(errorText)) return 'auth';
    if (CONFIG.test(errorText)) return 'config';
    if (RATE_LIMIT.test(errorText)) return 'rate_limit';
    return 'transient';
  },
};
