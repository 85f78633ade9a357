// Google Gemini CLI (`gemini`), run headless.
//
// Where this comes from (google-gemini/gemini-cli):
// - docs/cli/headless.md: headless when stdin or stdout is not a terminal (`echo "…" | gemini`); stdin
//   is read as the prompt; `--output-format json` prints one object `{ session_id, response, stats,
//   error? }`; exit code 41 is an authentication error. An earlier revision of the same page shows the
//   `stats.models[<model>].tokens` shape (`prompt`, `candidates`, `cached`, `thoughts`, …) and
//   `error: { type, message, code }`.
// - docs/cli/cli-reference.md: `-m`/`--model`, `--approval-mode default|auto_edit|yolo|plan`,
//   `-r`/`--resume <session-id>` ("Resume session by ID").
// - packages/core/src/output/json-formatter.ts: the object is printed with `JSON.stringify(…, null, 2)`.
// - docs/cli/authentication.md: GEMINI_API_KEY; Vertex AI with GOOGLE_GENAI_USE_VERTEXAI and
//   GOOGLE_API_KEY or GOOGLE_CLOUD_PROJECT/GOOGLE_CLOUD_LOCATION (+ application default credentials);
//   the non-interactive auth error "Please set an Auth method in your … settings.json …".
// - docs/cli/trusted-folders.md ("Headless and automated environments"): `GEMINI_CLI_TRUST_WORKSPACE=true`
//   or `--skip-trust` lets a headless run use a folder nobody trusted interactively.
// Gemini reports no cost, so `costUsd` stays absent.
// Seen from the real CLI (0.61.0) against the scripted model server: it refuses an untrusted folder with
// exit 55 ("Gemini CLI is not running in a trusted directory. To proceed, either use `--skip-trust`, set
// the `GEMINI_CLI_TRUST_WORKSPACE=true` environment variable, …"), and an auth method it does not know
// with exit 41 and `error.message` "Invalid auth method selected."; an API error ends with the status
// in `error.code` (401) or in the message ("models/… is not found for API version v1beta", code 1);
// `stats.models` of a resumed session counts only this run, keyed by the model that ran; with a base
// URL (GOOGLE_GEMINI_BASE_URL) it needs `security.auth.selectedType: "gemini-api-key"` in settings.

import { asNumber, isModelGiven } from './output.js';
import type { AgentAdapter, AgentFailureClass, AgentInvocation, AgentInvocationContext, AgentReport } from './types.js';

interface GeminiTokens {
  prompt?: unknown;
  candidates?: unknown;
}

interface GeminiOutput {
  session_id?: unknown;
  response?: unknown;
  stats?: { models?: Record<string, { tokens?: GeminiTokens; roles?: Record<string, unknown> } | undefined> };
  error?: { type?: unknown; message?: unknown; code?: unknown };
}

/** The CLI's exit code for an authentication error (docs/cli/headless.md), also used for an auth method it does not know. */
const EXIT_AUTH = 41;
/** The CLI's exit code when it refuses to run in an untrusted folder. */
const EXIT_UNTRUSTED = 55;

const CONFIG =
  /invalid auth method|not running in a trusted directory|is not found for API version|models\/\S+ is not found|NOT_FOUND|please set an auth method|GOOGLE_CLOUD_PROJECT/i;

const AUTH = /api key not valid|FatalAuthenticationError|UNAUTHENTICATED|invalid_grant|PERMISSION_DENIED|\b40[13]\b/i;
const RATE_LIMIT = /\b429\b|RESOURCE_EXHAUSTED|rate ?limit|quota|overloaded/i;

/**
 * The JSON object in `text`. It is pretty-printed over many lines, so when other lines came first (a
 * warning, "Loaded cached credentials.") parsing starts at the first line that opens an object:
 * `{` alone, or `{"` when printed compactly.
 */
