import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, CancelledFailure, RetryState, TerminatedFailure, TimeoutFailure } from '@temporalio/common';
import { toRunFailed } from '../handle';
import type { AidpRunFailedError } from '../errors';

// How a run that did not reach its goal is explained, built from the SDK's own failure classes.
function failed(cause: Error): AidpRunFailedError {
  return toRunFailed(
    'wf-1',
    new WorkflowFailedError('Workflow execution failed', cause, RetryState.NON_RETRYABLE_FAILURE),
  ) as AidpRunFailedError;
}

describe('a run that did not reach its goal', () => {
  it('carries the failure type and the partial result', () => {
    const partial = { outcome: 'incomplete', iterations: 50 };
    const err = failed(
      ApplicationFailure.create({ type: 'MaxIterationsReached', message: 'the checks still fail', nonRetryable: true, details: [partial] }),
    );
    expect(err).toMatchObject({ name: 'AidpRunFailedError', workflowId: 'wf-1', reason: 'MaxIterationsReached', partialResult: partial });
    expect(err.message).toBe('MaxIterationsReached: the checks still fail');
  });

  it('names the activity and the timeout for an activity timeout', () => {
    const timeout = new TimeoutFailure('activity StartToClose timeout', undefined, 'START_TO_CLOSE');
    const err = failed(new ActivityFailure('activity failed', 'runChecks', '7', RetryState.MAXIMUM_ATTEMPTS_REACHED, 'worker-1', timeout));
    expect(err.reason).toBe('ActivityTimeout');
    expect(err.message).toContain('activity timeout: runChecks exceeded its start-to-close timeout');
  });

  it('tells cancelled and terminated runs apart', () => {
    expect(failed(new CancelledFailure('cancelled')).reason).toBe('Cancelled');
    expect(failed(new TerminatedFailure('by operator')).reason).toBe('Terminated');
  });

  it('says Failed, keeping the type in the message, for a failure type that is not one of AIDP’s', () => {
    const err = failed(ApplicationFailure.create({ type: 'SomethingElse', message: 'odd', nonRetryable: true }));
    expect(err).toMatchObject({ reason: 'Failed', message: 'SomethingElse: odd', partialResult: undefined });
  });

  it('tells a run timeout', () => {
    expect(failed(new TimeoutFailure('workflow timed out', undefined, 'START_TO_CLOSE')).reason).toBe('TimedOut');
  });

  it('passes other errors through unchanged', () => {
    const other = new Error('boom');
    expect(toRunFailed('wf-1', other)).toBe(other);
  });
});
