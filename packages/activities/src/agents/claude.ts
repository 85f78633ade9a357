// Claude Code (`claude`), run in print mode.
//
// Where this comes from:
// - Flags: the Claude Code CLI reference (docs.anthropic.com/en/docs/claude-code/cli-reference, now
//   code.claude.com/docs/en/cli-reference): `-p`/`--print`, `--output-format text|json|stream-json`,
//   `--model`, `--resume <session-id>`, `--permission-mode default|acceptEdits|plan|bypassPermissions`.
// - Prompt on stdin: the headless/SDK page (docs.anthropic.com/en/docs/claude-code/sdk, "Text input":
//   `echo "Explain this code" | claude -p`).
// - Output: the same page, "JSON output" / "Message schema": one object
//   `{ type: "result", subtype, is_error, result, session_id, total_cost_usd, … }`; the Agent SDK
//   TypeScript reference (SDKResultMessage) adds `usage` (Anthropic usage: input_tokens, output_tokens,
//   cache_creation_input_tokens, cache_read_input_tokens), `modelUsage` (per model: inputTokens,
//   outputTokens, cacheReadInputTokens, cacheCreationInputTokens, costUSD), `errors` on error subtypes
//   and `api_error_status`.
// - Credentials: the environment-variables page (code.claude.com/docs/en/env-vars).
// - Error wording: Claude Code's own messages ("Invalid API key · Please run /login", "API Error: 429 …",
//   "Credit balance is too low").
// Seen from the real CLI (2.1.328) against the scripted model server: `modelUsage` and
// `total_cost_usd` of a resumed session cover the whole session so far (`usage` covers this run, but
// only the main model's calls); `modelUsage` is keyed by the model id that ran; the API's status is in
// `api_error_status` (401 "Invalid API key · Fix external API key", 429 "API Error: Request rejected
// (429) …", 529 "API Error: 529 Overloaded …", 404 "There's an issue with the selected model (…)"),
// a lost connection reads "API Error: Connection to the API was lost (ECONNRESET)".

import { asNumber, asString, isModelGiven, isObject } from './output.js';
import type { AgentAdapter, AgentFailureClass, AgentInvocation, AgentInvocationContext, AgentReport } from './types.js';

/** The fields of the result object this adapter reads; everything is optional because it is untrusted. */
interface ClaudeResult {
  type?: unknown;
  subtype?: unknown;
  is_error?: unknown;
  result?: unknown;
  session_id?: unknown;
  total_cost_usd?: unknown;
  cost_usd?: unknown;
  usage?: unknown;
  modelUsage?: unknown;
  errors?: unknown;
  api_error_status?: unknown;
}

const AUTH = /invalid api key|please run \/login|not logged in|authentication_error|oauth token (?:has )?expired|API Error: 40[13]\b/i;
const RATE_LIMIT =
  /rate[_ ]limit|API Error: (?:429|529)\b|\(429\)|overloaded|usage limit|hit your (?:\w+ )?limit|quota|credit balance is too low/i;
const CONFIG = /issue with the selected model|unrecognized_model|model: .{0,80}not[_ ]found|not_found_error/i;

function parseObject(text: string): ClaudeResult | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The result object: the whole of stdout with `--output-format json`. Falls back to the last line that
 * is a result object, so stray lines (or a stream-json run configured elsewhere) still parse.
 */
function findResult(stdout: string): ClaudeResult | undefined {
  const whole = parseObject(stdout.trim());
  if (whole?.type === 'result') return whole;
  const lines = stdout.split('\n').reverse();
  for (const line of lines) {
    const candidate = line.trim().startsWith('{') ? parseObject(line.trim()) : undefined;
    if (candidate?.type === 'result') return candidate;
  }
  return undefined;
}

/**
 * Input and output tokens. `modelUsage` covers every model the run used (the main one and any smaller
 * one Claude Code calls on the side), as `total_cost_usd` does; `usage` is the fallback. Cached input
 * counts as input, as the API bills it.
 */
/**
 * The model that did the work. `modelUsage` names every model of the session so far (the one asked
 * for, smaller ones Claude Code calls on the side, a tier used before): the one asked for, by id or
 * as the alias it resolved (`opus` → `claude-opus-…`); otherwise the one that wrote the most.
 */
function mainModel(result: ClaudeResult, requested: string | undefined): string | undefined {
  if (!isObject(result.modelUsage)) return undefined;
  const names = Object.keys(result.modelUsage);
  if (requested && isModelGiven(requested)) {
    const asked = names.filter((name) => name === requested || name.startsWith(`${requested}-`) || name.includes(`-${requested}-`));
    if (asked.length > 0) return asked[asked.length - 1];
  }
  let best: { name: string; output: number } | undefined;
  for (const [name, usage] of Object.entries(result.modelUsage)) {
    const output = isObject(usage) ? (asNumber(usage.outputTokens) ?? 0) : 0;
    if (!best || output >= best.output) best = { name, output };
  }
  return best?.name;
}

