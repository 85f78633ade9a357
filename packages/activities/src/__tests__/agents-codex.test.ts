import { codexAdapter } from '../agents/codex';
import type { AgentInvocationContext } from '../agents/types';
import { readFixture, runFakeCli, scopedTempDirs } from './fake-agent-cli';

const fixture = (name: string): string => readFixture('codex', name);
const PROMPT = '# fix-tests\n\nIteration 2 of 3\n\nMake the test suite pass.\n';
const BASE = ['codex', 'exec', '--json', '--sandbox', 'workspace-write', '--skip-git-repo-check'];

function context(overrides: Partial<AgentInvocationContext> = {}): AgentInvocationContext {
  return { promptFile: '/tmp/run/PROMPT.md', prompt: PROMPT, model: '', workspace: '/tmp/ws', ...overrides };
}

/** A failed run as `codex exec --json` reports it (event shapes of codex-rs/exec/src/exec_events.rs). */
function failedRun(message: string, reconnects: string[] = []): string {
  return [
    '{"type":"thread.started","thread_id":"0199a213-81c0-7800-8aa1-bbab2a035a53"}',
    '{"type":"turn.started"}',
    ...reconnects.map((m) => JSON.stringify({ type: 'error', message: m })),
    JSON.stringify({ type: 'turn.failed', error: { message } }),
  ].join('\n');
}

describe('codex adapter: invocation', () => {
  it('runs `codex exec` with JSON events in a workspace-write sandbox, the prompt on stdin', () => {
    const invocation = codexAdapter.buildInvocation(context());
    expect(invocation.argv).toEqual([...BASE, '-']);
    expect(invocation.stdin).toBe(PROMPT);
  });

  it('passes the model, and leaves it to the CLI when it is empty or "default"', () => {
    expect(codexAdapter.buildInvocation(context({ model: 'gpt-5-codex' })).argv).toEqual([...BASE, '--model', 'gpt-5-codex', '-']);
    expect(codexAdapter.buildInvocation(context({ model: 'default' })).argv).toEqual([...BASE, '-']);
  });

  it('resumes a thread with `exec resume <id>`, options first and the prompt still on stdin', () => {
    expect(codexAdapter.resumesSessions).toBe(true);
    const invocation = codexAdapter.buildInvocation(context({ model: 'gpt-5-codex', sessionId: '0199a213-81c0-7800-8aa1-bbab2a035a53' }));
    expect(invocation.argv).toEqual([...BASE, '--model', 'gpt-5-codex', 'resume', '0199a213-81c0-7800-8aa1-bbab2a035a53', '-']);
    expect(invocation.stdin).toBe(PROMPT);
  });

  it('names its executable, install command and credentials', () => {
    expect(codexAdapter).toMatchObject({ provider: 'codex', executable: 'codex', installHint: 'npm install -g @openai/codex' });
    expect(codexAdapter.credentialEnv).toEqual(expect.arrayContaining(['CODEX_API_KEY', 'OPENAI_API_KEY']));
  });
});

describe('codex adapter: output', () => {
  it('reads the thread id, the last agent message and the token usage of the documented stream', () => {
    expect(codexAdapter.parseOutput(fixture('exec-json.jsonl'), '')).toEqual({
      sessionId: '0199a213-81c0-7800-8aa1-bbab2a035a53',
      finalMessage: 'Yep — there’s a `README.md` in the repository root.',
      inputTokens: 24763,
      outputTokens: 122,
    });
  });

  it('takes the thread’s usage from the last completed turn (it covers the thread so far)', () => {
    const twice = `${fixture('exec-json.jsonl')}\n{"type":"turn.completed","usage":{"input_tokens":25763,"cached_input_tokens":0,"output_tokens":130}}\n`;
    expect(codexAdapter.parseOutput(twice, '')).toMatchObject({ inputTokens: 25763, outputTokens: 130 });
    expect(codexAdapter.reportsSessionTotals).toBe(true);
  });

  it('reports a failed turn as an error, but not a reconnect that the turn recovered from', () => {
    expect(codexAdapter.parseOutput(failedRun('stream disconnected before completion: error sending request'), '')).toEqual({
      sessionId: '0199a213-81c0-7800-8aa1-bbab2a035a53',
      isError: true,
    });
    const recovered = fixture('exec-json.jsonl').replace(
      '{"type":"turn.started"}',
      '{"type":"turn.started"}\n{"type":"error","message":"Reconnecting... 1/5"}',
    );
    expect(codexAdapter.parseOutput(recovered, '').isError).toBeUndefined();
  });

  it.each([
    ['empty output', ''],
    ['plain text', 'Reading prompt from stdin...\nerror: unexpected argument found\n'],
    ['a truncated event', '{"type":"thread.started","thread_id":"0199'],
    ['JSON that is not an event', '[1,2]\n"text"\n42\nnull'],
    [
      'events with fields of the wrong types',
      '{"type":"thread.started","thread_id":7}\n{"type":"turn.completed","usage":{"input_tokens":"many"}}\n{"type":"item.completed","item":{"type":"agent_message","text":null}}',
    ],
  ])('gives an empty report for %s', (_, stdout) => {
    expect(codexAdapter.parseOutput(stdout, 'noise')).toEqual({});
  });
});

