import { LIMITS, resolveConfig } from '@aidp/config';
import { MAX_ITERATIONS_LIMIT, TASK_MAX_BYTES, buildIssueToPrInput, buildWorkLoopInput, type AidpInputError } from '@aidp/client';

// What the client refuses before anything is sent, so code that uses it gets the same limits as the CLI.

const config = (raw: Record<string, unknown> = {}) => resolveConfig({ agent: { command: ['my-agent'] }, ...raw }, { env: {} }).config;
const request = { projectDir: '/tmp/project', stepName: 'fix-tests', task: 'Make the tests pass.' };

function refusal(build: () => unknown): { name: string; field: string; message: string } | undefined {
  try {
    build();
    return undefined;
  } catch (error) {
    const e = error as AidpInputError;
    return { name: e.name, field: e.field, message: e.message };
  }
}

describe('a work loop request', () => {
  it('is refused when its step cannot name a branch, naming the field and the reason', () => {
    expect(refusal(() => buildWorkLoopInput(config(), { ...request, stepName: 'x..y' }))).toEqual({
      name: 'AidpInputError',
      field: 'stepName',
      message: 'stepName cannot name the branch aidp/x..y: it contains ".."',
    });
    expect(refusal(() => buildWorkLoopInput(config(), { ...request, stepName: 'a b' }))?.message).toBe(
      'stepName cannot name the branch aidp/a b: it contains a space',
    );
  });

  it('is refused with a branch git would refuse', () => {
    expect(refusal(() => buildWorkLoopInput(config(), { ...request, branch: 'feature..x' }))?.message).toBe(
      'branch is not a valid git branch name: it contains ".."',
    );
    expect(buildWorkLoopInput(config(), { ...request, branch: 'feature/x' }).branch).toBe('feature/x');
  });

  it(`is refused with a task or context over ${TASK_MAX_BYTES / 1024} KiB, or a blank task, from the request or the step`, () => {
    const big = 'x'.repeat(TASK_MAX_BYTES + 1);
    expect(refusal(() => buildWorkLoopInput(config(), { ...request, task: big }))).toMatchObject({
      field: 'task',
      message: 'task is too large: 262145 bytes (at most 256 KiB)',
    });
    expect(refusal(() => buildWorkLoopInput(config(), { ...request, context: big }))).toMatchObject({ field: 'context' });
    expect(refusal(() => buildWorkLoopInput(config(), { ...request, task: '  \n' }))).toMatchObject({
      field: 'task',
      message: 'task is empty',
    });
    const withStep = config({ work_loop: { steps: { huge: { task: big } } } });
    expect(refusal(() => buildWorkLoopInput(withStep, { ...request, stepName: 'huge', task: undefined }))).toMatchObject({ field: 'task' });
  });

  it(`is refused with an iteration limit outside 1 to ${MAX_ITERATIONS_LIMIT}`, () => {
    expect(refusal(() => buildWorkLoopInput(config(), { ...request, maxIterations: 1e9 }))).toEqual({
      name: 'AidpInputError',
      field: 'maxIterations',
      message: `maxIterations must be a whole number from 1 to ${MAX_ITERATIONS_LIMIT}, got 1000000000`,
    });
    expect(refusal(() => buildWorkLoopInput(config(), { ...request, maxIterations: 0 }))).toMatchObject({ field: 'maxIterations' });
    expect(buildWorkLoopInput(config(), { ...request, maxIterations: MAX_ITERATIONS_LIMIT }).maxIterations).toBe(MAX_ITERATIONS_LIMIT);
  });
});

describe('an issue request', () => {
  it('is refused with a base branch git would refuse, or an iteration limit out of range', () => {
    const withRepo = config({ github: { repo: 'acme/widgets' } });
    expect(refusal(() => buildIssueToPrInput(withRepo, { issueNumber: 1, projectDir: '/tmp/p', baseBranch: 'main~1' }))).toMatchObject({
      field: 'baseBranch',
      message: 'baseBranch is not a valid git branch name: it contains "~"',
    });
    expect(refusal(() => buildIssueToPrInput(withRepo, { issueNumber: 1, projectDir: '/tmp/p', maxIterations: 20_000 }))).toMatchObject({
      field: 'maxIterations',
    });
  });
});

describe("the loop's settings", () => {
  it('carry agent.max_output_bytes to the agent activity, and its default when unset', () => {
    expect(buildWorkLoopInput(config({ agent: { command: ['my-agent'], max_output_bytes: '512KiB' } }), request).agent.maxOutputBytes).toBe(
      512 * 1024,
    );
    expect(buildWorkLoopInput(config(), request).agent.maxOutputBytes).toBe(10 * 1024 * 1024);
    const issue = buildIssueToPrInput(
      config({ github: { repo: 'acme/widgets' }, agent: { command: ['my-agent'], max_output_bytes: 100_000 } }),
      { issueNumber: 1, projectDir: '/tmp/p' },
    );
    expect(issue.loop.agent.maxOutputBytes).toBe(100_000);
  });

  it('take iteration limits in the range aidp.yml takes for work_loop.max_iterations', () => {
    expect(MAX_ITERATIONS_LIMIT).toBe(LIMITS.count.max);
  });
});
