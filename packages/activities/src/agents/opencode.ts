// sst/opencode, non-interactive through `opencode run`.
//
// Where each flag and format is documented:
// - `opencode run [message..]`, `--format json` ("raw JSON events"), `-m`/`--model` ("in the form of
//   provider/model"), `-s`/`--session` ("Session ID to continue"): opencode.ai/docs/cli, section run.
// - The prompt on stdin: `opencode run` appends piped stdin to the message when stdin is not a
//   terminal (packages/opencode/src/cli/cmd/run.ts). We use that rather than the positional message
//   because run.ts re-quotes every message argument that contains a space, which would alter a
//   multi-line prompt; stdin reaches the model verbatim.
// - The JSON events (`step_start`, `text`, `tool_use`, `step_finish`, `error`, each with `sessionID`
//   and a `part` or `error`): run.ts, which writes `{ type, timestamp, sessionID, ...data }` per line.
//   A `step_finish` part carries `cost` (USD) and `tokens { input, output, reasoning, cache }`
//   (StepFinishPart in packages/opencode/src/session/message-v2.ts). Errors are named errors:
//   `ProviderAuthError`, and `APIError` with `statusCode` (same file).
// - Permissions: by default "most permissions default to allow"; only `external_directory` and
//   `doom_loop` ask, and `opencode run` rejects what asks (opencode.ai/docs/permissions, run.ts). We do
//   not pass `--auto`: those two guards are worth keeping in an unattended run, and the flag only
//   exists in recent versions while the CLI rejects unknown arguments.
// - Provider credentials: opencode.ai/docs/providers and opencode.ai/docs/github.
// - Install: opencode.ai/docs (Intro, Install).
// Seen from the real CLI (1.18.33) against the scripted model server: `tokens.input` leaves out the
// cached part (`tokens.cache.read`, `tokens.cache.write`), which the provider served and bills as
// input; the figures of a resumed session cover only this run; the title it asks a small model for
// (gpt-5.4-nano with openai) is never reported; no event names the model. Its JSON events say only
// "UnknownError … Check server logs for details." for a model it does not know: the reason
// ("ProviderModelNotFoundError: Model not found: …") is in its log, so the run prints errors
// (`--print-logs --log-level ERROR`, to stderr). It retries 429, 5xx and dropped streams itself
// with backoff, a 5xx for minutes; `agent.timeout` bounds that.
import { readJsonLines } from './output.js';
import type { AgentAdapter, AgentFailureClass, AgentInvocation, AgentInvocationContext, AgentReport } from './types.js';

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

const AUTH = /ProviderAuthError|failed to initialize provider|invalid.{0,20}(api.?key|x-api-key|token)|unauthori[sz]ed|authentication/i;
const RATE_LIMIT = /rate.?limit|quota|too many requests|\b429\b|overloaded|at capacity/i;
const CONFIG = /ProviderModelNotFoundError|Model not found|ConfigInvalidError|ConfigJsonError|invalid config/i;

