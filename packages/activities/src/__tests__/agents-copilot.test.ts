import { copilotAdapter } from '../agents/copilot';
import type { AgentInvocationContext } from '../agents/types';
import { readFixture, runFakeCli, scopedTempDirs } from './fake-agent-cli';

const fixture = (name: string) => readFixture('copilot', name);

const PROMPT = '# fix\n\nIteration 1 of 3\n\nMake "npm test" pass.\n';
const BASE = ['copilot', '-p', PROMPT, '-s', '--output-format=json', '--allow-all-tools', '--no-ask-user'];
const context = (overrides: Partial<AgentInvocationContext> = {}): AgentInvocationContext => ({
  promptFile: '/runs/wf/PROMPT.md',
  prompt: PROMPT,
  model: '',
  workspace: '/home/dev/ws',
  ...overrides,
});

describe('copilot adapter: invocation', () => {
  it('runs copilot in programmatic mode with JSONL output, tools allowed, never asking', () => {
    const { argv, stdin } = copilotAdapter.buildInvocation(context());
    expect(argv).toEqual(BASE);
    expect(stdin).toBeUndefined();
    expect(argv[0]).toBe(copilotAdapter.executable);
    // Tools only: no blanket path or URL access.
    expect(argv).not.toContain('--allow-all');
    expect(argv).not.toContain('--yolo');
  });

  it('passes the model, and leaves it to the CLI when it is empty or "default"', () => {
    expect(copilotAdapter.buildInvocation(context({ model: 'claude-haiku-4.5' })).argv).toEqual([...BASE, '--model=claude-haiku-4.5']);
    expect(copilotAdapter.buildInvocation(context({ model: 'default' })).argv).toEqual(BASE);
    expect(copilotAdapter.buildInvocation(context({ model: '' })).argv).toEqual(BASE);
  });

  it('resumes the previous session by id', () => {
    const { argv } = copilotAdapter.buildInvocation(context({ model: 'gpt-5.4', sessionId: 'aa778ea0-6eab-4ce9-b87e-11d6d33dab4f' }));
    expect(argv).toEqual([...BASE, '--model=gpt-5.4', '--resume=aa778ea0-6eab-4ce9-b87e-11d6d33dab4f']);
    expect(copilotAdapter.resumesSessions).toBe(true);
  });

  it('passes only the Copilot-specific token and its own provider settings, never the GitHub tokens AIDP keeps to itself', () => {
    expect(copilotAdapter.provider).toBe('copilot');
    expect(copilotAdapter.credentialEnv).toEqual(
      expect.arrayContaining(['COPILOT_GITHUB_TOKEN', 'COPILOT_PROVIDER_BASE_URL', 'COPILOT_PROVIDER_API_KEY']),
    );
    for (const name of copilotAdapter.credentialEnv) expect(name).toMatch(/^COPILOT_/);
    expect(copilotAdapter.installHint).toContain('npm install -g @github/copilot');
  });
});

describe('copilot adapter: output', () => {
  it('reads the final message and session from captured JSONL', () => {
    expect(copilotAdapter.parseOutput(fixture('output-format-json.jsonl'), '')).toEqual({
      sessionId: 'aa778ea0-6eab-4ce9-b87e-11d6d33dab4f',
      finalMessage: 'hello world',
    });
  });

  it('reports no tokens and no cost: the result event carries neither', () => {
    const report = copilotAdapter.parseOutput(fixture('output-format-json.jsonl'), '');
    expect(report.inputTokens).toBeUndefined();
    expect(report.outputTokens).toBeUndefined();
    expect(report.costUsd).toBeUndefined();
  });

  it('skips messages that only request tools, keeping the last thing said', () => {
    const stdout = `${fixture('output-format-json.jsonl').trim()}\n${fixture('output-format-json-tools.jsonl')}`;
    expect(copilotAdapter.parseOutput(stdout, '').finalMessage).toBe('hello world');
    expect(copilotAdapter.parseOutput(fixture('output-format-json-tools.jsonl'), '')).toEqual({});
  });

  it('marks a result with a non-zero exit code', () => {
    const lines = fixture('output-format-json.jsonl').trim().split('\n');
    const result = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    const failed = [...lines.slice(0, -1), JSON.stringify({ ...result, exitCode: 1 })].join('\n');
    expect(copilotAdapter.parseOutput(failed, '')).toMatchObject({ isError: true, sessionId: 'aa778ea0-6eab-4ce9-b87e-11d6d33dab4f' });
  });

  it('turns malformed output into an empty report', () => {
    expect(copilotAdapter.parseOutput('', '')).toEqual({});
    expect(copilotAdapter.parseOutput('hello world\n{"type":"result",\n[null]\ntrue', '')).toEqual({});
    expect(
      copilotAdapter.parseOutput('{"type":"assistant.message","data":null}\n{"type":"result","sessionId":5,"exitCode":"1"}', ''),
    ).toEqual({});
  });
});

