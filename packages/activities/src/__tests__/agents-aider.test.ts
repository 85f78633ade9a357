import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aiderAdapter } from '../agents/aider';
import type { AgentInvocationContext } from '../agents/types';
import { readFixture, runFakeCli, scopedTempDirs } from './fake-agent-cli';

const fixture = (name: string): string => readFixture('aider', name);
const PROMPT = '# fix-tests\n\nIteration 1 of 3\n\nMake the test suite pass.\n';

function context(overrides: Partial<AgentInvocationContext> = {}): AgentInvocationContext {
  return { promptFile: '/tmp/run/PROMPT.md', prompt: PROMPT, model: '', workspace: '/tmp/ws', ...overrides };
}

function expectedArgv(runDir: string, model?: string): string[] {
  return [
    'aider',
    '--message-file',
    join(runDir, 'PROMPT.md'),
    '--yes-always',
    '--no-auto-commits',
    '--no-dirty-commits',
    '--no-gitignore',
    '--no-pretty',
    '--no-stream',
    '--no-fancy-input',
    '--no-check-update',
    '--no-show-release-notes',
    '--no-analytics',
    '--no-detect-urls',
    '--chat-history-file',
    join(runDir, 'aider.chat.history.md'),
    '--input-history-file',
    join(runDir, 'aider.input.history'),
    ...(model ? ['--model', model] : []),
  ];
}

describe('aider adapter: invocation', () => {
  it('sends the prompt file as one message, answers yes, commits nothing and prints plainly', () => {
    const invocation = aiderAdapter.buildInvocation(context());
    expect(invocation.argv).toEqual(expectedArgv('/tmp/run'));
    // The prompt comes from the file; stdin is closed.
    expect(invocation.stdin).toBeUndefined();
  });

  it('passes the model as --model (aider’s -m is --message), and leaves it to aider when empty or "default"', () => {
    expect(aiderAdapter.buildInvocation(context({ model: 'sonnet' })).argv).toEqual(expectedArgv('/tmp/run', 'sonnet'));
    expect(aiderAdapter.buildInvocation(context({ model: 'default' })).argv).toEqual(expectedArgv('/tmp/run'));
    expect(aiderAdapter.buildInvocation(context({ model: 'sonnet' })).argv).not.toContain('-m');
  });

  it('keeps aider’s history files out of the workspace', () => {
    const argv = aiderAdapter.buildInvocation(context({ workspace: '/tmp/ws' })).argv;
    for (const flag of ['--chat-history-file', '--input-history-file']) {
      expect(argv[argv.indexOf(flag) + 1]!.startsWith('/tmp/run/')).toBe(true);
    }
  });

  it('cannot resume a session, and starts afresh when given one', () => {
    expect(aiderAdapter.resumesSessions).toBe(false);
    expect(aiderAdapter.buildInvocation(context({ sessionId: 'abc' })).argv).toEqual(expectedArgv('/tmp/run'));
  });

  it('names its executable, install command and credentials', () => {
    expect(aiderAdapter).toMatchObject({
      provider: 'aider',
      executable: 'aider',
      installHint: 'python -m pip install aider-install && aider-install',
    });
    expect(aiderAdapter.credentialEnv).toEqual(expect.arrayContaining(['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY']));
  });
});

describe('aider adapter: output', () => {
  it('adds up the tokens of every reply and takes the last session cost', () => {
    expect(aiderAdapter.parseOutput(fixture('message-run.txt'), '')).toEqual({
      inputTokens: 3600 + 5900,
      outputTokens: 693 + 345,
      costUsd: 0.03,
    });
  });

  it('reads the cache counts form, the small-cost form and a cost on its own line', () => {
    const stdout = [
      'Tokens: 2.3k sent, 440 received. Cost: $0.00061 message, $0.00061 session.',
      // aider prints the cost on its own line when it shows both cache counts.
      'Tokens: 14k sent, 2.1k cache write, 8.2k cache hit, 550 received.',
      'Cost: $0.05 message, $0.06 session.',
      'Tokens: 1,234 sent, 56 received.',
    ].join('\n');
    expect(aiderAdapter.parseOutput(stdout, '')).toEqual({ inputTokens: 2300 + 14000 + 1234, outputTokens: 440 + 550 + 56, costUsd: 0.06 });
  });

  it('reports tokens without a cost when the model has no known price', () => {
    expect(aiderAdapter.parseOutput('Applied edit to note.txt\nTokens: 788 sent, 142 received.\n', '')).toEqual({
      inputTokens: 788,
      outputTokens: 142,
    });
  });

  it('reports a provider error that ended the run, but not one aider retried past', () => {
    expect(aiderAdapter.parseOutput(fixture('auth-error.txt'), '')).toEqual({ isError: true });
    const recovered = `${fixture('rate-limit-retry.txt')}${fixture('message-run.txt')}`;
    expect(aiderAdapter.parseOutput(recovered, '').isError).toBeUndefined();
  });

  it.each([
    ['empty output', ''],
    ['a reply without a usage line', 'I made the change.\nApplied edit to src/math.js\n'],
    ['a broken usage line', 'Tokens: lots sent, some received.\nCost: $? message, $? session\n'],
    ['binary noise', '\u0000\u001b[31m\uFFFD'],
  ])('gives an empty report for %s', (_, stdout) => {
    expect(aiderAdapter.parseOutput(stdout, 'noise')).toEqual({});
  });
});

