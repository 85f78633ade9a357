import { claudeAdapter } from '../agents/claude';
import type { AgentInvocationContext } from '../agents/types';
import { readFixture, runFakeCli, scopedTempDirs } from './fake-agent-cli';

const fixture = (name: string): string => readFixture('claude', name);
const PROMPT = '# fix-tests\n\nIteration 1 of 3\n\nMake the test suite pass.\n';

function context(overrides: Partial<AgentInvocationContext> = {}): AgentInvocationContext {
  return { promptFile: '/tmp/run/PROMPT.md', prompt: PROMPT, model: '', workspace: '/tmp/ws', ...overrides };
}

/** A result object with `fields` changed, for the failure cases. */
function result(fields: Record<string, unknown>): string {
  return JSON.stringify({ ...(JSON.parse(fixture('result-docs.json')) as object), ...fields });
}

describe('claude adapter: invocation', () => {
  it('runs print mode with JSON output and edits allowed, the prompt on stdin', () => {
    const invocation = claudeAdapter.buildInvocation(context());
    expect(invocation.argv).toEqual(['claude', '-p', '--output-format', 'json', '--permission-mode', 'acceptEdits']);
    expect(invocation.stdin).toBe(PROMPT);
    expect(invocation.argv.join(' ')).not.toContain('Iteration');
  });

  it('passes the model, and leaves it to the CLI when it is empty or "default"', () => {
    expect(claudeAdapter.buildInvocation(context({ model: 'claude-sonnet-4-5' })).argv).toEqual([
      'claude',
      '-p',
      '--output-format',
      'json',
      '--permission-mode',
      'acceptEdits',
      '--model',
      'claude-sonnet-4-5',
    ]);
    expect(claudeAdapter.buildInvocation(context({ model: 'default' })).argv).not.toContain('--model');
    expect(claudeAdapter.buildInvocation(context({ model: '' })).argv).not.toContain('--model');
  });

  it('resumes a session by id', () => {
    expect(claudeAdapter.resumesSessions).toBe(true);
    const invocation = claudeAdapter.buildInvocation(context({ model: 'opus', sessionId: 'fdf2d90a-fd9e-4736-ae35-806edd13643f' }));
    expect(invocation.argv.slice(-4)).toEqual(['--model', 'opus', '--resume', 'fdf2d90a-fd9e-4736-ae35-806edd13643f']);
    expect(invocation.stdin).toBe(PROMPT);
  });

  it('names its executable, install command and credentials', () => {
    expect(claudeAdapter).toMatchObject({
      provider: 'claude',
      executable: 'claude',
      installHint: 'npm install -g @anthropic-ai/claude-code',
    });
    expect(claudeAdapter.credentialEnv).toEqual(expect.arrayContaining(['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN']));
  });
});

describe('claude adapter: output', () => {
  it('reads the documented result object', () => {
    expect(claudeAdapter.parseOutput(fixture('result-docs.json'), '')).toEqual({
      finalMessage: 'The response text here...',
      costUsd: 0.003,
      sessionId: 'abc123',
    });
  });

  it('counts tokens from modelUsage, cached input included', () => {
    expect(claudeAdapter.parseOutput(fixture('result-success.json'), '')).toEqual({
      finalMessage: "Hi! I'm ready to help.",
      costUsd: 0.010620999999999998,
      sessionId: 'fdf2d90a-fd9e-4736-ae35-806edd13643f',
      inputTokens: 3 + 20012,
      outputTokens: 24,
      model: 'claude-sonnet-4-5-20250929',
    });
  });

  it('falls back to usage when there is no modelUsage', () => {
    const withoutModelUsage = JSON.parse(fixture('result-success.json')) as Record<string, unknown>;
    delete withoutModelUsage.modelUsage;
    withoutModelUsage.usage = { input_tokens: 3, cache_creation_input_tokens: 100, cache_read_input_tokens: 20012, output_tokens: 24 };
    expect(claudeAdapter.parseOutput(JSON.stringify(withoutModelUsage), '')).toMatchObject({ inputTokens: 20115, outputTokens: 24 });
  });

  it('finds the result among other lines', () => {
    const stdout = `{"type":"system","subtype":"init","session_id":"x"}\n${JSON.stringify(JSON.parse(fixture('result-docs.json')))}\n`;
    expect(claudeAdapter.parseOutput(stdout, '')).toMatchObject({ sessionId: 'abc123', costUsd: 0.003 });
  });

  it('reports an error result as an error even though its subtype says success', () => {
    expect(claudeAdapter.parseOutput(fixture('result-api-error.json'), '')).toEqual({
      finalMessage: 'API Error: Stream idle timeout - no chunks received',
      isError: true,
    });
  });

  it.each([
    ['empty output', ''],
    ['plain text', 'Error: something broke\n'],
    ['truncated JSON', fixture('result-docs.json').slice(0, 60)],
    ['a JSON array', '[1, 2, 3]'],
    ['another message type', '{"type":"assistant","message":{"content":[]}}'],
    ['fields of the wrong types', '{"type":"result","result":42,"total_cost_usd":"lots","session_id":7,"usage":{"input_tokens":"x"}}'],
  ])('gives an empty report for %s', (_, stdout) => {
    expect(claudeAdapter.parseOutput(stdout, 'noise on stderr')).toEqual({});
  });
});

