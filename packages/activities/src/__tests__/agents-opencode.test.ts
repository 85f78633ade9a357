import { opencodeAdapter } from '../agents/opencode';
import type { AgentInvocationContext } from '../agents/types';
import { readFixture, runFakeCli, scopedTempDirs } from './fake-agent-cli';

const fixture = (name: string) => readFixture('opencode', name);

const PROMPT = '# fix\n\nIteration 2 of 3\n\nMake "npm test" pass; keep `--strict` on.\n';
const context = (overrides: Partial<AgentInvocationContext> = {}): AgentInvocationContext => ({
  promptFile: '/runs/wf/PROMPT.md',
  prompt: PROMPT,
  model: '',
  workspace: '/home/dev/ws',
  ...overrides,
});

describe('opencode adapter: invocation', () => {
  it('runs `opencode run` with JSON events and the prompt on stdin, verbatim', () => {
    const { argv, stdin } = opencodeAdapter.buildInvocation(context());
    expect(argv).toEqual(['opencode', 'run', '--format', 'json', '--print-logs', '--log-level', 'ERROR']);
    expect(stdin).toBe(PROMPT);
    expect(argv[0]).toBe(opencodeAdapter.executable);
  });

  it('passes a provider/model, and leaves it to opencode when it is empty or "default"', () => {
    expect(opencodeAdapter.buildInvocation(context({ model: 'anthropic/claude-sonnet-4-20250514' })).argv).toEqual([
      'opencode',
      'run',
      '--format',
      'json',
      '--print-logs',
      '--log-level',
      'ERROR',
      '--model',
      'anthropic/claude-sonnet-4-20250514',
    ]);
    expect(opencodeAdapter.buildInvocation(context({ model: 'default' })).argv).not.toContain('--model');
    expect(opencodeAdapter.buildInvocation(context({ model: '' })).argv).not.toContain('--model');
  });

  it('continues the previous session by id', () => {
    const { argv, stdin } = opencodeAdapter.buildInvocation(context({ sessionId: 'ses_494719016ffe85dkDMj0FPRbHK' }));
    expect(argv).toEqual([
      'opencode',
      'run',
      '--format',
      'json',
      '--print-logs',
      '--log-level',
      'ERROR',
      '--session',
      'ses_494719016ffe85dkDMj0FPRbHK',
    ]);
    expect(stdin).toBe(PROMPT);
    expect(opencodeAdapter.resumesSessions).toBe(true);
  });

  it('names documented provider keys, never a forge token, and the install command', () => {
    expect(opencodeAdapter.provider).toBe('opencode');
    expect(opencodeAdapter.credentialEnv).toEqual(expect.arrayContaining(['ANTHROPIC_API_KEY', 'AWS_BEARER_TOKEN_BEDROCK', 'XAI_API_KEY']));
    for (const forge of ['GITHUB_TOKEN', 'GH_TOKEN', 'GITLAB_TOKEN']) expect(opencodeAdapter.credentialEnv).not.toContain(forge);
    expect(opencodeAdapter.installHint).toContain('npm install -g opencode-ai');
  });
});

describe('opencode adapter: output', () => {
  it('reads the final text, session, tokens and cost of every step', () => {
    expect(opencodeAdapter.parseOutput(fixture('run-json.jsonl'), '')).toEqual({
      sessionId: 'ses_494719016ffe85dkDMj0FPRbHK',
      finalMessage: '```\nhello\n```',
      costUsd: 0.001,
      // Cache reads count as input: the provider served them.
      inputTokens: 21772 + 671 + 21415,
      outputTokens: 110 + 8,
    });
  });

  it('counts reasoning tokens as output, and takes the text of the last step that spoke', () => {
    // Lines of the shape run.ts writes, with the StepFinishPart fields of message-v2.ts.
    const events = [
      { type: 'step_start', sessionID: 'ses_A', part: { type: 'step-start' } },
      { type: 'text', sessionID: 'ses_A', part: { type: 'text', text: 'Reading the failure.' } },
      {
        type: 'step_finish',
        sessionID: 'ses_A',
        part: {
          type: 'step-finish',
          reason: 'tool-calls',
          cost: 0.25,
          tokens: { input: 100, output: 10, reasoning: 5, cache: { read: 0, write: 0 } },
        },
      },
      { type: 'step_start', sessionID: 'ses_A', part: { type: 'step-start' } },
      { type: 'text', sessionID: 'ses_A', part: { type: 'text', text: 'Fixed the test.' } },
      { type: 'text', sessionID: 'ses_A', part: { type: 'text', text: 'STATUS: COMPLETE' } },
      {
        type: 'step_finish',
        sessionID: 'ses_A',
        part: {
          type: 'step-finish',
          reason: 'stop',
          cost: 0.5,
          tokens: { input: 200, output: 20, reasoning: 7, cache: { read: 50, write: 0 } },
        },
      },
    ];
    expect(opencodeAdapter.parseOutput(events.map((e) => JSON.stringify(e)).join('\n'), '')).toEqual({
      sessionId: 'ses_A',
      finalMessage: 'Fixed the test.\nSTATUS: COMPLETE',
      costUsd: 0.75,
      inputTokens: 350,
      outputTokens: 42,
    });
  });

  it('marks a run that reported an error event', () => {
    const stdout = `${fixture('run-json.jsonl').trim()}\n${fixture('error-rate-limit.jsonl')}`;
    expect(opencodeAdapter.parseOutput(stdout, '')).toMatchObject({ isError: true, sessionId: 'ses_494719016ffe85dkDMj0FPRbHK' });
  });

  it('reports no usage when no step finished, rather than zeros', () => {
    const started = fixture('run-json.jsonl').trim().split('\n').slice(0, 2).join('\n');
    expect(opencodeAdapter.parseOutput(started, '')).toEqual({ sessionId: 'ses_494719016ffe85dkDMj0FPRbHK' });
  });

  it('turns malformed output into an empty report', () => {
    expect(opencodeAdapter.parseOutput('', '')).toEqual({});
    expect(opencodeAdapter.parseOutput('Error: something\n{"type":"text",\n[]\n42', '')).toEqual({});
    expect(opencodeAdapter.parseOutput('{"type":"text","part":"x","sessionID":3}\n{"type":"step_finish","part":null}', '')).toEqual({});
  });
});

