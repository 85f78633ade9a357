import fc from 'fast-check';

import { ConfigError } from '../errors.js';
import { loadConfig, resolveConfig, type LoadedConfig } from '../load.js';
import type { ConfigOverride } from '../overlay.js';
import { parseJsonText, parseYamlText } from '../parse.js';
import { useTempDirs, writeFiles } from './helpers.js';

/*
 * Whatever a user (or a broken tool) puts in a config file, the environment or a flag, loading ends
 * in one of two ways: a configuration that satisfies the schema's ranges, or a ConfigError whose
 * message names where each problem is. Never another exception, never a hang.
 */

const tempDir = useTempDirs();
const cwd = process.cwd();

/** Keys of the schema, the reserved ones, and near misses, so generated data reaches deep rules. */
const KEYS = [
  'temporal',
  'enabled',
  'target_host',
  'namespace',
  'task_queue',
  'tls',
  'ca_file',
  'cert_file',
  'key_file',
  'api_key',
  'worker',
  'max_concurrent_activities',
  'max_concurrent_workflows',
  'shutdown_grace_period',
  'timeouts',
  'workflow_execution',
  'workflow_run',
  'activity_heartbeat',
  'retry',
  'initial_interval',
  'backoff_coefficient',
  'maximum_interval',
  'maximum_attempts',
  'github',
  'repo',
  'base_url',
  'token_env',
  'draft',
  'agent',
  'provider',
  'tiers',
  'model',
  'command',
  'timeout',
  'env',
  'max_output_bytes',
  'work_loop',
  'max_iterations',
  'checkpoint_interval',
  'escalate_after',
  'max_cost_usd',
  'max_wall_clock',
  'workspace',
  'checks',
  'name',
  'required',
  'kind',
  'steps',
  'task',
  'metrics',
  'prometheus',
  'logging',
  'level',
  'format',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '',
  ' ',
  'temporall',
];

const ODD_NUMBERS = [
  0,
  -0,
  1,
  2,
  -1,
  0.5,
  1e-7,
  1e19,
  2 ** 31,
  2 ** 53,
  2 ** 53 + 2,
  10000,
  10001,
  65536,
  1073741824,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  Number.MAX_SAFE_INTEGER,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
];

/** Pieces that strings are made of: reference syntax, durations, sizes, addresses and noise. */
const PIECES = [
  '${',
  '}',
  ':-',
  '$${',
  '$',
  '{',
  'A',
  'B',
  'HOME',
  '1',
  '_',
  ' ',
  '-',
  ':',
  'x',
  '"',
  "'",
  '\\',
  '\n',
  '10m',
  '90s',
  '1d',
  '500ms',
  '3651d',
  '10MiB',
  '64KiB',
  '2GiB',
  'localhost:7233',
  'h:99999',
  'claude',
  'npm test',
];

const pieceString = fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((parts) => parts.join(''));
const text = fc.oneof(fc.string({ maxLength: 40 }), pieceString, fc.string({ unit: 'binary', maxLength: 20 }));
const number = fc.oneof(fc.constantFrom(...ODD_NUMBERS), fc.integer(), fc.double());
const key = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });
const scalar = fc.oneof(text, number, fc.boolean(), fc.constant(null), fc.constant(undefined));

const data = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 6 },
    scalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 6 }),
  ),
})).value;

/** Data shaped like a config file: the known sections, with anything at all inside them. */
const configShaped = fc.dictionary(
  fc.constantFrom('temporal', 'github', 'agent', 'work_loop', 'metrics', 'logging', '__proto__'),
  fc.dictionary(key, data, { maxKeys: 6 }),
  { maxKeys: 4 },
);

const envName = fc.oneof(
  fc.constantFrom(
    'A',
    'B',
    'HOME',
    'TEMPORAL_HOST',
    'TEMPORAL_NAMESPACE',
    'TEMPORAL_TLS',
    'TEMPORAL_ENABLED',
    'TEMPORAL_API_KEY',
    'AIDP_LOG_LEVEL',
    '__proto__',
  ),
  fc.string({ maxLength: 8 }),
);
const env = fc.dictionary(envName, fc.oneof(text, fc.constant(undefined)), { maxKeys: 6 });

const override: fc.Arbitrary<ConfigOverride> = fc.record({
  path: fc.oneof(
    fc.array(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 4 }).map((parts) => parts.join('.')),
    fc.string({ maxLength: 20 }),
  ),
  value: data,
  flag: fc.constantFrom('--namespace', '--max-iterations', '--task-queue'),
});