describe('claude adapter: failures', () => {
  it('recognises a missing CLI', () => {
    expect(claudeAdapter.classifyFailure(127, '', 'sh: 1: claude: not found\n')).toBe('not_installed');
    expect(claudeAdapter.classifyFailure(127, '', 'bash: claude: command not found\n')).toBe('not_installed');
  });

  it.each([
    ['an invalid key', result({ is_error: true, result: 'Invalid API key · Please run /login' })],
    ['an external key rejected', result({ is_error: true, result: 'Invalid API key · Fix external API key' })],
    ['a 401 status', result({ is_error: true, result: 'API Error', api_error_status: 401 })],
    ['an expired OAuth token', result({ subtype: 'error_during_execution', is_error: true, errors: ['OAuth token has expired'] })],
  ])('classifies %s as auth', (_, stdout) => {
    expect(claudeAdapter.classifyFailure(1, stdout, '')).toBe('auth');
  });

  it.each([
    [
      'a 429',
      result({
        is_error: true,
        result:
          'API Error: 429 {"type":"error","error":{"type":"rate_limit_error","message":"Number of requests has exceeded your rate limit"}}',
      }),
    ],
    ['repeated 529s', result({ is_error: true, result: 'API Error: Repeated 529 Overloaded errors' })],
    ['a usage limit', result({ is_error: true, result: 'Claude AI usage limit reached|1700000000' })],
    ['a low credit balance', result({ is_error: true, result: 'Your credit balance is too low' })],
    ['a 429 status', result({ is_error: true, result: 'x', api_error_status: 429 })],
  ])('classifies %s as rate_limit', (_, stdout) => {
    expect(claudeAdapter.classifyFailure(1, stdout, '')).toBe('rate_limit');
  });

  it('classifies other errors as transient', () => {
    expect(claudeAdapter.classifyFailure(1, fixture('result-api-error.json'), '')).toBe('transient');
    expect(claudeAdapter.classifyFailure(1, result({ subtype: 'error_max_turns', is_error: true }), '')).toBe('transient');
    expect(claudeAdapter.classifyFailure(null, '', '')).toBe('transient');
  });

  it('does not take the model’s own words for an error', () => {
    const prose = result({ is_error: false, result: 'Fixed the rate limit handler and the invalid API key message.' });
    expect(claudeAdapter.classifyFailure(1, prose, '')).toBe('transient');
  });

  it('reads the CLI’s stderr when it printed no JSON', () => {
    expect(claudeAdapter.classifyFailure(1, '', 'Invalid API key · Please run /login\n')).toBe('auth');
    expect(claudeAdapter.classifyFailure(1, 'API Error: 529 {"type":"error","error":{"type":"overloaded_error"}}', '')).toBe('rate_limit');
  });
});

describe('claude adapter: against a real process', () => {
  const tempDir = scopedTempDirs();

  it('starts a `claude` from PATH with its argv and stdin, and parses what it prints', () => {
    const workspace = tempDir('aidp-ws-');
    const invocation = claudeAdapter.buildInvocation(context({ workspace, model: 'claude-sonnet-4-5', sessionId: 'abc123' }));
    const run = runFakeCli({
      name: 'claude',
      invocation,
      cwd: workspace,
      env: { ANTHROPIC_API_KEY: 'sk-ant-test' },
      stdout: fixture('result-success.json'),
    });

    expect(run.error).toBeUndefined();
    expect(run.status).toBe(0);
    const seen = run.recorded;
    expect(seen.argv).toEqual(invocation.argv.slice(1));
    expect(seen.stdin).toBe(PROMPT);
    expect(seen.cwd).toBe(workspace);
    expect(seen.env).toContain('ANTHROPIC_API_KEY');
    expect(claudeAdapter.parseOutput(run.stdout, run.stderr)).toMatchObject({
      sessionId: 'fdf2d90a-fd9e-4736-ae35-806edd13643f',
      costUsd: 0.010620999999999998,
      inputTokens: 20015,
      outputTokens: 24,
    });
  });
});
