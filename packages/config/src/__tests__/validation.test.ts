import { loadConfig, resolveConfig } from '../load.js';
import { configErrorOf, errorLines, useTempDirs, writeFiles } from './helpers.js';

const tempDir = useTempDirs();
const cwd = process.cwd();
const resolve = (raw: unknown, env: Record<string, string | undefined> = {}) => resolveConfig(raw, { filepath: 'aidp.yml', cwd, env });
const linesFor = (raw: unknown) => errorLines(() => resolve(raw));
const STEP_NAME =
  'a step name of at most 100 characters (letters, digits, "_", "-", "."; not starting with a punctuation mark, without "..", not ending with "." or ".lock")';

describe('values of the wrong type or out of range', () => {
  it.each([
    [
      { temporal: { worker: { max_concurrent_activities: 'ten' } } },
      'temporal.worker.max_concurrent_activities: expected an integer from 1 to 10000, got "ten"',
    ],
    [
      { temporal: { worker: { max_concurrent_workflows: 0 } } },
      'temporal.worker.max_concurrent_workflows: expected an integer from 2 to 10000, got 0',
    ],
    [{ work_loop: { max_iterations: 2.5 } }, 'work_loop.max_iterations: expected an integer from 1 to 10000, got 2.5'],
    [{ temporal: { enabled: 'maybe' } }, 'temporal.enabled: expected a boolean, got "maybe"'],
    [{ logging: { level: 'verbose' } }, 'logging.level: expected one of "trace", "debug", "info", "warn", "error", got "verbose"'],
    [{ logging: { format: 'xml' } }, 'logging.format: expected one of "auto", "json", "pretty", got "xml"'],
    [
      { temporal: { timeouts: { workflow_run: 'soon' } } },
      'temporal.timeouts.workflow_run: expected a duration from 1ms to 3650d (seconds, or a string like "30s", "10m"), got "soon"',
    ],
    [
      { temporal: { timeouts: { activity_heartbeat: -5 } } },
      'temporal.timeouts.activity_heartbeat: expected a duration from 1ms to 3650d (seconds, or a string like "30s", "10m"), got -5',
    ],
    [{ temporal: { retry: { backoff_coefficient: 0.5 } } }, 'temporal.retry.backoff_coefficient: expected a number from 1 to 100, got 0.5'],
    [
      { temporal: { retry: { maximum_attempts: -1 } } },
      'temporal.retry.maximum_attempts: expected an integer from 0 to 10000 (0 means unlimited), got -1',
    ],
    [{ temporal: { namespace: '' } }, 'temporal.namespace: expected a non-empty string, got ""'],
    [
      { temporal: { target_host: 'localhost' } },
      'temporal.target_host: expected an address as "host:port" (port 1-65535), got "localhost"',
    ],
    [
      { temporal: { tls: 'yes' } },
      'temporal.tls: expected true, false or an object with ca_file, cert_file, key_file, server_name, got "yes"',
    ],
    [{ temporal: { tls: { ca_file: 5 } } }, 'temporal.tls.ca_file: expected a file path, got 5'],
    [
      { agent: { tiers: [{ model: 'm', provider: 'gpt' }] } },
      'agent.tiers[0].provider: expected one of "claude", "codex", "gemini", "aider", "cursor", "opencode", "copilot", "command", got "gpt"',
    ],
    [{ agent: { command: ['run', 5] } }, 'agent.command[1]: expected a command: a list of strings, or a command line string, got 5'],
    [{ agent: { command: [] } }, 'agent.command: expected a command: a list of strings, or a command line string, got an empty list'],
    [{ temporal: { worker: [1, 2] } }, 'temporal.worker: expected an object, got a list'],
    [{ github: { repo: 'just-a-name' } }, 'github.repo: expected a repository as "owner/name", got "just-a-name"'],
    [{ github: { base_url: 'ftp://example.com' } }, 'github.base_url: expected an http(s) URL, got "ftp://example.com"'],
    [
      { github: { token_env: 'MY-TOKEN' } },
      'github.token_env: expected an environment variable name (letters, digits and "_", not starting with a digit), got "MY-TOKEN"',
    ],
    [
      { agent: { provider: 'gpt' } },
      'agent.provider: expected one of "claude", "codex", "gemini", "aider", "cursor", "opencode", "copilot", "command", got "gpt"',
    ],
    [{ agent: { tiers: [42] } }, 'agent.tiers[0]: expected a model name or an object { model, provider }, got 42'],
    [
      { agent: { command: 'run "unclosed' } },
      'agent.command: expected a command line with balanced quotes (unterminated double quote), got "run \\"unclosed"',
    ],
    [
      { agent: { env: ['OK', '1BAD'] } },
      'agent.env[1]: expected an environment variable name (letters, digits and "_", not starting with a digit), got "1BAD"',
    ],
    [{ work_loop: { workspace: 'tmp' } }, 'work_loop.workspace: expected one of "worktree", "in-place", got "tmp"'],
    [{ work_loop: { max_cost_usd: 0 } }, 'work_loop.max_cost_usd: expected a number greater than 0 and at most 1000000, got 0'],
    [
      { work_loop: { checks: [{ name: 'test', command: 'npm test', kind: 'e2e' }] } },
      'work_loop.checks[0].kind: expected one of "test", "lint", "typecheck", "build", "custom", got "e2e"',
    ],
    [{ work_loop: { steps: { 'bad name': { task: 'x' } } } }, `work_loop.steps["bad name"]: expected ${STEP_NAME}, got "bad name"`],
    [{ work_loop: { steps: { 'x..y': { task: 'x' } } } }, `work_loop.steps["x..y"]: expected ${STEP_NAME}, got "x..y"`],
    [{ work_loop: { steps: { 'fix.lock': { task: 'x' } } } }, `work_loop.steps["fix.lock"]: expected ${STEP_NAME}, got "fix.lock"`],
    [{ work_loop: { steps: { 'fix.': { task: 'x' } } } }, `work_loop.steps["fix."]: expected ${STEP_NAME}, got "fix."`],
    [
      { work_loop: { steps: { ['s'.repeat(101)]: { task: 'x' } } } },
      `work_loop.steps.${'s'.repeat(101)}: expected ${STEP_NAME}, got "${'s'.repeat(60)}…"`,
    ],
    [
      { metrics: { prometheus: '0.0.0.0:99999' } },
      'metrics.prometheus: expected an address as "host:port" (port 1-65535), got "0.0.0.0:99999"',
    ],
  ])('%j is reported as "%s"', async (raw, line) => {
    expect(await linesFor(raw)).toEqual([`aidp.yml: ${line}`]);
  });

  it('reports a required key that is missing', async () => {
    expect(await linesFor({ work_loop: { checks: [{ name: 'test' }], steps: { fix: {} } } })).toEqual([
      'aidp.yml: work_loop.checks[0].command: required key is missing',
      'aidp.yml: work_loop.steps.fix.task: required key is missing',
    ]);
  });

  it('reports every problem at once, with structured issues', async () => {
    const error = await configErrorOf(() =>
      resolve({
        temporal: { taskqueue: 'q', worker: { max_concurrent_activities: 'ten' }, timeouts: { workflow_run: 'soon' } },
        logging: { level: 'verbose' },
        agent: { providr: 'claude' },
      }),
    );

    expect(error.name).toBe('ConfigError');
    expect(error.message.split('\n')).toEqual([
      'aidp.yml: temporal.taskqueue: unknown key; did you mean "task_queue"?',
      'aidp.yml: agent.providr: unknown key; did you mean "provider"?',
      'aidp.yml: temporal.worker.max_concurrent_activities: expected an integer from 1 to 10000, got "ten"',
      'aidp.yml: temporal.timeouts.workflow_run: expected a duration from 1ms to 3650d (seconds, or a string like "30s", "10m"), got "soon"',
      'aidp.yml: logging.level: expected one of "trace", "debug", "info", "warn", "error", got "verbose"',
    ]);
    expect(error.issues[2]).toEqual({
      source: 'aidp.yml',
      keyPath: 'temporal.worker.max_concurrent_activities',
      expected: 'an integer from 1 to 10000',
      found: '"ten"',
      message: 'expected an integer from 1 to 10000, got "ten"',
    });
  });

  it('never shows a secret value in a message', async () => {
    const error = await configErrorOf(() =>
      resolveConfig({}, { cwd, env: {}, overrides: [{ path: 'temporal.api_key', value: 987654321, flag: '--api-key' }] }),
    );

    expect(error.message).toBe('--api-key: temporal.api_key: expected a non-empty string, got (secret, not shown)');
    expect(JSON.stringify(error.issues)).not.toContain('987654321');
  });
});

