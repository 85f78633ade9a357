import { LogTimestamp } from '@temporalio/worker';
import { createAidpLogger, type LogStream } from '../logger';

function capture(isTTY = false): LogStream & { lines(): string[] } {
  let text = '';
  return {
    isTTY,
    write: (chunk: string) => (text += chunk),
    lines: () => text.split('\n').filter(Boolean),
  };
}

const ESC = '\u001b[';

describe('createAidpLogger', () => {
  it('writes one JSON object per line when the stream is not a terminal', () => {
    const stream = capture(false);
    const logger = createAidpLogger({ stream, env: {} });

    logger.info('iteration finished', { workflowId: 'wl-1', runId: 'r-1', iteration: 2, passing: false });
    logger.warn('activity failed', { activityType: 'runAgent', taskQueue: 'q', namespace: 'default' });

    expect(logger.format).toBe('json');
    const [first, second] = stream.lines().map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(first).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      level: 'info',
      message: 'iteration finished',
      workflowId: 'wl-1',
      runId: 'r-1',
      iteration: 2,
      passing: false,
    });
    expect(second).toMatchObject({
      level: 'warn',
      message: 'activity failed',
      activityType: 'runAgent',
      taskQueue: 'q',
      namespace: 'default',
    });
  });

  it('takes the time the SDK stamped on buffered and forwarded entries', () => {
    const stream = capture();
    const at = Date.UTC(2030, 0, 2, 3, 4, 5, 678);
    createAidpLogger({ stream, env: {} }).info('from core', { [LogTimestamp]: BigInt(at) * 1_000_000n, sdkComponent: 'core' });

    expect(JSON.parse(stream.lines()[0]!)).toEqual({
      time: '2030-01-02T03:04:05.678Z',
      level: 'info',
      message: 'from core',
      sdkComponent: 'core',
    });
  });

  it('drops entries below the configured level', () => {
    const stream = capture();
    const logger = createAidpLogger({ stream, level: 'warn', env: {} });
    logger.trace('t');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.log('ERROR', 'e');

    expect(stream.lines().map((line) => (JSON.parse(line) as { message: string }).message)).toEqual(['w', 'e']);
    expect(logger.isEnabled('info')).toBe(false);
    expect(logger.isEnabled('ERROR')).toBe(true);
  });

  it('writes trace entries at level trace', () => {
    const stream = capture();
    createAidpLogger({ stream, level: 'trace', env: {} }).trace('activation completed');

    expect(JSON.parse(stream.lines()[0]!)).toMatchObject({ level: 'trace', message: 'activation completed' });
  });

  it('keeps what an error says, and writes values JSON has no form for', () => {
    const stream = capture();
    const failure = Object.assign(new Error('agent "claude" is not installed'), { name: 'ApplicationFailure', type: 'AgentNotFound' });
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    createAidpLogger({ stream, env: {} }).error('activity failed', {
      error: failure,
      big: 2n ** 70n,
      small: 5n,
      circular,
      bytes: Buffer.from('abc'),
      fn: () => 1,
    });

    const entry = JSON.parse(stream.lines()[0]!) as Record<string, unknown>;
    expect(entry.error).toMatchObject({
      name: 'ApplicationFailure',
      type: 'AgentNotFound',
      message: 'agent "claude" is not installed',
      stack: expect.stringContaining('logger.test'),
    });
    expect(entry).toMatchObject({ big: '1180591620717411303424', small: 5, circular: { a: 1, self: '[circular]' }, bytes: '<3 bytes>' });
    expect('fn' in entry).toBe(false);
  });

  it('keeps metadata named like the line fields beside them', () => {
    const stream = capture();
    createAidpLogger({ stream, env: {} }).info('the message', { message: 'a field', level: 3 });

    expect(JSON.parse(stream.lines()[0]!)).toMatchObject({
      message: 'the message',
      level: 'info',
      'meta.message': 'a field',
      'meta.level': 3,
    });
  });

  it('writes a readable, colored line on a terminal, identity first', () => {
    const stream = capture(true);
    const logger = createAidpLogger({ stream, env: {} });
    logger.info('iteration started', {
      sdkComponent: 'workflow',
      taskToken: 'dG9rZW4=',
      iteration: 1,
      workflowId: 'wl-1',
      workflowType: 'WorkLoopWorkflow',
    });

    expect(logger.format).toBe('pretty');
    const line = stream.lines()[0]!;
    expect(line).toContain(ESC);
    const plain = line
      .split(ESC)
      .map((part, i) => (i === 0 ? part : part.replace(/^\d+m/, '')))
      .join('');
    expect(plain).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} INFO {2}workflow iteration started workflowType=WorkLoopWorkflow workflowId=wl-1 iteration=1$/,
    );
  });

  it('writes no colors with NO_COLOR', () => {
    const stream = capture(true);
    createAidpLogger({ stream, env: { NO_COLOR: '1' } }).error('activity failed', { error: new Error('boom') });

    const text = stream.lines().join('\n');
    expect(text).not.toContain(ESC);
    expect(text).toMatch(/ERROR activity failed error="Error: boom"\n {4}Error: boom\n {8}at /);
  });

  it('lets the configured format win over what the stream is', () => {
    const tty = capture(true);
    createAidpLogger({ stream: tty, format: 'json', env: {} }).info('as json');
    expect(JSON.parse(tty.lines()[0]!)).toMatchObject({ message: 'as json' });

    const pipe = capture(false);
    createAidpLogger({ stream: pipe, format: 'pretty', env: {} }).info('as text', { workflowId: 'w' });
    expect(pipe.lines()[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}as text workflowId=w$/);
  });
});
