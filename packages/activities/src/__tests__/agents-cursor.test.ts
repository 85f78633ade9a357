import { cursorAdapter } from '../agents/cursor';
import type { AgentInvocationContext } from '../agents/types';
import { readFixture, runFakeCli, scopedTempDirs } from './fake-agent-cli';

const fixture = (name: string) => readFixture('cursor', name);

const PROMPT = '# fix\n\nIteration 1 of 3\n\nMake "npm test" pass.\n';
const context = (overrides: Partial<AgentInvocationContext> = {}): AgentInvocationContext => ({
  promptFile: '/runs/wf/PROMPT.md',
  prompt: PROMPT,
  model: '',
  workspace: '/home/dev/ws',
  ...overrides,
});

describe('cursor adapter: invocation', () => {
  it('runs cursor-agent in print mode with stream-json, allowed to write, trusting the workspace', () => {
    const { argv, stdin } = cursorAdapter.buildInvocation(context());
    expect(argv).toEqual(['cursor-agent', '-p', '--output-format', 'stream-json', '--force', '--trust', PROMPT]);
    expect(stdin).toBeUndefined();
    expect(argv[0]).toBe(cursorAdapter.executable);
  });

  it('passes the model, and leaves it to the CLI when it is empty or "default"', () => {
    expect(cursorAdapter.buildInvocation(context({ model: 'sonnet-4' })).argv).toEqual([
      'cursor-agent',
      '-p',
      '--output-format',
      'stream-json',
      '--force',
      '--trust',
      '--model',
      'sonnet-4',
      PROMPT,
    ]);
    expect(cursorAdapter.buildInvocation(context({ model: 'default' })).argv).not.toContain('--model');
    expect(cursorAdapter.buildInvocation(context({ model: '' })).argv).not.toContain('--model');
  });

  it('resumes the previous chat by id, the prompt still last', () => {
    const { argv } = cursorAdapter.buildInvocation(context({ model: 'gpt-5', sessionId: 'c6b62c6f-7ead-4fd6-9922-e952131177ff' }));
    expect(argv.slice(-5)).toEqual(['--model', 'gpt-5', '--resume', 'c6b62c6f-7ead-4fd6-9922-e952131177ff', PROMPT]);
    expect(cursorAdapter.resumesSessions).toBe(true);
  });

  it('names the documented credential and install command', () => {
    expect(cursorAdapter.provider).toBe('cursor');
    expect(cursorAdapter.credentialEnv).toEqual(['CURSOR_API_KEY']);
    expect(cursorAdapter.installHint).toContain('curl https://cursor.com/install -fsS | bash');
  });
});

describe('cursor adapter: output', () => {
  it('reads the final message and session from the documented stream-json example', () => {
    expect(cursorAdapter.parseOutput(fixture('stream-json.jsonl'), '')).toEqual({
      sessionId: 'c6b62c6f-7ead-4fd6-9922-e952131177ff',
      finalMessage: "I'll read the README.md fileBased on the README, I'll create a summaryDone! I've created the summary in summary.txt",
    });
  });

  it('reports no tokens and no cost: the documented format has none', () => {
    const report = cursorAdapter.parseOutput(fixture('stream-json.jsonl'), '');
    expect(report.inputTokens).toBeUndefined();
    expect(report.outputTokens).toBeUndefined();
    expect(report.costUsd).toBeUndefined();
  });

  it('keeps the session and the last message of a run that ended without its result event', () => {
    const cut = fixture('stream-json.jsonl').trim().split('\n').slice(0, 6).join('\n');
    expect(cursorAdapter.parseOutput(cut, '')).toEqual({
      sessionId: 'c6b62c6f-7ead-4fd6-9922-e952131177ff',
      finalMessage: "Based on the README, I'll create a summary",
    });
  });

  it('marks a result that says it is an error', () => {
    const lines = fixture('stream-json.jsonl').trim().split('\n');
    const result = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    const failed = [...lines.slice(0, -1), JSON.stringify({ ...result, is_error: true })].join('\n');
    expect(cursorAdapter.parseOutput(failed, '').isError).toBe(true);
  });

  it('turns malformed output into an empty report', () => {
    expect(cursorAdapter.parseOutput('', '')).toEqual({});
    expect(cursorAdapter.parseOutput('not json\n{"type":"result",\n[1,2]\nnull\n"text"', 'boom')).toEqual({});
    expect(cursorAdapter.parseOutput('{"type":"result","result":42,"session_id":7}', '')).toEqual({});
  });
});

