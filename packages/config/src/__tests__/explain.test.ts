import { explainConfig } from '../explain.js';
import { loadConfig, resolveConfig } from '../load.js';
import { redactConfig, SECRET_KEYS } from '../secrets.js';
import { useTempDirs, writeFiles } from './helpers.js';

const tempDir = useTempDirs();
const cwd = process.cwd();
const SECRET = 'tmprl-s3cr3t-value-xyz';

describe('explaining the resolved configuration', () => {
  it('lists every key once, with its value and where it came from', async () => {
    const root = await tempDir();
    await writeFiles(root, {
      'aidp.yml': 'temporal:\n  target_host: ${FRONTEND:-localhost:7233}\n  task_queue: file-queue\nwork_loop:\n  max_iterations: 20\n',
    });

    const loaded = await loadConfig({
      cwd: root,
      stopDir: root,
      env: { FRONTEND: 'temporal.internal:7233', TEMPORAL_NAMESPACE: 'env-ns' },
      overrides: [{ path: 'logging.level', value: 'debug', flag: '--log-level' }],
    });
    const entries = explainConfig(loaded);
    const byKey = new Map(entries.map((entry) => [entry.key, entry]));

    expect(entries.map((entry) => entry.key)).toEqual(Object.keys(loaded.sources));
    expect(new Set(entries.map((entry) => entry.key)).size).toBe(entries.length);
    expect(byKey.get('temporal.enabled')).toEqual({
      key: 'temporal.enabled',
      value: true,
      source: { kind: 'default' },
      sourceLabel: 'default',
    });
    expect(byKey.get('temporal.target_host')).toEqual({
      key: 'temporal.target_host',
      value: 'temporal.internal:7233',
      source: { kind: 'file', path: 'aidp.yml', variables: ['FRONTEND'] },
      sourceLabel: 'aidp.yml (${FRONTEND})',
    });
    expect(byKey.get('temporal.task_queue')).toMatchObject({ value: 'file-queue', sourceLabel: 'aidp.yml' });
    expect(byKey.get('temporal.namespace')).toMatchObject({ value: 'env-ns', sourceLabel: 'env TEMPORAL_NAMESPACE' });
    expect(byKey.get('logging.level')).toMatchObject({ value: 'debug', sourceLabel: 'flag --log-level' });
    expect(byKey.get('work_loop.max_iterations')).toMatchObject({ value: 20, sourceLabel: 'aidp.yml' });
  });

  it('shows optional keys that are not set as null from the defaults', () => {
    const entries = explainConfig(resolveConfig({}, { cwd, env: {} }));
    const byKey = new Map(entries.map((entry) => [entry.key, entry]));

    for (const key of [
      'temporal.tls',
      'temporal.api_key',
      'github.repo',
      'github.base_branch',
      'agent.command',
      'work_loop.max_cost_usd',
      'work_loop.max_wall_clock',
    ]) {
      expect(byKey.get(key)).toEqual({ key, value: null, source: { kind: 'default' }, sourceLabel: 'default' });
    }
    expect(byKey.get('work_loop.steps')?.value).toEqual({});
    expect(byKey.get('agent.tiers')?.value).toEqual([]);
  });

  it('expands a TLS object and named steps into their keys', () => {
    const entries = explainConfig(
      resolveConfig(
        { temporal: { tls: { ca_file: '/ca.pem' } }, work_loop: { steps: { fix: { task: 'Fix the tests' } } } },
        { filepath: 'aidp.yml', cwd, env: {} },
      ),
    );
    const keys = entries.map((entry) => entry.key);

    expect(keys).toEqual(
      expect.arrayContaining(['temporal.tls.ca_file', 'temporal.tls.cert_file', 'temporal.tls.key_file', 'temporal.tls.server_name']),
    );
    expect(keys).not.toContain('temporal.tls');
    expect(entries.find((entry) => entry.key === 'work_loop.steps.fix.task')).toMatchObject({
      value: 'Fix the tests',
      sourceLabel: 'aidp.yml',
    });
    expect(entries.find((entry) => entry.key === 'temporal.tls.cert_file')).toMatchObject({ value: null, sourceLabel: 'default' });
  });

  it.each([
    ['the file', { temporal: { api_key: SECRET } }, {}, []],
    ['interpolation', { temporal: { api_key: '${CLOUD_KEY}' } }, { CLOUD_KEY: SECRET }, []],
    ['the environment', {}, { TEMPORAL_API_KEY: SECRET }, []],
    ['a flag', {}, {}, [{ path: 'temporal.api_key', value: SECRET, flag: '--api-key' }]],
  ])('never shows the API key when it comes from %s', (_from, raw, env, overrides) => {
    const loaded = resolveConfig(raw, { filepath: 'aidp.yml', cwd, env, overrides });
    const entries = explainConfig(loaded);

    expect(loaded.config.temporal.api_key).toBe(SECRET);
    expect(entries.find((entry) => entry.key === 'temporal.api_key')?.value).toBe('***');
    expect(JSON.stringify(entries)).not.toContain(SECRET);
    expect(entries.map((entry) => `${entry.key} ${JSON.stringify(entry.value)} ${entry.sourceLabel}`).join('\n')).not.toContain(SECRET);
  });

  it('redacts secrets in a deep copy and leaves the loaded configuration intact', () => {
    const loaded = resolveConfig({ temporal: { api_key: SECRET, namespace: 'ns' } }, { cwd, env: {} });

    const redacted = redactConfig(loaded.config);

    expect(redacted.temporal.api_key).toBe('***');
    expect(redacted.temporal.namespace).toBe('ns');
    expect(JSON.stringify(redacted)).not.toContain(SECRET);
    expect(loaded.config.temporal.api_key).toBe(SECRET);
    expect(redacted.temporal.worker).not.toBe(loaded.config.temporal.worker);
  });

  it('leaves an unset secret unset when redacting', () => {
    const redacted = redactConfig(resolveConfig({}, { cwd, env: {} }).config);

    expect(redacted.temporal.api_key).toBeUndefined();
    expect('api_key' in redacted.temporal).toBe(false);
  });

  it('keeps the secret key list in one place, with the API key in it', () => {
    expect(SECRET_KEYS).toContain('temporal.api_key');
  });
});
