import { parseDuration, secondsToMs } from '../duration.js';
import { resolveConfig } from '../load.js';
import { splitCommandLine } from '../shell-words.js';
import { errorLines } from './helpers.js';

describe('durations', () => {
  it.each([
    [90, 90],
    [0.5, 0.5],
    ['90', 90],
    ['90s', 90],
    ['10m', 600],
    ['1h', 3600],
    ['1d', 86400],
    ['500ms', 0.5],
    ['1h30m', 5400],
    ['1.5h', 5400],
    ['2m30s', 150],
  ])('reads %j as %d seconds', (input, seconds) => {
    expect(parseDuration(input)).toBe(seconds);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, '0s', '0', '', 'soon', '10 m', '10x', '-5s', 'm10', true, null, undefined, [10]])(
    'rejects %j',
    (input) => {
      expect(parseDuration(input)).toBeUndefined();
    },
  );

  it('normalises every duration key to seconds in the loaded configuration', () => {
    const { config } = resolveConfig(
      {
        temporal: {
          worker: { shutdown_grace_period: '2m' },
          timeouts: { workflow_execution: '1d', workflow_run: '90m', activity_start_to_close: 120, activity_heartbeat: '500ms' },
          retry: { initial_interval: '2s', maximum_interval: '1m' },
        },
        agent: { timeout: '45m' },
        work_loop: { max_wall_clock: '8h', checks: [{ name: 't', command: 'c', timeout: '5m' }] },
      },
      { cwd: process.cwd(), env: {} },
    );

    expect(config.temporal.worker.shutdown_grace_period).toBe(120);
    expect(config.temporal.timeouts).toEqual({
      workflow_execution: 86400,
      workflow_run: 5400,
      activity_start_to_close: 120,
      activity_schedule_to_close: 1800,
      activity_heartbeat: 0.5,
    });
    expect(config.temporal.retry.initial_interval).toBe(2);
    expect(config.temporal.retry.maximum_interval).toBe(60);
    expect(config.agent.timeout).toBe(2700);
    expect(config.work_loop.max_wall_clock).toBe(28800);
    expect(config.work_loop.checks[0]?.timeout).toBe(300);
  });

  it('converts seconds to whole milliseconds for Temporal', () => {
    expect(secondsToMs(0.5)).toBe(500);
    expect(secondsToMs(1.0004)).toBe(1000);
    expect(secondsToMs(86400)).toBe(86_400_000);
  });
});

describe('command lines', () => {
  it.each([
    ['claude -p {promptFile}', ['claude', '-p', '{promptFile}']],
    ['  spaced   out\targs  ', ['spaced', 'out', 'args']],
    [`say 'hello world' "and \\"you\\""`, ['say', 'hello world', 'and "you"']],
    [`literal '$HOME' "$HOME" \\$HOME`, ['literal', '$HOME', '$HOME', '$HOME']],
    [`a\\ b c''d ""`, ['a b', 'cd', '']],
  ])('splits %j', (text, argv) => {
    expect(splitCommandLine(text)).toEqual({ ok: true, argv });
  });

  it.each([
    [`run 'open`, 'unterminated single quote'],
    [`run "open`, 'unterminated double quote'],
    ['run \\', 'trailing backslash'],
  ])('refuses %j (%s)', (text, reason) => {
    expect(splitCommandLine(text)).toEqual({ ok: false, reason });
  });
});

describe('agent.max_output_bytes', () => {
  const capOf = (value: unknown) =>
    resolveConfig({ agent: { max_output_bytes: value } }, { cwd: process.cwd(), env: {} }).config.agent.max_output_bytes;

  it("keeps 10 MiB of one agent run's output by default", () => {
    expect(resolveConfig({}, { cwd: process.cwd(), env: {} }).config.agent.max_output_bytes).toBe(10 * 1024 * 1024);
  });

  it.each([
    [65536, 65536],
    ['10MiB', 10 * 1024 * 1024],
    ['512KiB', 512 * 1024],
    ['64KiB', 65536],
    ['20MB', 20_000_000],
    ['100KB', 100_000],
    ['1GiB', 1024 ** 3],
    ['1.5MiB', 1.5 * 1024 * 1024],
    ['2097152', 2_097_152],
    ['8 MiB', 8 * 1024 * 1024],
  ])('reads %j as %d bytes', (input, bytes) => {
    expect(capOf(input)).toBe(bytes);
  });

  it.each([
    [1000, '1000'],
    ['63KiB', '"63KiB"'],
    ['2GiB', '"2GiB"'],
    [1073741825, '1073741825'],
    [100000.5, '100000.5'],
    ['lots', '"lots"'],
    ['10 megabytes', '"10 megabytes"'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [-1, '-1'],
  ])('refuses %j, saying the range', async (input, found) => {
    expect(
      await errorLines(() => resolveConfig({ agent: { max_output_bytes: input } }, { filepath: 'aidp.yml', cwd: process.cwd(), env: {} })),
    ).toEqual([
      `aidp.yml: agent.max_output_bytes: expected a size from 64KiB to 1GiB (bytes, or a string like "512KiB", "10MiB", "20MB"), got ${found}`,
    ]);
  });
});
