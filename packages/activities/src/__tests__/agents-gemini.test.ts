import { geminiAdapter } from '../agents/gemini';
import type { AgentInvocationContext } from '../agents/types';
import { readFixture, runFakeCli, scopedTempDirs } from './fake-agent-cli';

const fixture = (name: string): string => readFixture('gemini', name);
const PROMPT = '# fix-tests\n\nIteration 1 of 3\n\nMake the test suite pass.\n';
const BASE = ['gemini', '--output-format', 'json', '--approval-mode', 'auto_edit'];

function context(overrides: Partial<AgentInvocationContext> = {}): AgentInvocationContext {
  return { promptFile: '/tmp/run/PROMPT.md', prompt: PROMPT, model: '', workspace: '/tmp/ws', ...overrides };
}

describe('gemini adapter: invocation', () => {
  it('runs headless with JSON output and edits auto-approved, the prompt on stdin', () => {
    const invocation = geminiAdapter.buildInvocation(context());
    expect(invocation.argv).toEqual(BASE);
    expect(invocation.stdin).toBe(PROMPT);
  });

  it('passes the model, and leaves it to the CLI when it is empty or "default"', () => {
    expect(geminiAdapter.buildInvocation(context({ model: 'gemini-2.5-pro' })).argv).toEqual([...BASE, '--model', 'gemini-2.5-pro']);
    expect(geminiAdapter.buildInvocation(context({ model: 'default' })).argv).toEqual(BASE);
  });

  it('resumes a session by id', () => {
    expect(geminiAdapter.resumesSessions).toBe(true);
    const invocation = geminiAdapter.buildInvocation(context({ model: 'flash', sessionId: '473f0428-49f7-45b0-a7ee-d68829cc8bf6' }));
    expect(invocation.argv).toEqual([...BASE, '--model', 'flash', '--resume', '473f0428-49f7-45b0-a7ee-d68829cc8bf6']);
    expect(invocation.stdin).toBe(PROMPT);
  });

  it('names its executable, install command and credentials', () => {
    expect(geminiAdapter).toMatchObject({ provider: 'gemini', executable: 'gemini', installHint: 'npm install -g @google/gemini-cli' });
    expect(geminiAdapter.credentialEnv).toEqual(
      expect.arrayContaining(['GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GOOGLE_GENAI_USE_VERTEXAI', 'GOOGLE_CLOUD_PROJECT']),
    );
  });
});

describe('gemini adapter: output', () => {
  it('reads the response and adds up the tokens of every model in the documented stats', () => {
    expect(geminiAdapter.parseOutput(fixture('output-docs.json'), '')).toEqual({
      finalMessage: 'The capital of France is Paris.',
      inputTokens: 24939 + 8965,
      outputTokens: 20 + 10,
      // No model has the main role in this older shape: the one that wrote the most.
      model: 'gemini-2.5-pro',
    });
  });

  it('reads the session id', () => {
    expect(geminiAdapter.parseOutput(fixture('output-session.json'), '')).toEqual({
      sessionId: 'test-session-id',
      finalMessage: 'This is a test response.',
    });
  });

  it('finds the object after other lines, and on stderr when stdout is empty (how the CLI reports failures)', () => {
    expect(geminiAdapter.parseOutput(`Loaded cached credentials.\n${fixture('output-session.json')}`, '')).toMatchObject({
      sessionId: 'test-session-id',
    });
    expect(geminiAdapter.parseOutput('', fixture('error-auth.json'))).toEqual({ sessionId: 'test-session-id', isError: true });
  });

  it.each([
    ['empty output', ''],
    ['plain text', 'Error: something broke\n'],
    ['truncated JSON', fixture('output-docs.json').slice(0, 200)],
    ['a JSON array', '[\n  1\n]'],
    ['fields of the wrong types', '{"response": 42, "session_id": "", "stats": {"models": {"m": {"tokens": {"prompt": "x"}}, "n": null}}}'],
  ])('gives an empty report for %s', (_, stdout) => {
    expect(geminiAdapter.parseOutput(stdout, '')).toEqual({});
  });
});

