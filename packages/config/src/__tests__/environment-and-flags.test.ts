import { loadConfig, resolveConfig } from '../load.js';
import type { ConfigOverride } from '../overlay.js';
import { configErrorOf, errorLines, useTempDirs, writeFiles } from './helpers.js';

const tempDir = useTempDirs();
const cwd = process.cwd();
const resolve = (raw: unknown, env: Record<string, string | undefined> = {}, overrides: ConfigOverride[] = []) =>
  resolveConfig(raw, { filepath: 'aidp.yml', cwd, env, overrides });

describe('environment variables', () => {
  it.each([
    ['TEMPORAL_HOST', 'temporal.cloud:7233', ['temporal', 'target_host']],
    ['TEMPORAL_NAMESPACE', 'team-ns', ['temporal', 'namespace']],
    ['TEMPORAL_TASK_QUEUE', 'queue-b', ['temporal', 'task_queue']],
    ['TEMPORAL_API_KEY', 'key-123', ['temporal', 'api_key']],
    ['AIDP_LOG_LEVEL', 'debug', ['logging', 'level']],
  ] as const)('%s sets %s', (variable, value, [section, key]) => {
    const loaded = resolve({}, { [variable]: value });

    expect((loaded.config[section] as Record<string, unknown>)[key]).toBe(value);
    expect(loaded.sources[`${section}.${key}`]).toEqual({ kind: 'env', variable });
  });

  it.each(['true', '1', 'yes', 'on', 'TRUE', ' On '])('TEMPORAL_TLS=%s turns TLS on', (value) => {
    expect(resolve({}, { TEMPORAL_TLS: value }).config.temporal.tls).toBe(true);
  });

  it.each(['false', '0', 'no', 'off', 'False'])('TEMPORAL_TLS=%s turns TLS off, over the file', (value) => {
    const loaded = resolve({ temporal: { tls: true } }, { TEMPORAL_TLS: value });

    expect(loaded.config.temporal.tls).toBe(false);
    expect(loaded.sources['temporal.tls']).toEqual({ kind: 'env', variable: 'TEMPORAL_TLS' });
  });

  it.each(['false', '0', 'no', 'off'])('TEMPORAL_ENABLED=%s disables Temporal', (value) => {
    expect(resolve({ temporal: { enabled: true } }, { TEMPORAL_ENABLED: value }).config.temporal.enabled).toBe(false);
  });

  it('TEMPORAL_ENABLED=true enables Temporal over a file that disables it', () => {
    expect(resolve({ temporal: { enabled: false } }, { TEMPORAL_ENABLED: 'true' }).config.temporal.enabled).toBe(true);
  });

  it('rejects a boolean variable that is not a boolean word, naming it and the accepted values', async () => {
    expect(await errorLines(() => resolve({}, { TEMPORAL_TLS: 'maybe' }))).toEqual([
      'TEMPORAL_TLS: temporal.tls: expected a boolean, got "maybe"; accepted values: true, 1, yes, on, false, 0, no, off',
    ]);
    expect(await errorLines(() => resolve({}, { TEMPORAL_ENABLED: 'enabled' }))).toEqual([
      'TEMPORAL_ENABLED: temporal.enabled: expected a boolean, got "enabled"; accepted values: true, 1, yes, on, false, 0, no, off',
    ]);
  });

  it('ignores variables set to an empty string', () => {
    const loaded = resolve(
      { temporal: { namespace: 'from-file' } },
      { TEMPORAL_NAMESPACE: '', TEMPORAL_TLS: '', TEMPORAL_ENABLED: '', TEMPORAL_HOST: '', AIDP_LOG_LEVEL: '' },
    );

    expect(loaded.config.temporal.namespace).toBe('from-file');
    expect(loaded.config.temporal.tls).toBeUndefined();
    expect(loaded.config.temporal.enabled).toBe(true);
    expect(loaded.sources['temporal.namespace']).toEqual({ kind: 'file', path: 'aidp.yml' });
  });

  it('reads AIDP_LOG_LEVEL case-insensitively', () => {
    expect(resolve({}, { AIDP_LOG_LEVEL: 'WARN' }).config.logging.level).toBe('warn');
  });

  it('names the variable when its value is invalid for the key', async () => {
    expect(await errorLines(() => resolve({}, { AIDP_LOG_LEVEL: 'verbose', TEMPORAL_HOST: 'no-port' }))).toEqual([
      'TEMPORAL_HOST: temporal.target_host: expected an address as "host:port" (port 1-65535), got "no-port"',
      'AIDP_LOG_LEVEL: logging.level: expected one of "trace", "debug", "info", "warn", "error", got "verbose"',
    ]);
  });

  it('keeps the TLS files of the file when TEMPORAL_TLS=true, and drops them when it is false', () => {
    const raw = { temporal: { tls: { ca_file: '/certs/ca.pem' } } };

    const on = resolve(raw, { TEMPORAL_TLS: 'true' });
    expect(on.config.temporal.tls).toEqual({ ca_file: '/certs/ca.pem' });
    expect(on.sources['temporal.tls.ca_file']).toEqual({ kind: 'file', path: 'aidp.yml' });

    const off = resolve(raw, { TEMPORAL_TLS: 'off' });
    expect(off.config.temporal.tls).toBe(false);
    expect(off.sources['temporal.tls']).toEqual({ kind: 'env', variable: 'TEMPORAL_TLS' });
    expect(off.sources['temporal.tls.ca_file']).toBeUndefined();
  });

  it('reads variables only from the env passed in, never from the process', async () => {
    const root = await tempDir();
    const loaded = await loadConfig({ cwd: root, env: {}, stopDir: root });

    expect(loaded.config.temporal.target_host).toBe('localhost:7233');
    expect(loaded.config.temporal.api_key).toBeUndefined();
  });
});

