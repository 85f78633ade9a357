// The adapters against what the real CLIs printed (claude 2.1.328, codex 0.169.0, gemini 0.61.0,
// opencode 1.18.33, copilot 1.0.102), captured from runs against the scripted model server of @aidp/testing: a session
// of two runs, the second resuming the first, each run served 1200 input tokens (400 of them from the
// cache) and 60 output tokens per model request; and each CLI's failures as it reports them. The
// fixtures are the files `real-*` under fixtures/agents/<cli>/ (paths and ports normalised).
import { claudeAdapter } from '../agents/claude';
import { codexAdapter } from '../agents/codex';
import { copilotAdapter } from '../agents/copilot';
import { geminiAdapter } from '../agents/gemini';
import { opencodeAdapter } from '../agents/opencode';
import { perRunFigures } from '../agents/session-totals';
import type { AgentAdapter, AgentFailureClass, AgentInvocationContext } from '../agents/types';
import { readFixture } from './fake-agent-cli';

const ADAPTERS: Record<string, AgentAdapter> = {
  claude: claudeAdapter,
  codex: codexAdapter,
  gemini: geminiAdapter,
  opencode: opencodeAdapter,
  copilot: copilotAdapter,
};

/** What the server served each run of the resumed session (model requests × 1200 in, 60 out). */
const SESSIONS = [
  // claude: a Read, a Write, the answer. Its cost is Sonnet 4.5's list price for those tokens.
  { cli: 'claude', ext: 'json', perRun: { inputTokens: 3600, outputTokens: 180, usd: 0.01026 }, model: 'claude-sonnet-4-5' },
  // codex: an apply_patch, the answer. It reports no cost and no model.
  { cli: 'codex', ext: 'jsonl', perRun: { inputTokens: 2400, outputTokens: 120, usd: 0 }, model: undefined },
  // gemini: a write_file, the answer. No cost.
  { cli: 'gemini', ext: 'json', perRun: { inputTokens: 2400, outputTokens: 120, usd: 0 }, model: 'gemini-2.5-pro' },
  // opencode: an apply_patch, the answer (its title request to a small model is not in its report).
  { cli: 'opencode', ext: 'jsonl', perRun: { inputTokens: 2400, outputTokens: 120, usd: 0.0033 }, model: undefined },
  // copilot (its own provider over Chat Completions): a bash command, the answer. No tokens, no cost.
  { cli: 'copilot', ext: 'jsonl', perRun: { inputTokens: 0, outputTokens: 0, usd: 0 }, model: 'gpt-5' },
] as const;

describe('real CLI outputs: a resumed session', () => {
  it.each(SESSIONS)('$cli: each run counts what that run was served, not the session so far', ({ cli, ext, perRun }) => {
    const adapter = ADAPTERS[cli]!;
    const first = adapter.parseOutput(readFixture(cli, `real-resumed-run-1.${ext}`), '');
    const second = adapter.parseOutput(readFixture(cli, `real-resumed-run-2.${ext}`), '');
    expect(first.sessionId).toBeTruthy();
    expect(second.sessionId).toBe(first.sessionId);

    const run1 = perRunFigures(first, { reportsSessionTotals: adapter.reportsSessionTotals });
    const run2 = perRunFigures(second, {
      reportsSessionTotals: adapter.reportsSessionTotals,
      resumedSession: first.sessionId!,
      ...(run1.sessionTotals ? { previousTotals: run1.sessionTotals } : {}),
    });
    for (const run of [run1, run2]) {
      expect(run.cost.inputTokens).toBe(perRun.inputTokens);
      expect(run.cost.outputTokens).toBe(perRun.outputTokens);
      expect(run.cost.usd).toBeCloseTo(perRun.usd, 10);
    }
  });

  it.each(SESSIONS)('$cli: reports the model it ran when it names one', ({ cli, ext, model }) => {
    expect(ADAPTERS[cli]!.parseOutput(readFixture(cli, `real-resumed-run-2.${ext}`), '').model).toBe(model);
  });

  it('claude: after an escalation the session names both models; the run names the one it asked for', () => {
    // Run 2 of a session escalated from claude-haiku-4-5 to the alias `opus`, which the CLI resolved.
    const report = claudeAdapter.parseOutput(readFixture('claude', 'real-escalated-run-2.json'), '', 'opus');
    expect(report.model).toBe('claude-opus-5-5');
    expect(claudeAdapter.parseOutput(readFixture('claude', 'real-escalated-run-2.json'), '', 'claude-haiku-4-5').model).toBe(
      'claude-haiku-4-5',
    );
  });

  it('a run whose session was not the one resumed counts all it reports', () => {
    const report = claudeAdapter.parseOutput(readFixture('claude', 'real-resumed-run-2.json'), '');
    const previous = { usd: 0.01026, inputTokens: 3600, outputTokens: 180 };
    expect(perRunFigures(report, { reportsSessionTotals: true, resumedSession: 'another-session', previousTotals: previous }).cost).toEqual(
      {
        usd: 0.02052,
        inputTokens: 7200,
        outputTokens: 360,
      },
    );
  });

  it('a failed run that reports nothing keeps the session totals for the next run', () => {
    const previous = { usd: 0.01026, inputTokens: 3600, outputTokens: 180 };
    expect(
      perRunFigures({ sessionId: 's', isError: true }, { reportsSessionTotals: true, resumedSession: 's', previousTotals: previous }),
    ).toEqual({
      cost: { usd: 0, inputTokens: 0, outputTokens: 0 },
      sessionTotals: previous,
    });
  });
});