export const opencodeAdapter: AgentAdapter = {
  provider: 'opencode',
  executable: 'opencode',
  installHint: 'install opencode: npm install -g opencode-ai (or curl -fsSL https://opencode.ai/install | bash)',
  // The provider keys opencode's docs name as environment variables. GITLAB_TOKEN is left out on
  // purpose: like GITHUB_TOKEN it opens a whole forge account, not just a model, so a user who wants
  // GitLab Duo names it in agent.env. Keys stored with `opencode auth login` live under HOME, which
  // the agent keeps.
  credentialEnv: [
    'OPENAI_API_KEY',
    'ANTHROPIC_API_KEY',
    'GOOGLE_GENERATIVE_AI_API_KEY',
    'OPENROUTER_API_KEY',
    'GROQ_API_KEY',
    'DEEPSEEK_API_KEY',
    // Not credentials: where its configuration (providers, base URLs) is, when not under HOME.
    'OPENCODE_CONFIG',
    'OPENCODE_CONFIG_DIR',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_PROFILE',
    'AWS_REGION',
    'AWS_BEARER_TOKEN_BEDROCK',
    'AZURE_RESOURCE_NAME',
    'AZURE_COGNITIVE_SERVICES_RESOURCE_NAME',
    'CLOUDFLARE_ACCOUNT_ID',
    'CLOUDFLARE_GATEWAY_ID',
    'CLOUDFLARE_API_TOKEN',
    'CLOUDFLARE_API_KEY',
    'DIGITALOCEAN_ACCESS_TOKEN',
    'GOOGLE_APPLICATION_CREDENTIALS',
    'GOOGLE_CLOUD_PROJECT',
    'VERTEX_LOCATION',
    'NVIDIA_API_KEY',
    'AICORE_SERVICE_KEY',
    'SNOWFLAKE_ACCOUNT',
    'SNOWFLAKE_CORTEX_TOKEN',
    'XAI_API_KEY',
  ],
  resumesSessions: true,
  reportsSessionTotals: false,
  configHint:
    'check the model names in agent.tiers (provider/model, a model opencode knows) and the provider in opencode.json (provider.<id>.options.baseURL for a gateway)',

  buildInvocation({ prompt, model, sessionId }: AgentInvocationContext): AgentInvocation {
    // Errors to stderr: the JSON events do not say why a model or a configuration was refused.
    const argv = ['opencode', 'run', '--format', 'json', '--print-logs', '--log-level', 'ERROR'];
    if (model && model !== 'default') argv.push('--model', model);
    if (sessionId) argv.push('--session', sessionId);
    return { argv, stdin: prompt };
  },

  parseOutput(stdout: string, _stderr: string): AgentReport {
    const report: AgentReport = {};
    let stepText: string[] = [];
    let steps = 0;
    let cost = 0;
    let inputTokens = 0;
    let outputTokens = 0;
    for (const event of readJsonLines(stdout).events) {
      if (typeof event.sessionID === 'string' && event.sessionID) report.sessionId = event.sessionID;
      const part = asRecord(event.part);
      if (event.type === 'step_start') stepText = [];
      if (event.type === 'text' && typeof part?.text === 'string' && part.text.trim()) {
        // The final message is the text of the last step that said something.
        stepText.push(part.text);
        report.finalMessage = stepText.join('\n');
      }
      if (event.type === 'step_finish' && part) {
        const tokens = asRecord(part.tokens);
        steps += 1;
        cost += count(part.cost);
        // `input` excludes what came from the prompt cache, which the provider served all the same;
        // reasoning tokens are output the provider bills, which opencode counts apart from `output`.
        const cache = asRecord(tokens?.cache);
        inputTokens += count(tokens?.input) + count(cache?.read) + count(cache?.write);
        outputTokens += count(tokens?.output) + count(tokens?.reasoning);
      }
      if (event.type === 'error') report.isError = true;
    }
    if (steps > 0) Object.assign(report, { costUsd: cost, inputTokens, outputTokens });
    return report;
  },

  // "Error: Session not found" (stderr, exit 1).
  sessionMissing: (_stdout: string, stderr: string) => /Session not found|NotFoundError.{0,40}session/i.test(stderr),

  classifyFailure(exitCode: number | null, stdout: string, stderr: string): AgentFailureClass {
    // The `error` events say what failed; tool output inside other events never counts.
    const out = readJsonLines(stdout);
    const errors = out.events.filter((e) => e.type === 'error').map((e) => asRecord(e.error) ?? {});
    const status = errors.map((e) => count(asRecord(e.data)?.statusCode));
    const text = [...readJsonLines(stderr).other, ...out.other, ...errors.map((e) => JSON.stringify(e))].join('\n');
    if (exitCode === 127 || /command not found/i.test(text)) return 'not_installed';
    if (status.includes(401) || status.includes(403) || AUTH.test(text)) return 'auth';
    if (status.includes(404) || CONFIG.test(text)) return 'config';
    if (status.includes(429) || RATE_LIMIT.test(text)) return 'rate_limit';
    return 'transient';
  },
};
