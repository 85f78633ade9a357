import * as errors from '../errors';
import * as input from '../work-loop-input';

// An application may load two copies of @aidp/client (two versions side by side, a bundler's duplicate,
// jest's registries): `instanceof` must still recognise the client's errors, as it does the SDK's.

/** A second copy of a module, as a second copy of the package would load it. */
function secondCopy<M>(load: () => M): M {
  let copy: M | undefined;
  jest.isolateModules(() => {
    copy = load();
  });
  return copy!;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the point: a fresh module registry
const other = secondCopy(() => require('../errors') as typeof errors);
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the same, for the request error
const otherInput = secondCopy(() => require('../work-loop-input') as typeof input);

describe("the client's errors", () => {
  it('are two distinct classes in two copies of the package', () => {
    expect(other.AidpRunFailedError).not.toBe(errors.AidpRunFailedError);
  });

  it('are recognised with instanceof across the copies, in both directions', () => {
    const failed = new other.AidpRunFailedError('wf-1', 'Cancelled', 'the run was cancelled', undefined, null);
    expect(failed).toBeInstanceOf(errors.AidpRunFailedError);
    expect(failed).toBeInstanceOf(errors.AidpError);
    expect(failed).toBeInstanceOf(Error);
    expect(new errors.AidpInputError('task', 'is empty')).toBeInstanceOf(other.AidpInputError);
    expect(new otherInput.WorkLoopRequestError('no task')).toBeInstanceOf(input.WorkLoopRequestError);
    expect(new otherInput.WorkLoopRequestError('no task')).toBeInstanceOf(errors.AidpError);
    // The connection errors come from @aidp/config, which the second copy loaded anew as well.
    const unreachable = new other.AidpConnectionError('localhost:1', new Error('refused'));
    expect(other.AidpConnectionError).not.toBe(errors.AidpConnectionError);
    expect(unreachable).toBeInstanceOf(errors.AidpConnectionError);
    expect(unreachable).toBeInstanceOf(errors.AidpError);
    expect(new errors.AidpNamespaceNotFoundError('ns', 'h:1')).toBeInstanceOf(other.AidpNamespaceNotFoundError);
    expect(new errors.AidpPermissionDeniedError('ns', 'h:1', null)).not.toBeInstanceOf(other.AidpNamespaceNotFoundError);
  });

  it('are not taken for one another', () => {
    const notFound = new other.AidpWorkflowNotFoundError('wf-1', 'default');
    expect(notFound).not.toBeInstanceOf(errors.AidpRunFailedError);
    expect(notFound).not.toBeInstanceOf(errors.AidpAlreadyStartedError);
    expect(new Error('plain')).not.toBeInstanceOf(errors.AidpError);
    expect({ name: 'AidpInputError' }).not.toBeInstanceOf(errors.AidpInputError);
    expect(null).not.toBeInstanceOf(errors.AidpError);
  });

  it('keep their names, for code that switches on them', () => {
    expect(new other.AidpNoWorkerError('wf-1', 'pause_run', 30_000, null)).toMatchObject({
      name: 'AidpNoWorkerError',
      message: expect.stringContaining('no worker took pause_run for run wf-1 within 30 s'),
    });
    expect(new errors.AidpSteeringRefusedError('wf-1', 'queue_instruction', 'instruction is empty', null).message).toBe(
      'run wf-1 refused queue_instruction: instruction is empty',
    );
  });

  it('leave a subclass of their own to the prototype chain', () => {
    class MyFailure extends errors.AidpRunFailedError {}
    expect(new MyFailure('wf-1', 'Terminated', 'gone', undefined, null)).toBeInstanceOf(MyFailure);
    expect(new MyFailure('wf-1', 'Terminated', 'gone', undefined, null)).toBeInstanceOf(other.AidpRunFailedError);
    expect(new errors.AidpRunFailedError('wf-1', 'Terminated', 'gone', undefined, null)).not.toBeInstanceOf(MyFailure);
  });
});