/** Real failures: the CLI, its fixture on stdout and/or stderr, its exit code, and the class AIDP gives it. */
const FAILURES: { cli: string; case: string; stdout?: string; stderr?: string; exitCode: number | null; expected: AgentFailureClass }[] = [
  { cli: 'claude', case: '401 invalid key', stdout: 'real-auth-401.json', exitCode: 1, expected: 'auth' },
  { cli: 'claude', case: '429 rate limit', stdout: 'real-rate-limit-429.json', exitCode: 1, expected: 'rate_limit' },
  { cli: 'claude', case: '529 overloaded', stdout: 'real-overloaded-529.json', exitCode: 1, expected: 'rate_limit' },
  { cli: 'claude', case: 'a stream cut', stdout: 'real-stream-cut.json', exitCode: 1, expected: 'transient' },
  {
    cli: 'claude',
    case: 'an unknown model',
    stdout: 'real-unknown-model.json',
    stderr: 'real-unknown-model.stderr',
    exitCode: 1,
    expected: 'config',
  },
  { cli: 'codex', case: '401 invalid key', stdout: 'real-auth-401.jsonl', exitCode: 1, expected: 'auth' },
  { cli: 'codex', case: '429 rate limit', stdout: 'real-rate-limit-429.jsonl', exitCode: 1, expected: 'rate_limit' },
  { cli: 'codex', case: '503 at capacity', stdout: 'real-overloaded-503.jsonl', exitCode: 1, expected: 'rate_limit' },
  { cli: 'codex', case: 'a stream cut', stdout: 'real-stream-cut.jsonl', exitCode: 1, expected: 'transient' },
  { cli: 'codex', case: 'an unknown model', stdout: 'real-unknown-model.jsonl', exitCode: 1, expected: 'config' },
  { cli: 'gemini', case: '401 invalid key', stderr: 'real-auth-401.stderr', exitCode: 1, expected: 'auth' },
  { cli: 'gemini', case: 'an invalid auth method', stderr: 'real-invalid-auth-method.stderr', exitCode: 41, expected: 'config' },
  { cli: 'gemini', case: 'an untrusted folder', stderr: 'real-untrusted-folder.stderr', exitCode: 55, expected: 'config' },
  { cli: 'gemini', case: 'an unknown model', stderr: 'real-unknown-model.stderr', exitCode: 1, expected: 'config' },
  { cli: 'gemini', case: 'a stream cut', stderr: 'real-stream-cut.stderr', exitCode: 1, expected: 'transient' },
  { cli: 'opencode', case: '401 invalid key', stdout: 'real-auth-401.jsonl', exitCode: 1, expected: 'auth' },
  { cli: 'opencode', case: '429 rate limit', stdout: 'real-rate-limit-429.jsonl', exitCode: 1, expected: 'rate_limit' },
  { cli: 'opencode', case: 'a stream cut', stdout: 'real-stream-cut.jsonl', exitCode: 1, expected: 'transient' },
  {
    cli: 'opencode',
    case: 'an unknown model',
    stdout: 'real-unknown-model.jsonl',
    stderr: 'real-unknown-model.stderr',
    exitCode: 1,
    expected: 'config',
  },
  { cli: 'copilot', case: '401 invalid key', stdout: 'real-auth-401.jsonl', exitCode: 1, expected: 'auth' },
  { cli: 'copilot', case: '429 rate limit', stdout: 'real-rate-limit-429.jsonl', exitCode: 1, expected: 'rate_limit' },
  { cli: 'copilot', case: '503 overloaded', stdout: 'real-overloaded-503.jsonl', exitCode: 1, expected: 'rate_limit' },
  { cli: 'copilot', case: 'a stream cut', stdout: 'real-stream-cut.jsonl', exitCode: 1, expected: 'transient' },
  { cli: 'copilot', case: 'an unknown model', stdout: 'real-unknown-model.jsonl', exitCode: 1, expected: 'config' },
];