describe('gemini adapter: failures', () => {
  it('recognises a missing CLI', () => {
    expect(geminiAdapter.classifyFailure(127, '', 'sh: 1: gemini: not found\n')).toBe('not_installed');
  });

  it('classifies the documented auth exit code as auth, and a missing auth method as configuration', () => {
    expect(
      geminiAdapter.classifyFailure(
        41,
        '',
        JSON.stringify({ error: { type: 'FatalAuthenticationError', message: 'Failed to login', code: 41 } }),
      ),
    ).toBe('auth');
    // Both end the run at once; a missing auth method is a setting to fix rather than a key.
    expect(geminiAdapter.classifyFailure(41, '', fixture('error-auth.json'))).toBe('config');
    expect(geminiAdapter.classifyFailure(1, '', fixture('error-auth.json'))).toBe('config');
    expect(
      geminiAdapter.classifyFailure(
        1,
        '',
        'Please set an Auth method in your ~/.gemini/settings.json or specify one of the following environment variables before running: GEMINI_API_KEY, GOOGLE_GENAI_USE_VERTEXAI, GOOGLE_GENAI_USE_GCA\n',
      ),
    ).toBe('config');
    const invalidKey = JSON.stringify({
      error: { type: 'ApiError', message: 'API key not valid. Please pass a valid API key.', code: 400 },
    });
    expect(geminiAdapter.classifyFailure(1, '', invalidKey)).toBe('auth');
  });

  it('classifies a 429 and an exhausted quota as rate_limit', () => {
    expect(geminiAdapter.classifyFailure(1, '', fixture('error-rate-limit.json'))).toBe('rate_limit');
    const exhausted = JSON.stringify({
      error: {
        type: 'Error',
        message: '[{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","message":"Quota exceeded for quota metric"}}]',
        code: 1,
      },
    });
    expect(geminiAdapter.classifyFailure(1, '', exhausted)).toBe('rate_limit');
    expect(
      geminiAdapter.classifyFailure(
        1,
        '',
        JSON.stringify({ error: { type: 'Error', message: 'The model is overloaded. Please try again later.' } }),
      ),
    ).toBe('rate_limit');
  });

  it('classifies other failures as transient', () => {
    expect(
      geminiAdapter.classifyFailure(
        53,
        '',
        JSON.stringify({ error: { type: 'FatalTurnLimitedError', message: 'Reached max session turns', code: 53 } }),
      ),
    ).toBe('transient');
    expect(geminiAdapter.classifyFailure(null, '', '')).toBe('transient');
  });

  it('does not take the model’s own words for an error', () => {
    const prose = JSON.stringify({ session_id: 's', response: 'I fixed the 401 handling and the quota check.' }, null, 2);
    expect(geminiAdapter.classifyFailure(1, prose, '')).toBe('transient');
  });
});

describe('gemini adapter: against a real process', () => {
  const tempDir = scopedTempDirs();

  it('starts a `gemini` from PATH with its argv and stdin, and parses what it prints', () => {
    const workspace = tempDir('aidp-ws-');
    const invocation = geminiAdapter.buildInvocation(context({ workspace, model: 'gemini-2.5-pro' }));
    const run = runFakeCli({
      name: 'gemini',
      invocation,
      cwd: workspace,
      env: { GEMINI_API_KEY: 'test-key' },
      stdout: fixture('output-docs.json'),
    });

    expect(run.error).toBeUndefined();
    expect(run.status).toBe(0);
    const seen = run.recorded;
    expect(seen.argv).toEqual(['--output-format', 'json', '--approval-mode', 'auto_edit', '--model', 'gemini-2.5-pro']);
    expect(seen.stdin).toBe(PROMPT);
    expect(seen.cwd).toBe(workspace);
    expect(seen.env).toContain('GEMINI_API_KEY');
    expect(geminiAdapter.parseOutput(run.stdout, run.stderr)).toMatchObject({
      finalMessage: 'The capital of France is Paris.',
      inputTokens: 33904,
      outputTokens: 30,
    });
  });
});
