// Cursor's headless agent CLI, `cursor-agent`.
//
// Where each flag and format is documented:
// - `-p` (print mode: "for scripts or non-interactive use. Has access to all tools, including write
//   and shell"), `--output-format stream-json`, `-f`/`--force` ("Force allow commands unless explicitly
//   denied"), `--model <model>`, `--resume [chatId]`, and the CURSOR_API_KEY variable: Cursor's CLI
//   parameters reference, cursor.com/docs/cli/reference/parameters, and `cursor-agent --help`.
// - `--trust` ("Trust the current workspace without prompting (only works with --print/headless
//   mode)"): `cursor-agent --help`. The parameters page we could read does not list it yet.
// - Print mode only proposes file changes unless `--force` is given: cursor.com/docs/cli/headless.
// - The stream-json events (`system`/`init` with `session_id`, `assistant`, `tool_call`, and the
//   terminal `result` with `result`, `session_id` and `is_error`): cursor.com/docs/cli/reference/output-format.
//   That page shows no token counts and no cost, so the report leaves both absent.
// - Install: cursor.com/docs/cli/installation.
import { type JsonEvent, readJsonLines } from './output.js';
import type { AgentAdapter, AgentFailureClass, AgentInvocation, AgentInvocationContext, AgentReport } from './types.js';

/** The text of an `assistant` event's message. */
function messageText(message: unknown): string {
  const content = (message as { content?: unknown } | undefined)?.content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => {
      const text = (part as { text?: unknown } | null)?.text;
      return typeof text === 'string' ? text : '';
    })
    .join('');
}

function isErrorResult(event: JsonEvent): boolean {
  return event.is_error === true || (typeof event.subtype === 'string' && event.subtype !== 'success');
}

// Messages the CLI prints, seen in its users' reports: "Authentication required. Please run 'agent
// login' first", "Not logged in", "Error: You've hit your usage limit".
const AUTH =
  /authentication required|not authenticated|not logged in|\[unauthenticated\]|agent login|invalid api key|unauthori[sz]ed|\b401\b/i;
const RATE_LIMIT = /rate.?limit|usage limit|quota|too many requests|\b429\b/i;

export const cursorAdapter: AgentAdapter = {
  provider: 'cursor',
  executable: 'cursor-agent',
  installHint: 'install the Cursor CLI: curl https://cursor.com/install -fsS | bash',
  credentialEnv: ['CURSOR_API_KEY'],
  resumesSessions: true,
  reportsSessionTotals: false,
  configHint: 'check the model names in agent.tiers (cursor-agent --list-models)',

  buildInvocation({ prompt, model, sessionId }: AgentInvocationContext): AgentInvocation {
    // stream-json rather than json: json prints nothing at all when the run fails, while stream-json
    // names the session in its first event, so a failed or timed-out iteration can still be resumed,
    // and the log shows each tool call. `--trust` because every run starts in a fresh worktree, which
    // would otherwise stop at the workspace trust question that nobody is there to answer.
    const argv = ['cursor-agent', '-p', '--output-format', 'stream-json', '--force', '--trust'];
    if (model && model !== 'default') argv.push('--model', model);
    if (sessionId) argv.push('--resume', sessionId);
    // The documented way to give print mode its prompt is the positional argument.
    argv.push(prompt);
    return { argv };
  },

  parseOutput(stdout: string, _stderr: string): AgentReport {
    const report: AgentReport = {};
    let lastAssistant = '';
    for (const event of readJsonLines(stdout).events) {
      if (typeof event.session_id === 'string' && event.session_id) report.sessionId = event.session_id;
      if (event.type === 'assistant') lastAssistant = messageText(event.message) || lastAssistant;
      if (event.type === 'result') {
        if (typeof event.result === 'string') report.finalMessage = event.result;
        if (isErrorResult(event)) report.isError = true;
      }
    }
    // A failed run may end without its `result` event: its last message is still worth keeping.
    if (report.finalMessage === undefined && lastAssistant) report.finalMessage = lastAssistant;
    return report;
  },

  classifyFailure(exitCode: number | null, stdout: string, stderr: string): AgentFailureClass {
    // Only the CLI's own messages count, never the tool output inside the events: a test run that
    // prints "429" must not read as a rate limit.
    const out = readJsonLines(stdout);
    const errors = out.events
      .filter((e) => e.type === 'result' && isErrorResult(e))
      .map((e) => (typeof e.result === 'string' ? e.result : ''));
    const text = [...readJsonLines(stderr).other, ...out.other, ...errors].join('\n');
    if (exitCode === 127 || /command not found/i.test(text)) return 'not_installed';
    if (AUTH.test(text)) return 'auth';
    if (RATE_LIMIT.test(text)) return 'rate_limit';
    return 'transient';
  },
};
