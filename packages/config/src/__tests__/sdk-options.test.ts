import path from 'node:path';

import { loadConfig, resolveConfig } from '../load.js';
import type { AidpConfig } from '../schema.js';
import { toActivityOptions, toConnectionOptions, toWorkerOptions, toWorkflowStartOptions } from '../sdk-options.js';
import { configErrorOf, errorLines, useTempDirs, writeFiles } from './helpers.js';

const tempDir = useTempDirs();
const configWith = (temporal: Record<string, unknown>): AidpConfig => resolveConfig({ temporal }, { cwd: process.cwd(), env: {} }).config;

describe('each temporal key reaches the option Temporal reads', () => {
  it.each([
    [
      'target_host',
      'temporal.example.com:7233',
      () => toConnectionOptions(configWith({ target_host: 'temporal.example.com:7233' })).address,
      'temporal.example.com:7233',
    ],
    ['api_key', 'k', () => toConnectionOptions(configWith({ api_key: 'k' })).apiKey, 'k'],
    ['namespace', 'team', () => toWorkerOptions(configWith({ namespace: 'team' })).namespace, 'team'],
    ['task_queue (worker)', 'q1', () => toWorkerOptions(configWith({ task_queue: 'q1' })).taskQueue, 'q1'],
    ['task_queue (start)', 'q2', () => toWorkflowStartOptions(configWith({ task_queue: 'q2' })).taskQueue, 'q2'],
    [
      'worker.max_concurrent_activities',
      7,
      () => toWorkerOptions(configWith({ worker: { max_concurrent_activities: 7 } })).maxConcurrentActivityTaskExecutions,
      7,
    ],
    [
      'worker.max_concurrent_workflows',
      3,
      () => toWorkerOptions(configWith({ worker: { max_concurrent_workflows: 3 } })).maxConcurrentWorkflowTaskExecutions,
      3,
    ],
    [
      'worker.shutdown_grace_period',
      '2m',
      () => toWorkerOptions(configWith({ worker: { shutdown_grace_period: '2m' } })).shutdownGraceTime,
      120_000,
    ],
    [
      'timeouts.workflow_execution',
      '2d',
      () => toWorkflowStartOptions(configWith({ timeouts: { workflow_execution: '2d' } })).workflowExecutionTimeout,
      172_800_000,
    ],
    [
      'timeouts.workflow_run',
      1800,
      () => toWorkflowStartOptions(configWith({ timeouts: { workflow_run: 1800 } })).workflowRunTimeout,
      1_800_000,
    ],
    [
      'timeouts.activity_start_to_close',
      '5m',
      () => toActivityOptions(configWith({ timeouts: { activity_start_to_close: '5m' } })).startToCloseTimeout,
      300_000,
    ],
    [
      'timeouts.activity_schedule_to_close',
      '1h',
      () => toActivityOptions(configWith({ timeouts: { activity_schedule_to_close: '1h' } })).scheduleToCloseTimeout,
      3_600_000,
    ],
    [
      'timeouts.activity_heartbeat',
      '500ms',
      () => toActivityOptions(configWith({ timeouts: { activity_heartbeat: '500ms' } })).heartbeatTimeout,
      500,
    ],
    [
      'retry.initial_interval',
      '3s',
      () => toActivityOptions(configWith({ retry: { initial_interval: '3s' } })).retry.initialInterval,
      3000,
    ],
    [
      'retry.backoff_coefficient',
      1.5,
      () => toActivityOptions(configWith({ retry: { backoff_coefficient: 1.5 } })).retry.backoffCoefficient,
      1.5,
    ],
    [
      'retry.maximum_interval',
      '2m',
      () => toActivityOptions(configWith({ retry: { maximum_interval: '2m' } })).retry.maximumInterval,
      120_000,
    ],
    ['retry.maximum_attempts', 0, () => toActivityOptions(configWith({ retry: { maximum_attempts: 0 } })).retry.maximumAttempts, 0],
  ])('temporal.%s = %j', (_key, _value, read, expected) => {
    expect(read()).toBe(expected);
  });

  it('gives the defaults in milliseconds when nothing is configured', () => {
    const config = configWith({});

    expect(toWorkerOptions(config)).toEqual({
      namespace: 'default',
      taskQueue: 'aidp-workflows',
      maxConcurrentActivityTaskExecutions: 10,
      maxConcurrentWorkflowTaskExecutions: 10,
      shutdownGraceTime: 30_000,
    });
    expect(toWorkflowStartOptions(config)).toEqual({
      taskQueue: 'aidp-workflows',
      workflowExecutionTimeout: 86_400_000,
      workflowRunTimeout: 3_600_000,
    });
    expect(toActivityOptions(config)).toEqual({
      startToCloseTimeout: 600_000,
      scheduleToCloseTimeout: 1_800_000,
      heartbeatTimeout: 60_000,
      retry: { initialInterval: 1000, backoffCoefficient: 2, maximumInterval: 60_000, maximumAttempts: 3 },
    });
    expect(toConnectionOptions(config)).toEqual({ address: 'localhost:7233' });
  });

  it('keeps activity options plain JSON, since workflows receive them as input', () => {
    const options = toActivityOptions(configWith({ retry: { maximum_attempts: 5 } }));

    expect(JSON.parse(JSON.stringify(options))).toEqual(options);
  });
});

