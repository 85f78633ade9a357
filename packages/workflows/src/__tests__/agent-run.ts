import type { RunAgentResult } from '../contracts';

/** An agent run's result as the runAgent activity returns it, for the run state's and the workflows' tests. */
export function agentRun(overrides: Partial<RunAgentResult> = {}): RunAgentResult {
  return {
    ok: true,
    exitCode: 0,
    signal: null,
    timedOut: false,
    durationMs: 5,
    summary: 'did it',
    changedFiles: ['a.ts'],
    completionMarker: false,
    cost: { usd: 0.5, inputTokens: 100, outputTokens: 10 },
    provider: 'claude',
    model: 'small',
    logPath: '/x/agent.log',
    ...overrides,
  };
}
