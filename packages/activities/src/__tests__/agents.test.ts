// The built-in agent adapters, one row of ADAPTERS each: the invocation each builds, what it reads from
// its CLI's output, how it classifies a failed run, and one run against a fake of the CLI started from
// PATH (fake-agent-cli.ts). Behaviour only one adapter has is in a describe of its own at the end; what
// the real CLIs printed is in agents-real-outputs.test.ts.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { aiderAdapter } from '../agents/aider';
import { claudeAdapter } from '../agents/claude';
import { codexAdapter } from '../agents/codex';
import { copilotAdapter } from '../agents/copilot';
import { cursorAdapter } from '../agents/cursor';
import { geminiAdapter } from '../agents/gemini';
import { opencodeAdapter } from '../agents/opencode';
import type { AgentAdapter, AgentFailureClass, AgentInvocation, AgentInvocationContext, AgentReport } from '../agents/types';
import { readFixture, runFakeCli, scopedTempDirs } from './fake-agent-cli';

/** Quotes, backticks and something that looks like an option: the CLI must get it verbatim. */
const PROMPT = '# fix-tests\n\nIteration 2 of 3\n\nMake "npm test" pass; keep `--strict` on.\n';
const PROMPT_FILE = '/tmp/run/PROMPT.md';
const FORGE_TOKENS = ['GITHUB_TOKEN', 'GH_TOKEN', 'GITLAB_TOKEN'];

function context(overrides: Partial<AgentInvocationContext> = {}): AgentInvocationContext {
  return { promptFile: PROMPT_FILE, prompt: PROMPT, model: '', workspace: '/tmp/ws', ...overrides };
}

/** One JSON text, on one line. */
const compact = (json: string): string => JSON.stringify(JSON.parse(json));

/** The first `count` lines of a captured stream: a run cut off. */
const firstLines = (stream: string, count: number): string => stream.trim().split('\n').slice(0, count).join('\n');

/** A captured stream (one JSON object a line) whose last event, the result, has `fields` changed. */
function withLastEvent(stream: string, fields: Record<string, unknown>): string {
  const lines = stream.trim().split('\n');
  const last = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
  return [...lines.slice(0, -1), JSON.stringify({ ...last, ...fields })].join('\n');
}

/** Output that holds nothing to report: a description and stdout each, read with `stderr`. */
function unreadable(stderr: string, cases: [what: string, stdout: string][]): ReportCase[] {
  return cases.map(([what, stdout]) => ({ case: `nothing from ${what}`, stdout, stderr, report: {} }));
}

/** One output to read and the report expected from it: all of it, or (`partial`) these fields of it. */
interface ReportCase {
  case: string;
  stdout: string;
  stderr?: string;
  report: AgentReport;
  partial?: true;
}

/** A failed run: what it is, the class expected, and its exit code, stdout and stderr. */
type FailureCase = [what: string, expected: AgentFailureClass, exitCode: number | null, stdout: string, stderr: string];

interface AdapterCase {
  /** The provider, which names the fixture directory too. */
  cli: string;
  adapter: AgentAdapter;
  /** The argv for `context()` (or for a prompt file elsewhere), with `options` (model, session) where the CLI takes them. */
  argv(options?: string[], promptFile?: string): string[];
  /** How the prompt reaches the CLI: on stdin, as an argument, or in the file an option names. */
  prompt: 'stdin' | 'argv' | { fileOption: string };
  /** A model, and the options that pass it. */
  model: [model: string, options: string[]];
  /** A session to resume, and the options that pass it (after the model's); absent when the CLI cannot resume. */
  resume?: [sessionId: string, options: string[]];
  reportsSessionTotals: boolean;
  /** What the install hint says to run. */
  installHint: string;
  /** Credential variables it passes through (among others). */
  credentials: string[];
  reports: ReportCase[];
  failures: FailureCase[];
  /** The run against a fake CLI, given the model and session above: the fixture it prints, and the report read from that. */
  process: { stdout: string; report: AgentReport };
}

function adapterCase(
  cli: string,
  adapter: AgentAdapter,
  rest: (fixture: (name: string) => string) => Omit<AdapterCase, 'cli' | 'adapter'>,
): AdapterCase {
  return { cli, adapter, ...rest((name) => readFixture(cli, name)) };
}