describe('TLS and API key on the connection', () => {
  it('has no tls property for a plaintext connection', () => {
    expect('tls' in toConnectionOptions(configWith({ tls: false }))).toBe(false);
  });

  it('passes tls: true through', () => {
    expect(toConnectionOptions(configWith({ tls: true })).tls).toBe(true);
  });

  it('turns TLS on for an API key when tls is not set, as Temporal Cloud requires', () => {
    expect(toConnectionOptions(configWith({ api_key: 'cloud-key' }))).toEqual({
      address: 'localhost:7233',
      tls: true,
      apiKey: 'cloud-key',
    });
  });

  it('keeps an API key on a plaintext connection when tls is false, so the SDK does not turn TLS on', () => {
    // A TLS-terminating proxy in front of the server, or a local server: the key goes as a header.
    expect(toConnectionOptions(configWith({ api_key: 'proxy-key', tls: false }))).toEqual({
      address: 'localhost:7233',
      tls: false,
      apiKey: 'proxy-key',
    });
  });

  it('turns TLS off for an API key with TEMPORAL_TLS=false', () => {
    const loaded = resolveConfig({}, { cwd: process.cwd(), env: { TEMPORAL_API_KEY: 'proxy-key', TEMPORAL_TLS: 'false' } });
    expect(toConnectionOptions(loaded.config)).toMatchObject({ tls: false, apiKey: 'proxy-key' });
  });

  it('reads the CA file and the client certificate pair, and passes the server name', async () => {
    const root = await tempDir();
    await writeFiles(root, {
      'certs/ca.pem': 'CA PEM',
      'certs/client.pem': 'CLIENT CERT',
      'certs/client.key': 'CLIENT KEY',
      'aidp.yml': [
        'temporal:',
        '  tls:',
        '    ca_file: certs/ca.pem',
        '    cert_file: certs/client.pem',
        '    key_file: certs/client.key',
        '    server_name: temporal.internal',
        '',
      ].join('\n'),
      'sub/dir/.keep': '',
    });

    // Loaded from a subdirectory: paths are relative to the config file, not to where aidp runs.
    const { config } = await loadConfig({ cwd: path.join(root, 'sub', 'dir'), env: {}, stopDir: root });
    const options = toConnectionOptions(config);

    expect(options.tls).toEqual({
      serverNameOverride: 'temporal.internal',
      serverRootCACertificate: Buffer.from('CA PEM'),
      clientCertPair: { crt: Buffer.from('CLIENT CERT'), key: Buffer.from('CLIENT KEY') },
    });
  });

  it('reads TLS files through the readFile it is given', () => {
    const read: string[] = [];
    const options = toConnectionOptions(configWith({ tls: { ca_file: '/virtual/ca.pem' } }), {
      readFile: (file) => {
        read.push(file);
        return Buffer.from(`contents of ${file}`);
      },
    });

    expect(read).toEqual(['/virtual/ca.pem']);
    expect(options.tls).toEqual({ serverRootCACertificate: Buffer.from('contents of /virtual/ca.pem') });
  });

  it('sends TLS with no customisation for an empty TLS object', () => {
    expect(toConnectionOptions(configWith({ tls: {} })).tls).toEqual({});
  });

  it('fails, naming the key and the path, when a TLS file does not exist', async () => {
    const config = configWith({});
    config.temporal.tls = { ca_file: './certs/ca.pem' };

    expect(await errorLines(() => toConnectionOptions(config))).toEqual(['temporal.tls.ca_file: file not found: ./certs/ca.pem']);
  });

  it('reports every missing TLS file, with the path the config resolved', async () => {
    const root = await tempDir();
    await writeFiles(root, {
      'aidp.yml': 'temporal:\n  tls:\n    cert_file: client.pem\n    key_file: client.key\n',
    });
    const { config } = await loadConfig({ cwd: root, env: {}, stopDir: root });

    const error = await configErrorOf(() => toConnectionOptions(config));

    expect(error.message.split('\n')).toEqual([
      `temporal.tls.cert_file: file not found: ${path.join(root, 'client.pem')}`,
      `temporal.tls.key_file: file not found: ${path.join(root, 'client.key')}`,
    ]);
  });
});
