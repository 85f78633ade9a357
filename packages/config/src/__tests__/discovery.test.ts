import path from 'node:path';

import { loadConfig } from '../load.js';
import { defaultConfig } from '../schema.js';
import { configErrorOf, errorLines, useTempDirs, writeFiles } from './helpers.js';

const tempDir = useTempDirs();

describe('a project with no config file', () => {
  it('runs on the local defaults: Temporal enabled on localhost:7233, every value from the defaults', async () => {
    const root = await tempDir();
    const loaded = await loadConfig({ cwd: root, env: {}, stopDir: root });

    expect(loaded.filepath).toBeNull();
    expect(loaded.config).toEqual(defaultConfig());
    expect(loaded.config.temporal).toMatchObject({
      enabled: true,
      target_host: 'localhost:7233',
      namespace: 'default',
      task_queue: 'aidp-workflows',
    });
    // Not set: a plaintext connection to the local server.
    expect(loaded.config.temporal.tls).toBeUndefined();
    expect(Object.values(loaded.sources).every((source) => source.kind === 'default')).toBe(true);
  });
});

describe('finding the config file', () => {
  const forms: Array<[string, (namespace: string) => string]> = [
    ['aidp.yml', (ns) => `temporal:\n  namespace: ${ns}\n`],
    ['aidp.yaml', (ns) => `temporal:\n  namespace: ${ns}\n`],
    ['.aidp/aidp.yml', (ns) => `temporal:\n  namespace: ${ns}\n`],
    ['.aidprc', (ns) => `temporal:\n  namespace: ${ns}\n`],
    ['.aidprc.json', (ns) => JSON.stringify({ temporal: { namespace: ns } })],
    ['.aidprc.yaml', (ns) => `temporal: { namespace: ${ns} }\n`],
    ['.aidprc.yml', (ns) => `temporal: { namespace: ${ns} }\n`],
    ['aidp.config.js', (ns) => `module.exports = { temporal: { namespace: ${JSON.stringify(ns)} } };\n`],
    ['aidp.config.cjs', (ns) => `module.exports = { temporal: { namespace: ${JSON.stringify(ns)} } };\n`],
    ['package.json', (ns) => JSON.stringify({ name: 'demo', aidp: { temporal: { namespace: ns } } })],
  ];

  it.each(forms)('reads %s in the working directory', async (file, content) => {
    const root = await tempDir();
    await writeFiles(root, { [file]: content('from-file') });

    const loaded = await loadConfig({ cwd: root, env: {}, stopDir: root });

    expect(loaded.filepath).toBe(path.join(root, file));
    expect(loaded.config.temporal.namespace).toBe('from-file');
    expect(loaded.sources['temporal.namespace']).toEqual({ kind: 'file', path: file });
  });

  it('prefers aidp.yml over package.json#aidp in the same directory', async () => {
    const root = await tempDir();
    await writeFiles(root, {
      'aidp.yml': 'temporal:\n  namespace: yml\n',
      'package.json': JSON.stringify({ name: 'demo', aidp: { temporal: { namespace: 'pkg' } } }),
    });

    const loaded = await loadConfig({ cwd: root, env: {}, stopDir: root });

    expect(loaded.config.temporal.namespace).toBe('yml');
  });

  it('walks up from a subdirectory to the project root (past the start directory, with no stopDir)', async () => {
    const root = await tempDir();
    await writeFiles(root, { 'aidp.yml': 'temporal:\n  namespace: root\n', 'a/b/c/.keep': '' });

    const loaded = await loadConfig({ cwd: path.join(root, 'a', 'b', 'c'), env: {} });

    expect(loaded.filepath).toBe(path.join(root, 'aidp.yml'));
    expect(loaded.config.temporal.namespace).toBe('root');
  });

  it('uses the nearest file when several directories have one', async () => {
    const root = await tempDir();
    await writeFiles(root, {
      'aidp.yml': 'temporal:\n  namespace: outer\n',
      'a/aidp.yml': 'temporal:\n  namespace: inner\n',
      'a/b/.keep': '',
    });

    const loaded = await loadConfig({ cwd: path.join(root, 'a', 'b'), env: {}, stopDir: root });

    expect(loaded.config.temporal.namespace).toBe('inner');
  });

  it('keeps searching upward past a package.json without an aidp key (a workspace package)', async () => {
    const root = await tempDir();
    await writeFiles(root, {
      'aidp.yml': 'temporal:\n  namespace: root\n',
      'packages/app/package.json': JSON.stringify({ name: 'app' }),
    });

    const loaded = await loadConfig({ cwd: path.join(root, 'packages', 'app'), env: {}, stopDir: root });

    expect(loaded.filepath).toBe(path.join(root, 'aidp.yml'));
  });

  it('does not look above stopDir', async () => {
    const root = await tempDir();
    await writeFiles(root, { 'aidp.yml': 'temporal:\n  namespace: above\n', 'a/b/.keep': '' });

    const loaded = await loadConfig({ cwd: path.join(root, 'a', 'b'), env: {}, stopDir: path.join(root, 'a') });

    expect(loaded.filepath).toBeNull();
    expect(loaded.config.temporal.namespace).toBe('default');
  });

  it('treats an empty aidp.yml as an empty configuration instead of searching further up', async () => {
    const root = await tempDir();
    await writeFiles(root, { 'aidp.yml': 'temporal:\n  namespace: outer\n', 'a/aidp.yml': '' });

    const loaded = await loadConfig({ cwd: path.join(root, 'a'), env: {}, stopDir: root });

    expect(loaded.filepath).toBe(path.join(root, 'a', 'aidp.yml'));
    expect(loaded.config).toEqual(defaultConfig());
  });

  it('treats a file of comments, and keys left without a value, as not set', async () => {
    const root = await tempDir();
    await writeFiles(root, { 'aidp.yml': '# nothing yet\ntemporal:\n  # namespace: x\n  api_key:\nlogging:\n' });

    const loaded = await loadConfig({ cwd: root, env: {}, stopDir: root });

    expect(loaded.config).toEqual(defaultConfig());
    expect(loaded.config.temporal.api_key).toBeUndefined();
  });
});