const aider = adapterCase('aider', aiderAdapter, (fixture) => {
  const messageRun = { inputTokens: 3600 + 5900, outputTokens: 693 + 345, costUsd: 0.03 };
  const timeout =
    'litellm.Timeout: Connection timed out after 600.0 seconds.\nThe API provider timed out without returning a response. They may be down or overloaded.\n';
  return {
    // What the options are for is asserted in the aider describe below, against what the adapter builds.
    argv: (options = [], promptFile = PROMPT_FILE) => [...aiderAdapter.buildInvocation(context({ promptFile })).argv, ...options],
    prompt: { fileOption: '--message-file' },
    model: ['sonnet', ['--model', 'sonnet']],
    reportsSessionTotals: false,
    installHint: 'python -m pip install aider-install && aider-install',
    credentials: ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY'],
    reports: [
      { case: 'the tokens of every reply and the last session cost', stdout: fixture('message-run.txt'), report: messageRun },
      {
        case: 'the cache counts form, the small-cost form and a cost on its own line',
        stdout: [
          'Tokens: 2.3k sent, 440 received. Cost: $0.00061 message, $0.00061 session.',
          // aider prints the cost on its own line when it shows both cache counts.
          'Tokens: 14k sent, 2.1k cache write, 8.2k cache hit, 550 received.',
          'Cost: $0.05 message, $0.06 session.',
          'Tokens: 1,234 sent, 56 received.',
        ].join('\n'),
        report: { inputTokens: 2300 + 14000 + 1234, outputTokens: 440 + 550 + 56, costUsd: 0.06 },
      },
      {
        case: 'tokens without a cost when the model has no known price',
        stdout: 'Applied edit to note.txt\nTokens: 788 sent, 142 received.\n',
        report: { inputTokens: 788, outputTokens: 142 },
      },
      { case: 'a provider error that ended the run', stdout: fixture('auth-error.txt'), report: { isError: true } },
      {
        case: 'no error when aider retried past one',
        stdout: `${fixture('rate-limit-retry.txt')}${fixture('message-run.txt')}`,
        report: messageRun,
      },
      ...unreadable('noise', [
        ['empty output', ''],
        ['a reply without a usage line', 'I made the change.\nApplied edit to src/math.js\n'],
        ['a broken usage line', 'Tokens: lots sent, some received.\nCost: $? message, $? session\n'],
        ['binary noise', '\u0000\u001b[31m\uFFFD'],
      ]),
    ],
    failures: [
      ['a missing CLI', 'not_installed', 127, '', 'bash: aider: command not found\n'],
      ['a rejected key', 'auth', 1, fixture('auth-error.txt'), ''],
      [
        'an invalid x-api-key from litellm',
        'auth',
        1,
        'litellm.AuthenticationError: AnthropicException - {"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}\n',
        '',
      ],
      ['a rate limit', 'rate_limit', 1, fixture('rate-limit-retry.txt'), ''],
      [
        'an overloaded provider',
        'rate_limit',
        1,
        "litellm.InternalServerError: AnthropicException - Overloaded\nThe API provider's servers are down or overloaded.\n",
        '',
      ],
      ['a timeout', 'transient', 1, timeout, ''],
      ['a crash after the reply', 'transient', 1, fixture('message-run.txt'), 'Traceback (most recent call last):\nKeyError: x\n'],
      [
        'a reply that talks about errors',
        'transient',
        1,
        'I changed the retry logic so a 429 or an invalid API key is reported.\nTokens: 2.3k sent, 440 received.\n',
        '',
      ],
    ],
    process: { stdout: 'message-run.txt', report: messageRun },
  };
});