describe('precedence: defaults < file < environment < flags', () => {
  it('takes each key from the strongest layer that sets it, and records that layer', async () => {
    const root = await tempDir();
    await writeFiles(root, {
      'aidp.yml': [
        'temporal:',
        '  target_host: file-host:7233',
        '  namespace: file-ns',
        '  task_queue: file-queue',
        '  worker:',
        '    max_concurrent_activities: 4',
        '',
      ].join('\n'),
    });

    const loaded = await loadConfig({
      cwd: root,
      stopDir: root,
      env: { TEMPORAL_NAMESPACE: 'env-ns', TEMPORAL_TASK_QUEUE: 'env-queue' },
      overrides: [
        { path: 'temporal.task_queue', value: 'flag-queue', flag: '--task-queue' },
        { path: 'temporal.worker.max_concurrent_activities', value: 9, flag: '--max-activities' },
      ],
    });

    expect(loaded.config.temporal).toMatchObject({
      target_host: 'file-host:7233',
      namespace: 'env-ns',
      task_queue: 'flag-queue',
      worker: { max_concurrent_activities: 9, max_concurrent_workflows: 10 },
    });
    expect(loaded.sources['temporal.enabled']).toEqual({ kind: 'default' });
    expect(loaded.sources['temporal.target_host']).toEqual({ kind: 'file', path: 'aidp.yml' });
    expect(loaded.sources['temporal.namespace']).toEqual({ kind: 'env', variable: 'TEMPORAL_NAMESPACE' });
    expect(loaded.sources['temporal.task_queue']).toEqual({ kind: 'flag', flag: '--task-queue' });
    expect(loaded.sources['temporal.worker.max_concurrent_activities']).toEqual({ kind: 'flag', flag: '--max-activities' });
    expect(loaded.sources['temporal.worker.max_concurrent_workflows']).toEqual({ kind: 'default' });
  });

  it('ignores a flag whose value is undefined (not given on the command line)', () => {
    const loaded = resolve({ temporal: { namespace: 'file-ns' } }, {}, [
      { path: 'temporal.namespace', value: undefined, flag: '--namespace' },
    ]);

    expect(loaded.config.temporal.namespace).toBe('file-ns');
  });

  it('lets the last of two flags for one key win', () => {
    const loaded = resolve({}, {}, [
      { path: 'temporal.namespace', value: 'first', flag: '--namespace' },
      { path: 'temporal.namespace', value: 'second', flag: '--ns' },
    ]);

    expect(loaded.config.temporal.namespace).toBe('second');
    expect(loaded.sources['temporal.namespace']).toEqual({ kind: 'flag', flag: '--ns' });
  });

  it('lets a flag set a TLS file over tls: true in the file', () => {
    const loaded = resolve({ temporal: { tls: true } }, {}, [{ path: 'temporal.tls.ca_file', value: '/etc/ca.pem', flag: '--tls-ca' }]);

    expect(loaded.config.temporal.tls).toEqual({ ca_file: '/etc/ca.pem' });
    expect(loaded.sources['temporal.tls.ca_file']).toEqual({ kind: 'flag', flag: '--tls-ca' });
  });

  it('names the flag when its value is invalid', async () => {
    expect(
      await errorLines(() =>
        resolve({}, {}, [{ path: 'temporal.worker.max_concurrent_activities', value: 'many', flag: '--max-activities' }]),
      ),
    ).toEqual(['--max-activities: temporal.worker.max_concurrent_activities: expected an integer from 1 to 10000, got "many"']);
  });

  it('names the flag when it sets a key that does not exist', async () => {
    expect(await errorLines(() => resolve({}, {}, [{ path: 'temporal.taskqueue', value: 'q', flag: '--queue' }]))).toEqual([
      '--queue: temporal.taskqueue: unknown key; did you mean "task_queue"?',
    ]);
  });

  it('names the flag when a key on its path is not an object', async () => {
    const error = await configErrorOf(() =>
      resolve({ temporal: { namespace: 'ns' } }, {}, [{ path: 'temporal.namespace.inner', value: 'x', flag: '--inner' }]),
    );

    expect(error.message).toBe('--inner: temporal.namespace.inner: cannot be set because temporal.namespace is not an object');
  });
});