describe('aider adapter: failures', () => {
  it('recognises a missing CLI', () => {
    expect(aiderAdapter.classifyFailure(127, '', 'bash: aider: command not found\n')).toBe('not_installed');
  });

  it('classifies a rejected key as auth', () => {
    expect(aiderAdapter.classifyFailure(1, fixture('auth-error.txt'), '')).toBe('auth');
    expect(
      aiderAdapter.classifyFailure(
        1,
        'litellm.AuthenticationError: AnthropicException - {"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}\n',
        '',
      ),
    ).toBe('auth');
  });

  it('classifies a rate limit and an overloaded provider as rate_limit', () => {
    expect(aiderAdapter.classifyFailure(1, fixture('rate-limit-retry.txt'), '')).toBe('rate_limit');
    expect(
      aiderAdapter.classifyFailure(
        1,
        "litellm.InternalServerError: AnthropicException - Overloaded\nThe API provider's servers are down or overloaded.\n",
        '',
      ),
    ).toBe('rate_limit');
  });

  it('classifies other failures as transient', () => {
    const timeout =
      'litellm.Timeout: Connection timed out after 600.0 seconds.\nThe API provider timed out without returning a response. They may be down or overloaded.\n';
    expect(aiderAdapter.classifyFailure(1, timeout, '')).toBe('transient');
    expect(aiderAdapter.classifyFailure(1, fixture('message-run.txt'), 'Traceback (most recent call last):\nKeyError: x\n')).toBe(
      'transient',
    );
    expect(aiderAdapter.classifyFailure(null, '', '')).toBe('transient');
  });

  it('does not take the model’s reply for an error', () => {
    const reply = 'I changed the retry logic so a 429 or an invalid API key is reported.\nTokens: 2.3k sent, 440 received.\n';
    expect(aiderAdapter.classifyFailure(1, reply, '')).toBe('transient');
  });
});

describe('aider adapter: against a real process', () => {
  const tempDir = scopedTempDirs();

  it('starts an `aider` from PATH that reads the prompt from --message-file, and parses what it prints', () => {
    const workspace = tempDir('aidp-ws-');
    const runDir = tempDir('aidp-run-');
    const promptFile = join(runDir, 'PROMPT.md');
    writeFileSync(promptFile, PROMPT);

    const invocation = aiderAdapter.buildInvocation(context({ workspace, promptFile, model: 'gemini/gemini-1.5-pro-latest' }));
    const run = runFakeCli({
      name: 'aider',
      invocation,
      cwd: workspace,
      env: { GEMINI_API_KEY: 'test-key' },
      stdout: fixture('message-run.txt'),
      // The fake reads the file aider would take its one message from, to show the prompt got there.
      messageFileFlag: '--message-file',
    });

    expect(run.error).toBeUndefined();
    expect(run.status).toBe(0);
    const seen = run.recorded;
    expect(seen.argv).toEqual(expectedArgv(runDir, 'gemini/gemini-1.5-pro-latest').slice(1));
    expect(seen.message).toBe(PROMPT);
    expect(seen.stdin).toBe('');
    expect(seen.cwd).toBe(workspace);
    expect(seen.env).toContain('GEMINI_API_KEY');
    expect(aiderAdapter.parseOutput(run.stdout, run.stderr)).toEqual({ inputTokens: 9500, outputTokens: 1038, costUsd: 0.03 });
  });
});