const claude = adapterCase('claude', claudeAdapter, (fixture) => {
  /** The documented result object with `fields` changed, for the failure cases. */
  const result = (fields: Record<string, unknown>): string => withLastEvent(compact(fixture('result-docs.json')), fields);
  const failed = (message: string, fields: Record<string, unknown> = {}): string => result({ is_error: true, result: message, ...fields });
  const success = {
    finalMessage: "Hi! I'm ready to help.",
    costUsd: 0.010620999999999998,
    sessionId: 'fdf2d90a-fd9e-4736-ae35-806edd13643f',
    inputTokens: 3 + 20012,
    outputTokens: 24,
    model: 'claude-sonnet-4-5-20250929',
  };
  const rateLimit429 =
    'API Error: 429 {"type":"error","error":{"type":"rate_limit_error","message":"Number of requests has exceeded your rate limit"}}';
  return {
    argv: (options = []) => ['claude', '-p', '--output-format', 'json', '--permission-mode', 'acceptEdits', ...options],
    prompt: 'stdin',
    model: ['claude-sonnet-4-5', ['--model', 'claude-sonnet-4-5']],
    resume: ['fdf2d90a-fd9e-4736-ae35-806edd13643f', ['--resume', 'fdf2d90a-fd9e-4736-ae35-806edd13643f']],
    reportsSessionTotals: true,
    installHint: 'npm install -g @anthropic-ai/claude-code',
    credentials: ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN'],
    reports: [
      {
        case: 'the documented result object',
        stdout: fixture('result-docs.json'),
        report: { finalMessage: 'The response text here...', costUsd: 0.003, sessionId: 'abc123' },
      },
      { case: 'tokens from modelUsage, cached input included', stdout: fixture('result-success.json'), report: success },
      {
        case: 'tokens from usage when there is no modelUsage',
        stdout: withLastEvent(compact(fixture('result-success.json')), {
          modelUsage: undefined,
          usage: { input_tokens: 3, cache_creation_input_tokens: 100, cache_read_input_tokens: 20012, output_tokens: 24 },
        }),
        report: { inputTokens: 20115, outputTokens: 24 },
        partial: true,
      },
      {
        case: 'the result among other lines',
        stdout: `{"type":"system","subtype":"init","session_id":"x"}\n${compact(fixture('result-docs.json'))}\n`,
        report: { sessionId: 'abc123', costUsd: 0.003 },
        partial: true,
      },
      {
        case: 'an error result as an error even though its subtype says success',
        stdout: fixture('result-api-error.json'),
        report: { finalMessage: 'API Error: Stream idle timeout - no chunks received', isError: true },
      },
      ...unreadable('noise on stderr', [
        ['empty output', ''],
        ['plain text', 'Error: something broke\n'],
        ['truncated JSON', fixture('result-docs.json').slice(0, 60)],
        ['a JSON array', '[1, 2, 3]'],
        ['another message type', '{"type":"assistant","message":{"content":[]}}'],
        ['fields of the wrong types', '{"type":"result","result":42,"total_cost_usd":"lots","session_id":7,"usage":{"input_tokens":"x"}}'],
      ]),
    ],
    failures: [
      ['a missing CLI under sh', 'not_installed', 127, '', 'sh: 1: claude: not found\n'],
      ['a missing CLI under bash', 'not_installed', 127, '', 'bash: claude: command not found\n'],
      ['an invalid key', 'auth', 1, failed('Invalid API key · Please run /login'), ''],
      ['an external key rejected', 'auth', 1, failed('Invalid API key · Fix external API key'), ''],
      ['a 401 status', 'auth', 1, failed('API Error', { api_error_status: 401 }), ''],
      [
        'an expired OAuth token',
        'auth',
        1,
        result({ subtype: 'error_during_execution', is_error: true, errors: ['OAuth token has expired'] }),
        '',
      ],
      ['a 429', 'rate_limit', 1, failed(rateLimit429), ''],
      ['repeated 529s', 'rate_limit', 1, failed('API Error: Repeated 529 Overloaded errors'), ''],
      ['a usage limit', 'rate_limit', 1, failed('Claude AI usage limit reached|1700000000'), ''],
      ['a low credit balance', 'rate_limit', 1, failed('Your credit balance is too low'), ''],
      ['a 429 status', 'rate_limit', 1, failed('x', { api_error_status: 429 }), ''],
      ['another API error', 'transient', 1, fixture('result-api-error.json'), ''],
      ['too many turns', 'transient', 1, result({ subtype: 'error_max_turns', is_error: true }), ''],
      [
        'the model’s own words about errors',
        'transient',
        1,
        result({ is_error: false, result: 'Fixed the rate limit handler and the invalid API key message.' }),
        '',
      ],
      // When it printed no JSON, the CLI's own text is read.
      ['an invalid key on stderr', 'auth', 1, '', 'Invalid API key · Please run /login\n'],
      ['a 529 as plain text', 'rate_limit', 1, 'API Error: 529 {"type":"error","error":{"type":"overloaded_error"}}', ''],
    ],
    process: { stdout: 'result-success.json', report: success },
  };
});