describe('opencode adapter: failures', () => {
  it('a missing executable is not_installed', () => {
    expect(opencodeAdapter.classifyFailure(127, '', '')).toBe('not_installed');
    expect(opencodeAdapter.classifyFailure(1, '', 'bash: opencode: command not found')).toBe('not_installed');
  });

  it('a provider refusing its key is auth', () => {
    // The named errors of message-v2.ts, as run.ts writes them in an `error` event.
    const authError = JSON.stringify({
      type: 'error',
      sessionID: 'ses_A',
      error: { name: 'ProviderAuthError', data: { providerID: 'anthropic', message: 'invalid x-api-key' } },
    });
    expect(opencodeAdapter.classifyFailure(1, authError, '')).toBe('auth');
    const api401 = JSON.stringify({
      type: 'error',
      sessionID: 'ses_A',
      error: { name: 'APIError', data: { message: 'invalid x-api-key', statusCode: 401, isRetryable: false } },
    });
    expect(opencodeAdapter.classifyFailure(1, api401, '')).toBe('auth');
    // How the CLI's error formatter words a provider that could not start.
    expect(
      opencodeAdapter.classifyFailure(1, '', 'Error: Failed to initialize provider "anthropic". Check credentials and configuration.'),
    ).toBe('auth');
  });

  it('a 429 is rate_limit', () => {
    expect(opencodeAdapter.classifyFailure(1, fixture('error-rate-limit.jsonl'), '')).toBe('rate_limit');
    expect(opencodeAdapter.classifyFailure(1, '', 'AI_APICallError: You exceeded your current quota')).toBe('rate_limit');
  });

  it('anything else is transient, and tool output inside the events never counts', () => {
    expect(opencodeAdapter.classifyFailure(1, fixture('run-json.jsonl'), '')).toBe('transient');
    expect(opencodeAdapter.classifyFailure(null, '', '')).toBe('transient');
    const noisyTool = JSON.stringify({
      type: 'tool_use',
      sessionID: 'ses_A',
      part: {
        type: 'tool',
        tool: 'bash',
        state: { status: 'completed', output: '429 rate limit; 401 Unauthorized; authentication failed; command not found' },
      },
    });
    expect(opencodeAdapter.classifyFailure(1, noisyTool, noisyTool)).toBe('transient');
  });
});

describe('opencode adapter: a real process', () => {
  const tempDir = scopedTempDirs();

  it('spawns the executable found first on PATH with the built argv and stdin, and parses what it prints', () => {
    const workspace = tempDir('aidp-opencode-ws-');
    const invocation = opencodeAdapter.buildInvocation(
      context({ model: 'anthropic/claude-sonnet-4-20250514', sessionId: 'ses_prev', workspace }),
    );
    // Given the adapter, the fake's environment goes through agentEnvironment as in runAgent, which is
    // what must keep the forge tokens below from reaching it.
    const run = runFakeCli({
      name: 'opencode',
      adapter: opencodeAdapter,
      invocation,
      cwd: workspace,
      env: { ANTHROPIC_API_KEY: 'sk-ant', GITHUB_TOKEN: 'ghp_secret' },
      stdout: fixture('run-json.jsonl'),
    });

    expect(run.error).toBeUndefined();
    expect(run.status).toBe(0);
    const seen = run.recorded;
    expect(seen.argv).toEqual([
      'run',
      '--format',
      'json',
      '--print-logs',
      '--log-level',
      'ERROR',
      '--model',
      'anthropic/claude-sonnet-4-20250514',
      '--session',
      'ses_prev',
    ]);
    expect(seen.stdin).toBe(PROMPT);
    expect(seen.cwd).toBe(workspace);
    expect(seen.env).toContain('ANTHROPIC_API_KEY');
    expect(seen.env).not.toContain('GITHUB_TOKEN');
    expect(opencodeAdapter.parseOutput(run.stdout, run.stderr)).toEqual({
      sessionId: 'ses_494719016ffe85dkDMj0FPRbHK',
      finalMessage: '```\nhello\n```',
      costUsd: 0.001,
      inputTokens: 22443 + 21415,
      outputTokens: 118,
    });
  });
});