describe('unknown keys', () => {
  it('suggests the closest known key', async () => {
    expect(await linesFor({ temporal: { targethost: 'h:1' } })).toEqual([
      'aidp.yml: temporal.targethost: unknown key; did you mean "target_host"?',
    ]);
    expect(await linesFor({ temporal: { taskQueue: 'q' } })).toEqual([
      'aidp.yml: temporal.taskQueue: unknown key; did you mean "task_queue"?',
    ]);
    expect(await linesFor({ temporall: {} })).toEqual(['aidp.yml: temporall: unknown key; did you mean "temporal"?']);
  });

  it('lists the known keys instead of guessing when nothing is close', async () => {
    expect(await linesFor({ logging: { colour: true } })).toEqual([
      'aidp.yml: logging.colour: unknown key; known keys here: level, format',
    ]);
  });

  it('reports every unknown key, at any depth, including inside lists and TLS objects', async () => {
    expect(
      await linesFor({
        temporal: { tls: { ca: 'x' }, worker: { max_activities: 2 } },
        work_loop: { checks: [{ name: 't', command: 'c', timeoutt: 5 }] },
        extra: 1,
      }),
    ).toEqual([
      'aidp.yml: temporal.tls.ca: unknown key; known keys here: ca_file, cert_file, key_file, server_name',
      'aidp.yml: temporal.worker.max_activities: unknown key; known keys here: max_concurrent_activities, max_concurrent_workflows, shutdown_grace_period',
      'aidp.yml: work_loop.checks[0].timeoutt: unknown key; did you mean "timeout"?',
      'aidp.yml: extra: unknown key; known keys here: temporal, github, agent, work_loop, metrics, logging',
    ]);
  });
});