const codex = adapterCase('codex', codexAdapter, (fixture) => {
  const thread = '0199a213-81c0-7800-8aa1-bbab2a035a53';
  /** A failed run as `codex exec --json` reports it (event shapes of codex-rs/exec/src/exec_events.rs). */
  const failedRun = (message: string, reconnects: string[] = []): string =>
    [
      `{"type":"thread.started","thread_id":"${thread}"}`,
      '{"type":"turn.started"}',
      ...reconnects.map((m) => JSON.stringify({ type: 'error', message: m })),
      JSON.stringify({ type: 'turn.failed', error: { message } }),
    ].join('\n');
  const streamCut = failedRun('stream disconnected before completion: error sending request');
  const run = {
    sessionId: thread,
    finalMessage: 'Yep — there’s a `README.md` in the repository root.',
    inputTokens: 24763,
    outputTokens: 122,
  };
  return {
    argv: (options = []) => ['codex', 'exec', '--json', '--sandbox', 'workspace-write', '--skip-git-repo-check', ...options, '-'],
    prompt: 'stdin',
    model: ['gpt-5-codex', ['--model', 'gpt-5-codex']],
    // `exec resume <id>`: the options first, the prompt still on stdin.
    resume: [thread, ['resume', thread]],
    reportsSessionTotals: true,
    installHint: 'npm install -g @openai/codex',
    credentials: ['CODEX_API_KEY', 'OPENAI_API_KEY'],
    reports: [
      {
        case: 'the thread id, the last agent message and the token usage of the documented stream',
        stdout: fixture('exec-json.jsonl'),
        report: run,
      },
      {
        case: 'the thread’s usage from the last completed turn (it covers the thread so far)',
        stdout: `${fixture('exec-json.jsonl')}\n{"type":"turn.completed","usage":{"input_tokens":25763,"cached_input_tokens":0,"output_tokens":130}}\n`,
        report: { inputTokens: 25763, outputTokens: 130 },
        partial: true,
      },
      { case: 'a failed turn as an error', stdout: streamCut, report: { sessionId: thread, isError: true } },
      {
        case: 'no error for a reconnect the turn recovered from',
        stdout: fixture('exec-json.jsonl').replace(
          '{"type":"turn.started"}',
          '{"type":"turn.started"}\n{"type":"error","message":"Reconnecting... 1/5"}',
        ),
        report: run,
      },
      ...unreadable('noise', [
        ['empty output', ''],
        ['plain text', 'Reading prompt from stdin...\nerror: unexpected argument found\n'],
        ['a truncated event', '{"type":"thread.started","thread_id":"0199'],
        ['JSON that is not an event', '[1,2]\n"text"\n42\nnull'],
        [
          'events with fields of the wrong types',
          '{"type":"thread.started","thread_id":7}\n{"type":"turn.completed","usage":{"input_tokens":"many"}}\n{"type":"item.completed","item":{"type":"agent_message","text":null}}',
        ],
      ]),
    ],
    failures: [
      ['a missing CLI', 'not_installed', 127, '', 'sh: 1: codex: not found\n'],
      [
        'a 401 without credentials',
        'auth',
        1,
        failedRun('unexpected status 401 Unauthorized: Missing bearer or basic authentication in header'),
        '',
      ],
      ['an incorrect key', 'auth', 1, failedRun('unexpected status 401 Unauthorized: Incorrect API key provided: sk-test****'), ''],
      ['retries that ended in 401', 'auth', 1, failedRun('exceeded retry limit, last status: 401 Unauthorized'), ''],
      ['a missing key on stderr', 'auth', 1, '', 'Error: Missing environment variable: `OPENAI_API_KEY`.\n'],
      ['a usage limit', 'rate_limit', 1, failedRun("You've hit your usage limit. Try again later."), ''],
      ['an exceeded quota', 'rate_limit', 1, failedRun('Quota exceeded. Check your plan and billing details.'), ''],
      ['retries that ended in 429', 'rate_limit', 1, failedRun('exceeded retry limit, last status: 429 Too Many Requests'), ''],
      ['high demand', 'rate_limit', 1, failedRun("We're currently experiencing high demand, which may cause temporary errors."), ''],
      ['a stream cut', 'transient', 1, streamCut, ''],
      // A model the provider does not have is a setting to fix: the run ends. The failed turn decides,
      // not the reconnects before it.
      [
        'an unknown model after a reconnect on 429',
        'config',
        1,
        failedRun('unexpected status 404 Not Found: The model `gpt-9` does not exist', [
          'Reconnecting... 1/5 (unexpected status 429 Too Many Requests)',
        ]),
        '',
      ],
      [
        'the agent’s own words about errors',
        'transient',
        1,
        fixture('exec-json.jsonl').replace(
          'Yep — there’s a `README.md` in the repository root.',
          'I added a 401 handler and a rate limit.',
        ),
        '',
      ],
    ],
    process: { stdout: 'exec-json.jsonl', report: run },
  };
});

const copilot = adapterCase('copilot', copilotAdapter, (fixture) => {
  const session = 'aa778ea0-6eab-4ce9-b87e-11d6d33dab4f';
  // The result event carries no tokens and no cost.
  const run = { sessionId: session, finalMessage: 'hello world' };
  const noisyTool = JSON.stringify({
    type: 'tool.execution_complete',
    data: {
      success: true,
      result: { content: '429 rate limit; 401 Unauthorized; No authentication information found; command not found' },
    },
  });
  return {
    argv: (options = []) => ['copilot', '-p', PROMPT, '-s', '--output-format=json', '--allow-all-tools', '--no-ask-user', ...options],
    prompt: 'argv',
    model: ['claude-haiku-4.5', ['--model=claude-haiku-4.5']],
    resume: [session, [`--resume=${session}`]],
    reportsSessionTotals: false,
    installHint: 'npm install -g @github/copilot',
    credentials: ['COPILOT_GITHUB_TOKEN', 'COPILOT_PROVIDER_BASE_URL', 'COPILOT_PROVIDER_API_KEY'],
    reports: [
      { case: 'the final message and session, and no tokens or cost', stdout: fixture('output-format-json.jsonl'), report: run },
      {
        case: 'the last thing said, skipping messages that only request tools',
        stdout: `${fixture('output-format-json.jsonl').trim()}\n${fixture('output-format-json-tools.jsonl')}`,
        report: { finalMessage: 'hello world' },
        partial: true,
      },
      { case: 'nothing from messages that only request tools', stdout: fixture('output-format-json-tools.jsonl'), report: {} },
      {
        case: 'a result with a non-zero exit code as an error',
        stdout: withLastEvent(fixture('output-format-json.jsonl'), { exitCode: 1 }),
        report: { isError: true, sessionId: session },
        partial: true,
      },
      ...unreadable('', [
        ['empty output', ''],
        ['text and broken JSON', 'hello world\n{"type":"result",\n[null]\ntrue'],
        [
          'events with fields of the wrong types',
          '{"type":"assistant.message","data":null}\n{"type":"result","sessionId":5,"exitCode":"1"}',
        ],
      ]),
    ],
    failures: [
      ['exit 127', 'not_installed', 127, '', ''],
      ['a shell that did not find it', 'not_installed', 1, '', '/bin/sh: 1: copilot: command not found'],
      ['missing credentials', 'auth', 1, '', fixture('no-auth.stderr.txt')],
      ['a 401', 'auth', 1, '', 'Error: 401 Unauthorized'],
      ['a rate limit', 'rate_limit', 1, '', fixture('rate-limit.stderr.txt')],
      ['a rate-limited model call', 'rate_limit', 1, '', ' × Model call failed: {"message":"rate limit exceeded","code":"rate_limited"}'],
      ['a run that reported nothing wrong', 'transient', 1, fixture('output-format-json.jsonl'), ''],
      ['tool output inside the events', 'transient', 1, noisyTool, noisyTool],
    ],
    process: { stdout: 'output-format-json.jsonl', report: run },
  };
});