function findOutput(text: string): GeminiOutput | undefined {
  const lines = text.split('\n');
  for (let start = 0; start < lines.length; start++) {
    if (!/^\{\s*$|^\{"/.test(lines[start]!.trim())) continue;
    try {
      const value: unknown = JSON.parse(lines.slice(start).join('\n'));
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value;
    } catch {
      // Try the next line that opens an object.
    }
  }
  return undefined;
}

/**
 * Sums the tokens of every model the run used (routing may use more than one), as the CLI itself does
 * for its stream-json `result` (packages/core/src/output/stream-json-formatter.ts): input is `prompt`,
 * output is `candidates`.
 */
function tokens(output: GeminiOutput): Pick<AgentReport, 'inputTokens' | 'outputTokens'> {
  const models = output.stats?.models;
  if (!models || typeof models !== 'object') return {};
  let input: number | undefined;
  let out: number | undefined;
  for (const model of Object.values(models)) {
    const t = model?.tokens;
    if (!t || typeof t !== 'object') continue;
    // `prompt` counts the cached part too.
    const prompt = asNumber(t.prompt);
    const candidates = asNumber(t.candidates);
    if (prompt !== undefined) input = (input ?? 0) + prompt;
    if (candidates !== undefined) out = (out ?? 0) + candidates;
  }
  return { ...(input !== undefined ? { inputTokens: input } : {}), ...(out !== undefined ? { outputTokens: out } : {}) };
}

/** The model that did the work: the one in the `main` role, else the one that wrote the most. */
function mainModel(output: GeminiOutput): string | undefined {
  const models = output.stats?.models;
  if (!models || typeof models !== 'object') return undefined;
  const entries = Object.entries(models).filter(
    ([, m]) => asNumber(m?.tokens?.prompt) !== undefined || asNumber(m?.tokens?.candidates) !== undefined,
  );
  const main = entries.find(([, m]) => m?.roles && typeof m.roles === 'object' && 'main' in m.roles);
  if (main) return main[0];
  let best: { name: string; output: number } | undefined;
  for (const [name, m] of entries) {
    const written = asNumber(m?.tokens?.candidates) ?? 0;
    if (!best || written > best.output) best = { name, output: written };
  }
  return best?.name;
}

export const geminiAdapter: AgentAdapter = {
  provider: 'gemini',
  executable: 'gemini',
  installHint: 'npm install -g @google/gemini-cli',
  credentialEnv: [
    'GEMINI_API_KEY',
    'GOOGLE_API_KEY',
    'GOOGLE_GENAI_USE_VERTEXAI',
    'GOOGLE_GENAI_USE_GCA',
    'GOOGLE_CLOUD_PROJECT',
    'GOOGLE_CLOUD_LOCATION',
    'GOOGLE_APPLICATION_CREDENTIALS',
    // Not a credential: the gateway or proxy the API calls go to.
    'GOOGLE_GEMINI_BASE_URL',
  ],
  resumesSessions: true,
  reportsSessionTotals: false,
  configHint:
    'check the model names in agent.tiers and security.auth.selectedType in ~/.gemini/settings.json ("gemini-api-key" with GEMINI_API_KEY, needed with GOOGLE_GEMINI_BASE_URL)',

  buildInvocation(context: AgentInvocationContext): AgentInvocation {
    // auto_edit: edit tools run without a prompt, which a headless run could not answer; tools that
    // still need approval (the shell) are left out of a headless run. AIDP runs the checks itself.
    const argv = ['gemini', '--output-format', 'json', '--approval-mode', 'auto_edit'];
    if (isModelGiven(context.model)) argv.push('--model', context.model);
    if (context.sessionId) argv.push('--resume', context.sessionId);
    // The prompt goes on stdin (piped stdin also makes the run headless); argv has no room for a long
    // prompt and is visible to `ps`. Every run starts in a fresh worktree nobody could have trusted
    // interactively: the run trusts it, as the CLI documents for automated environments (a variable
    // rather than `--skip-trust`, which older releases would refuse as an unknown option).
    return { argv, stdin: context.prompt, env: { GEMINI_CLI_TRUST_WORKSPACE: 'true' } };
  },

  parseOutput(stdout: string, stderr: string): AgentReport {
    // A failed run may print its JSON object to stderr rather than stdout.
    const output = findOutput(stdout) ?? findOutput(stderr);
    if (!output) return {};
    const report: AgentReport = { ...tokens(output) };
    if (typeof output.response === 'string') report.finalMessage = output.response;
    if (typeof output.session_id === 'string' && output.session_id) report.sessionId = output.session_id;
    if (output.error && typeof output.error === 'object') report.isError = true;
    const model = mainModel(output);
    if (model) report.model = model;
    return report;
  },

  // "Error resuming session: No previous sessions found for this project." — also after a first run
  // that failed before the CLI saved its session.
  sessionMissing: (stdout: string, stderr: string) =>
    /Error resuming session|No previous sessions found|Invalid session identifier/i.test(`${stderr}\n${stdout}`),

  classifyFailure(exitCode: number | null, stdout: string, stderr: string): AgentFailureClass {
    if (exitCode === 127 || /\bgemini: (?:command )?not found/.test(stderr)) return 'not_installed';
    if (exitCode === EXIT_UNTRUSTED) return 'config';
    const output = findOutput(stdout) ?? findOutput(stderr);
    const error = output?.error;
    if (error?.code === 429) return 'rate_limit';
    // Only the CLI's own error text counts, not the model's response about the code it edited.
    const errorText = [
      output ? '' : stdout,
      typeof error?.type === 'string' ? error.type : '',
      typeof error?.message === 'string' ? error.message : '',
      // Warnings and errors go to stderr in headless mode; the JSON object may be there too.
      stderr,
    ].join('\n');
    // Exit 41 is the CLI's auth failure, which also covers an auth method it does not know: that one is
    // a setting to fix, not a key to replace.
    if (CONFIG.test(errorText)) return 'config';
    if (exitCode === EXIT_AUTH || error?.code === EXIT_AUTH || error?.code === 401 || error?.code === 403 || AUTH.test(errorText))
      return 'auth';
    if (RATE_LIMIT.test(errorText)) return 'rate_limit';
    return 'transient';
  },
};