describe('rules across keys', () => {
  const TWO_CHECKS = [
    { name: 'test', command: 'npm test' },
    { name: 'lint', command: 'npm run lint' },
  ];

  it.each<{ rule: string; raw: unknown; lines: string[] }>([
    {
      rule: 'a TLS client certificate needs its key',
      raw: { temporal: { tls: { cert_file: '/c.pem' } } },
      lines: [
        'aidp.yml: temporal.tls.key_file: missing: temporal.tls.cert_file is set, and a client certificate needs both cert_file and key_file',
      ],
    },
    {
      rule: 'a TLS client key needs its certificate',
      raw: { temporal: { tls: { key_file: '/k.pem' } } },
      lines: [
        'aidp.yml: temporal.tls.cert_file: missing: temporal.tls.key_file is set, and a client certificate needs both cert_file and key_file',
      ],
    },
    {
      rule: 'two checks cannot have the same name',
      raw: { work_loop: { checks: [...TWO_CHECKS, { name: 'test', command: 'npm run test:unit' }] } },
      lines: [
        'aidp.yml: work_loop.checks[2].name: duplicate check name "test" (already used by work_loop.checks[0].name); check names must be unique',
      ],
    },
    {
      rule: 'a step lists only checks that exist, and the closest name is suggested',
      raw: { work_loop: { checks: TWO_CHECKS, steps: { fix: { task: 'Fix it', checks: ['test', 'lnit', 'deploy'] } } } },
      lines: [
        'aidp.yml: work_loop.steps.fix.checks[1]: unknown check "lnit"; did you mean "lint"?',
        'aidp.yml: work_loop.steps.fix.checks[2]: unknown check "deploy"; defined checks: test, lint',
      ],
    },
    {
      rule: 'a step that lists checks is told so when none are defined',
      raw: { work_loop: { steps: { fix: { task: 'Fix it', checks: ['test'] } } } },
      lines: ['aidp.yml: work_loop.steps.fix.checks[0]: unknown check "test"; no checks are defined in work_loop.checks'],
    },
    {
      rule: 'the retry maximum interval is at least the initial interval',
      raw: { temporal: { retry: { initial_interval: '10s', maximum_interval: '5s' } } },
      lines: ['aidp.yml: temporal.retry.maximum_interval: expected at least temporal.retry.initial_interval (10s), got 5s'],
    },
  ])('$rule', async ({ raw, lines }) => {
    expect(await linesFor(raw)).toEqual(lines);
  });

  it('accepts provider "command" without a command at load time (it is needed only when the agent runs)', () => {
    const loaded = resolve({ agent: { provider: 'command' } });

    expect(loaded.config.agent.provider).toBe('command');
    expect(loaded.config.agent.command).toBeUndefined();
  });
});

