import {
  activityRetryPolicy,
  escalatedTier,
  goalReached,
  mergeChangedFiles,
  shouldAutoEscalate,
  shouldContinueAsNew,
  shouldEscalateForNoProgress,
  stopReason,
  trackProgress,
  summarizeChecks,
} from '../loop-decisions';

const check = { name: 'test', command: 'npm test', required: true, timeoutMs: 1000 };
const results = (passing: boolean) => ({
  iteration: 1,
  passing,
  checks: [
    {
      name: 'test',
      required: true,
      passed: passing,
      exitCode: passing ? 0 : 1,
      durationMs: 5,
      outputTail: '',
      logPath: '',
      timedOut: false,
    },
    { name: 'lint', required: false, passed: false, exitCode: 1, durationMs: 5, outputTail: '', logPath: '', timedOut: false },
  ],
});

describe('work loop decisions', () => {
  it('moves one tier up per escalation and stops at the strongest', () => {
    expect(escalatedTier(0, 3)).toBe(1);
    expect(escalatedTier(2, 3)).toBe(2);
    expect(escalatedTier(0, 1)).toBe(0);
  });

  it('escalates by itself only after escalate_after consecutive failures', () => {
    expect(shouldAutoEscalate(2, 3)).toBe(false);
    expect(shouldAutoEscalate(3, 3)).toBe(true);
    expect(shouldAutoEscalate(10, 0)).toBe(false);
  });

  it('stops at max iterations, at the cost budget and at the wall-clock limit, in that order', () => {
    const base = { iteration: 1, maxIterations: 3, costUsd: 0, elapsedMs: 0 };
    expect(stopReason(base)).toBeNull();
    expect(stopReason({ ...base, iteration: 3 })?.type).toBe('MaxIterationsReached');
    expect(stopReason({ ...base, costUsd: 2, maxCostUsd: 2 })).toEqual({
      type: 'BudgetExceeded',
      message: 'the agent cost $2.00, reaching the budget of $2.00',
    });
    expect(stopReason({ ...base, elapsedMs: 61_000, maxDurationMs: 60_000 })?.message).toContain('61 s');
  });

  it('says in the final message that the last agent run timed out, and for how long it was allowed', () => {
    const stop = { iteration: 3, maxIterations: 3, costUsd: 0, elapsedMs: 0, agentTimeoutMs: 600_000 };
    expect(stopReason({ ...stop, lastAgentRun: { ok: false, timedOut: true, exitCode: null } })?.message).toBe(
      'the checks still fail after 3 of 3 iterations; the last agent run timed out after 600 s (agent.timeout) and was killed',
    );
    expect(stopReason({ ...stop, lastAgentRun: { ok: false, timedOut: false, exitCode: 2 } })?.message).toContain(
      'failed with exit code 2',
    );
    expect(stopReason({ ...stop, lastAgentRun: { ok: true, timedOut: false, exitCode: 0 } })?.message).toBe(
      'the checks still fail after 3 of 3 iterations',
    );
  });

  it('never blames the checks when there are none: the agent did not report completion', () => {
    const message = stopReason({ iteration: 2, maxIterations: 2, costUsd: 0, elapsedMs: 0, completionByMarker: true })?.message;
    expect(message).toBe('the agent did not report completion (a line "STATUS: COMPLETE") in 2 of 2 iterations');
  });

  it('decides completion by the checks, never by the agent, unless no checks are configured', () => {
    expect(goalReached([check], results(false), true)).toBe(false);
    expect(goalReached([check], results(true), false)).toBe(true);
    expect(goalReached([], null, true)).toBe(true);
    expect(goalReached([], null, false)).toBe(false);
  });

  it('summarizes the last check run for progress, counting only failed required checks as failures', () => {
    // 'lint' is optional: it failed, but it does not block and is not listed as a failure.
    expect(summarizeChecks(results(true))).toEqual({ passing: true, total: 2, failedChecks: [] });
    expect(summarizeChecks(results(false))).toEqual({ passing: false, total: 2, failedChecks: ['test'] });
    expect(summarizeChecks(null)).toBeNull();
  });

  it('continues as new when suggested, past the history limit, or when the run would time out mid-iteration', () => {
    const clock = { historyLength: 100, continueAsNewSuggested: false, nowMs: 10_000, runStartMs: 0, reserveMs: 5_000 };
    expect(shouldContinueAsNew(clock)).toBe(false);
    expect(shouldContinueAsNew({ ...clock, continueAsNewSuggested: true })).toBe(true);
    expect(shouldContinueAsNew({ ...clock, maxHistoryEvents: 100 })).toBe(true);
    expect(shouldContinueAsNew({ ...clock, runTimeoutMs: 16_000 })).toBe(false);
    expect(shouldContinueAsNew({ ...clock, runTimeoutMs: 14_000 })).toBe(true);
    // A continued run without a run timeout reports 0: no timeout, not an expired one.
    expect(shouldContinueAsNew({ ...clock, runTimeoutMs: 0 })).toBe(false);
  });

  it('keeps the changed-file list de-duplicated and bounded', () => {
    expect(mergeChangedFiles(['a', 'b'], ['b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(mergeChangedFiles([], ['a', 'b', 'c'], 2)).toEqual(['a', 'b']);
  });

  it('counts iterations without fewer failing checks, and escalates after escalate_on_no_progress of them', () => {
    let t = trackProgress(undefined, 3);
    expect(t).toEqual({ bestFailing: 3, since: 0 });
    t = trackProgress(t, 3);
    t = trackProgress(t, 4);
    expect(t).toEqual({ bestFailing: 3, since: 2 });
    expect(shouldEscalateForNoProgress(t, 2)).toBe(true);
    expect(shouldEscalateForNoProgress(t, 3)).toBe(false);
    expect(shouldEscalateForNoProgress(t, undefined)).toBe(false);
    expect(trackProgress(t, 2)).toEqual({ bestFailing: 2, since: 0 });
  });
});

describe("the activities' retry policy", () => {
  it('leaves maximumAttempts out for "unlimited" (0), which Temporal would refuse', () => {
    const base = { initialInterval: 1000, backoffCoefficient: 2, maximumInterval: 10_000 };
    expect(activityRetryPolicy({ ...base, maximumAttempts: 0 })).toEqual(base);
    expect(activityRetryPolicy({ ...base, maximumAttempts: 5 })).toEqual({ ...base, maximumAttempts: 5 });
  });
});