describe('real CLI outputs: failures', () => {
  it.each(FAILURES)('$cli: $case is $expected', ({ cli, stdout, stderr, exitCode, expected }) => {
    const adapter = ADAPTERS[cli]!;
    const out = stdout ? readFixture(cli, stdout) : '';
    const err = stderr ? readFixture(cli, stderr) : '';
    const report = adapter.parseOutput(out, err);
    // Every one of these is a failed run, whatever the exit code says.
    expect(exitCode !== 0 || report.isError === true).toBe(true);
    expect(adapter.classifyFailure(exitCode, out, err)).toBe(expected);
  });
});

describe('gemini in a folder nobody trusted', () => {
  const context: AgentInvocationContext = { promptFile: '/tmp/run/PROMPT.md', prompt: 'Iteration 1 of 3', model: '', workspace: '/tmp/ws' };

  it('trusts the workspace the run works in, the way the CLI documents for automated runs', () => {
    expect(geminiAdapter.buildInvocation(context).env).toEqual({ GEMINI_CLI_TRUST_WORKSPACE: 'true' });
  });

  it('classifies the refusal (exit 55) as configuration, which ends the run, not as transient', () => {
    expect(geminiAdapter.classifyFailure(55, '', readFixture('gemini', 'real-untrusted-folder.stderr'))).toBe('config');
  });
});

describe('opencode with an OpenAI-compatible provider', () => {
  it('passes OPENAI_API_KEY through to the CLI', () => {
    expect(opencodeAdapter.credentialEnv).toContain('OPENAI_API_KEY');
  });

  it('prints its errors, so that a refused model can be told from other failures', () => {
    const argv = opencodeAdapter.buildInvocation({ promptFile: '/p', prompt: 'x', model: 'openai/gpt-5', workspace: '/w' }).argv;
    expect(argv).toEqual(expect.arrayContaining(['--print-logs', '--log-level', 'ERROR']));
  });
});

describe('real CLI outputs: a session the CLI does not have', () => {
  // What each CLI says when asked to resume a session it never saved (gemini: after a first run whose
  // stream was cut), so that runAgent starts a new session instead of failing every iteration on it.
  it.each([
    ['claude', 'real-session-missing.stderr'],
    ['codex', 'real-session-missing.stderr'],
    ['gemini', 'real-session-missing.stderr'],
    ['opencode', 'real-session-missing.stderr'],
    ['copilot', 'real-session-missing.stderr'],
  ])('%s says so, and runAgent can tell', (cli, file) => {
    expect(ADAPTERS[cli]!.sessionMissing?.('', readFixture(cli, file))).toBe(true);
  });

  it.each(['claude', 'codex', 'gemini', 'opencode', 'copilot'])('%s: other failures are not taken for a missing session', (cli) => {
    const failure = FAILURES.find((f) => f.cli === cli && f.case === '401 invalid key')!;
    const out = failure.stdout ? readFixture(cli, failure.stdout) : '';
    const err = failure.stderr ? readFixture(cli, failure.stderr) : '';
    expect(ADAPTERS[cli]!.sessionMissing?.(out, err)).toBe(false);
  });
});