describe('normalised values', () => {
  it('splits a command string like a shell and keeps an argv list as it is', () => {
    expect(resolve({ agent: { command: `my-agent --prompt-file {promptFile} --model '{model}' -m "a b"` } }).config.agent.command).toEqual([
      'my-agent',
      '--prompt-file',
      '{promptFile}',
      '--model',
      '{model}',
      '-m',
      'a b',
    ]);
    expect(resolve({ agent: { command: ['my agent', '{workspace}'] } }).config.agent.command).toEqual(['my agent', '{workspace}']);
  });

  it('turns tier names into { model } objects and keeps explicit providers', () => {
    expect(resolve({ agent: { tiers: ['small', { model: 'large', provider: 'codex' }] } }).config.agent.tiers).toEqual([
      { model: 'small' },
      { model: 'large', provider: 'codex' },
    ]);
  });

  it('fills check defaults: required, 600 s timeout', () => {
    expect(resolve({ work_loop: { checks: [{ name: 'test', command: 'npm test' }] } }).config.work_loop.checks).toEqual([
      { name: 'test', command: 'npm test', required: true, timeout: 600 },
    ]);
  });

  it('makes TLS file paths from the file absolute, relative to the file', () => {
    const loaded = resolveConfig(
      { temporal: { tls: { ca_file: 'certs/ca.pem', cert_file: '/abs/c.pem', key_file: '../k.pem' } } },
      { filepath: '/project/config/aidp.yml', cwd: '/project', env: {} },
    );

    expect(loaded.config.temporal.tls).toEqual({
      ca_file: '/project/config/certs/ca.pem',
      cert_file: '/abs/c.pem',
      key_file: '/project/k.pem',
    });
  });
});