describe('cursor adapter: failures', () => {
  it('a missing executable is not_installed', () => {
    expect(cursorAdapter.classifyFailure(127, '', '')).toBe('not_installed');
    expect(cursorAdapter.classifyFailure(1, '', 'sh: 1: cursor-agent: command not found')).toBe('not_installed');
  });

  it('a missing login is auth', () => {
    // As users of the CLI report it.
    expect(cursorAdapter.classifyFailure(1, '', "Authentication required. Please run 'agent login' first")).toBe('auth');
    expect(cursorAdapter.classifyFailure(1, '', 'Not logged in')).toBe('auth');
  });

  it('a spent usage limit is rate_limit', () => {
    expect(cursorAdapter.classifyFailure(1, '', fixture('usage-limit.stderr.txt'))).toBe('rate_limit');
    expect(cursorAdapter.classifyFailure(1, '', 'Error: 429 Too Many Requests')).toBe('rate_limit');
  });

  it('anything else is transient, and tool output inside the events never counts', () => {
    expect(cursorAdapter.classifyFailure(1, fixture('stream-json.jsonl'), '')).toBe('transient');
    expect(cursorAdapter.classifyFailure(null, '', '')).toBe('transient');
    const noisyTool = JSON.stringify({
      type: 'tool_call',
      subtype: 'completed',
      tool_call: { shellToolCall: { result: { success: { stdout: 'HTTP 429 rate limit; 401 Unauthorized; command not found' } } } },
      session_id: 's',
    });
    expect(cursorAdapter.classifyFailure(1, noisyTool, noisyTool)).toBe('transient');
  });

  it('reads the message of an error result', () => {
    const result = JSON.stringify({ type: 'result', subtype: 'error', is_error: true, result: 'Rate limit exceeded', session_id: 's' });
    expect(cursorAdapter.classifyFailure(0, result, result)).toBe('rate_limit');
  });
});

describe('cursor adapter: a real process', () => {
  const tempDir = scopedTempDirs();

  it('spawns the executable found first on PATH with the built argv, and parses what it prints', () => {
    const workspace = tempDir('aidp-cursor-ws-');
    const invocation = cursorAdapter.buildInvocation(context({ model: 'sonnet-4', sessionId: 'chat-1', workspace }));
    // Given the adapter, the fake's environment goes through agentEnvironment as in runAgent, which is
    // what must keep the forge tokens below from reaching it.
    const run = runFakeCli({
      name: 'cursor-agent',
      adapter: cursorAdapter,
      invocation,
      cwd: workspace,
      env: { CURSOR_API_KEY: 'key', GITHUB_TOKEN: 'ghp_secret' },
      stdout: fixture('stream-json.jsonl'),
    });

    expect(run.error).toBeUndefined();
    expect(run.status).toBe(0);
    const seen = run.recorded;
    expect(seen.argv).toEqual(invocation.argv.slice(1));
    expect(seen.argv.at(-1)).toBe(PROMPT);
    expect(seen.stdin).toBe('');
    expect(seen.cwd).toBe(workspace);
    expect(seen.env).toContain('CURSOR_API_KEY');
    expect(seen.env).not.toContain('GITHUB_TOKEN');
    expect(cursorAdapter.parseOutput(run.stdout, run.stderr)).toMatchObject({
      sessionId: 'c6b62c6f-7ead-4fd6-9922-e952131177ff',
      finalMessage: expect.stringContaining("I've created the summary"),
    });
  });
});