describe('codex adapter: failures', () => {
  it('recognises a missing CLI', () => {
    expect(codexAdapter.classifyFailure(127, '', 'sh: 1: codex: not found\n')).toBe('not_installed');
  });

  it.each([
    ['a 401 without credentials', failedRun('unexpected status 401 Unauthorized: Missing bearer or basic authentication in header')],
    ['an incorrect key', failedRun('unexpected status 401 Unauthorized: Incorrect API key provided: sk-test****')],
    ['retries that ended in 401', failedRun('exceeded retry limit, last status: 401 Unauthorized')],
  ])('classifies %s as auth', (_, stdout) => {
    expect(codexAdapter.classifyFailure(1, stdout, '')).toBe('auth');
  });

  it('classifies a missing key on stderr as auth', () => {
    expect(codexAdapter.classifyFailure(1, '', 'Error: Missing environment variable: `OPENAI_API_KEY`.\n')).toBe('auth');
  });

  it.each([
    ['a usage limit', failedRun("You've hit your usage limit. Try again later.")],
    ['an exceeded quota', failedRun('Quota exceeded. Check your plan and billing details.')],
    ['retries that ended in 429', failedRun('exceeded retry limit, last status: 429 Too Many Requests')],
    ['high demand', failedRun("We're currently experiencing high demand, which may cause temporary errors.")],
  ])('classifies %s as rate_limit', (_, stdout) => {
    expect(codexAdapter.classifyFailure(1, stdout, '')).toBe('rate_limit');
  });

  it('classifies other failures as transient, going by the failed turn rather than the reconnects before it', () => {
    expect(codexAdapter.classifyFailure(1, failedRun('stream disconnected before completion: error sending request'), '')).toBe(
      'transient',
    );
    const modelMissing = failedRun('unexpected status 404 Not Found: The model `gpt-9` does not exist', [
      'Reconnecting... 1/5 (unexpected status 429 Too Many Requests)',
    ]);
    // A model the provider does not have is a setting to fix: the run ends.
    expect(codexAdapter.classifyFailure(1, modelMissing, '')).toBe('config');
    expect(codexAdapter.classifyFailure(null, '', '')).toBe('transient');
  });

  it('does not take the agent’s own words for an error', () => {
    const stream = fixture('exec-json.jsonl').replace(
      'Yep — there’s a `README.md` in the repository root.',
      'I added a 401 handler and a rate limit.',
    );
    expect(codexAdapter.classifyFailure(1, stream, '')).toBe('transient');
  });
});

describe('codex adapter: against a real process', () => {
  const tempDir = scopedTempDirs();

  it('starts a `codex` from PATH with its argv and stdin, and parses what it prints', () => {
    const workspace = tempDir('aidp-ws-');
    const invocation = codexAdapter.buildInvocation(context({ workspace, model: 'gpt-5-codex' }));
    const run = runFakeCli({
      name: 'codex',
      invocation,
      cwd: workspace,
      env: { CODEX_API_KEY: 'sk-test' },
      stdout: fixture('exec-json.jsonl'),
    });

    expect(run.error).toBeUndefined();
    expect(run.status).toBe(0);
    const seen = run.recorded;
    expect(seen.argv).toEqual(['exec', '--json', '--sandbox', 'workspace-write', '--skip-git-repo-check', '--model', 'gpt-5-codex', '-']);
    expect(seen.stdin).toBe(PROMPT);
    expect(seen.cwd).toBe(workspace);
    expect(seen.env).toContain('CODEX_API_KEY');
    expect(codexAdapter.parseOutput(run.stdout, run.stderr)).toMatchObject({
      sessionId: '0199a213-81c0-7800-8aa1-bbab2a035a53',
      inputTokens: 24763,
      outputTokens: 122,
    });
  });
});