const cursor = adapterCase('cursor', cursorAdapter, (fixture) => {
  const session = 'c6b62c6f-7ead-4fd6-9922-e952131177ff';
  // The documented format has no tokens and no cost.
  const run = {
    sessionId: session,
    finalMessage: "I'll read the README.md fileBased on the README, I'll create a summaryDone! I've created the summary in summary.txt",
  };
  const noisyTool = JSON.stringify({
    type: 'tool_call',
    subtype: 'completed',
    tool_call: { shellToolCall: { result: { success: { stdout: 'HTTP 429 rate limit; 401 Unauthorized; command not found' } } } },
    session_id: 's',
  });
  const errorResult = JSON.stringify({ type: 'result', subtype: 'error', is_error: true, result: 'Rate limit exceeded', session_id: 's' });
  return {
    // The prompt stays last, after any options.
    argv: (options = []) => ['cursor-agent', '-p', '--output-format', 'stream-json', '--force', '--trust', ...options, PROMPT],
    prompt: 'argv',
    model: ['sonnet-4', ['--model', 'sonnet-4']],
    resume: [session, ['--resume', session]],
    reportsSessionTotals: false,
    installHint: 'curl https://cursor.com/install -fsS | bash',
    credentials: ['CURSOR_API_KEY'],
    reports: [
      {
        case: 'the final message and session of the documented example, and no tokens or cost',
        stdout: fixture('stream-json.jsonl'),
        report: run,
      },
      {
        case: 'the session and the last message of a run that ended without its result event',
        stdout: firstLines(fixture('stream-json.jsonl'), 6),
        report: { sessionId: session, finalMessage: "Based on the README, I'll create a summary" },
      },
      {
        case: 'a result that says it is an error',
        stdout: withLastEvent(fixture('stream-json.jsonl'), { is_error: true }),
        report: { isError: true },
        partial: true,
      },
      ...unreadable('', [
        ['empty output', ''],
        ['a result with fields of the wrong types', '{"type":"result","result":42,"session_id":7}'],
      ]),
      { case: 'nothing from text and broken JSON', stdout: 'not json\n{"type":"result",\n[1,2]\nnull\n"text"', stderr: 'boom', report: {} },
    ],
    failures: [
      ['exit 127', 'not_installed', 127, '', ''],
      ['a shell that did not find it', 'not_installed', 1, '', 'sh: 1: cursor-agent: command not found'],
      // As users of the CLI report it.
      ['a missing login', 'auth', 1, '', "Authentication required. Please run 'agent login' first"],
      ['not being logged in', 'auth', 1, '', 'Not logged in'],
      ['a spent usage limit', 'rate_limit', 1, '', fixture('usage-limit.stderr.txt')],
      ['a 429', 'rate_limit', 1, '', 'Error: 429 Too Many Requests'],
      ['a run that reported nothing wrong', 'transient', 1, fixture('stream-json.jsonl'), ''],
      ['tool output inside the events', 'transient', 1, noisyTool, noisyTool],
      ['the message of an error result, even with exit 0', 'rate_limit', 0, errorResult, errorResult],
    ],
    process: { stdout: 'stream-json.jsonl', report: run },
  };
});

