// aider (`aider`), run with one message and no chat.
//
// Where this comes from (Aider-AI/aider):
// - aider.chat/docs/scripting.html and aider/website/docs/config/options.md: `--message-file` ("process
//   reply, then exit"), `--yes-always`, `--no-auto-commits`, `--no-dirty-commits`, `--no-gitignore`,
//   `--no-pretty`, `--no-stream`, `--no-fancy-input`, `--no-check-update`, `--no-show-release-notes`,
//   `--no-analytics`, `--no-detect-urls`, `--chat-history-file`, `--input-history-file`, `--model`
//   (`-m` is `--message` in aider, so the long form is used).
// - aider/coders/base_coder.py: the usage line, printed after every LLM reply:
//   "Tokens: {sent} sent[, {n} cache write][, {n} cache hit], {received} received." and, for models with
//   known prices, " Cost: ${message} message, ${session} session." (on its own line when both cache
//   counts are shown). aider/utils.py `format_tokens`: 999, then 1.2k, then 12k (so counts are rounded).
// - aider/exceptions.py: what aider prints for provider errors ("The API provider is not able to
//   authenticate you. Check your API key.", "…has rate limited you…", "…servers are down or
//   overloaded.") after litellm's own message ("litellm.AuthenticationError: …").
// - aider.chat/docs/config/api-keys.html: OPENAI_API_KEY, ANTHROPIC_API_KEY, and PROVIDER_API_KEY for
//   the others (GEMINI_API_KEY, OPENROUTER_API_KEY, DEEPSEEK_API_KEY, …).
// - aider.chat/docs/install: `python -m pip install aider-install && aider-install`.
// aider keeps no session that can be resumed by id, and it prints the reply as plain text among its
// other output, so neither a session id nor a final message is reported.

import { dirname, join } from 'node:path';
import { isModelGiven } from './output.js';
import type { AgentAdapter, AgentFailureClass, AgentInvocation, AgentInvocationContext, AgentReport } from './types.js';

const COUNT = String.raw`(\d[\d,]*(?:\.\d+)?k?)`;
const USAGE_LINE = new RegExp(
  String.raw`Tokens: ${COUNT} sent(?:, ${COUNT} cache write)?(?:, ${COUNT} cache hit)?, ${COUNT} received\.`,
  'g',
);
const SESSION_COST = /Cost: \$(\d+(?:\.\d+)?) message, \$(\d+(?:\.\d+)?) session\./g;

/** What aider and litellm print when a call to the provider failed. */
const PROVIDER_ERROR =
  /litellm\.\w+Error|The API provider(?: is not able to authenticate you| has rate limited you|'s servers are down or overloaded| timed out)/;
const AUTH = /AuthenticationError|not able to authenticate you|invalid x-api-key|incorrect api key|invalid api key|api key not valid/i;
// Not a bare "overloaded": aider's timeout sentence says the provider "may be down or overloaded".
const RATE_LIMIT = /RateLimitError|rate limited you|\b429\b|quota|servers are down or overloaded|overloaded_error|ServiceUnavailableError/i;

/** "2.9k" → 2900, "1,234" → 1234 (older releases printed thousands with commas). */
function count(text: string): number {
  const thousands = text.endsWith('k');
  const value = Number(text.replace(/[k,]/g, ''));
  return Math.round(thousands ? value * 1000 : value);
}

/** The offset just past the last usage line, or -1 when there is none. */
function lastUsageEnd(output: string): number {
  let end = -1;
  for (const match of output.matchAll(USAGE_LINE)) end = match.index + match[0].length;
  return end;
}

export const aiderAdapter: AgentAdapter = {
  provider: 'aider',
  executable: 'aider',
  installHint: 'python -m pip install aider-install && aider-install',
  credentialEnv: ['OPENAI_API_KEY', 'OPENAI_API_BASE', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'OPENROUTER_API_KEY', 'DEEPSEEK_API_KEY'],
  resumesSessions: false,
  // Its session cost line is cumulative within one aider process, which is one run.
  reportsSessionTotals: false,
  configHint: 'check the model names in agent.tiers (aider --list-models) and the key for that provider',

  buildInvocation(context: AgentInvocationContext): AgentInvocation {
    // aider's histories go next to the prompt file, in the run's directory, so they are not taken for
    // changes to the workspace.
    const runDir = dirname(context.promptFile);
    const argv = [
      'aider',
      '--message-file',
      context.promptFile,
      // Answer every confirmation (adding files, creating them); aider still refuses shell commands
      // that need an explicit yes.
      '--yes-always',
      // AIDP commits itself, and aider must not touch .gitignore either.
      '--no-auto-commits',
      '--no-dirty-commits',
      '--no-gitignore',
      // Plain, unstreamed output for a log rather than a terminal.
      '--no-pretty',
      '--no-stream',
      '--no-fancy-input',
      // Questions --yes-always would otherwise answer yes to: upgrading aider, analytics, scraping URLs
      // that happen to be in the prompt.
      '--no-check-update',
      '--no-show-release-notes',
      '--no-analytics',
      '--no-detect-urls',
      '--chat-history-file',
      join(runDir, 'aider.chat.history.md'),
      '--input-history-file',
      join(runDir, 'aider.input.history'),
    ];
    if (isModelGiven(context.model)) argv.push('--model', context.model);
    // The prompt is read from the file; stdin is closed.
    return { argv };
  },

  parseOutput(stdout: string, stderr: string): AgentReport {
    // aider prints through its console, which is stdout; stderr is read too, in case a wrapper or a
    // release sends it there.
    const output = `${stdout}\n${stderr}`;
    const report: AgentReport = {};
    // One usage line per LLM reply (aider may reply more than once, e.g. to fix lint errors).
    for (const match of output.matchAll(USAGE_LINE)) {
      report.inputTokens = (report.inputTokens ?? 0) + count(match[1]!);
      report.outputTokens = (report.outputTokens ?? 0) + count(match[4]!);
    }
    // The session cost is cumulative, so the last one is the run's.
    for (const match of output.matchAll(SESSION_COST)) report.costUsd = Number(match[2]);
    // aider prints provider errors and goes on to exit, possibly with 0: the run failed if one came after
    // the last reply (an error it recovered from by retrying is followed by one).
    const errors = [...output.matchAll(new RegExp(PROVIDER_ERROR.source, 'g'))];
    const lastError = errors[errors.length - 1];
    if (lastError && lastError.index > lastUsageEnd(output)) report.isError = true;
    return report;
  },

  classifyFailure(exitCode: number | null, stdout: string, stderr: string): AgentFailureClass {
    if (exitCode === 127 || /\baider: (?:command )?not found/.test(stderr)) return 'not_installed';
    // Only stderr and the lines of stdout that carry provider errors count: the rest of stdout is the
    // model's reply, which may talk about API keys or quotas in the code it edited.
    const errorText = [stderr, ...stdout.split('\n').filter((line) => PROVIDER_ERROR.test(line))].join('\n');
    if (AUTH.test(errorText)) return 'auth';
    if (RATE_LIMIT.test(errorText)) return 'rate_limit';
    return 'transient';
  },
};
