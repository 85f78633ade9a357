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
import type { AgentFailureClass, AgentInvocationContext } from '../agents/types';
import { readFixture, readFixtureIfAny } from './fake-agent-cli';

const ADAPTERS = { claude: claudeAdapter, codex: codexAdapter, gemini: geminiAdapter, opencode: opencodeAdapter, copilot: copilotAdapter };
type Cli = keyof typeof ADAPTERS;

interface Session {
  cli: Cli;
  /** The extension of what it prints. */
  ext: string;
  /** What the server served each run of the resumed session (model requests × 1200 in, 60 out). */
  perRun: { inputTokens: number; outputTokens: number; usd: number };
  /** The model the session names, if any. */
  model: string | undefined;
}

const SESSIONS: Session[] = [
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
];

/**
 * The real failures of each CLI by the class AIDP gives them. Each is the fixture `real-<name>.<ext>`
 * (what the CLI printed on stdout), `real-<name>.stderr` (on stderr), or both.
 */
const FAILED: Record<Cli, Partial<Record<AgentFailureClass, string[]>>> = {
  claude: { auth: ['auth-401'], rate_limit: ['rate-limit-429', 'overloaded-529'], transient: ['stream-cut'], config: ['unknown-model'] },
  codex: { auth: ['auth-401'], rate_limit: ['rate-limit-429', 'overloaded-503'], transient: ['stream-cut'], config: ['unknown-model'] },
  gemini: { auth: ['auth-401'], config: ['invalid-auth-method', 'untrusted-folder', 'unknown-model'], transient: ['stream-cut'] },
  opencode: { auth: ['auth-401'], rate_limit: ['rate-limit-429'], transient: ['stream-cut'], config: ['unknown-model'] },
  copilot: { auth: ['auth-401'], rate_limit: ['rate-limit-429', 'overloaded-503'], transient: ['stream-cut'], config: ['unknown-model'] },
};

/** The failures whose exit code was not 1. gemini's 55, a folder nobody trusted, is a setting to fix (which ends the run), not transient. */
const EXIT_CODES: Record<string, number> = { 'gemini real-invalid-auth-method': 41, 'gemini real-untrusted-folder': 55 };

const FAILURES = SESSIONS.flatMap(({ cli, ext }) =>
  Object.entries(FAILED[cli]).flatMap(([expected, names]) =>
    names.map((name) => ({
      cli,
      fixture: `real-${name}`,
      expected: expected as AgentFailureClass,
      exitCode: EXIT_CODES[`${cli} real-${name}`] ?? 1,
      stdout: readFixtureIfAny(cli, `real-${name}.${ext}`),
      stderr: readFixtureIfAny(cli, `real-${name}.stderr`),
    })),
  ),
);

/** A session's totals after the first run of claude's. */
const CLAUDE_RUN_1 = { usd: 0.01026, inputTokens: 3600, outputTokens: 180 };

describe('real CLI outputs: a resumed session', () => {
  it.each(SESSIONS)('$cli: each run counts what that run was served, not the session so far', ({ cli, ext, perRun }) => {
    const adapter = ADAPTERS[cli];
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
    expect(ADAPTERS[cli].parseOutput(readFixture(cli, `real-resumed-run-2.${ext}`), '').model).toBe(model);
  });

  it('claude: after an escalation the session names both models; the run names the one it asked for', () => {
    // Run 2 of a session escalated from claude-haiku-4-5 to the alias `opus`, which the CLI resolved.
    const escalated = readFixture('claude', 'real-escalated-run-2.json');
    expect(claudeAdapter.parseOutput(escalated, '', 'opus').model).toBe('claude-opus-5-5');
    expect(claudeAdapter.parseOutput(escalated, '', 'claude-haiku-4-5').model).toBe('claude-haiku-4-5');
  });

  it('a run whose session was not the one resumed counts all it reports', () => {
    const report = claudeAdapter.parseOutput(readFixture('claude', 'real-resumed-run-2.json'), '');
    const options = { reportsSessionTotals: true, resumedSession: 'another-session', previousTotals: CLAUDE_RUN_1 };
    expect(perRunFigures(report, options).cost).toEqual({ usd: 0.02052, inputTokens: 7200, outputTokens: 360 });
  });

  it('a failed run that reports nothing keeps the session totals for the next run', () => {
    const options = { reportsSessionTotals: true, resumedSession: 's', previousTotals: CLAUDE_RUN_1 };
    expect(perRunFigures({ sessionId: 's', isError: true }, options)).toEqual({
      cost: { usd: 0, inputTokens: 0, outputTokens: 0 },
      sessionTotals: CLAUDE_RUN_1,
    });
  });
});

describe('real CLI outputs: failures', () => {
  it.each(FAILURES)('$cli: $fixture is $expected', ({ cli, exitCode, stdout, stderr, expected }) => {
    const adapter = ADAPTERS[cli];
    expect(stdout + stderr).not.toBe('');
    // Every one of these is a failed run, whatever the exit code says.
    expect(exitCode !== 0 || adapter.parseOutput(stdout, stderr).isError === true).toBe(true);
    expect(adapter.classifyFailure(exitCode, stdout, stderr)).toBe(expected);
  });
});

describe('gemini in a folder nobody trusted', () => {
  const context: AgentInvocationContext = { promptFile: '/tmp/run/PROMPT.md', prompt: 'Iteration 1 of 3', model: '', workspace: '/tmp/ws' };

  it('trusts the workspace the run works in, the way the CLI documents for automated runs', () => {
    expect(geminiAdapter.buildInvocation(context).env).toEqual({ GEMINI_CLI_TRUST_WORKSPACE: 'true' });
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
  it.each(SESSIONS)('$cli says so, and runAgent can tell', ({ cli }) => {
    expect(ADAPTERS[cli].sessionMissing?.('', readFixture(cli, 'real-session-missing.stderr'))).toBe(true);
  });

  it.each(SESSIONS)('$cli: other failures are not taken for a missing session', ({ cli }) => {
    const { stdout, stderr } = FAILURES.find((f) => f.cli === cli && f.fixture === 'real-auth-401')!;
    expect(ADAPTERS[cli].sessionMissing?.(stdout, stderr)).toBe(false);
  });
});