const gemini = adapterCase('gemini', geminiAdapter, (fixture) => {
  const error = (type: string, message: string, code?: number): string => JSON.stringify({ error: { type, message, code } });
  const docs = {
    finalMessage: 'The capital of France is Paris.',
    inputTokens: 24939 + 8965,
    outputTokens: 20 + 10,
    // No model has the main role in this older shape: the one that wrote the most.
    model: 'gemini-2.5-pro',
  };
  const noAuthMethod =
    'Please set an Auth method in your ~/.gemini/settings.json or specify one of the following environment variables before running: GEMINI_API_KEY, GOOGLE_GENAI_USE_VERTEXAI, GOOGLE_GENAI_USE_GCA\n';
  const quota = '[{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","message":"Quota exceeded for quota metric"}}]';
  return {
    argv: (options = []) => ['gemini', '--output-format', 'json', '--approval-mode', 'auto_edit', ...options],
    prompt: 'stdin',
    model: ['gemini-2.5-pro', ['--model', 'gemini-2.5-pro']],
    resume: ['473f0428-49f7-45b0-a7ee-d68829cc8bf6', ['--resume', '473f0428-49f7-45b0-a7ee-d68829cc8bf6']],
    reportsSessionTotals: false,
    installHint: 'npm install -g @google/gemini-cli',
    credentials: ['GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GOOGLE_GENAI_USE_VERTEXAI', 'GOOGLE_CLOUD_PROJECT'],
    reports: [
      { case: 'the response and the tokens of every model in the documented stats', stdout: fixture('output-docs.json'), report: docs },
      {
        case: 'the session id',
        stdout: fixture('output-session.json'),
        report: { sessionId: 'test-session-id', finalMessage: 'This is a test response.' },
      },
      {
        case: 'the object after other lines',
        stdout: `Loaded cached credentials.\n${fixture('output-session.json')}`,
        report: { sessionId: 'test-session-id' },
        partial: true,
      },
      {
        case: 'the object on stderr when stdout is empty (how the CLI reports failures)',
        stdout: '',
        stderr: fixture('error-auth.json'),
        report: { sessionId: 'test-session-id', isError: true },
      },
      ...unreadable('', [
        ['empty output', ''],
        ['plain text', 'Error: something broke\n'],
        ['truncated JSON', fixture('output-docs.json').slice(0, 200)],
        ['a JSON array', '[\n  1\n]'],
        [
          'fields of the wrong types',
          '{"response": 42, "session_id": "", "stats": {"models": {"m": {"tokens": {"prompt": "x"}}, "n": null}}}',
        ],
      ]),
    ],
    failures: [
      ['a missing CLI', 'not_installed', 127, '', 'sh: 1: gemini: not found\n'],
      ['the documented auth exit code', 'auth', 41, '', error('FatalAuthenticationError', 'Failed to login', 41)],
      // Both end the run at once; a missing auth method is a setting to fix rather than a key.
      ['a missing auth method with exit 41', 'config', 41, '', fixture('error-auth.json')],
      ['a missing auth method with exit 1', 'config', 1, '', fixture('error-auth.json')],
      ['the request to set an auth method', 'config', 1, '', noAuthMethod],
      ['an invalid key', 'auth', 1, '', error('ApiError', 'API key not valid. Please pass a valid API key.', 400)],
      ['a 429', 'rate_limit', 1, '', fixture('error-rate-limit.json')],
      ['an exhausted quota', 'rate_limit', 1, '', error('Error', quota, 1)],
      ['an overloaded model', 'rate_limit', 1, '', error('Error', 'The model is overloaded. Please try again later.')],
      ['the turn limit', 'transient', 53, '', error('FatalTurnLimitedError', 'Reached max session turns', 53)],
      [
        'the model’s own words about errors',
        'transient',
        1,
        JSON.stringify({ session_id: 's', response: 'I fixed the 401 handling and the quota check.' }, null, 2),
        '',
      ],
    ],
    process: { stdout: 'output-docs.json', report: docs },
  };
});

const opencode = adapterCase('opencode', opencodeAdapter, (fixture) => {
  const session = 'ses_494719016ffe85dkDMj0FPRbHK';
  // Cache reads count as input: the provider served them.
  const run = {
    sessionId: session,
    finalMessage: '```\nhello\n```',
    costUsd: 0.001,
    inputTokens: 21772 + 671 + 21415,
    outputTokens: 110 + 8,
  };
  // Lines of the shape run.ts writes, with the StepFinishPart fields of message-v2.ts.
  const event = (type: string, fields: Record<string, unknown>): Record<string, unknown> => ({ type, sessionID: 'ses_A', ...fields });
  const text = (words: string) => event('text', { part: { type: 'text', text: words } });
  const stepFinish = (reason: string, cost: number, input: number, output: number, reasoning: number, cacheRead: number) =>
    event('step_finish', {
      part: { type: 'step-finish', reason, cost, tokens: { input, output, reasoning, cache: { read: cacheRead, write: 0 } } },
    });
  const stepStart = event('step_start', { part: { type: 'step-start' } });
  const steps = [
    stepStart,
    text('Reading the failure.'),
    stepFinish('tool-calls', 0.25, 100, 10, 5, 0),
    stepStart,
    text('Fixed the test.'),
    text('STATUS: COMPLETE'),
    stepFinish('stop', 0.5, 200, 20, 7, 50),
  ];
  // The named errors of message-v2.ts, as run.ts writes them in an `error` event.
  const errorEvent = (error: Record<string, unknown>): string => JSON.stringify(event('error', { error }));
  const noisyTool = JSON.stringify(
    event('tool_use', {
      part: {
        type: 'tool',
        tool: 'bash',
        state: { status: 'completed', output: '429 rate limit; 401 Unauthorized; authentication failed; command not found' },
      },
    }),
  );
  return {
    argv: (options = []) => ['opencode', 'run', '--format', 'json', '--print-logs', '--log-level', 'ERROR', ...options],
    prompt: 'stdin',
    model: ['anthropic/claude-sonnet-4-20250514', ['--model', 'anthropic/claude-sonnet-4-20250514']],
    resume: [session, ['--session', session]],
    reportsSessionTotals: false,
    installHint: 'npm install -g opencode-ai',
    credentials: ['ANTHROPIC_API_KEY', 'AWS_BEARER_TOKEN_BEDROCK', 'XAI_API_KEY'],
    reports: [
      { case: 'the final text, session, tokens and cost of every step', stdout: fixture('run-json.jsonl'), report: run },
      {
        case: 'reasoning tokens as output, and the text of the last step that spoke',
        stdout: steps.map((e) => JSON.stringify(e)).join('\n'),
        report: {
          sessionId: 'ses_A',
          finalMessage: 'Fixed the test.\nSTATUS: COMPLETE',
          costUsd: 0.75,
          inputTokens: 350,
          outputTokens: 42,
        },
      },
      {
        case: 'a run that reported an error event',
        stdout: `${fixture('run-json.jsonl').trim()}\n${fixture('error-rate-limit.jsonl')}`,
        report: { isError: true, sessionId: session },
        partial: true,
      },
      {
        case: 'no usage when no step finished, rather than zeros',
        stdout: firstLines(fixture('run-json.jsonl'), 2),
        report: { sessionId: session },
      },
      ...unreadable('', [
        ['empty output', ''],
        ['text and broken JSON', 'Error: something\n{"type":"text",\n[]\n42'],
        ['events with fields of the wrong types', '{"type":"text","part":"x","sessionID":3}\n{"type":"step_finish","part":null}'],
      ]),
    ],
    failures: [
      ['exit 127', 'not_installed', 127, '', ''],
      ['a shell that did not find it', 'not_installed', 1, '', 'bash: opencode: command not found'],
      [
        'a ProviderAuthError',
        'auth',
        1,
        errorEvent({ name: 'ProviderAuthError', data: { providerID: 'anthropic', message: 'invalid x-api-key' } }),
        '',
      ],
      [
        'an APIError with status 401',
        'auth',
        1,
        errorEvent({ name: 'APIError', data: { message: 'invalid x-api-key', statusCode: 401, isRetryable: false } }),
        '',
      ],
      // How the CLI's error formatter words a provider that could not start.
      [
        'a provider that could not start',
        'auth',
        1,
        '',
        'Error: Failed to initialize provider "anthropic". Check credentials and configuration.',
      ],
      ['a 429', 'rate_limit', 1, fixture('error-rate-limit.jsonl'), ''],
      ['an exceeded quota', 'rate_limit', 1, '', 'AI_APICallError: You exceeded your current quota'],
      ['a run that reported nothing wrong', 'transient', 1, fixture('run-json.jsonl'), ''],
      ['tool output inside the events', 'transient', 1, noisyTool, noisyTool],
    ],
    process: { stdout: 'run-json.jsonl', report: run },
  };
});