describe('numeric ranges', () => {
  const DURATION_TO = (max: string) => `a duration from 1ms to ${max} (seconds, or a string like "30s", "10m")`;

  it.each([
    ['temporal.worker.max_concurrent_activities', 1e19, 'an integer from 1 to 10000'],
    ['temporal.worker.max_concurrent_activities', 10001, 'an integer from 1 to 10000'],
    ['temporal.worker.max_concurrent_activities', Number.POSITIVE_INFINITY, 'an integer from 1 to 10000'],
    ['temporal.worker.max_concurrent_workflows', 1, 'an integer from 2 to 10000'],
    ['temporal.retry.maximum_attempts', 2 ** 53, 'an integer from 0 to 10000 (0 means unlimited)'],
    ['temporal.retry.backoff_coefficient', Number.POSITIVE_INFINITY, 'a number from 1 to 100'],
    ['temporal.retry.backoff_coefficient', 101, 'a number from 1 to 100'],
    ['temporal.timeouts.workflow_execution', '3651d', DURATION_TO('3650d')],
    ['temporal.timeouts.activity_start_to_close', 1e300, DURATION_TO('3650d')],
    ['temporal.retry.maximum_interval', Number.POSITIVE_INFINITY, DURATION_TO('3650d')],
    ['temporal.timeouts.activity_heartbeat', 0.0001, DURATION_TO('3650d')],
    ['temporal.worker.shutdown_grace_period', '25d', DURATION_TO('24d')],
    ['agent.timeout', '25d', DURATION_TO('24d')],
    ['agent.timeout', `${'9'.repeat(400)}s`, DURATION_TO('24d')],
    ['work_loop.max_iterations', 1e9, 'an integer from 1 to 10000'],
    ['work_loop.checkpoint_interval', 0, 'an integer from 1 to 10000'],
    ['work_loop.escalate_after', 1e6, 'an integer from 1 to 10000'],
    ['work_loop.escalate_on_no_progress', 0, 'an integer from 1 to 10000'],
    ['work_loop.max_cost_usd', Number.POSITIVE_INFINITY, 'a number greater than 0 and at most 1000000'],
    ['work_loop.max_cost_usd', 1e7, 'a number greater than 0 and at most 1000000'],
    ['work_loop.max_wall_clock', '3651d', DURATION_TO('3650d')],
  ])('%s = %j is refused, saying the range', async (keyPath, value, expected) => {
    const raw: Record<string, Record<string, unknown>> = {};
    const [section, ...rest] = keyPath.split('.');
    let node: Record<string, unknown> = (raw[section!] = {});
    for (const key of rest.slice(0, -1)) node = node[key] = {};
    node[rest[rest.length - 1]!] = value;

    const error = await configErrorOf(() => resolve(raw));

    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({ source: 'aidp.yml', keyPath, expected });
    expect(error.message).toBe(`aidp.yml: ${keyPath}: expected ${expected}, got ${error.issues[0]!.found}`);
  });

  it('refuses ranges inside lists and steps, naming the item', async () => {
    expect(
      await linesFor({
        work_loop: {
          checks: [{ name: 'test', command: 'npm test', timeout: '30d' }],
          steps: { fix: { task: 'Fix it', max_iterations: 20000 } },
        },
      }),
    ).toEqual([
      'aidp.yml: work_loop.checks[0].timeout: expected a duration from 1ms to 24d (seconds, or a string like "30s", "10m"), got "30d"',
      'aidp.yml: work_loop.steps.fix.max_iterations: expected an integer from 1 to 10000, got 20000',
    ]);
  });

  it('refuses 1e19 workers and YAML infinities read from a real file', async () => {
    const root = await tempDir();
    await writeFiles(root, {
      'aidp.yml': [
        'temporal:',
        '  worker:',
        '    max_concurrent_activities: 1e19',
        '    max_concurrent_workflows: .nan',
        '  retry:',
        '    backoff_coefficient: .inf',
        'work_loop:',
        '  max_cost_usd: -.inf',
        '',
      ].join('\n'),
    });

    expect(await errorLines(() => loadConfig({ cwd: root, env: {}, stopDir: root }))).toEqual([
      'aidp.yml: temporal.worker.max_concurrent_activities: expected an integer from 1 to 10000, got 10000000000000000000',
      'aidp.yml: temporal.worker.max_concurrent_workflows: expected an integer from 2 to 10000, got NaN',
      'aidp.yml: temporal.retry.backoff_coefficient: expected a number from 1 to 100, got Infinity',
      'aidp.yml: work_loop.max_cost_usd: expected a number greater than 0 and at most 1000000, got -Infinity',
    ]);
  });

  it('accepts every bound itself', () => {
    const { config } = resolve({
      temporal: {
        worker: { max_concurrent_activities: 10000, max_concurrent_workflows: 2, shutdown_grace_period: '24d' },
        timeouts: { workflow_execution: '3650d', activity_heartbeat: '1ms' },
        retry: { backoff_coefficient: 100, maximum_attempts: 10000, maximum_interval: '3650d' },
      },
      agent: { timeout: '24d' },
      work_loop: { max_iterations: 10000, max_cost_usd: 1000000, checks: [{ name: 't', command: 'c', timeout: '24d' }] },
    });

    expect(config.temporal.worker).toEqual({
      max_concurrent_activities: 10000,
      max_concurrent_workflows: 2,
      shutdown_grace_period: 2_073_600,
    });
    expect(config.temporal.timeouts.workflow_execution).toBe(315_360_000);
    expect(config.temporal.timeouts.activity_heartbeat).toBe(0.001);
    expect(config.temporal.retry).toMatchObject({ backoff_coefficient: 100, maximum_attempts: 10000 });
    expect(config.agent.timeout).toBe(2_073_600);
    expect(config.work_loop).toMatchObject({ max_iterations: 10000, max_cost_usd: 1000000 });
    expect(resolve({ temporal: { retry: { maximum_attempts: 0 } } }).config.temporal.retry.maximum_attempts).toBe(0);
  });
});

describe('work_loop.checks', () => {
  it('refuses an explicit empty list, saying to remove the key to let the agent decide or to add a check', async () => {
    const error = await configErrorOf(() => resolve({ work_loop: { checks: [] } }));

    expect(error.message).toBe(
      'aidp.yml: work_loop.checks: an empty list of checks is not allowed: remove the key to let the agent decide when the work is done (it prints "STATUS: COMPLETE"), or add a check',
    );
    expect(error.issues[0]).toMatchObject({ keyPath: 'work_loop.checks', found: 'an empty list' });
  });

  it('lets the agent decide when the key is left out or has no value', async () => {
    expect(resolve({ work_loop: { max_iterations: 3 } }).config.work_loop.checks).toEqual([]);

    const root = await tempDir();
    await writeFiles(root, { 'aidp.yml': 'work_loop:\n  checks:\n' });
    expect((await loadConfig({ cwd: root, env: {}, stopDir: root })).config.work_loop.checks).toEqual([]);
  });
});