function tokens(result: ClaudeResult): Pick<AgentReport, 'inputTokens' | 'outputTokens'> {
  let input: number | undefined;
  let output: number | undefined;
  const add = (inputs: unknown[], out: unknown): void => {
    const counted = inputs.map(asNumber);
    if (counted[0] !== undefined) input = (input ?? 0) + counted.reduce<number>((sum, n) => sum + (n ?? 0), 0);
    const outCount = asNumber(out);
    if (outCount !== undefined) output = (output ?? 0) + outCount;
  };
  const models = isObject(result.modelUsage) ? Object.values(result.modelUsage).filter(isObject) : [];
  if (models.length > 0) {
    for (const m of models) add([m.inputTokens, m.cacheCreationInputTokens, m.cacheReadInputTokens], m.outputTokens);
  } else if (isObject(result.usage)) {
    const u = result.usage;
    add([u.input_tokens, u.cache_creation_input_tokens, u.cache_read_input_tokens], u.output_tokens);
  }
  return { ...(input !== undefined ? { inputTokens: input } : {}), ...(output !== undefined ? { outputTokens: output } : {}) };
}

export const claudeAdapter: AgentAdapter = {
  provider: 'claude',
  executable: 'claude',
  installHint: 'npm install -g @anthropic-ai/claude-code',
  credentialEnv: [
    'ANTHROPIC_API_KEY',
    'ANTHROPIC_AUTH_TOKEN',
    'CLAUDE_CODE_OAUTH_TOKEN',
    'ANTHROPIC_BASE_URL',
    // Claude through Amazon Bedrock or Google Vertex AI.
    'CLAUDE_CODE_USE_BEDROCK',
    'CLAUDE_CODE_USE_VERTEX',
    'ANTHROPIC_VERTEX_PROJECT_ID',
    'CLOUD_ML_REGION',
    'AWS_REGION',
    'AWS_PROFILE',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'GOOGLE_APPLICATION_CREDENTIALS',
  ],
  resumesSessions: true,
  reportsSessionTotals: true,
  configHint: 'check the model names in agent.tiers (Claude Code knows aliases such as "sonnet" and full model ids) and ANTHROPIC_BASE_URL',

  buildInvocation(context: AgentInvocationContext): AgentInvocation {
    // acceptEdits: file edits go through without a prompt, which print mode could not answer; other
    // tools stay under the user's own permission settings. AIDP runs the checks itself.
    const argv = ['claude', '-p', '--output-format', 'json', '--permission-mode', 'acceptEdits'];
    if (isModelGiven(context.model)) argv.push('--model', context.model);
    if (context.sessionId) argv.push('--resume', context.sessionId);
    // The prompt goes on stdin rather than in argv: it can be long, and argv is visible to `ps`.
    return { argv, stdin: context.prompt };
  },

  parseOutput(stdout: string, _stderr?: string, model?: string): AgentReport {
    const result = findResult(stdout);
    if (!result) return {};
    const report: AgentReport = { ...tokens(result) };
    const finalMessage = asString(result.result);
    if (finalMessage !== undefined) report.finalMessage = finalMessage;
    // Early releases called the cost `cost_usd`.
    const costUsd = asNumber(result.total_cost_usd) ?? asNumber(result.cost_usd);
    if (costUsd !== undefined) report.costUsd = costUsd;
    const sessionId = asString(result.session_id);
    if (sessionId) report.sessionId = sessionId;
    if (result.is_error === true) report.isError = true;
    const ran = mainModel(result, model);
    if (ran) report.model = ran;
    return report;
  },

  // "No conversation found with session ID: <id>" (on stderr, exit 1).
  sessionMissing: (stdout: string, stderr: string) =>
    /No conversation found with session ID/i.test(`${stderr}\n${findResult(stdout) ? '' : stdout}`),

  classifyFailure(exitCode: number | null, stdout: string, stderr: string): AgentFailureClass {
    if (exitCode === 127 || /\bclaude: (?:command )?not found/.test(stderr)) return 'not_installed';
    const result = findResult(stdout);
    const status = asNumber(result?.api_error_status);
    if (status === 401 || status === 403) return 'auth';
    if (status === 429 || status === 529) return 'rate_limit';
    if (status === 404) return 'config';
    // Only the CLI's own error text counts: a result that is not an error is the model's prose, which
    // may well talk about API keys or rate limits in the code it edited.
    const errorText = [
      stderr,
      result ? '' : stdout,
      result?.is_error === true ? (asString(result.result) ?? '') : '',
      Array.isArray(result?.errors) ? result.errors.filter((e): e is string => typeof e === 'string').join('\n') : '',
    ].join('\n');
    if (AUTH.test(errorText)) return 'auth';
    if (CONFIG.test(errorText)) return 'config';
    if (RATE_LIMIT.test(errorText)) return 'rate_limit';
    return 'transient';
  },
};