const ADAPTERS: AdapterCase[] = [aider, claude, codex, copilot, cursor, gemini, opencode];

/** That the prompt reaches the CLI the way `row` says, in an invocation built from `context()`. */
function expectPromptHandedOver(row: AdapterCase, invocation: AgentInvocation): void {
  if (row.prompt === 'argv') {
    expect(invocation.stdin).toBeUndefined();
    expect(invocation.argv).toContain(PROMPT);
    return;
  }
  expect(invocation.stdin).toBe(row.prompt === 'stdin' ? PROMPT : undefined);
  expect(invocation.argv.join(' ')).not.toContain('Iteration');
  if (row.prompt !== 'stdin') expect(invocation.argv[invocation.argv.indexOf(row.prompt.fileOption) + 1]).toBe(PROMPT_FILE);
}

/** The session to resume and the options that pass it; for a CLI that cannot resume, one it is given anyway and leaves out. */
function sessionOf(row: AdapterCase): [sessionId: string, options: string[]] {
  return row.resume ?? ['abc', []];
}

describe.each(ADAPTERS)('$cli adapter', (row) => {
  const { adapter } = row;

  describe('invocation', () => {
    it('starts its executable with the options for a non-interactive run, and hands over the prompt', () => {
      const invocation = adapter.buildInvocation(context());
      expect(invocation.argv).toEqual(row.argv());
      expect(invocation.argv[0]).toBe(adapter.executable);
      expectPromptHandedOver(row, invocation);
    });

    it('passes the model, and leaves it to the CLI when it is empty or "default"', () => {
      const [model, options] = row.model;
      expect(adapter.buildInvocation(context({ model })).argv).toEqual(row.argv(options));
      expect(adapter.buildInvocation(context({ model: 'default' })).argv).toEqual(row.argv());
      expect(adapter.buildInvocation(context({ model: '' })).argv).toEqual(row.argv());
    });

    it(
      row.resume
        ? 'resumes a session by id, with or without a model, the prompt handed over as before'
        : 'cannot resume a session, and starts afresh when given one',
      () => {
        expect(adapter.resumesSessions).toBe(row.resume !== undefined);
        const [sessionId, sessionOptions] = sessionOf(row);
        const invocation = adapter.buildInvocation(context({ sessionId }));
        expect(invocation.argv).toEqual(row.argv(sessionOptions));
        expectPromptHandedOver(row, invocation);
        const [model, modelOptions] = row.model;
        expect(adapter.buildInvocation(context({ model, sessionId })).argv).toEqual(row.argv([...modelOptions, ...sessionOptions]));
      },
    );

    it('names its provider, install command and credentials, and never a forge token', () => {
      expect(adapter.provider).toBe(row.cli);
      expect(adapter.installHint).toContain(row.installHint);
      expect(adapter.credentialEnv).toEqual(expect.arrayContaining(row.credentials));
      for (const forge of FORGE_TOKENS) expect(adapter.credentialEnv).not.toContain(forge);
      expect(adapter.reportsSessionTotals).toBe(row.reportsSessionTotals);
    });
  });

  describe('output', () => {
    it.each(row.reports)('reads $case', ({ stdout, stderr, report, partial }) => {
      const read = adapter.parseOutput(stdout, stderr ?? '');
      if (partial) expect(read).toMatchObject(report);
      else expect(read).toEqual(report);
    });
  });

  describe('failures', () => {
    it.each(row.failures)('classifies %s as %s', (_, expected, exitCode, stdout, stderr) => {
      expect(adapter.classifyFailure(exitCode, stdout, stderr)).toBe(expected);
    });

    it('classifies a run that ended without an exit code or a word as transient', () => {
      expect(adapter.classifyFailure(null, '', '')).toBe('transient');
    });
  });

  describe('against a real process', () => {
    const tempDir = scopedTempDirs();

    it('starts the CLI from PATH with its argv, prompt, workspace and credentials only, and parses what it prints', () => {
      const workspace = tempDir('aidp-ws-');
      const promptFile = join(tempDir('aidp-run-'), 'PROMPT.md');
      writeFileSync(promptFile, PROMPT);
      const [model, modelOptions] = row.model;
      const [sessionId, sessionOptions] = sessionOf(row);
      const invocation = adapter.buildInvocation(context({ workspace, promptFile, model, sessionId }));
      // Given the adapter, the fake's environment goes through agentEnvironment as in runAgent, which
      // is what must keep the forge tokens from reaching it.
      const run = runFakeCli({
        name: adapter.executable,
        adapter,
        invocation,
        cwd: workspace,
        env: {
          ...Object.fromEntries(row.credentials.map((name) => [name, 'test-value'])),
          GITHUB_TOKEN: 'ghp_secret',
          GH_TOKEN: 'gho_secret',
        },
        stdout: readFixture(row.cli, row.process.stdout),
        // The fake reads the file the CLI would take its prompt from, to show the prompt got there.
        ...(typeof row.prompt === 'object' ? { messageFileFlag: row.prompt.fileOption } : {}),
      });

      expect(run.error).toBeUndefined();
      expect(run.status).toBe(0);
      const seen = run.recorded;
      expect(seen.argv).toEqual(row.argv([...modelOptions, ...sessionOptions], promptFile).slice(1));
      expect(seen.stdin).toBe(row.prompt === 'stdin' ? PROMPT : '');
      if (typeof row.prompt === 'object') expect(seen.message).toBe(PROMPT);
      expect(seen.cwd).toBe(workspace);
      expect(seen.env).toEqual(expect.arrayContaining(row.credentials));
      for (const forge of FORGE_TOKENS) expect(seen.env).not.toContain(forge);
      expect(adapter.parseOutput(run.stdout, run.stderr)).toEqual(row.process.report);
    });
  });
});

