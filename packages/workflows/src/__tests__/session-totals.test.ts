import type { RunAgentResult } from '../contracts';
import { agentRun as baseRun } from './agent-run';
import { agentRan, carriedOver, currentModel, initialRunState, escalated } from '../run-state';

// Per-run figures of CLIs that report the whole session's totals (claude, codex): the totals a run
// reported are kept in the run's state beside its session, so the next run of the session is counted
// from them — in the state carried across continue-as-new, and in history for a replay after a crash.

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:01:00.000Z';
const TIERS = [
  { provider: 'claude', model: 'haiku' },
  { provider: 'claude', model: 'opus' },
];
const policy = { provider: 'claude', escalateAfter: 3, tierCount: 2 };

// A claude run of the haiku tier that changed nothing.
function agentRun(overrides: Partial<RunAgentResult> = {}): RunAgentResult {
  return baseRun({ changedFiles: [], cost: { usd: 0.01026, inputTokens: 3600, outputTokens: 180 }, model: 'haiku', ...overrides });
}

describe('session totals in the run state', () => {
  it('keeps the totals a run reported with its session, and counts only the run’s own cost', () => {
    const totals = { usd: 0.02052, inputTokens: 7200, outputTokens: 360 };
    const { state } = agentRan(initialRunState(undefined, 2, T0), agentRun({ sessionId: 's-1', sessionTotals: totals }), policy, T1);
    expect(state.session).toEqual({ id: 's-1', provider: 'claude', totals });
    expect(state.cost).toEqual({ usd: 0.01026, inputTokens: 3600, outputTokens: 180 });
  });

  it('carries them across continue-as-new and through history (plain JSON)', () => {
    const totals = { usd: 0.01026, inputTokens: 3600, outputTokens: 180 };
    const { state } = agentRan(initialRunState(undefined, 2, T0), agentRun({ sessionId: 's-1', sessionTotals: totals }), policy, T1);
    const carried = JSON.parse(JSON.stringify(carriedOver(state))) as Parameters<typeof initialRunState>[0];
    expect(initialRunState(carried, 2, T1).session).toEqual({ id: 's-1', provider: 'claude', totals });
  });

  it('a run of a CLI that reports per run keeps no totals', () => {
    const { state } = agentRan(initialRunState(undefined, 2, T0), agentRun({ sessionId: 's-1' }), policy, T1);
    expect(state.session).toEqual({ id: 's-1', provider: 'claude' });
  });
});

describe('the model the CLI reported', () => {
  it('is shown beside the tier it ran on, and not once the tier changed', () => {
    const ran = agentRan(initialRunState(undefined, 2, T0), agentRun({ reportedModel: 'claude-haiku-4-5-20251001' }), policy, T1).state;
    expect(currentModel(ran, TIERS)).toEqual({ provider: 'claude', model: 'haiku', tier: 0, reported: 'claude-haiku-4-5-20251001' });
    const up = escalated(ran, 'signal', 2, T1).state;
    expect(currentModel(up, TIERS)).toEqual({ provider: 'claude', model: 'opus', tier: 1 });
    const again = agentRan(up, agentRun({ reportedModel: 'claude-opus-5-5' }), policy, T1).state;
    expect(currentModel(again, TIERS)).toEqual({ provider: 'claude', model: 'opus', tier: 1, reported: 'claude-opus-5-5' });
  });
});
