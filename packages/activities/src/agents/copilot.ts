// GitHub Copilot CLI, `copilot`, in programmatic mode.
//
// Where each flag and format is documented (docs.github.com, Copilot CLI command reference and
// programmatic reference, and "Running GitHub Copilot CLI programmatically"):
// - `-p PROMPT` ("Execute a prompt programmatically (exits after completion)"), `-s` ("Output only the
//   agent response (without usage statistics), useful for scripting with -p"), `--model=MODEL`,
//   `--resume[=VALUE]` ("Optionally specify a session ID"), `--no-ask-user` ("the agent works
//   autonomously without asking questions") and `--output-format=FORMAT` ("json (outputs JSONL: one
//   JSON object per line)").
// - `--allow-all-tools`: "Allow all tools to run automatically without confirmation. Required when
//   using the CLI programmatically". Paths and URLs stay restricted: the agent works in its workspace
//   (and the temp dir, allowed by default), and a fix-forward run needs no web access.
// - Credentials: COPILOT_GITHUB_TOKEN, GH_TOKEN, GITHUB_TOKEN, in that order of precedence.
// - Install: `npm install -g @github/copilot` ("Automating tasks with Copilot CLI and GitHub Actions").
// - The JSONL events themselves are not described by GitHub's docs. What we read is what captured
//   output shows: `assistant.message` events with `data.content`, and a last `result` event with
//   `sessionId`, `exitCode` and `usage`. That `usage` holds premium requests and durations but no
//   token counts and no cost (github/copilot-cli#4107), so the report leaves both absent.
// Seen from the real CLI (1.0.102) with a model provider of its own (BYOK: `COPILOT_OFFLINE=true`,
// `COPILOT_PROVIDER_BASE_URL`, `COPILOT_PROVIDER_API_KEY`; `copilot help environment`) against the
// scripted Chat Completions API: `assistant.message` events name the model (`data.model`); a failure
// ends with a `session.error` event (`errorType` "authentication", "rate_limit" or "query", the
// `statusCode`, and a message such as "Authentication failed with provider at … (HTTP 401)", "Model
// '…' not found on provider at … (HTTP 404)", "… Last error: 503 The engine is currently overloaded")
// after retries of its own; an unknown `--resume` id is "No session, task, or name matched '…'".
import { readJsonLines } from './output.js';
import type { AgentAdapter, AgentFailureClass, AgentInvocation, AgentInvocationContext, AgentReport } from './types.js';

// Messages the CLI prints, as its users report them: "Error: No authentication information found.",
// "Sorry, you've hit a rate limit that restricts the number of Copilot model requests…",
// `Model call failed: {"message":"rate limit exceeded","code":"rate_limited"}`.
const AUTH =
  /no authentication information|not authenticated|authenticat(e|ion) (failed|required)|\/login|invalid.{0,20}token|token.{0,40}(invalid|expired)|unauthori[sz]ed|\b401\b/i;
const RATE_LIMIT = /rate.?limit|quota|too many requests|\b429\b|overloaded|\b50[23]\b|\b529\b/i;
const CONFIG = /not found on provider|\(HTTP 404\)|model .{0,60}(?:not found|not available|not supported)/i;

export const copilotAdapter: AgentAdapter = {
  provider: 'copilot',
  executable: 'copilot',
  installHint: 'install GitHub Copilot CLI: npm install -g @github/copilot',
  // Only the Copilot-specific variable. GH_TOKEN and GITHUB_TOKEN hold AIDP's own GitHub token, which
  // it never hands to an agent; GitHub documents COPILOT_GITHUB_TOKEN for exactly this, a token
  // "with different permissions for Copilot than you might use elsewhere" (a fine-grained PAT with the
  // "Copilot Requests" permission). A user who wants the others names them in agent.env.
  // The COPILOT_PROVIDER_* variables point it at a model provider of the user's own (a gateway, a
  // proxy) instead of GitHub's: the base URL and its key, as `copilot help environment` lists them.
  credentialEnv: [
    'COPILOT_GITHUB_TOKEN',
    'COPILOT_HOME',
    'COPILOT_GH_HOST',
    'COPILOT_OFFLINE',
    'COPILOT_AUTO_UPDATE',
    'COPILOT_PROVIDER_BASE_URL',
    'COPILOT_PROVIDER_TYPE',
    'COPILOT_PROVIDER_API_KEY',
    'COPILOT_PROVIDER_BEARER_TOKEN',
    'COPILOT_PROVIDER_WIRE_API',
    'COPILOT_PROVIDER_MODEL_ID',
    'COPILOT_PROVIDER_WIRE_MODEL',
    'COPILOT_PROVIDER_HEADERS',
  ],
  resumesSessions: true,
  reportsSessionTotals: false,
  configHint:
    'check the model names in agent.tiers, and COPILOT_PROVIDER_BASE_URL and COPILOT_PROVIDER_WIRE_API when a model provider of your own serves them',

  buildInvocation({ prompt, model, sessionId }: AgentInvocationContext): AgentInvocation {
    const argv = ['copilot', '-p', prompt, '-s', '--output-format=json', '--allow-all-tools', '--no-ask-user'];
    if (model && model !== 'default') argv.push(`--model=${model}`);
    // `--resume` takes an optional value, so it is joined with `=`: nothing can read the next
    // argument as its value or the value as an argument.
    if (sessionId) argv.push(`--resume=${sessionId}`);
    return { argv };
  },

  parseOutput(stdout: string, _stderr: string): AgentReport {
    const report: AgentReport = {};
    for (const event of readJsonLines(stdout).events) {
      const data = event.data as { content?: unknown } | undefined;
      if (event.type === 'assistant.message' && typeof data?.content === 'string' && data.content.trim()) {
        report.finalMessage = data.content.trim();
      }
      const model = (data as { model?: unknown } | undefined)?.model;
      if (event.type === 'assistant.message' && typeof model === 'string' && model) report.model = model;
      if (event.type === 'result') {
        if (typeof event.sessionId === 'string' && event.sessionId) report.sessionId = event.sessionId;
        if (typeof event.exitCode === 'number' && event.exitCode !== 0) report.isError = true;
      }
    }
    return report;
  },

  classifyFailure(exitCode: number | null, stdout: string, stderr: string): AgentFailureClass {
    // The CLI's own messages count: plain lines, and any event whose type names an error. Other events
    // hold tool output, which never does (a test run printing "429" is no rate limit).
    const out = readJsonLines(stdout);
    const errors = out.events.filter((e) => typeof e.type === 'string' && /error/i.test(e.type)).map((e) => JSON.stringify(e.data ?? e));
    const text = [...readJsonLines(stderr).other, ...out.other, ...errors].join('\n');
    if (exitCode === 127 || /command not found/i.test(text)) return 'not_installed';
    if (AUTH.test(text)) return 'auth';
    if (CONFIG.test(text)) return 'config';
    if (RATE_LIMIT.test(text)) return 'rate_limit';
    return 'transient';
  },

  // "Error: No session, task, or name matched '<id>'." (stderr, exit 1).
  sessionMissing: (_stdout: string, stderr: string) => /No session, task, or name matched/i.test(stderr),
};