describe('aider adapter: its options', () => {
  const argv = aiderAdapter.buildInvocation(context()).argv;

  it('sends the prompt file as one message, answers yes, commits nothing and prints plainly', () => {
    expect(argv.slice(0, 3)).toEqual(['aider', '--message-file', PROMPT_FILE]);
    // Every confirmation answered; commits and .gitignore left to AIDP.
    expect(argv).toEqual(expect.arrayContaining(['--yes-always', '--no-auto-commits', '--no-dirty-commits', '--no-gitignore']));
    // Plain, unstreamed output for a log.
    expect(argv).toEqual(expect.arrayContaining(['--no-pretty', '--no-stream', '--no-fancy-input']));
    // Nothing else for --yes-always to say yes to: updates, analytics, URLs in the prompt.
    expect(argv).toEqual(expect.arrayContaining(['--no-check-update', '--no-show-release-notes', '--no-analytics', '--no-detect-urls']));
  });

  it('passes the model as --model (aider’s -m is --message)', () => {
    expect(aiderAdapter.buildInvocation(context({ model: 'sonnet' })).argv).not.toContain('-m');
  });

  it('keeps aider’s history files out of the workspace, next to the prompt file', () => {
    for (const option of ['--chat-history-file', '--input-history-file']) {
      const file = argv[argv.indexOf(option) + 1]!;
      expect(dirname(file)).toBe(dirname(PROMPT_FILE));
      expect(file).not.toBe(PROMPT_FILE);
    }
  });
});

describe('copilot adapter: what it is allowed', () => {
  it('allows tools only, with no blanket path or URL access', () => {
    const { argv } = copilotAdapter.buildInvocation(context());
    expect(argv).not.toContain('--allow-all');
    expect(argv).not.toContain('--yolo');
  });

  it('passes only the Copilot-specific token and its own provider settings, never the GitHub tokens AIDP keeps to itself', () => {
    for (const name of copilotAdapter.credentialEnv) expect(name).toMatch(/^COPILOT_/);
  });
});

describe('cursor adapter: its credential', () => {
  it('passes the one documented credential only', () => {
    expect(cursorAdapter.credentialEnv).toEqual(['CURSOR_API_KEY']);
  });
});