describe('naming the config file', () => {
  it('uses configFile instead of searching, relative to cwd', async () => {
    const root = await tempDir();
    await writeFiles(root, {
      'aidp.yml': 'temporal:\n  namespace: searched\n',
      'config/staging.yml': 'temporal:\n  namespace: staging\n',
    });

    const loaded = await loadConfig({ cwd: root, configFile: 'config/staging.yml', env: {}, stopDir: root });

    expect(loaded.filepath).toBe(path.join(root, 'config', 'staging.yml'));
    expect(loaded.config.temporal.namespace).toBe('staging');
    expect(loaded.sources['temporal.namespace']).toEqual({ kind: 'file', path: path.join('config', 'staging.yml') });
  });

  it('uses the file named by AIDP_CONFIG when configFile is not given', async () => {
    const root = await tempDir();
    await writeFiles(root, {
      'aidp.yml': 'temporal:\n  namespace: searched\n',
      'ci.yml': 'temporal:\n  namespace: ci\n',
    });

    const loaded = await loadConfig({ cwd: root, env: { AIDP_CONFIG: 'ci.yml' }, stopDir: root });

    expect(loaded.filepath).toBe(path.join(root, 'ci.yml'));
    expect(loaded.config.temporal.namespace).toBe('ci');
  });

  it('lets configFile win over AIDP_CONFIG', async () => {
    const root = await tempDir();
    await writeFiles(root, { 'a.yml': 'temporal: { namespace: a }\n', 'b.yml': 'temporal: { namespace: b }\n' });

    const loaded = await loadConfig({ cwd: root, configFile: 'a.yml', env: { AIDP_CONFIG: 'b.yml' }, stopDir: root });

    expect(loaded.config.temporal.namespace).toBe('a');
  });

  it('reads a named file with any extension as YAML', async () => {
    const root = await tempDir();
    await writeFiles(root, { 'aidp.conf': 'temporal: { namespace: conf }\n' });

    const loaded = await loadConfig({ cwd: root, configFile: 'aidp.conf', env: {}, stopDir: root });

    expect(loaded.config.temporal.namespace).toBe('conf');
  });

  it('fails, naming the file, when the given file does not exist', async () => {
    const root = await tempDir();
    await writeFiles(root, { 'aidp.yml': 'temporal: { namespace: searched }\n' });

    expect(await errorLines(() => loadConfig({ cwd: root, configFile: 'nope.yml', env: {}, stopDir: root }))).toEqual([
      'nope.yml: config file not found',
    ]);
  });

  it('fails, naming the file and AIDP_CONFIG, when the variable points at nothing', async () => {
    const root = await tempDir();

    expect(await errorLines(() => loadConfig({ cwd: root, env: { AIDP_CONFIG: 'missing.yml' }, stopDir: root }))).toEqual([
      'missing.yml: config file not found (named by AIDP_CONFIG)',
    ]);
  });

  it('fails when a named package.json has no aidp key', async () => {
    const root = await tempDir();
    await writeFiles(root, { 'package.json': JSON.stringify({ name: 'demo' }) });

    expect(await errorLines(() => loadConfig({ cwd: root, configFile: 'package.json', env: {}, stopDir: root }))).toEqual([
      'package.json: has no "aidp" key',
    ]);
  });

  it('shows the file relative to the working directory when inside it, and absolute when not', async () => {
    const root = await tempDir();
    await writeFiles(root, { '.aidp/aidp.yml': 'logging:\n  level: loud\n', 'a/.keep': '' });

    const inside = await configErrorOf(() => loadConfig({ cwd: root, env: {}, stopDir: root }));
    expect(inside.issues[0]?.source).toBe(path.join('.aidp', 'aidp.yml'));

    const outside = await configErrorOf(() => loadConfig({ cwd: path.join(root, 'a'), env: {}, stopDir: root }));
    expect(outside.issues[0]?.source).toBe(path.join(root, '.aidp', 'aidp.yml'));
  });
});
