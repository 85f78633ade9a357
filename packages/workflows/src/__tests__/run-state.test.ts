import type { TestResults, WorkLoopCarriedState } from '../contracts';
import { agentRun } from './agent-run';
import {
  agentRan,
  carriedOver,
  checkpointed,
  checksRan,
  childFinished,
  childStarted,
  childStopped,
  diagnosed,
  escalated,
  initialRunState,
  instructionQueued,
  instructionsDelivered,
  progressOf,
  sideWorkDone,
  workspacePrepared,
} from '../run-state';

// A run's state changes as plain functions: no Temporal, no workflow, milliseconds.

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:01:00.000Z';
const fresh = () => initialRunState(undefined, 3, T0);

const failing: TestResults = {
  iteration: 1,
  passing: false,
  checks: [
    { name: 'test', required: true, passed: false, exitCode: 1, durationMs: 1, outputTail: '', logPath: '', timedOut: false },
    { name: 'lint', required: false, passed: false, exitCode: 1, durationMs: 1, outputTail: '', logPath: '', timedOut: false },
  ],
};
const diagnosis = { iteration: 1, failedChecks: ['test'], failures: [], omitted: 0, summary: 'test fails' };
const policy = { provider: 'claude', escalateAfter: 3, tierCount: 3 };

describe('run state transitions', () => {
  it('starts fresh, or from a carried state of a run that continued before the state was one value', () => {
    expect(fresh()).toMatchObject({
      phase: 'initializing',
      iteration: 0,
      tier: 0,
      generation: 1,
      children: [],
      childIterations: 0,
      startedAt: T0,
    });
    // The shape runs carried before: no phase, update time, children or child iterations.
    const carried = {
      iteration: 7,
      tier: 5,
      consecutiveFailures: 1,
      pendingInstructions: ['keep it small'],
      paused: true,
      cost: { usd: 1, inputTokens: 2, outputTokens: 3 },
      lastResults: null,
      diagnosis: null,
      previousAgentRun: null,
      workspace: { workspace: '/w', branch: 'aidp/x', runDir: '/r', baseCommit: 'abc' },
      commits: ['c1'],
      escalations: [],
      changedFiles: ['f'],
      startedAt: T0,
      generation: 2,
    } satisfies WorkLoopCarriedState;
    const state = initialRunState(carried, 3, T1);
    expect(state).toMatchObject({
      phase: 'next_patch',
      iteration: 7,
      tier: 2,
      paused: true,
      generation: 2,
      children: [],
      childIterations: 0,
      updatedAt: T1,
    });
    expect(state.pendingInstructions).not.toBe(carried.pendingInstructions);
  });

  it('never changes the state it is given', () => {
    const before = fresh();
    const frozen = JSON.stringify(before);
    agentRan(before, agentRun({ ok: false }), policy, T1);
    instructionQueued(before, 'x', T1);
    childStarted(before, { workflowId: 'c', subIssueId: '1', title: 't' }, T1);
    expect(JSON.stringify(before)).toBe(frozen);
  });

  it('counts an agent run: iteration, cost, files, session and its summary for the next prompt', () => {
    const { state, escalation } = agentRan(fresh(), agentRun({ sessionId: 's-1' }), policy, T1);
    expect(escalation).toBeNull();
    expect(state).toMatchObject({
      iteration: 1,
      cost: { usd: 0.5, inputTokens: 100, outputTokens: 10 },
      changedFiles: ['a.ts'],
      session: { id: 's-1', provider: 'claude' },
      previousAgentRun: { iteration: 1, ok: true, summary: 'did it' },
      consecutiveFailures: 0,
      updatedAt: T1,
    });
  });

  it('escalates one tier after escalate_after failed agent runs in a row, and starts counting again', () => {
    let state = fresh();
    const escalations = [];
    for (let i = 0; i < 3; i++) {
      const next = agentRan(state, agentRun({ ok: false, exitCode: 1 }), policy, T1);
      state = next.state;
      if (next.escalation) escalations.push(next.escalation);
    }
    expect(escalations).toEqual([{ afterIteration: 3, fromTier: 0, toTier: 1, reason: 'consecutive_failures' }]);
    expect(state).toMatchObject({ tier: 1, consecutiveFailures: 0, escalations });
  });

  it('records no escalation on the strongest tier', () => {
    const top = { ...fresh(), tier: 2 };
    expect(escalated(top, 'signal', 3, T1)).toEqual({ state: top, escalation: null });
  });

  it('escalates when the failing required checks stop going down for escalate_on_no_progress iterations', () => {
    let state = checksRan(fresh(), failing, T1);
    const seen = [];
    for (let i = 0; i < 3; i++) {
      const next = diagnosed(state, diagnosis, { escalateOnNoProgress: 2, tierCount: 3 }, T1);
      state = next.state;
      seen.push(next.escalation?.reason ?? null);
    }
    expect(seen).toEqual([null, null, 'no_progress']);
    expect(state.noProgress).toEqual({ bestFailing: 1, since: 0 });
  });

  it('queues instructions and lets go of exactly those a prompt delivered', () => {
    let state = instructionQueued(fresh(), 'one', T1);
    state = instructionQueued(state, 'two', T1);
    const delivering = state.pendingInstructions.length;
    state = instructionQueued(state, 'three (arrived while the prompt was written)', T1);
    expect(instructionsDelivered(state, delivering).pendingInstructions).toEqual(['three (arrived while the prompt was written)']);
  });

  it('records each checkpoint commit once, and never the commit the run started from', () => {
    let state = workspacePrepared(fresh(), { workspace: '/w', branch: 'aidp/x', runDir: '/r', baseCommit: 'base' }, T1);
    state = checkpointed(state, 'base');
    state = checkpointed(state, 'c1');
    state = checkpointed(state, 'c1');
    state = checkpointed(state, null);
    expect(state.commits).toEqual(['c1']);
  });

  it('rolls a finished child up into the run — keeping the changed-file list within its cap', () => {
    let state = sideWorkDone(
      fresh(),
      { cost: { usd: 1, inputTokens: 0, outputTokens: 0 }, changedFiles: Array.from({ length: 150 }, (_, i) => `mine-${i}`) },
      T1,
    );
    state = childStarted(state, { workflowId: 'p.sub-1', subIssueId: '1', title: 'part' }, T1);
    state = childStarted(state, { workflowId: 'p.sub-2', subIssueId: '2', title: 'other' }, T1);
    state = childFinished(
      state,
      'p.sub-1',
      {
        outcome: 'completed',
        iterations: 4,
        cost: { usd: 2, inputTokens: 5, outputTokens: 6 },
        changedFiles: Array.from({ length: 150 }, (_, i) => `child-${i}`),
      },
      T1,
    );
    state = childStopped(state, 'p.sub-2', 'failed', T1);
    // Before, a parent appended a child's files directly, past the cap the loop keeps.
    expect(state.changedFiles).toHaveLength(200);
    expect(state).toMatchObject({ childIterations: 4, cost: { usd: 3, inputTokens: 5, outputTokens: 6 } });
    expect(state.children.map((c) => [c.workflowId, c.state, c.iterations])).toEqual([
      ['p.sub-1', 'completed', 4],
      ['p.sub-2', 'failed', undefined],
    ]);
  });

  it('answers progress from the state alone, counting children and only failed required checks', () => {
    let state = checksRan(fresh(), failing, T1);
    state = { ...state, iteration: 2, childIterations: 3 };
    const progress = progressOf(state, {
      workflowType: 'WorkLoopWorkflow',
      subject: { kind: 'step', stepName: 'fix' },
      maxIterations: 10,
      tiers: [
        { provider: 'claude', model: 'small' },
        { provider: 'claude', model: 'big' },
        { provider: 'claude', model: 'huge' },
      ],
    });
    expect(progress).toMatchObject({ iteration: 5, maxIterations: 10, model: { provider: 'claude', model: 'small', tier: 0 } });
    expect(progress.lastChecks).toEqual({ passing: false, total: 2, failedChecks: ['test'] });
  });

  it('carries the whole state over continue-as-new, one generation on', () => {
    const state = instructionQueued(fresh(), 'keep going', T1);
    expect(carriedOver(state)).toEqual({ ...state, generation: 2 });
  });
});