describe('copilot adapter: failures', () => {
  it('a missing executable is not_installed', () => {
    expect(copilotAdapter.classifyFailure(127, '', '')).toBe('not_installed');
    expect(copilotAdapter.classifyFailure(1, '', '/bin/sh: 1: copilot: command not found')).toBe('not_installed');
  });

  it('missing or refused credentials are auth', () => {
    expect(copilotAdapter.classifyFailure(1, '', fixture('no-auth.stderr.txt'))).toBe('auth');
    expect(copilotAdapter.classifyFailure(1, '', 'Error: 401 Unauthorized')).toBe('auth');
  });

  it('a rate limit is rate_limit', () => {
    expect(copilotAdapter.classifyFailure(1, '', fixture('rate-limit.stderr.txt'))).toBe('rate_limit');
    expect(copilotAdapter.classifyFailure(1, '', ' × Model call failed: {"message":"rate limit exceeded","code":"rate_limited"}')).toBe(
      'rate_limit',
    );
  });

  it('anything else is transient, and tool output inside the events never counts', () => {
    expect(copilotAdapter.classifyFailure(1, fixture('output-format-json.jsonl'), '')).toBe('transient');
    expect(copilotAdapter.classifyFailure(null, '', '')).toBe('transient');
    const noisyTool = JSON.stringify({
      type: 'tool.execution_complete',
      data: {
        success: true,
        result: { content: '429 rate limit; 401 Unauthorized; No authentication information found; command not found' },
      },
    });
    expect(copilotAdapter.classifyFailure(1, noisyTool, noisyTool)).toBe('transient');
  });
});

describe('copilot adapter: a real process', () => {
  const tempDir = scopedTempDirs();

  it('spawns the executable found first on PATH with the built argv, and parses what it prints', () => {
    const workspace = tempDir('aidp-copilot-ws-');
    const invocation = copilotAdapter.buildInvocation(context({ model: 'claude-haiku-4.5', sessionId: 'prev-session', workspace }));
    // Given the adapter, the fake's environment goes through agentEnvironment as in runAgent, which is
    // what must keep the forge tokens below from reaching it.
    const run = runFakeCli({
      name: 'copilot',
      adapter: copilotAdapter,
      invocation,
      cwd: workspace,
      env: { COPILOT_GITHUB_TOKEN: 'github_pat_x', GH_TOKEN: 'gho_x', GITHUB_TOKEN: 'ghp_x' },
      stdout: fixture('output-format-json.jsonl'),
    });

    expect(run.error).toBeUndefined();
    expect(run.status).toBe(0);
    const seen = run.recorded;
    expect(seen.argv).toEqual([
      '-p',
      PROMPT,
      '-s',
      '--output-format=json',
      '--allow-all-tools',
      '--no-ask-user',
      '--model=claude-haiku-4.5',
      '--resume=prev-session',
    ]);
    expect(seen.stdin).toBe('');
    expect(seen.cwd).toBe(workspace);
    expect(seen.env).toContain('COPILOT_GITHUB_TOKEN');
    expect(seen.env).not.toContain('GH_TOKEN');
    expect(seen.env).not.toContain('GITHUB_TOKEN');
    expect(copilotAdapter.parseOutput(run.stdout, run.stderr)).toEqual({
      sessionId: 'aa778ea0-6eab-4ce9-b87e-11d6d33dab4f',
      finalMessage: 'hello world',
    });
  });
});