/** The ranges a loaded configuration always satisfies. */
function expectInRange(loaded: LoadedConfig): void {
  const { temporal, agent, work_loop: loop } = loaded.config;
  const integers: Array<[number | undefined, number, number]> = [
    [temporal.worker.max_concurrent_activities, 1, 10000],
    [temporal.worker.max_concurrent_workflows, 2, 10000],
    [temporal.retry.maximum_attempts, 0, 10000],
    [loop.max_iterations, 1, 10000],
    [loop.checkpoint_interval, 1, 10000],
    [loop.escalate_after, 1, 10000],
    [loop.escalate_on_no_progress, 1, 10000],
    [agent.max_output_bytes, 65536, 1073741824],
    ...Object.values(loop.steps).map((step): [number | undefined, number, number] => [step.max_iterations, 1, 10000]),
  ];
  for (const [value, min, max] of integers) {
    if (value === undefined) continue;
    expect(Number.isSafeInteger(value) && value >= min && value <= max).toBe(true);
  }
  const durations = [
    temporal.worker.shutdown_grace_period,
    ...Object.values(temporal.timeouts),
    temporal.retry.initial_interval,
    temporal.retry.maximum_interval,
    agent.timeout,
    loop.max_wall_clock ?? 1,
    ...loop.checks.map((check) => check.timeout),
  ];
  for (const seconds of durations) expect(Number.isFinite(seconds) && seconds >= 0.001 && seconds <= 315_360_000).toBe(true);
  expect(temporal.retry.backoff_coefficient >= 1 && temporal.retry.backoff_coefficient <= 100).toBe(true);
  if (loop.max_cost_usd !== undefined) expect(loop.max_cost_usd > 0 && loop.max_cost_usd <= 1_000_000).toBe(true);
}

/** Runs `load`; passes when it returns an in-range configuration or throws a ConfigError that names its problems. */
function loadsOrExplains(load: () => LoadedConfig): void {
  let loaded: LoadedConfig;
  try {
    loaded = load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    expect(error.issues.length).toBeGreaterThan(0);
    for (const issue of error.issues) expect(issue.message).toMatch(/\S/);
    expect(error.message.split('\n')).toHaveLength(error.issues.length);
    return;
  }
  expectInRange(loaded);
}

const prototypeBefore = Object.getOwnPropertyNames(Object.prototype);

describe('the loader, for any input', () => {
  afterEach(() => {
    // Nothing any input said was added to the prototype every object shares.
    expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototypeBefore);
  });

  it('gives a valid configuration or a ConfigError for any data, environment and flags', () => {
    fc.assert(
      fc.property(fc.oneof(data, configShaped), env, fc.array(override, { maxLength: 2 }), (raw, environment, overrides) => {
        loadsOrExplains(() => resolveConfig(raw, { filepath: 'aidp.yml', cwd, env: environment, overrides }));
      }),
      { numRuns: 600 },
    );
  });

  it('gives a valid configuration or a ConfigError for any YAML or JSON text', () => {
    const yamlish = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc
        .array(
          fc.constantFrom(
            'temporal:',
            '  worker:',
            '    max_concurrent_activities: ',
            '&a ',
            '*a',
            '<<: ',
            '[',
            ']',
            '{',
            '}',
            '- ',
            ': ',
            '\n',
            '  ',
            '.inf',
            '1e19',
            '${A:-${B}}',
            '__proto__: ',
            '"',
            '#',
          ),
          { maxLength: 30 },
        )
        .map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(yamlish, env, (source, environment) => {
        loadsOrExplains(() => resolveConfig(parseYamlText(source, 'aidp.yml'), { filepath: 'aidp.yml', cwd, env: environment }));
        loadsOrExplains(() => resolveConfig(parseJsonText(source, '.aidprc.json'), { filepath: '.aidprc.json', cwd, env: environment }));
      }),
      { numRuns: 400 },
    );
  });

  it('gives a valid configuration or a ConfigError for config files on disk', async () => {
    const root = await tempDir();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('aidp.yml', '.aidprc.json', 'package.json'),
        fc.oneof(data, configShaped),
        fc.boolean(),
        env,
        async (file, raw, asYaml, environment) => {
          const dir = `${root}/run-${run++}`;
          const json = JSON.stringify(file === 'package.json' ? { name: 'demo', aidp: raw } : raw) ?? 'null';
          // JSON is YAML too; half the time the same data is written as YAML flow text.
          await writeFiles(dir, { [file]: file === 'aidp.yml' && !asYaml ? `# generated\n${json}\n` : json });
          let loaded: LoadedConfig | undefined;
          try {
            loaded = await loadConfig({ cwd: dir, env: environment, stopDir: dir });
          } catch (error) {
            if (!(error instanceof ConfigError)) throw error;
            return;
          }
          expectInRange(loaded);
        },
      ),
      { numRuns: 60 },
    );
  });
});
